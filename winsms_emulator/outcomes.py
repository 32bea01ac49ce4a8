"""The documented outcomes a client can see, in the words of the surface that shows them.

An :class:`Outcome` is one thing an answer can show a client: a per-recipient code, a
whole-request error, an HTTP status, a status value or an Appendix B code a status call
returned, an Appendix C delete result, a listing with items or without, an opt-out by a
trigger word, a message scheduled or sent at once, in one part or several, in GSM 03.38
or UCS-2. Each operation declares, per published shape, its :class:`Universe`: every
outcome it can show, built here from the one outcome table (:mod:`winsms_emulator.errors`),
the Appendix D triggers and the encodings, together with the members of the table it
cannot show and why. Nothing here is a second list: every builder walks its table.

Each surface reads the *facts* of an answered request (short strings, ``family:name``,
one per outcome it showed) with the readers here; the coverage report compares the facts
the journal saw with the universe.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping, Sequence, Sized
from dataclasses import dataclass
from enum import Enum
from http import HTTPStatus
from operator import attrgetter
from typing import Any, Protocol, TypeVar

from winsms_emulator.domain.encoding import Encoding
from winsms_emulator.domain.optout import TRIGGERS, opt_out_trigger
from winsms_emulator.domain.results import DeleteReport, MessageResult, StatusResult
from winsms_emulator.errors import (
    REST_IN_QUEUE,
    REST_UNDELIVERED,
    DeleteResult,
    DeliveryStatus,
    HttpRequestError,
    RequestError,
    SendOutcome,
    StatusCode,
    rest_status_error,
)

E = TypeVar("E", bound=Enum)


class Family(Enum):
    """A kind of outcome. ``template`` words one of its outcomes for people."""

    template: str
    description: str
    prefix: str  # what its facts start with: "http:"

    def __new__(cls, value: str, template: str, description: str) -> Family:
        member = object.__new__(cls)
        member._value_ = value
        member.template = template
        member.description = description
        member.prefix = f"{value}:"
        return member

    HTTP = "http", "HTTP {}", "the HTTP status of the answer"
    ERROR = "error", "{}", "a whole-request error"
    RECIPIENT = "recipient", "{}", "what one recipient of a send got"
    STATUS = "status", "status {}", "a status value a status call returned"
    CODE = "code", "Appendix B {}", "an Appendix B code a status call returned"
    DELETE = "delete", "Appendix C {}", "what deleting a scheduled message did"
    LISTING = "listing", "listing {}", "a listing that returned items, or none"
    OPT_OUT = "opt-out", "opt-out {}", "an opt-out, by its trigger word or by hand, returned"
    SCHEDULE = "schedule", "{}", "a message sent at once or queued for later"
    PARTS = "parts", "{}", "a message sent in one part or in several"
    ENCODING = "encoding", "{}", "a message sent in GSM 03.38 or in UCS-2"
    TRANSFER = "transfer", "transfer {}", "a credit transfer that moved the credits, or not"
    ANSWER = "answer", "{}", "an answer of the operation's own (the HTTP API's name/value pairs)"


def fact(family: Family, name: str) -> str:
    """The fact string of an outcome: ``family:name`` (interned: journals hold many)."""
    return sys.intern(family.prefix + name)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One documented outcome: its family, its name in the surface's words, and the
    member of the outcome table (or other source) it stands for."""

    family: Family
    name: str
    source: Enum | None = None

    @property
    def fact(self) -> str:
        return fact(self.family, self.name)

    @property
    def label(self) -> str:
        """How people read it: ``FAIL:BADDEST``, ``HTTP 413``, ``Appendix B 101``."""
        return self.family.template.format(self.name)


@dataclass(frozen=True)
class Universe:
    """Every outcome one operation can show in one shape, and the members of the outcome
    table it cannot show, each with the reason."""

    outcomes: tuple[Outcome, ...] = ()
    unreachable: tuple[tuple[Enum, str], ...] = ()

    def __add__(self, other: Universe) -> Universe:
        return Universe(self.outcomes + other.outcomes, self.unreachable + other.unreachable)

    @property
    def facts(self) -> tuple[str, ...]:
        return tuple(o.fact for o in self.outcomes)


def _table(
    family: Family,
    table: type[E],
    word: Callable[[E], str],
    unreachable: Mapping[Enum, str],
) -> Universe:
    return Universe(
        tuple(Outcome(family, word(m), m) for m in table if m not in unreachable),
        tuple(unreachable.items()),
    )


# -- the universe, family by family ---------------------------------------------------------

#: Appendix B codes no status answer carries, and why.
NEVER_IN_A_STATUS: Mapping[Enum, str] = {
    StatusCode.BAD_CREDENTIALS: "a bad login is answered as a whole-request error",
}

SCHEDULING = ("immediate", "scheduled")
PARTS = ("single-part", "multi-part")
#: What the opt-out listing says of an opt-out added by hand rather than by a reply.
BY_HAND = "by hand"
LISTING = ("items", "empty")
TRANSFERS = ("successful", "refused")


def http_statuses(statuses: Iterable[int]) -> Universe:
    """HTTP statuses an operation answers, in order."""
    return Universe(
        tuple(Outcome(Family.HTTP, str(s), HTTPStatus(s)) for s in sorted(set(statuses)))
    )


def request_errors(unreachable: Mapping[Enum, str] | None = None) -> Universe:
    """The whole-request errors (:class:`RequestError`), as their values."""
    return _table(Family.ERROR, RequestError, lambda m: m.value, unreachable or {})


def http_request_errors(unreachable: Mapping[Enum, str] | None = None) -> Universe:
    """The HTTP API's whole-request errors (:class:`HttpRequestError`), as its pairs."""
    return _table(Family.ERROR, HttpRequestError, lambda m: m.answer, unreachable or {})


def xml_word(outcome: SendOutcome) -> str:
    """A recipient's outcome as the XML API (and the HTTP API) writes it: its code, or
    ``accepted`` for an ID."""
    return outcome.xml_code or outcome.value


def rest_word(outcome: SendOutcome) -> str:
    """A recipient's ``acceptError`` in REST (``accepted`` for an accepted one)."""
    return outcome.rest_error or outcome.value


def recipients(
    word: Callable[[SendOutcome], str], unreachable: Mapping[Enum, str] | None = None
) -> Universe:
    """Every per-recipient :class:`SendOutcome` (accepted too), in the surface's ``word``."""
    return _table(Family.RECIPIENT, SendOutcome, word, unreachable or {})


def delivery_statuses(unreachable: Mapping[Enum, str] | None = None) -> Universe:
    """Every :class:`DeliveryStatus` a status call returns, as its value."""
    return _table(Family.STATUS, DeliveryStatus, lambda m: m.value, unreachable or {})


def rest_statuses(unreachable: Mapping[Enum, str] | None = None) -> Universe:
    """The current REST shape's ``statusErrorCode`` words: each :class:`DeliveryStatus`'s
    own, ``INQUEUE`` (a queued message) and ``FAILED`` (sent but not delivered)."""
    own = _table(Family.STATUS, DeliveryStatus, lambda m: _shown(m.rest_error), unreachable or {})
    derived = (  # a queued message is NOTFOUND (code -1); an undelivered one SENDINGFAILED
        Outcome(Family.STATUS, REST_IN_QUEUE, DeliveryStatus.NOTFOUND),
        Outcome(Family.STATUS, REST_UNDELIVERED, DeliveryStatus.SENDINGFAILED),
    )
    return own + Universe(derived)


def _shown(word: str) -> str:
    """An empty word on the wire (the current shape's delivered ``""``) as it is written."""
    return word or '""'


def status_codes() -> Universe:
    """Every Appendix B code a status answer can carry."""
    return _table(Family.CODE, StatusCode, lambda m: str(m.value), NEVER_IN_A_STATUS)


def delete_results() -> Universe:
    """Appendix C: every :class:`DeleteResult`."""
    return _table(Family.DELETE, DeleteResult, lambda m: m.value, {})


def sent_messages() -> Universe:
    """What an accepted message was: sent at once or scheduled, in one part or several,
    GSM 03.38 or UCS-2."""
    return Universe(
        (
            *(Outcome(Family.SCHEDULE, name) for name in SCHEDULING),
            *(Outcome(Family.PARTS, name) for name in PARTS),
            *(Outcome(Family.ENCODING, e.value, e) for e in Encoding),
        )
    )


def listing() -> Universe:
    return Universe(tuple(Outcome(Family.LISTING, name) for name in LISTING))


def opt_outs(by_hand: bool = False) -> Universe:
    """Opt-outs by each Appendix D trigger (and, where a listing shows them, by hand)."""
    names = (*TRIGGERS, BY_HAND) if by_hand else TRIGGERS
    return Universe(tuple(Outcome(Family.OPT_OUT, name) for name in names))


def transfers() -> Universe:
    return Universe(tuple(Outcome(Family.TRANSFER, name) for name in TRANSFERS))


# -- the facts of an answer, family by family -------------------------------------------------


_OUTCOME_OF = attrgetter("outcome")


def sent_facts(results: Sequence[MessageResult], word: Callable[[SendOutcome], str]) -> list[str]:
    """What a send showed: each recipient's outcome in the surface's ``word``, and for
    each message with an accepted recipient, its scheduling, parts and encoding."""
    seen: dict[str, None] = {}
    for result in results:
        outcomes = dict.fromkeys(map(_OUTCOME_OF, result.recipients))
        for outcome in outcomes:
            seen[fact(Family.RECIPIENT, word(outcome))] = None
        if SendOutcome.ACCEPTED in outcomes and result.info is not None:
            seen[fact(Family.SCHEDULE, SCHEDULING[result.scheduled])] = None
            seen[fact(Family.PARTS, PARTS[result.info.parts > 1])] = None
            seen[fact(Family.ENCODING, result.info.encoding.value)] = None
    return list(seen)


def status_facts(results: Sequence[StatusResult]) -> list[str]:
    """The status values returned (as the XML API writes them)."""
    return list({fact(Family.STATUS, r.state.status.value): None for r in results})


def rest_status_facts(results: Sequence[StatusResult]) -> list[str]:
    """The current REST shape's ``statusErrorCode`` words returned."""
    return list(
        {
            fact(Family.STATUS, _shown(rest_status_error(r.state.status, r.state.code))): None
            for r in results
        }
    )


def code_facts(results: Sequence[StatusResult]) -> list[str]:
    """The Appendix B codes returned."""
    return list({fact(Family.CODE, str(int(r.state.code))): None for r in results})


def delete_facts(reports: Sequence[DeleteReport]) -> list[str]:
    return list({fact(Family.DELETE, r.result.value): None for r in reports})


def listing_facts(items: Sized) -> list[str]:
    """A listing that returned ``items``."""
    return [fact(Family.LISTING, LISTING[len(items) == 0])]


class Texted(Protocol):
    """A reply, or an opt-out (whose ``message`` is ``None`` when added by hand)."""

    @property
    def message(self) -> str | None: ...


def opt_out_facts(items: Iterable[Texted]) -> list[str]:
    """The opt-outs returned: the trigger of each reply that is one, and each opt-out
    added by hand."""
    seen: dict[str, None] = {}
    for item in items:
        name = BY_HAND if item.message is None else opt_out_trigger(item.message)
        if name is not None:
            seen[fact(Family.OPT_OUT, name)] = None
    return list(seen)


def transfer_facts(moved: bool) -> list[str]:
    return [fact(Family.TRANSFER, TRANSFERS[not moved])]


#: How an operation's facts are read: from the results its handler left, in a shape.
Reader = Callable[[Any, str], Iterable[str]]


def reading(*readers: Callable[[Any], Iterable[str]]) -> Reader:
    """An operation's reader: what each of ``readers`` finds in its results, whatever
    the shape."""

    def read(results: Any, shape: str) -> list[str]:
        return [found for reader in readers for found in reader(results)]

    return read
