"""The Python API: the control plane's operations as methods, in process.

>>> emulator = Emulator()                      # manual clock, default account
>>> emulator.create_account(username="shop", password="pw", api_key="shop-key")
>>> with emulator.serve() as url:              # a live server on a free port
...     ...                                    # point the client under test at url
>>> emulator.advance_clock(5)
>>> emulator.outbox("shop")

Every method returns the same JSON-ready dicts the control plane answers, so a
test reads the same way in process and over HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from flask import Flask, got_request_exception
from flask.testing import FlaskClient

from winsms_emulator.accounts_json import account_fields, account_from_json, default_accounts
from winsms_emulator.app import EmulatorConfig, create_app
from winsms_emulator.clock import Clock, make_clock
from winsms_emulator.domain.accounts import Account
from winsms_emulator.errors import DeliveryStatus, Invalid, StatusCode
from winsms_emulator.server import ServerThread
from winsms_emulator.service import Gateway
from winsms_emulator.views import (
    account_json,
    clock_json,
    fault_from_json,
    fault_json,
    journal_json,
    message_json,
    opt_out_json,
    outcome_json,
    quote_json,
    reply_json,
    short_code_json,
)


class Emulator:
    """A WinSMS emulator you drive from Python, with or without a server.

    ``accounts`` are account dicts (the control plane's fields) or
    :class:`Account` objects; without them the default account loads
    (hpotter / w1Zard / hpotter-api-key, 1000.0 credits).
    """

    def __init__(
        self,
        accounts: Iterable[dict[str, Any] | Account] | None = None,
        *,
        clock: str | Clock = "manual",
        strict: bool = False,
        rest_dialect: str = "seed",
        first_message_id: int = 1,
    ) -> None:
        loaded = (
            [a if isinstance(a, Account) else account_from_json(a) for a in accounts]
            if accounts is not None
            else default_accounts()
        )
        the_clock = make_clock(clock) if isinstance(clock, str) else clock
        self.config = EmulatorConfig(strict=strict, rest_dialect=rest_dialect, clock=the_clock.mode)
        self.gateway = Gateway(
            loaded,
            the_clock,
            default_rest_dialect=rest_dialect,
            first_message_id=first_message_id,
        )
        self.app: Flask = create_app(self.gateway, self.config)
        self._server: ServerThread | None = None
        #: Exceptions raised while serving a request (each is also answered 500).
        self.errors: list[BaseException] = []
        got_request_exception.connect(self._remember_error, self.app, weak=False)

    def _remember_error(self, sender: object, exception: BaseException, **_: Any) -> None:
        self.errors.append(exception)

    def raise_errors(self) -> None:
        """Re-raise (once) the first exception a request raised inside the emulator."""
        if self.errors:
            first, self.errors = self.errors[0], []
            raise first

    def client(self) -> FlaskClient:
        """An in-process HTTP client (Flask's test client): no socket, no thread."""
        return self.app.test_client()

    # -- serving ----------------------------------------------------------------------------

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Start a server in a background thread; returns its base URL."""
        if self._server is None:
            self._server = ServerThread(self.app, host, port).start()
        return self._server.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    @contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """Run a live server for the ``with`` block; yields its base URL."""
        url = self.start(host, port)
        try:
            yield url
        finally:
            self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the emulator is not serving: call start() or serve() first")
        return self._server.url

    @property
    def rest_url(self) -> str:
        """Base URL of REST v1 (``.../api/rest/v1``)."""
        return f"{self.url}/api/rest/v1"

    @property
    def xml_url(self) -> str:
        """Base URL of the XML API (``.../api``; append ``/xmlsendsmsmulti.asp``, ...)."""
        return f"{self.url}/api"

    # -- the world ----------------------------------------------------------------------------

    def reset(self, first_message_id: int | None = None, seed: int | None = None) -> None:
        """Back to the start: accounts as loaded, empty queues, first ID, start time.

        ``first_message_id`` starts this run's IDs elsewhere; ``seed`` seeds the
        random source of probabilistic faults.
        """
        self.gateway.reset(first_message_id=first_message_id, seed=seed)

    def reset_account(self, username: str) -> dict[str, Any]:
        """Clear one account's messages, replies and journal; put it back as created."""
        account = self.gateway.reset_account(username)
        return account_json(account, self.gateway.default_rest_dialect)

    def state(self) -> dict[str, Any]:
        """Everything the emulator holds, as the JSON document ``GET /_emulator/state`` gives."""
        return self.gateway.export_state()

    def restore_state(self, state: dict[str, Any]) -> None:
        """Restore a document from :meth:`state` exactly."""
        self.gateway.import_state(state)

    def add_fault(self, kind: str, **fields: Any) -> dict[str, Any]:
        """Inject a fault, e.g. ``add_fault("http_error", status=503, operation="send")``."""
        return fault_json(self.gateway.add_fault(fault_from_json({"kind": kind, **fields})))

    def faults(self) -> list[dict[str, Any]]:
        return [fault_json(f) for f in self.gateway.faults()]

    def clear_faults(self) -> None:
        self.gateway.clear_faults()

    def quote(self, message: str, account: str | None = None, max_parts: int = 6) -> dict[str, Any]:
        """Encoding, parts, length and cost of a text, without sending it."""
        return quote_json(self.gateway.quote(message, account, max_parts))

    def create_account(self, **fields: Any) -> dict[str, Any]:
        """Add an account (the control plane's account fields); returns it."""
        account = self.gateway.create_account(account_from_json(fields))
        return account_json(account, self.gateway.default_rest_dialect)

    def account(self, username: str) -> dict[str, Any]:
        return account_json(self.gateway.get_account(username), self.gateway.default_rest_dialect)

    def update_account(self, username: str, **changes: Any) -> dict[str, Any]:
        """Change some fields, e.g. ``credits=5``, ``locked=True``, ``trial=True``."""
        checked = account_fields(changes, partial=True)
        account = self.gateway.update_account(username, checked)
        return account_json(account, self.gateway.default_rest_dialect)

    def balance(self, username: str) -> float:
        return float(self.gateway.balance(username))

    def outbox(self, username: str) -> list[dict[str, Any]]:
        """Every message the account sent, with state, timeline, parts and cost."""
        return [message_json(r) for r in self.gateway.outbox(username)]

    def replies(self, username: str) -> list[dict[str, Any]]:
        return [reply_json(r) for r in self.gateway.replies(username)]

    def short_code_messages(self, username: str) -> list[dict[str, Any]]:
        return [short_code_json(m) for m in self.gateway.short_code_messages(username)]

    def opt_outs(self, username: str) -> list[dict[str, Any]]:
        return [opt_out_json(o) for o in self.gateway.opt_outs(username)]

    def add_opt_out(self, username: str, number: str) -> dict[str, Any]:
        """Opt a number out by hand (no confirmation message)."""
        return opt_out_json(self.gateway.add_opt_out(username, number))

    def remove_opt_out(self, username: str, number: str) -> None:
        self.gateway.remove_opt_out(username, number)

    def add_dnc(self, number: str) -> None:
        """Put a number on the WASPA Do Not Contact list."""
        self.gateway.add_dnc(number)

    def remove_dnc(self, number: str) -> None:
        self.gateway.remove_dnc(number)

    def add_blacklist(self, number: str) -> None:
        """Blacklist a number: sends to it get FAIL:BADDEST."""
        self.gateway.add_blacklist(number)

    def remove_blacklist(self, number: str) -> None:
        self.gateway.remove_blacklist(number)

    def script_outcome(
        self, number: str, status: str, status_code: int, after_seconds: float = 0
    ) -> dict[str, Any]:
        """Script what delivery to ``number`` ends in, e.g. ``("SENDINGFAILED", 101, 5)``."""
        found_status = DeliveryStatus.lookup(status)
        if found_status is None:
            raise Invalid(f"unknown status {status!r}")
        code = StatusCode.lookup(status_code)
        if code is None:
            raise Invalid(f"{status_code} is not an Appendix B status code")
        outcome = self.gateway.script_outcome(number, found_status, code, after_seconds)
        return outcome_json(number, outcome)

    def inject_reply(self, from_number: str, message: str) -> dict[str, Any]:
        """A handset replies (a trigger word opts it out); returns the reply."""
        return reply_json(self.gateway.inject_reply(from_number, message))

    def inject_short_code_message(
        self, code: str, from_number: str, message: str
    ) -> dict[str, Any]:
        """A handset texts a short/long code."""
        return short_code_json(self.gateway.inject_short_code_message(code, from_number, message))

    # -- time -------------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.gateway.now()

    def clock(self) -> dict[str, Any]:
        return clock_json(self.gateway)

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        """Move emulator time forward (manual clock only)."""
        self.gateway.advance_clock(seconds)
        return clock_json(self.gateway)

    def set_clock(self, moment: datetime) -> dict[str, Any]:
        """Jump to ``moment`` (timezone-aware, not in the past)."""
        self.gateway.set_clock(moment)
        return clock_json(self.gateway)

    # -- the request journal ----------------------------------------------------------------------

    def journal(self, account: str | None = None, api: str | None = None) -> list[dict[str, Any]]:
        """Requests to the WinSMS APIs, oldest first, optionally for one account or API."""
        return [journal_json(e) for e in self.gateway.journal_entries(account, api)]

    def clear_journal(self, account: str | None = None) -> None:
        self.gateway.clear_journal(account)

    def violations(self, account: str | None = None) -> list[dict[str, Any]]:
        """Journal entries whose request broke a published schema (empty for a good client)."""
        return [e for e in self.journal(account) if e["violations"]]

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def default_emulator() -> Emulator:
    """An emulator as the pytest fixture starts it: manual clock, default account."""
    return Emulator(default_accounts())
