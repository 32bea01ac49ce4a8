"""Where the world keeps its outgoing messages: one column per field.

A stored message is a row: its ID in an array of whole numbers, its flags in a byte, its
other fields in :class:`~winsms_emulator.domain.columns.Column` s (equal texts
descriptions, outcomes and costs kept once). So a million stored messages leave the
garbage collector almost nothing to look at, and cost a few hundred bytes each.
A :class:`~winsms_emulator.domain.messages.Message` is made on reading, as a snapshot:
changing one changes nothing stored (:meth:`MessageStore.delete` and
:meth:`MessageStore.refuse` do).

Rows are only added. A message forgotten (its account reset) keeps its row, marked gone;
IDs only grow, so a row is found from its ID by bisection.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Generic, TypeVar

from winsms_emulator.domain.columns import Column, Interner
from winsms_emulator.domain.encoding import TextInfo
from winsms_emulator.domain.messages import FinalOutcome, Message
from winsms_emulator.errors import StatusCode

_GONE = 1
_SCHEDULED = 2

V = TypeVar("V")


class _Table(Generic[V]):
    """Distinct values, each with its number (so a column holds small numbers)."""

    __slots__ = ("_last", "_last_number", "_numbers", "values")

    def __init__(self) -> None:
        self.values: list[V] = []
        self._numbers: dict[V, int] = {}
        self._last: object = None
        self._last_number = 0

    def number(self, value: V) -> int:
        if value is self._last:  # a batch hands over the same object again and again
            return self._last_number
        found = self._numbers.get(value)
        if found is None:
            found = self._numbers[value] = len(self.values)
            self.values.append(value)
        self._last, self._last_number = value, found
        return found

    def copy(self) -> _Table[V]:
        twin: _Table[V] = _Table()
        twin.values = list(self.values)
        twin._numbers = dict(self._numbers)
        return twin


#: Each cost is kept once (its written form decides: 1.0 and 1.00 are two).
_cost = Interner[Decimal](str)


class MessageStore:
    """Every outgoing message, by ID (see the module)."""

    def __init__(self) -> None:
        self._ids = array("q")
        self._flags = bytearray()
        self._account: Column[str] = Column()
        self._number: Column[str] = Column()
        self._text: Column[str] = Column()
        self._cost: Column[Decimal] = Column()
        self._submitted: Column[datetime] = Column()
        self._dispatch: Column[datetime] = Column()
        self._client_id: Column[str | None] = Column()
        self._api: Column[str] = Column()
        self._info = array("I")
        self._outcome = array("I")
        self._request = array("q")  # the request that sent it (0: none known)
        self._infos: _Table[TextInfo] = _Table()
        self._outcomes: _Table[FinalOutcome] = _Table()
        self._deleted: dict[int, datetime] = {}
        self._refused: dict[int, StatusCode] = {}
        self._live = 0
        #: ID -> row, kept only once an ID came in lower than the last (never, in practice)
        self._by_id: dict[int, int] | None = None

    # -- writing ----------------------------------------------------------------------------

    def append(
        self,
        message_id: int,
        account: str,
        number: str,
        text: str,
        info: TextInfo,
        cost: Decimal,
        submitted_at: datetime,
        dispatch_at: datetime,
        scheduled: bool,
        outcome: FinalOutcome,
        client_message_id: str | None,
        api: str,
        request_id: int | None = None,
    ) -> int:
        """Store a message (its ID not stored yet); returns its row."""
        ids = self._ids
        row = len(ids)
        if self._by_id is not None:
            self._by_id[message_id] = row
        elif ids and message_id <= ids[-1]:
            self._by_id = {i: r for r, i in enumerate(ids)}
            self._by_id[message_id] = row
        ids.append(message_id)
        self._flags.append(_SCHEDULED if scheduled else 0)
        self._account.append(account)
        self._number.append(number)
        self._text.append(text)
        self._cost.append(_cost(cost))
        self._submitted.append(submitted_at)
        self._dispatch.append(dispatch_at)
        self._client_id.append(client_message_id)
        self._api.append(api)
        self._info.append(self._infos.number(info))
        self._outcome.append(self._outcomes.number(outcome))
        self._request.append(request_id or 0)
        self._live += 1
        return row

    def extend(
        self,
        message_ids: list[int],
        account: str,
        numbers: list[str],
        text: str,
        info: TextInfo,
        costs: list[Decimal],
        submitted_at: datetime,
        dispatch_at: datetime,
        scheduled: bool,
        outcomes: list[FinalOutcome],
        client_message_ids: list[str | None],
        api: str,
        request_id: int | None = None,
    ) -> range:
        """Store the messages of one text to many numbers (their IDs ascending, not stored
        yet); returns their rows."""
        count = len(message_ids)
        if count == 0:
            return range(0)
        ids = self._ids
        first = len(ids)
        if self._by_id is not None or (ids and message_ids[0] <= ids[-1]):
            for i, message_id in enumerate(message_ids):  # the rare way, one at a time
                self.append(
                    message_id,
                    account,
                    numbers[i],
                    text,
                    info,
                    costs[i],
                    submitted_at,
                    dispatch_at,
                    scheduled,
                    outcomes[i],
                    client_message_ids[i],
                    api,
                    request_id,
                )
            return range(first, first + count)
        ids.extend(message_ids)
        self._flags.extend(bytes([_SCHEDULED if scheduled else 0]) * count)
        self._account.extend([account] * count)
        self._number.extend(numbers)
        self._text.extend([text] * count)
        self._cost.extend([_cost(c) for c in costs])
        self._submitted.extend([submitted_at] * count)
        self._dispatch.extend([dispatch_at] * count)
        self._client_id.extend(client_message_ids)
        self._api.extend([api] * count)
        self._info.extend(array("I", [self._infos.number(info)]) * count)
        number = self._outcomes.number
        self._outcome.extend([number(o) for o in outcomes])
        self._request.extend(array("q", [request_id or 0]) * count)
        self._live += count
        return range(first, first + count)

    def add(self, message: Message) -> int:
        row = self.append(
            message.id,
            message.account,
            message.number,
            message.text,
            message.info,
            message.cost,
            message.submitted_at,
            message.dispatch_at,
            message.scheduled,
            message.outcome,
            message.client_message_id,
            message.api,
            message.request_id,
        )
        if message.deleted_at is not None:
            self._deleted[row] = message.deleted_at
        if message.refused is not None:
            self._refused[row] = message.refused
        return row

    def delete(self, row: int, at: datetime) -> None:
        self._deleted[row] = at

    def refuse(self, row: int, code: StatusCode) -> None:
        self._refused[row] = code

    def remove(self, row: int) -> None:
        """Forget the message in ``row`` (its account was reset)."""
        if not self._flags[row] & _GONE:
            self._flags[row] |= _GONE
            self._live -= 1
            self._deleted.pop(row, None)
            self._refused.pop(row, None)

    # -- reading ----------------------------------------------------------------------------

    def row_of(self, message_id: int) -> int | None:
        """The row of the stored message with this ID, if there is one."""
        if self._by_id is not None:
            row = self._by_id.get(message_id)
        else:
            ids = self._ids
            row = bisect_left(ids, message_id)
            if row == len(ids) or ids[row] != message_id:
                return None
        if row is None or self._flags[row] & _GONE:
            return None
        return row

    def message(self, row: int) -> Message:
        """The message in ``row``, as a snapshot."""
        return Message(
            id=self._ids[row],
            account=self._account[row],
            number=self._number[row],
            text=self._text[row],
            info=self._infos.values[self._info[row]],
            cost=self._cost[row],
            submitted_at=self._submitted[row],
            dispatch_at=self._dispatch[row],
            scheduled=bool(self._flags[row] & _SCHEDULED),
            outcome=self._outcomes.values[self._outcome[row]],
            client_message_id=self._client_id[row],
            api=self._api[row],
            deleted_at=self._deleted.get(row),
            refused=self._refused.get(row),
            request_id=self._request[row] or None,
        )

    def get(self, message_id: int) -> Message | None:
        row = self.row_of(message_id)
        return self.message(row) if row is not None else None

    def __getitem__(self, message_id: int) -> Message:
        found = self.get(message_id)
        if found is None:
            raise KeyError(message_id)
        return found

    def __contains__(self, message_id: object) -> bool:
        return isinstance(message_id, int) and self.row_of(message_id) is not None

    def __len__(self) -> int:
        return self._live

    def values(self) -> Iterator[Message]:
        """Every stored message, in the order stored (ID order)."""
        flags = self._flags
        return (self.message(row) for row in range(len(self._ids)) if not flags[row] & _GONE)

    def id_of(self, row: int) -> int:
        return self._ids[row]

    def account_of(self, row: int) -> str:
        return self._account[row]

    def dispatch_at(self, row: int) -> datetime:
        return self._dispatch[row]

    def deleted_at(self, row: int) -> datetime | None:
        return self._deleted.get(row)

    def is_gone(self, row: int) -> bool:
        return bool(self._flags[row] & _GONE)

    def is_queued(self, row: int, now: datetime) -> bool:
        """:meth:`Message.is_queued`, without making the message."""
        return row not in self._deleted and now < self._dispatch[row]

    def went_out(self, row: int, now: datetime) -> bool:
        """:meth:`Message.was_dispatched` of a stored message, without making it."""
        return (
            not self._flags[row] & _GONE
            and row not in self._deleted
            and row not in self._refused
            and now >= self._dispatch[row]
        )

    def last_request_id(self) -> int:
        """The highest request number a stored message names (0: none)."""
        return max(self._request, default=0)

    def rows(self) -> range:
        return range(len(self._ids))

    def release(self) -> list[object]:
        """Empty the store; returns what it held (full chunks of columns a fork may share
        stay whole), for whoever frees it. The store is done with."""
        pieces: list[object] = [self._ids, self._info, self._outcome, self._request]
        for column in (
            self._account,
            self._number,
            self._text,
            self._cost,
            self._submitted,
            self._dispatch,
            self._client_id,
            self._api,
        ):
            pieces.extend(column.release())
        self._ids, self._info, self._outcome = array("q"), array("I"), array("I")
        self._request = array("q")
        self._flags = bytearray()
        self._deleted, self._refused, self._live, self._by_id = {}, {}, 0, None
        return pieces

    # -- copies -----------------------------------------------------------------------------

    def fork(self) -> MessageStore:
        """A store with the same messages; a change to one does not show in the other (the
        full chunks of the columns are shared: they never change)."""
        twin = MessageStore.__new__(MessageStore)
        twin._ids = array("q", self._ids)
        twin._flags = bytearray(self._flags)
        for name in ("_account", "_number", "_text", "_cost", "_submitted", "_dispatch"):
            setattr(twin, name, getattr(self, name).copy())
        twin._client_id = self._client_id.copy()
        twin._api = self._api.copy()
        twin._info = array("I", self._info)
        twin._outcome = array("I", self._outcome)
        twin._request = array("q", self._request)
        twin._infos = self._infos.copy()
        twin._outcomes = self._outcomes.copy()
        twin._deleted = dict(self._deleted)
        twin._refused = dict(self._refused)
        twin._live = self._live
        twin._by_id = dict(self._by_id) if self._by_id is not None else None
        return twin
