"""The Python API: the control plane's operations as methods, in process.

>>> emulator = Emulator()                      # manual clock, default account
>>> emulator.create_account(username="shop", password="pw", api_key="shop-key")
>>> with emulator.serve() as url:              # a live server on a free port
...     ...                                    # point the client under test at url
>>> emulator.advance_clock(5)
>>> emulator.outbox("shop")

Every method reads its arguments as the control plane reads a request body
(:class:`~winsms_emulator.control_plane.ControlPlane`) and returns the same JSON-ready
dicts it answers, so a test reads the same way in process and over HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from flask import Flask, got_request_exception
from flask.testing import FlaskClient

from winsms_emulator.app import create_app
from winsms_emulator.clock import Clock, make_clock
from winsms_emulator.config import EmulatorConfig
from winsms_emulator.control_plane import ControlPlane
from winsms_emulator.control_reads import Reads
from winsms_emulator.coverage import summary
from winsms_emulator.domain.accounts import Account
from winsms_emulator.domain.webhooks import DeliveryPolicy
from winsms_emulator.emulator_waits import Waits
from winsms_emulator.forms.accounts import account_from_json, default_accounts
from winsms_emulator.server import ServerThread
from winsms_emulator.services import Gateway
from winsms_emulator.webhook_plane import WebhookPlane

Json = dict[str, Any]


class Emulator(Waits):
    """A WinSMS emulator you drive from Python, with or without a server.

    ``accounts`` are account dicts (the control plane's fields) or
    :class:`Account` objects; without them the default account loads
    (hpotter / w1Zard / hpotter-api-key, 1000.0 credits). ``webhook_policy``
    (:class:`~winsms_emulator.DeliveryPolicy`) sets the webhook timeout, attempts and
    backoff.
    """

    def __init__(
        self,
        accounts: Iterable[dict[str, Any] | Account] | None = None,
        *,
        clock: str | Clock = "manual",
        strict: bool = False,
        rest_dialect: str = "seed",
        first_message_id: int = 1,
        webhook_policy: DeliveryPolicy | None = None,
    ) -> None:
        loaded = (
            [a if isinstance(a, Account) else account_from_json(a) for a in accounts]
            if accounts is not None
            else default_accounts()
        )
        the_clock = make_clock(clock) if isinstance(clock, str) else clock
        self.config = EmulatorConfig(strict=strict)
        self.gateway = Gateway(
            loaded,
            the_clock,
            default_rest_dialect=rest_dialect,
            first_message_id=first_message_id,
            webhook_policy=webhook_policy,
        )
        self.control = ControlPlane(self.gateway)
        self.reads = Reads(self.gateway)
        self.webhook_control = WebhookPlane(self.gateway)
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

    @property
    def http_url(self) -> str:
        """Base URL of the HTTP (GET) API (``.../api``; append ``/batchmessage.asp``, ...)."""
        return f"{self.url}/api"

    # -- the emulator ---------------------------------------------------------------------------

    def reset(self, first_message_id: int | None = None, seed: int | None = None) -> None:
        """Back to the start: accounts as loaded, empty queues, first ID, start time.

        ``first_message_id`` starts this run's IDs elsewhere; ``seed`` seeds the
        random source of probabilistic faults.
        """
        self.control.reset(_given(first_message_id=first_message_id, seed=seed))

    def state(self) -> Json:
        """Everything the emulator holds, as the JSON document ``GET /_emulator/state`` gives."""
        return self.control.export_state()

    def restore_state(self, state: Json) -> None:
        """Restore a document from :meth:`state` exactly (refused whole when it is not one)."""
        self.control.import_state(state)

    def add_fault(self, kind: str, **fields: Any) -> Json:
        """Inject a fault, e.g. ``add_fault("http_error", status=503, operation="send")``."""
        return self.control.add_fault({"kind": kind, **fields})

    def faults(self) -> list[Json]:
        return self.control.faults()

    def clear_faults(self) -> None:
        self.control.clear_faults()

    def quote(
        self,
        message: str,
        account: str | None = None,
        max_parts: int = 6,
        number: str | None = None,
    ) -> Json:
        """Encoding, parts (where each ends) and cost of a text, at the account's price for
        ``number`` when given, without sending it."""
        fields = _given(message=message, account=account, max_parts=max_parts, number=number)
        return self.control.quote(fields)

    def now(self) -> datetime:
        return self.gateway.now()

    def clock(self) -> Json:
        return self.control.clock()

    def advance_clock(self, seconds: float) -> Json:
        """Move emulator time forward (manual clock only)."""
        return self.control.move_clock({"advance_seconds": seconds})

    def set_clock(self, moment: datetime) -> Json:
        """Jump to ``moment`` (timezone-aware, not in the past)."""
        return self.control.move_clock({"now": moment.isoformat()})

    def journal(
        self, account: str | None = None, api: str | None = None, **filters: Any
    ) -> list[Json]:
        """Requests to the WinSMS APIs (and to paths no endpoint has), oldest first; the
        journal's filters as keyword arguments: ``operation``, ``number``, ``outcome``,
        ``status``, ``since``, ``until``, ``has_violations``, ``limit``."""
        return self.reads.journal(_given(account=account, api=api, **filters))

    def clear_journal(self, account: str | None = None) -> None:
        self.control.clear_journal(account)

    def violations(self, account: str | None = None) -> list[Json]:
        """Journal entries whose request broke a published schema (empty for a good client)."""
        return [e for e in self.journal(account) if e["violations"]]

    def coverage(self, account: str | None = None, since: str | None = None) -> Json:
        """Which documented operations and outcomes the requests exercised and which they
        never did, as ``GET /_emulator/coverage`` answers: since the mark (or ``since``
        ``"start"`` or ``"reset"``), for the whole server or one ``account``."""
        return self.control.coverage(account, since)

    def coverage_summary(self, account: str | None = None, since: str | None = None) -> str:
        """The same report as a few lines of text (what ``--winsms-coverage`` prints)."""
        return "\n".join(summary(self.control.coverage_report(account, since)))

    def mark_coverage(self) -> Json:
        """Begin the coverage report's ``mark`` scope now (a reset does not move it)."""
        return self.control.mark_coverage()

    # -- accounts ---------------------------------------------------------------------------

    def create_account(self, **fields: Any) -> Json:
        """Add an account (the control plane's account fields); returns it."""
        return self.control.create_account(fields)

    def account(self, username: str) -> Json:
        return self.control.account(username)

    def update_account(self, username: str, **changes: Any) -> Json:
        """Change some fields, e.g. ``credits=5``, ``locked=True``, ``trial=True``."""
        return self.control.update_account(username, changes)

    def reset_account(self, username: str) -> Json:
        """Clear one account's messages, replies and journal; put it back as created."""
        return self.control.reset_account(username)

    def balance(self, username: str) -> float:
        return float(self.account(username)["credits"])

    def outbox(self, username: str, **filters: Any) -> list[Json]:
        """Every message the account sent, with state, timeline, parts and cost; filtered
        by ``number``, ``status``, ``api``, ``text``, ``since``, ``until``, ``limit``."""
        return self.reads.outbox(username, _given(**filters))

    def message(self, message_id: int, account: str | None = None) -> Json:
        """One message (one of ``account``'s, when given)."""
        return self.reads.message(message_id, {}, account)

    def replies(self, username: str, **filters: Any) -> list[Json]:
        """The replies the account received; filtered by ``number``, ``returned``,
        ``opt_out``, ``text``, ``since``, ``until``, ``limit``."""
        return self.reads.replies(username, _given(**filters))

    def refused(self, username: str) -> list[Json]:
        """Every recipient the account's sends were refused for (its newest 10,000, oldest
        first): number, text, reason (``BADDEST``, ``OPTEDOUT``...), API, request."""
        return self.control.refused(username)

    def short_code_messages(self, username: str) -> list[Json]:
        return self.control.short_code_messages(username)

    def opt_outs(self, username: str) -> list[Json]:
        return self.control.opt_outs(username)

    def add_opt_out(self, username: str, number: str) -> Json:
        """Opt a number out by hand (no confirmation message)."""
        return self.control.add_opt_out(username, {"number": number})

    def remove_opt_out(self, username: str, number: str) -> None:
        self.control.remove_opt_out(username, number)

    # -- the network -------------------------------------------------------------------------

    def add_dnc(self, number: str) -> None:
        """Put a number on the WASPA Do Not Contact list."""
        self.control.add_dnc({"number": number})

    def remove_dnc(self, number: str) -> None:
        self.control.remove_dnc(number)

    def add_blacklist(self, number: str) -> None:
        """Blacklist a number: sends to it get FAIL:BADDEST."""
        self.control.add_blacklist({"number": number})

    def remove_blacklist(self, number: str) -> None:
        self.control.remove_blacklist(number)

    def script_outcome(
        self, number: str, status: str, status_code: int, after_seconds: float = 0
    ) -> Json:
        """Script what delivery to ``number`` ends in, e.g. ``("SENDINGFAILED", 101, 5)``."""
        return self.control.script_outcome(
            {
                "number": number,
                "status": status,
                "status_code": status_code,
                "after_seconds": after_seconds,
            }
        )

    def inject_reply(self, from_number: str, message: str) -> Json:
        """A handset replies (a trigger word opts it out); returns the reply."""
        return self.control.inject_reply({"from": from_number, "message": message})

    def inject_short_code_message(self, code: str, from_number: str, message: str) -> Json:
        """A handset texts a short/long code."""
        return self.control.inject_short_code_message(
            code, {"from": from_number, "message": message}
        )

    # -- webhooks ---------------------------------------------------------------------------

    def set_webhooks(
        self,
        username: str,
        reply_url: str | None = None,
        delivery_url: str | None = None,
        enabled: bool = True,
    ) -> Json:
        """Set the account's webhooks (a URL left ``None`` is unset); returns the account."""
        settings = {"reply_url": reply_url, "delivery_url": delivery_url, "enabled": enabled}
        return self.update_account(username, webhooks=settings)

    def send_test_webhook(self, username: str, event: str = "reply") -> Json:
        """Queue a test notification of ``event`` (``reply`` or ``delivery``), due now."""
        return self.webhook_control.send_test(username, {"event": event})

    def webhook_deliveries(self, account: str | None = None, event: str | None = None) -> Json:
        """Every webhook attempt (``deliveries``) and the notifications still ``pending``."""
        return self.webhook_control.deliveries(account, event)

    def wait_for_webhook(
        self,
        count: int = 1,
        account: str | None = None,
        event: str | None = None,
        timeout: float = 5.0,
    ) -> list[Json]:
        """The attempts once there are ``count`` (of the account, of the event): raises
        :class:`~winsms_emulator.webhook_plane.WaitTimedOut` when ``timeout`` real seconds
        pass first, and :class:`~winsms_emulator.errors.Conflict` at once when, with the
        manual clock, the next one waits for emulator time."""
        found = self.webhook_control.deliveries(account, event, timeout, count)
        return list(found["deliveries"])

    def sink_url(self, name: str) -> str:
        """The built-in webhook receiver's URL for sink ``name`` (the server must run)."""
        return f"{self.url}/_emulator/webhook-sink/{name}"

    def sink_requests(self, name: str) -> list[Json]:
        """What sink ``name`` received, oldest first."""
        return list(self.webhook_control.sink_requests(name)["requests"])

    def wait_for_sink(self, name: str, count: int = 1, timeout: float = 5.0) -> list[Json]:
        """The sink's requests once there are ``count`` (errors as :meth:`wait_for_webhook`)."""
        return list(self.webhook_control.sink_requests(name, timeout, count)["requests"])

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _given(**fields: Any) -> Json:
    """The fields that were given (``None`` means left out)."""
    return {name: value for name, value in fields.items() if value is not None}


def default_emulator() -> Emulator:
    """An emulator as the pytest fixture starts it: manual clock, default account."""
    return Emulator(default_accounts())
