"""The control plane's search and wait parameters, read and checked in one place.

A reader of the journal, an outbox, one message or the replies narrows what it gets
with parameters (``?status=DELIVERED&number=27825550101``) and may wait for a condition
(``wait=5&count=3``). Over HTTP they come as query-string texts; the Python API passes
the same names as keyword arguments with Python values (``True``, ``3``, a
``datetime``, a list). Either way an unknown name or a bad value is refused
(:class:`~winsms_emulator.errors.Invalid`) with a message naming it, never ignored.

Lists are comma separated (``status=DELIVERED,SENDINGFAILED``) and match any of their
values. ``limit=N`` keeps the newest N matches, still oldest first. Times are ISO-8601
emulator times with their offset (``2025-03-01T10:00:00+02:00`` or ``...Z``; a ``+``
that a query string turned into a space is read back as ``+``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from winsms_emulator.domain.inbound import Reply
from winsms_emulator.domain.results import MessageRecord
from winsms_emulator.errors import DeliveryStatus, Invalid
from winsms_emulator.journal import JournalEntry

T = TypeVar("T")
Params = Mapping[str, Any]

#: The longest a reader may wait, in real seconds (a longer ``wait`` is refused).
MAX_WAIT_SECONDS = 60.0
#: The parameters of a wait, known to every reader that can wait.
WAIT_PARAMETERS = ("wait", "count")
#: Which API a message was sent through (``service``: the Python API; ``optout-confirmation``:
#: the confirmation an opt-out by reply sends).
MESSAGE_APIS = ("xml", "rest", "http", "service", "optout-confirmation")
_TRUE = ("true", "1", "yes")
_FALSE = ("false", "0", "no")


def refuse_unknown(params: Params, known: Sequence[str]) -> None:
    """Refuse any parameter but ``known``, naming the unknown ones and the known ones."""
    unknown = sorted(name for name in params if name not in known)
    if unknown:
        names = ", ".join(repr(n) for n in unknown)
        plural = "s" if len(unknown) > 1 else ""
        raise Invalid(f"unknown parameter{plural} {names}: this read takes {', '.join(known)}")


def _texts(params: Params, name: str) -> list[str] | None:
    value = params.get(name)
    if value is None:
        return None
    items: Iterable[Any] = value if isinstance(value, list | tuple | set | frozenset) else [value]
    found = [part.strip() for item in items for part in str(item).split(",") if part.strip()]
    if not found:
        raise Invalid(f"{name} must not be empty")
    return found


def choices(params: Params, name: str, allowed: Collection[str]) -> frozenset[str] | None:
    """A comma-separated list of values from ``allowed`` (any case)."""
    found = _texts(params, name)
    if found is None:
        return None
    by_lower = {a.lower(): a for a in allowed}
    bad = [v for v in found if v.lower() not in by_lower]
    if bad:
        raise Invalid(f"{name} {bad[0]!r} is not one of {', '.join(allowed)}")
    return frozenset(by_lower[v.lower()] for v in found)


def numbers(params: Params, name: str = "number") -> frozenset[str] | None:
    """Mobile numbers, digits only (a leading ``+`` is dropped)."""
    found = _texts(params, name)
    if found is None:
        return None
    cleaned = [v.removeprefix("+") for v in found]
    bad = next((v for v in cleaned if not (v.isascii() and v.isdigit())), None)
    if bad is not None:
        raise Invalid(f"{name} {bad!r} is not a mobile number (digits only, e.g. 27825550101)")
    return frozenset(cleaned)


def whole(params: Params, name: str, minimum: int, maximum: int | None = None) -> int | None:
    """A whole number from ``minimum`` (to ``maximum``)."""
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, bool):
        raise Invalid(f"{name} must be a whole number, not {value!r}")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise Invalid(f"{name} must be a whole number, not {value!r}") from None
    if number < minimum or (maximum is not None and number > maximum):
        top = f" to {maximum}" if maximum is not None else " or more"
        raise Invalid(f"{name} must be {minimum}{top}, not {number}")
    return number


def flag(params: Params, name: str) -> bool | None:
    """``true`` or ``false`` (also ``1``/``0``, ``yes``/``no``)."""
    value = params.get(name)
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise Invalid(f"{name} must be true or false, not {value!r}")


def moment(params: Params, name: str) -> datetime | None:
    """An ISO-8601 time with its offset."""
    value = params.get(name)
    if value is None or isinstance(value, datetime):
        found = value
    else:
        text = str(value).strip()
        if " " in text and "+" not in text:  # a query string's + read as a space
            text = text[: text.rindex(" ")] + "+" + text[text.rindex(" ") + 1 :]
        try:
            found = datetime.fromisoformat(text)
        except ValueError:
            raise Invalid(
                f"{name} {value!r} is not an ISO-8601 time (e.g. 2025-03-01T10:00:00+02:00)"
            ) from None
    if found is not None and found.tzinfo is None:
        raise Invalid(f"{name} must carry its UTC offset, e.g. 2025-03-01T10:00:00+02:00")
    return found


# -- waiting -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Wait:
    """``wait=<seconds>`` (real seconds, at most :data:`MAX_WAIT_SECONDS`) for at least
    ``count`` matches (``count`` alone checks once, without waiting)."""

    seconds: float
    count: int


def read_wait(params: Params) -> Wait | None:
    """The wait a read asks for, or ``None``: ``wait`` seconds (0 to 60) and ``count``
    (1 or more; 1 when left out). ``count`` without ``wait`` is a wait of 0 seconds."""
    raw = params.get("wait")
    count = whole(params, "count", 1)
    if raw is None:
        return None if count is None else Wait(0.0, count)
    try:
        seconds = float(str(raw).strip()) if not isinstance(raw, bool) else -1.0
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= MAX_WAIT_SECONDS:  # also refuses nan and inf
        raise Invalid(
            f"wait must be a number of seconds from 0 to {MAX_WAIT_SECONDS:g}, not {raw!r}"
        )
    return Wait(seconds, 1 if count is None else count)


def newest(found: list[T], limit: int | None) -> list[T]:
    """The newest ``limit`` of ``found`` (oldest first), or all of them."""
    return found if limit is None else found[len(found) - limit :] if limit else []


def _within(at: datetime, since: datetime | None, until: datetime | None) -> bool:
    return (since is None or at >= since) and (until is None or at <= until)


# -- the journal -------------------------------------------------------------------------------

JOURNAL_FILTERS = (
    "account",
    "api",
    "operation",
    "number",
    "outcome",
    "status",
    "since",
    "until",
    "has_violations",
    "limit",
)


@dataclass(frozen=True)
class JournalQuery:
    """Which journal entries a reader wants (every field left ``None`` matches all)."""

    accounts: frozenset[str] | None = None
    apis: frozenset[str] | None = None
    operations: frozenset[str] | None = None
    numbers: frozenset[str] | None = None
    outcome: str | None = None
    statuses: frozenset[int] | None = None
    since: datetime | None = None
    until: datetime | None = None
    has_violations: bool | None = None
    limit: int | None = None

    def matches(self, e: JournalEntry) -> bool:
        return (
            (self.accounts is None or e.account in self.accounts)
            and (self.apis is None or e.api in self.apis)
            and (self.operations is None or e.operation in self.operations)
            and (self.numbers is None or not self.numbers.isdisjoint(e.numbers))
            and (self.outcome is None or e.outcome.lower().startswith(self.outcome))
            and (self.statuses is None or e.http_status in self.statuses)
            and _within(e.at, self.since, self.until)
            and (self.has_violations is None or bool(e.violations) == self.has_violations)
        )


def journal_query(
    params: Params, apis: Collection[str], operations: Collection[str]
) -> JournalQuery:
    """A journal query from its parameters; ``apis`` and ``operations`` are the names the
    journal can hold."""
    statuses = _texts(params, "status")
    if statuses is not None and not all(s.isascii() and s.isdigit() for s in statuses):
        raise Invalid(
            f"status must be HTTP status codes such as 200 or 404, not {params['status']!r}"
        )
    outcome = params.get("outcome")
    if outcome is not None and not str(outcome).strip():
        raise Invalid("outcome must not be empty")
    accounts = _texts(params, "account")
    return JournalQuery(
        accounts=frozenset(accounts) if accounts is not None else None,
        apis=choices(params, "api", apis),
        operations=choices(params, "operation", operations),
        numbers=numbers(params),
        outcome=str(outcome).strip().lower() if outcome is not None else None,
        statuses=frozenset(int(s) for s in statuses) if statuses is not None else None,
        since=moment(params, "since"),
        until=moment(params, "until"),
        has_violations=flag(params, "has_violations"),
        limit=whole(params, "limit", 0),
    )


# -- an outbox ---------------------------------------------------------------------------------

OUTBOX_FILTERS = ("number", "status", "api", "text", "since", "until", "limit")
MESSAGE_FILTERS = ("status",)


@dataclass(frozen=True)
class MessageQuery:
    """Which of an account's messages a reader wants: by recipient, status (now), the API
    that sent it, a piece of its text (any case), and when it was submitted."""

    numbers: frozenset[str] | None = None
    statuses: frozenset[str] | None = None
    apis: frozenset[str] | None = None
    text: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int | None = None

    def matches(self, record: MessageRecord) -> bool:
        m = record.message
        return (
            (self.numbers is None or m.number in self.numbers)
            and (self.statuses is None or record.state.status.value in self.statuses)
            and (self.apis is None or m.api in self.apis)
            and (self.text is None or self.text in m.text.lower())
            and _within(m.submitted_at, self.since, self.until)
        )


def message_query(params: Params) -> MessageQuery:
    text = params.get("text")
    return MessageQuery(
        numbers=numbers(params),
        statuses=choices(params, "status", [s.value for s in DeliveryStatus]),
        apis=choices(params, "api", MESSAGE_APIS),
        text=str(text).lower() if text is not None else None,
        since=moment(params, "since"),
        until=moment(params, "until"),
        limit=whole(params, "limit", 0),
    )


# -- replies -----------------------------------------------------------------------------------

REPLY_FILTERS = ("number", "returned", "opt_out", "text", "since", "until", "limit")


@dataclass(frozen=True)
class ReplyQuery:
    """Which replies a reader wants: from which numbers, returned to the client or not,
    opt-outs or not, a piece of the text, when received."""

    numbers: frozenset[str] | None = None
    returned: bool | None = None
    opt_out: bool | None = None
    text: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int | None = None

    def matches(self, reply: Reply) -> bool:
        return (
            (self.numbers is None or reply.number in self.numbers)
            and (self.returned is None or (reply.returned_at is not None) == self.returned)
            and (self.opt_out is None or reply.opt_out == self.opt_out)
            and (self.text is None or self.text in reply.message.lower())
            and _within(reply.received_at, self.since, self.until)
        )


def reply_query(params: Params) -> ReplyQuery:
    text = params.get("text")
    return ReplyQuery(
        numbers=numbers(params),
        returned=flag(params, "returned"),
        opt_out=flag(params, "opt_out"),
        text=str(text).lower() if text is not None else None,
        since=moment(params, "since"),
        until=moment(params, "until"),
        limit=whole(params, "limit", 0),
    )


def selected(items: Iterable[T], matches: Callable[[T], bool]) -> list[T]:
    return [item for item in items if matches(item)]
