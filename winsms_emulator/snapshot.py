"""The whole emulator state as JSON-ready data, and back.

Faults, outcomes, replies and short-code messages are written in the control
plane's own form (:mod:`winsms_emulator.views`); the readers here take them back.

``GET /_emulator/state`` exports it, ``PUT /_emulator/state`` restores it
exactly, and ``winsms-emulator serve --state FILE`` starts from it (the files
in ``fixtures/`` are examples). Amounts are written as decimal strings so
nothing is lost to floating point.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from winsms_emulator.accounts_json import (
    ACCOUNT_FIELDS,
    MAX_AMOUNT,
    MAX_DELAY_SECONDS,
    account_fields,
)
from winsms_emulator.clock import LATEST
from winsms_emulator.domain.accounts import Account, LedgerEntry, OptOut
from winsms_emulator.domain.encoding import analyse
from winsms_emulator.domain.inbound import Reply, ShortCodeMessage
from winsms_emulator.domain.messages import FinalOutcome, Message
from winsms_emulator.errors import DeliveryStatus, Invalid, StatusCode
from winsms_emulator.faults import FAULT_KINDS, Fault, FaultBook, FaultMatch, fault_problem
from winsms_emulator.views import outcome_json

FORMAT = "winsms-emulator-state"
VERSION = 1

T = TypeVar("T")


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


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
        "delivery_delay_seconds": account.delivery_delay_seconds,
        "short_codes": list(account.short_codes),
        "rest_dialect": account.rest_dialect,
        "parent": account.parent,
        "account_number": account.account_number,
        "first_name": account.first_name,
        "surname": account.surname,
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
        "outcome": outcome_json(m.number, m.outcome),
        "client_message_id": m.client_message_id,
        "api": m.api,
        "deleted_at": _time(m.deleted_at),
    }


# -- reading -------------------------------------------------------------------------------


class _Reader:
    """Reads one object of a state document, naming where anything is wrong."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise Invalid(f"state: {where} must be an object")
        self.data = data
        self.where = where

    def _get(self, name: str, default: Any = ...) -> Any:
        if name not in self.data:
            if default is ...:
                raise Invalid(f"state: {self.where} has no {name!r}")
            return default
        return self.data[name]

    def _typed(self, name: str, kinds: tuple[type, ...], label: str, default: Any) -> Any:
        value = self._get(name, default)
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
        value = self._get(name)
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

    def items(self, name: str, default: Any = ...) -> list[Any]:
        value = self._get(name, [] if default is ... else default)
        if not isinstance(value, list):
            raise Invalid(f"state: {self.where}.{name} must be a list")
        return value

    def strings(self, name: str) -> tuple[str, ...]:
        values = self.items(name, [])
        if not all(isinstance(v, str) for v in values):
            raise Invalid(f"state: {self.where}.{name} must be a list of strings")
        return tuple(values)

    def numbers(self, name: str) -> tuple[str, ...]:
        """A list of mobile numbers (digit strings)."""
        values = self.strings(name)
        if not all(v.isascii() and v.isdigit() for v in values):
            raise Invalid(f"state: {self.where}.{name} must hold numbers written as digits")
        return values

    def number_text(self, name: str) -> str:
        value = self.text(name)
        if not (value.isascii() and value.isdigit()):
            raise Invalid(f"state: {self.where}.{name} must be a number written as digits")
        return str(value)

    def seconds(self, name: str, default: Any = ...) -> float:
        value = self.number(name, default)
        if value is None or not 0 <= value <= MAX_DELAY_SECONDS:
            raise Invalid(f"state: {self.where}.{name} must be 0 to {MAX_DELAY_SECONDS} seconds")
        return float(value)

    def each(self, name: str, read: Callable[[_Reader], T]) -> list[T]:
        return [
            read(_Reader(item, f"{self.where}.{name}[{i}]"))
            for i, item in enumerate(self.items(name))
        ]


def _outcome(r: _Reader) -> FinalOutcome:
    status = DeliveryStatus.lookup(r.text("status"))
    code = StatusCode.lookup(r.whole("status_code"))
    if status is None or code is None:
        raise Invalid(f"state: {r.where} has an unknown status or status code")
    return FinalOutcome(status, code, timedelta(seconds=r.seconds("after_seconds")))


def _account(r: _Reader) -> Account:
    # an account's settings are checked by the same rules as the control plane's
    config = {name: r.data[name] for name in ACCOUNT_FIELDS if name in r.data}
    try:
        fields = account_fields(config)
    except Invalid as exc:
        raise Invalid(f"state: {r.where}: {exc.message}") from None
    r.decimal("credits")  # present, and not negative
    r.whole("account_number")
    account = Account(**fields)
    for o in r.each(
        "opt_outs",
        lambda x: OptOut(
            x.number_text("number"),
            x.time("at"),
            x.text("source"),
            x.whole("reply_id", None),
            x.text("message", None),
        ),
    ):
        account.opt_outs[o.number] = o
    account.ledger = r.each(
        "ledger",
        lambda x: LedgerEntry(
            x.time("at"),
            x.decimal("amount", signed=True),
            x.text("reason"),
            x.whole("message_id", None),
        ),
    )
    return account


def _message(r: _Reader) -> Message:
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
        outcome=_outcome(_Reader(r.data.get("outcome"), f"{r.where}.outcome")),
        client_message_id=r.text("client_message_id", None),
        api=r.text("api", "service"),
        deleted_at=r.time("deleted_at", None),
    )


def _reply(r: _Reader) -> Reply:
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


def _short_code(r: _Reader) -> ShortCodeMessage:
    return ShortCodeMessage(
        id=r.whole("id"),
        account=r.text("account"),
        code=r.text("code"),
        number=r.number_text("from"),
        message=r.text("message"),
        received_at=r.time("received_at"),
        returned_at=r.time("returned_at", None),
    )


def _fault(r: _Reader) -> Fault:
    kind = r.text("kind")
    if kind not in FAULT_KINDS:
        raise Invalid(f"state: {r.where}.kind must be one of {', '.join(FAULT_KINDS)}")
    m = _Reader(r.data.get("match", {}), f"{r.where}.match")
    fault = Fault(
        id=r.whole("id"),
        kind=kind,
        match=FaultMatch(
            m.text("api", None),
            m.text("path", None),
            m.text("operation", None),
            m.text("account", None),
        ),
        seconds=r.number("seconds", 0.0),
        status=r.whole("status", 503),
        times=r.whole("times", None),
        probability=r.number("probability", None),
        hits=r.whole("hits", 0),
    )
    problem = fault_problem(fault)
    if problem is not None:
        raise Invalid(f"state: {r.where}: {problem}")
    return fault


def read_state(data: Any) -> dict[str, Any]:
    """Check a state document and turn it into the gateway's objects (raises Invalid)."""
    r = _Reader(data, "state")
    if r.text("format", FORMAT) != FORMAT or r.whole("version", VERSION) != VERSION:
        raise Invalid(f"state: not a {FORMAT} document of version {VERSION}")
    accounts = r.each("accounts", _account)
    origins = r.each("origins", _account) if "origins" in data else [a for a in accounts]
    faults_reader = _Reader(r.data.get("faults", {}), "state.faults")
    book = FaultBook(seed=faults_reader.whole("seed", 0))
    book.faults = faults_reader.each("rules", _fault)
    book.next_id = faults_reader.whole("next_id", max((f.id for f in book.faults), default=0) + 1)
    outcomes_reader = _Reader(r.data.get("outcomes", {}), "state.outcomes")
    outcomes = {
        number: _outcome(_Reader(value, f"state.outcomes.{number}"))
        for number, value in outcomes_reader.data.items()
    }
    if not all(n.isascii() and n.isdigit() for n in outcomes):
        raise Invalid("state: state.outcomes must be keyed by numbers written as digits")
    clock = _Reader(r.data.get("clock", {}), "state.clock")
    return {
        "clock_now": clock.time("now", None),
        "clock_start": clock.time("start", None),
        "accounts": accounts,
        "origins": origins,
        "messages": r.each("messages", _message),
        "replies": r.each("replies", _reply),
        "short_code_messages": r.each("short_code_messages", _short_code),
        "dnc": set(r.numbers("dnc")),
        "blacklist": set(r.numbers("blacklist")),
        "outcomes": outcomes,
        "faults": book,
        "next_message_id": r.whole("next_message_id", 1),
        "next_incoming_id": r.whole("next_incoming_id", 1),
        "next_account_number": r.whole("next_account_number", 10001),
    }
