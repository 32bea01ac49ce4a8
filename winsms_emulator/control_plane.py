"""The control plane's operations, JSON in and JSON out, whoever calls them.

The HTTP control plane (``/_emulator/...``, :mod:`winsms_emulator.adapters.control`)
passes request bodies in; the Python API (:class:`~winsms_emulator.Emulator`) passes
its arguments in the same form. Both get the same answers and the same refusals
(:class:`~winsms_emulator.errors.GatewayError`), so a test reads the same way in
process and over HTTP.
"""

from __future__ import annotations

from typing import Any

from winsms_emulator.coverage import Report, report
from winsms_emulator.domain.encoding import MAX_PARTS
from winsms_emulator.domain.text import first_unencodable
from winsms_emulator.errors import Invalid, NotFound
from winsms_emulator.faults import WEBHOOK_APIS, WEBHOOK_OPERATIONS
from winsms_emulator.forms.accounts import (
    account_fields,
    account_from_json,
    account_json,
    opt_out_json,
)
from winsms_emulator.forms.control import (
    clock_json,
    clock_move_from_json,
    fault_from_json,
    fault_json,
    handset_text_from_json,
    outcome_from_json,
    outcome_json,
    quote_json,
    reply_json,
    short_code_json,
)
from winsms_emulator.forms.coverage import report_json
from winsms_emulator.forms.refusals import refusal_json
from winsms_emulator.forms.values import field, iso, mobile_number, only
from winsms_emulator.registry import OPERATIONS, SURFACES
from winsms_emulator.services import Gateway
from winsms_emulator.tally import DEFAULT_SCOPE, SCOPES

Json = dict[str, Any]


class ControlPlane:
    """Every control-plane operation over one gateway."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    def _account(self, account: Any) -> Json:
        return account_json(account, self.gateway.default_rest_dialect)

    # -- the emulator ---------------------------------------------------------------------

    def clock(self) -> Json:
        return clock_json(self.gateway.now(), self.gateway.clock.mode)

    def move_clock(self, body: Any) -> Json:
        """``{"advance_seconds"}`` or ``{"now"}``: move emulator time forward."""
        body = checked(body)
        move = clock_move_from_json(body)
        if isinstance(move, float):
            self.gateway.control.advance_clock(move)
        else:
            self.gateway.control.set_clock(move)
        return self.clock()

    def reset(self, body: Any) -> Json:
        """Back to the start state; ``first_message_id`` and ``seed`` are optional."""
        body = checked(body)
        data = only(body or {}, ("first_message_id", "seed"))
        first = field(data, "first_message_id", int) if "first_message_id" in data else None
        seed = field(data, "seed", int) if "seed" in data else None
        self.gateway.control.reset(first_message_id=first, seed=seed)
        return {"status": "reset", "clock": self.clock()}

    def export_state(self) -> Json:
        return self.gateway.control.export_state()

    def import_state(self, body: Any) -> Json:
        """Restore a saved state (the world checks every text it keeps as it loads)."""
        if not isinstance(body, dict):
            raise Invalid("the request body must be a state document (a JSON object)")
        self.gateway.control.import_state(body)
        return {"status": "restored", "clock": self.clock()}

    def quote(self, body: Any) -> Json:
        """What a text would cost: encoding, parts, length, and what forced UCS-2."""
        body = checked(body)
        data = only(body, ("message", "account", "max_parts", "number"))
        account = data.get("account")
        if account is not None and not isinstance(account, str):
            raise Invalid("field 'account' must be a username")
        max_parts = field(data, "max_parts", int) if "max_parts" in data else MAX_PARTS
        number = mobile_number(data["number"]) if data.get("number") is not None else None
        quote = self.gateway.accounts.quote(field(data, "message"), account, max_parts, number)
        return quote_json(quote)

    def faults(self) -> list[Json]:
        return [fault_json(f) for f in self.gateway.control.faults()]

    def add_fault(self, body: Any) -> Json:
        """Inject a fault; its ``match.operation`` must name an operation of the registry
        (on ``match.api``, when that is given), so a misspelt one is refused."""
        body = checked(body)
        fault = fault_from_json(body)
        wanted = fault.match
        names = sorted({op.name for op in OPERATIONS if wanted.api in (None, op.surface)})
        names = sorted(WEBHOOK_OPERATIONS[wanted.api]) if wanted.api in WEBHOOK_APIS else names
        if wanted.operation is not None and wanted.operation not in names:
            raise Invalid(f"match.operation must be one of {', '.join(names)}")
        return fault_json(self.gateway.control.add_fault(fault))

    def clear_faults(self) -> None:
        self.gateway.control.clear_faults()

    def clear_journal(self, account: str | None = None) -> None:
        self.gateway.journal.clear(account)

    # -- coverage ---------------------------------------------------------------------------

    def coverage_report(self, account: str | None = None, since: str | None = None) -> Report:
        """Which documented operations and outcomes the requests exercised and which they
        never did: since the mark (``since``: or since the ``start`` or the last
        ``reset``), for the whole server or one ``account``."""
        scope = DEFAULT_SCOPE if since is None else since
        if scope not in SCOPES:
            raise Invalid(f"since must be one of {', '.join(SCOPES)}")
        if scope == "mark" and not self.gateway.coverage.marked:
            scope = "start"  # no mark yet: the report says it covers everything
        if account is not None and account not in self.coverage_accounts():
            raise NotFound(f"no account named {account!r}")
        return report(SURFACES, self.gateway.coverage.tally(scope), scope, account)

    def coverage(self, account: str | None = None, since: str | None = None) -> Json:
        return report_json(self.coverage_report(account, since))

    def mark_coverage(self) -> Json:
        """Begin the ``mark`` scope of the coverage report now."""
        now = self.gateway.now()
        self.gateway.coverage.mark(now)
        return {"mark": iso(now)}

    def coverage_accounts(self) -> set[str]:
        """The accounts a coverage report can be asked for: those that exist, and those
        requests were counted for (since removed by a reset or a restored state)."""
        return {a.username for a in self.gateway.accounts.all()} | self.gateway.coverage.accounts()

    # -- accounts ---------------------------------------------------------------------------

    def accounts(self) -> list[Json]:
        return [self._account(a) for a in self.gateway.accounts.all()]

    def create_account(self, body: Any) -> Json:
        body = checked(body)
        return self._account(self.gateway.accounts.create(account_from_json(body or {})))

    def account(self, username: str) -> Json:
        return self._account(self.gateway.accounts.get(username))

    def update_account(self, username: str, body: Any) -> Json:
        """Change some fields (the world refuses those that cannot change)."""
        body = checked(body)
        changes = account_fields(body if body is not None else {}, partial=True)
        return self._account(self.gateway.accounts.update(username, changes))

    def reset_account(self, username: str) -> Json:
        return self._account(self.gateway.accounts.reset(username))

    def refused(self, username: str) -> list[Json]:
        return [refusal_json(r) for r in self.gateway.accounts.refused(username)]

    def short_code_messages(self, username: str) -> list[Json]:
        return [short_code_json(m) for m in self.gateway.accounts.short_code_messages(username)]

    def opt_outs(self, username: str) -> list[Json]:
        return [opt_out_json(o) for o in self.gateway.accounts.opt_outs(username)]

    def add_opt_out(self, username: str, body: Any) -> Json:
        body = checked(body)
        number = _number(body)
        return opt_out_json(self.gateway.accounts.add_opt_out(username, number))

    def remove_opt_out(self, username: str, number: str) -> None:
        self.gateway.accounts.remove_opt_out(username, number)

    # -- the network ---------------------------------------------------------------------------

    def dnc(self) -> list[str]:
        return self.gateway.network.dnc()

    def add_dnc(self, body: Any) -> Json:
        body = checked(body)
        number = _number(body)
        self.gateway.network.add_dnc(number)
        return {"number": number}

    def remove_dnc(self, number: str) -> None:
        self.gateway.network.remove_dnc(number)

    def blacklist(self) -> list[str]:
        return self.gateway.network.blacklist()

    def add_blacklist(self, body: Any) -> Json:
        body = checked(body)
        number = _number(body)
        self.gateway.network.add_blacklist(number)
        return {"number": number}

    def remove_blacklist(self, number: str) -> None:
        self.gateway.network.remove_blacklist(number)

    def outcomes(self) -> list[Json]:
        return [outcome_json(n, o) for n, o in sorted(self.gateway.network.outcomes().items())]

    def script_outcome(self, body: Any) -> Json:
        body = checked(body)
        number, outcome = outcome_from_json(body)
        return outcome_json(number, self.gateway.network.script_outcome(number, outcome))

    def clear_outcome(self, number: str) -> None:
        self.gateway.network.clear_outcome(number)

    def inject_reply(self, body: Any) -> Json:
        body = checked(body)
        number, text = handset_text_from_json(body)
        return reply_json(self.gateway.network.inject_reply(number, text))

    def inject_short_code_message(self, code: str, body: Any) -> Json:
        body = checked(body)
        number, text = handset_text_from_json(body)
        return short_code_json(self.gateway.network.inject_short_code_message(code, number, text))


def checked(body: Any) -> Any:
    """``body`` if every text in it can be kept (:mod:`~winsms_emulator.domain.text`)."""
    reason = first_unencodable(body)
    if reason is not None:
        raise Invalid(reason)
    return body


def _number(body: Any) -> str:
    """The ``{"number"}`` body of a list entry."""
    return mobile_number(field(only(body, ("number",)), "number"))
