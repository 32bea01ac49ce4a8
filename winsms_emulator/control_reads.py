"""The control plane's searches and waits: the request journal, an account's outbox, one
message and the replies, narrowed by filters (:mod:`winsms_emulator.forms.queries`) and
optionally waited for (``wait=<seconds>`` with ``count=N`` or a ``status``).

A wait answers as soon as its condition holds. When its time is up it raises
:class:`~winsms_emulator.errors.WaitTimedOut` (HTTP 408) with what it saw last; with the
manual clock, a condition that only emulator time can bring raises
:class:`~winsms_emulator.errors.NeedsEmulatorTime` (HTTP 409) at once, saying when it
would hold. Both the HTTP control plane and the Python API use these.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from winsms_emulator.domain.results import MessageRecord
from winsms_emulator.domain.webhooks import EVENTS
from winsms_emulator.domain.world import World
from winsms_emulator.errors import NeedsEmulatorTime, NotFound, WaitTimedOut
from winsms_emulator.forms.control import journal_json, message_json, reply_json
from winsms_emulator.forms.queries import (
    JOURNAL_FILTERS,
    MESSAGE_FILTERS,
    OUTBOX_FILTERS,
    REPLY_FILTERS,
    WAIT_PARAMETERS,
    Params,
    Wait,
    journal_query,
    message_query,
    newest,
    read_wait,
    refuse_unknown,
    reply_query,
)
from winsms_emulator.forms.values import iso
from winsms_emulator.journal import UNKNOWN_OPERATION
from winsms_emulator.operations import SURFACE_NAMES
from winsms_emulator.registry import OPERATIONS
from winsms_emulator.services import Gateway
from winsms_emulator.services.waiting import Condition, Waited, wait_until

Json = dict[str, Any]
T = TypeVar("T")
#: What the journal files its entries under: the WinSMS APIs, the emulator's webhook
#: attempts, and for a path no endpoint has, ``control`` (under ``/_emulator/``) or
#: ``unknown``.
JOURNAL_APIS = (*SURFACE_NAMES, "webhook", "control", "unknown")
JOURNAL_OPERATIONS = (
    *sorted({op.name for op in OPERATIONS} | set(EVENTS)),
    UNKNOWN_OPERATION,
)


class Reads:
    """Searches and waits over one gateway; ``params`` as :mod:`~.forms.queries` reads them."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    def journal(self, params: Params) -> list[Json]:
        """The journal entries that match, oldest first (``limit``: the newest N)."""
        refuse_unknown(params, (*JOURNAL_FILTERS, *WAIT_PARAMETERS))
        query = journal_query(params, JOURNAL_APIS, JOURNAL_OPERATIONS)
        journal = self.gateway.journal

        def read(world: World, now: datetime) -> list[Any]:
            return [e for e in journal.entries() if query.matches(e)]

        def describe(world: World, now: datetime) -> str:
            return f"the journal holds {len(journal.entries())} requests in all"

        found = self._waited(params, read, journal_json, "requests", describe)
        return [journal_json(e) for e in newest(found, query.limit)]

    def outbox(self, username: str, params: Params) -> list[Json]:
        """The account's messages that match (their status read now), oldest first."""
        refuse_unknown(params, (*OUTBOX_FILTERS, *WAIT_PARAMETERS))
        query = message_query(params)

        def read(world: World, at: datetime) -> list[MessageRecord]:
            found = (MessageRecord.of(m, at) for m in world.outbox(username))
            return [r for r in found if query.matches(r)]

        def moments(world: World, now: datetime) -> Iterable[datetime]:
            return (t for m in world.outbox(username) for t in m.changes())

        def describe(world: World, now: datetime) -> str:
            everything = Counter(m.state_at(now).status.value for m in world.outbox(username))
            listed = ", ".join(f"{n} {s}" for s, n in sorted(everything.items())) or "none"
            return f"the account's messages now: {listed}"

        self.gateway.accounts.get(username)  # 404 before any wait
        records = self._waited(params, read, message_json, "messages", describe, moments)
        return [message_json(r) for r in newest(records, query.limit)]

    def message(self, message_id: int, params: Params, username: str | None = None) -> Json:
        """One message (of ``username``, when given); ``wait`` with ``status`` waits for it
        to have one of those statuses (``status`` alone checks once)."""
        refuse_unknown(params, (*MESSAGE_FILTERS, "wait"))
        query = message_query(params)
        wait = read_wait(params)
        if wait is None and query.statuses is not None:  # a condition alone: checked once
            wait = Wait(0.0, 1)
        record = self.gateway.accounts.message(message_id)
        if username is not None and record.message.account != username:
            self.gateway.accounts.get(username)
            raise NotFound(f"message {message_id} is not one of {username}'s")
        if wait is None:
            return message_json(record)

        def read(world: World, at: datetime) -> MessageRecord:
            return MessageRecord.of(world.messages[message_id], at)

        condition = Condition(read, query.matches, lambda w, now: w.messages[message_id].changes())
        waited = wait_until(self.gateway.core, condition, wait.seconds)
        state = message_json(waited.seen)
        if waited.held:
            return state
        wanted = f"message {message_id} to have status {params.get('status')}"
        now = f"it is {state['status']} ({state['status_code']})"
        _refuse(waited, wait, wanted, now, {"current": state})
        return state

    def replies(self, username: str, params: Params) -> list[Json]:
        """The replies the account received that match, oldest first."""
        refuse_unknown(params, (*REPLY_FILTERS, *WAIT_PARAMETERS))
        query = reply_query(params)

        def read(world: World, now: datetime) -> list[Any]:
            return [r.copy() for r in world.replies_of(username) if query.matches(r)]

        def describe(world: World, now: datetime) -> str:
            return f"the account has {len(world.replies_of(username))} replies in all"

        self.gateway.accounts.get(username)
        found = self._waited(params, read, reply_json, "replies", describe)
        return [reply_json(r) for r in newest(found, query.limit)]

    def _waited(
        self,
        params: Params,
        read: Callable[[World, datetime], list[T]],
        render: Callable[[T], Json],
        noun: str,
        describe: Callable[[World, datetime], str],
        moments: Callable[[World, datetime], Iterable[datetime]] | None = None,
    ) -> list[T]:
        """What ``read`` finds, after the wait ``params`` ask for (none: at once)."""
        wait = read_wait(params)
        if wait is None:
            with self.gateway.core.session() as (world, now):
                return read(world, now)
        count = wait.count
        condition = Condition(read, lambda found: len(found) >= count)
        if moments is not None:
            condition = Condition(read, condition.holds, moments)
        waited = wait_until(self.gateway.core, condition, wait.seconds)
        if waited.held:
            return waited.seen
        with self.gateway.core.session() as (world, now):
            context = describe(world, now)
        filters = _filters(params)
        wanted = f"{_counted(count, noun)}{' with ' + filters if filters else ''}"
        seen = f"{len(waited.seen)} so far; {context}"
        _refuse(waited, wait, wanted, seen, {noun: [render(x) for x in waited.seen]})
        return waited.seen  # never reached: _refuse raises


def _refuse(waited: Waited[Any], wait: Wait, wanted: str, seen: str, state: Json) -> None:
    if waited.holds_at is not None:
        seconds = (waited.holds_at - waited.at).total_seconds()
        raise NeedsEmulatorTime(
            f"waiting for {wanted} needs emulator time: the clock is manual and it would "
            f"hold at {iso(waited.holds_at)}, {seconds:g} s from now; advance the clock "
            f'(POST /_emulator/clock {{"advance_seconds": {seconds:g}}}) instead ({seen})',
            state,
        )
    raise WaitTimedOut(f"waited {wait.seconds:g} s for {wanted}: {seen}", state)


_ONE = {"messages": "message", "requests": "request", "replies": "reply"}


def _counted(count: int, noun: str) -> str:
    return f"{count} {_ONE.get(noun, noun) if count == 1 else noun}"


def _filters(params: Params) -> str:
    return ", ".join(f"{k}={_text(v)}" for k, v in params.items() if k not in WAIT_PARAMETERS)


def _text(value: Any) -> str:
    if isinstance(value, Sequence) and not isinstance(value, str):
        return ",".join(str(v) for v in value)
    return value.isoformat() if isinstance(value, datetime) else str(value)
