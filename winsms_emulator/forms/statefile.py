"""Each object's form in a saved-state document (``GET``/``PUT /_emulator/state``,
``serve --state FILE``). Amounts are decimal strings and times ISO-8601 with their
offset, so a document restores exactly; reading names the place of anything wrong."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from winsms_emulator.clock import LATEST
from winsms_emulator.domain.accounts import MAX_AMOUNT, Account, Ledger, LedgerEntry, OptOut
from winsms_emulator.domain.encoding import analyse
from winsms_emulator.domain.inbound import Reply, ShortCodeMessage
from winsms_emulator.domain.messages import MAX_DELAY_SECONDS, FinalOutcome, Message
from winsms_emulator.domain.sending import DISPATCH_REFUSALS
from winsms_emulator.errors import DeliveryStatus, Invalid, StatusCode
from winsms_emulator.faults import Fault
from winsms_emulator.forms.accounts import ACCOUNT_FIELDS, account_fields
from winsms_emulator.forms.control import fault_from_json, fault_json
from winsms_emulator.forms.values import is_digits
from winsms_emulator.forms.webhooks import webhooks_json

T = TypeVar("T")


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


# -- writing -------------------------------------------------------------------------------


def account_to_state(account: Account) -> dict[str, Any]:
    return {
        "username": account.username,
        "password": account.password,
        "api_key": account.api_key,
        "credits": str(account.credits),
        "trial": account.trial,
        "own_numbers": list(account.own_numbers),
        "locked": account.locked,
        "dnc_bypass": account.dnc_bypass,
        "price_per_part": str(account.price_per_part),
        "prices": {prefix: str(price) for prefix, price in account.price_table().items()},
        "delivery_delay_seconds": account.delivery_delay_seconds,
        "short_codes": list(account.short_codes),
        "rest_dialect": account.rest_dialect,
        "parent": account.parent,
        "account_number": account.account_number,
        "first_name": account.first_name,
        "surname": account.surname,
        "webhooks": webhooks_json(account.webhooks),
        "opt_outs": [
            {
                "number": o.number,
                "at": _time(o.at),
                "source": o.source,
                "reply_id": o.reply_id,
                "message": o.message,
            }
            for o in account.opt_outs.values()
        ],
        "ledger": [
            {
                "at": _time(e.at),
                "amount": str(e.amount),
                "reason": e.reason,
                "message_id": e.message_id,
            }
            for e in account.ledger
        ],
    }


def outcome_to_state(number: str, outcome: FinalOutcome) -> dict[str, Any]:
    return {
        "number": number,
        "status": outcome.status.value,
        "status_code": int(outcome.code),
        "after_seconds": outcome.after.total_seconds(),
    }


def message_to_state(m: Message) -> dict[str, Any]:
    return {
        "id": m.id,
        "account": m.account,
        "number": m.number,
        "text": m.text,
        "cost": str(m.cost),
        "submitted_at": _time(m.submitted_at),
        "dispatch_at": _time(m.dispatch_at),
        "scheduled": m.scheduled,
        "outcome": outcome_to_state(m.number, m.outcome),
        "client_message_id": m.client_message_id,
        "api": m.api,
        "deleted_at": _time(m.deleted_at),
        "refused": int(m.refused) if m.refused is not None else None,
        "request_id": m.request_id,
    }


def reply_to_state(r: Reply) -> dict[str, Any]:
    return {
        "id": r.id,
        "account": r.account,
        "from": r.number,
        "message": r.message,
        "received_at": _time(r.received_at),
        "sent_message_id": r.sent_message_id,
        "opt_out": r.opt_out,
        "returned": r.returned_at is not None,
        "returned_at": _time(r.returned_at),
    }


def short_code_to_state(m: ShortCodeMessage) -> dict[str, Any]:
    return {
        "id": m.id,
        "account": m.account,
        "code": m.code,
        "from": m.number,
        "message": m.message,
        "received_at": _time(m.received_at),
        "returned": m.returned_at is not None,
        "returned_at": _time(m.returned_at),
    }


def fault_to_state(fault: Fault) -> dict[str, Any]:
    return fault_json(fault)


# -- reading -------------------------------------------------------------------------------


class Reader:
    """Reads one object of a state document, naming where anything is wrong.

    ``fields`` are the keys the object may have; any other is refused.
    """

    def __init__(self, data: Any, where: str, fields: frozenset[str] | None = None) -> None:
        if not isinstance(data, dict):
            raise Invalid(f"state: {where} must be an object")
        if fields is not None:
            unknown = sorted(set(data) - fields)
            if unknown:
                raise Invalid(f"state: {where} has unknown field(s): {', '.join(unknown)}")
        self.data = data
        self.where = where

    def get(self, name: str, default: Any = ...) -> Any:
        if name not in self.data:
            if default is ...:
                raise Invalid(f"state: {self.where} has no {name!r}")
            return default
        return self.data[name]

    def _typed(self, name: str, kinds: tuple[type, ...], label: str, default: Any) -> Any:
        value = self.get(name, default)
        if value is None and default is None:
            return None
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            raise Invalid(f"state: {self.where}.{name} must be {label}")
        return value

    def text(self, name: str, default: Any = ...) -> Any:
        return self._typed(name, (str,), "a string", default)

    def whole(self, name: str, default: Any = ...) -> Any:
        return self._typed(name, (int,), "a whole number", default)

    def flag(self, name: str, default: Any = ...) -> Any:
        return self._typed(name, (bool,), "true or false", default)

    def number(self, name: str, default: Any = ...) -> Any:
        value = self._typed(name, (int, float), "a number", default)
        return None if value is None else float(value)

    def decimal(self, name: str, *, signed: bool = False) -> Decimal:
        """An amount; only a ledger movement (``signed``) may be negative."""
        value = self.get(name)
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise Invalid(f"state: {self.where}.{name} must be a decimal amount") from None
        if isinstance(value, bool) or not amount.is_finite() or abs(amount) > MAX_AMOUNT:
            raise Invalid(f"state: {self.where}.{name} must be a decimal amount")
        if amount < 0 and not signed:
            raise Invalid(f"state: {self.where}.{name} must not be negative")
        return amount

    def time(self, name: str, default: Any = ...) -> Any:
        text = self.text(name, default)
        if text is None:
            return None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise Invalid(f"state: {self.where}.{name} is not an ISO-8601 time") from None
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise Invalid(f"state: {self.where}.{name} must carry its UTC offset")
        if moment > LATEST:
            raise Invalid(f"state: {self.where}.{name} is after {LATEST.isoformat()}")
        return moment

    def items(self, name: str) -> list[Any]:
        value = self.get(name)
        if not isinstance(value, list):
            raise Invalid(f"state: {self.where}.{name} must be a list")
        return value

    def numbers(self, name: str) -> tuple[str, ...]:
        """A list of mobile numbers (digit strings)."""
        values = self.items(name)
        if not all(is_digits(v) for v in values):
            raise Invalid(f"state: {self.where}.{name} must hold numbers written as digits")
        return tuple(values)

    def number_text(self, name: str) -> str:
        value = self.text(name)
        if not is_digits(value):
            raise Invalid(f"state: {self.where}.{name} must be a number written as digits")
        return str(value)

    def seconds(self, name: str) -> float:
        value = self.number(name)
        if not 0 <= value <= MAX_DELAY_SECONDS:
            raise Invalid(f"state: {self.where}.{name} must be 0 to {MAX_DELAY_SECONDS} seconds")
        return float(value)

    def each(self, name: str, read: Callable[[Any, str], T]) -> list[T]:
        return [read(item, f"{self.where}.{name}[{i}]") for i, item in enumerate(self.items(name))]


_OPT_OUT_FIELDS = frozenset({"number", "at", "source", "reply_id", "message"})
_LEDGER_FIELDS = frozenset({"at", "amount", "reason", "message_id"})
# "number" (outcomes) and "returned" (replies, short-code messages) repeat what the
# document says elsewhere, for a person reading it: they are written but not read back.
_OUTCOME_FIELDS = frozenset({"status", "status_code", "after_seconds", "number"})
_MESSAGE_FIELDS = frozenset(
    {"id", "account", "number", "text", "cost", "submitted_at", "dispatch_at", "scheduled"}
    | {"outcome", "client_message_id", "api", "deleted_at", "refused", "request_id"}
)
_REPLY_FIELDS = frozenset(
    {"id", "account", "from", "message", "received_at", "sent_message_id", "opt_out"}
    | {"returned_at", "returned"}
)
_SHORT_CODE_FIELDS = frozenset(
    {"id", "account", "code", "from", "message", "received_at", "returned_at", "returned"}
)


def outcome_from_state(data: Any, where: str) -> FinalOutcome:
    r = Reader(data, where, _OUTCOME_FIELDS)
    status = DeliveryStatus.lookup(r.text("status"))
    code = StatusCode.lookup(r.whole("status_code"))
    if status is None or code is None:
        raise Invalid(f"state: {where} has an unknown status or status code")
    return FinalOutcome(status, code, timedelta(seconds=r.seconds("after_seconds")))


def _opt_out(data: Any, where: str) -> OptOut:
    r = Reader(data, where, _OPT_OUT_FIELDS)
    return OptOut(
        r.number_text("number"),
        r.time("at"),
        r.text("source"),
        r.whole("reply_id", None),
        r.text("message", None),
    )


def _ledger_entry(data: Any, where: str) -> LedgerEntry:
    r = Reader(data, where, _LEDGER_FIELDS)
    return LedgerEntry(
        r.time("at"),
        r.decimal("amount", signed=True),
        r.text("reason"),
        r.whole("message_id", None),
    )


def account_from_state(data: Any, where: str) -> Account:
    r = Reader(data, where, ACCOUNT_FIELDS | {"opt_outs", "ledger"})
    # an account's settings are checked by the same rules as the control plane's
    try:
        fields = account_fields({n: v for n, v in r.data.items() if n in ACCOUNT_FIELDS})
    except Invalid as exc:
        raise Invalid(f"state: {where}: {exc.message}") from None
    r.decimal("credits")  # present, and not negative
    r.whole("account_number")
    account = Account(**fields)
    for opt_out in r.each("opt_outs", _opt_out):
        account.opt_outs[opt_out.number] = opt_out
    account.ledger = Ledger(r.each("ledger", _ledger_entry))
    return account


def message_from_state(data: Any, where: str) -> Message:
    r = Reader(data, where, _MESSAGE_FIELDS)
    text = r.text("text")
    return Message(
        id=r.whole("id"),
        account=r.text("account"),
        number=r.number_text("number"),
        text=text,
        info=analyse(text),
        cost=r.decimal("cost"),
        submitted_at=r.time("submitted_at"),
        dispatch_at=r.time("dispatch_at"),
        scheduled=r.flag("scheduled"),
        outcome=outcome_from_state(r.get("outcome"), f"{where}.outcome"),
        client_message_id=r.text("client_message_id", None),
        api=r.text("api", "service"),
        deleted_at=r.time("deleted_at", None),
        refused=_refusal(r),
        request_id=r.whole("request_id", None),
    )


def _refusal(r: Reader) -> StatusCode | None:
    value = r.whole("refused", None)
    if value is None:
        return None
    code = StatusCode.lookup(value)
    if code is None or code not in DISPATCH_REFUSALS:
        raise Invalid(f"state: {r.where}.refused is not a code a message is refused with")
    return code


def reply_from_state(data: Any, where: str) -> Reply:
    r = Reader(data, where, _REPLY_FIELDS)
    return Reply(
        id=r.whole("id"),
        account=r.text("account"),
        number=r.number_text("from"),
        message=r.text("message"),
        received_at=r.time("received_at"),
        sent_message_id=r.whole("sent_message_id"),
        opt_out=r.flag("opt_out", False),
        returned_at=r.time("returned_at", None),
    )


def short_code_from_state(data: Any, where: str) -> ShortCodeMessage:
    r = Reader(data, where, _SHORT_CODE_FIELDS)
    return ShortCodeMessage(
        id=r.whole("id"),
        account=r.text("account"),
        code=r.text("code"),
        number=r.number_text("from"),
        message=r.text("message"),
        received_at=r.time("received_at"),
        returned_at=r.time("returned_at", None),
    )


def fault_from_state(data: Any, where: str) -> Fault:
    try:
        return fault_from_json(data, saved=True)
    except Invalid as exc:
        raise Invalid(f"state: {where}: {exc.message}") from None
