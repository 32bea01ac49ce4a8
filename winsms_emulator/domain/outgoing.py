"""The world's outgoing messages and the indexes over them: by account, by number, the
queue of scheduled ones, and each account's messages that may still be waiting in it.

Each read or change here touches what it is about (an account's messages, a number's,
the queue), never the whole store, so it costs the same with a million messages stored.
"""

from __future__ import annotations

import heapq
from array import array
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

from winsms_emulator.domain.account_table import AccountTable
from winsms_emulator.domain.accounts import Account
from winsms_emulator.domain.encoding import TextInfo
from winsms_emulator.domain.messages import FinalOutcome, Message
from winsms_emulator.domain.store import MessageStore
from winsms_emulator.domain.text import require_text
from winsms_emulator.domain.webhooks import WebhookBook
from winsms_emulator.errors import Invalid, NotFound, StatusCode


class Outgoing:
    """The message half of :class:`~winsms_emulator.domain.world.World` (which holds the
    fields named here)."""

    accounts: AccountTable
    messages: MessageStore
    outboxes: dict[str, array[int]]
    sent_to: dict[str, array[int]]
    waiting: dict[str, dict[int, None]]
    queue: list[tuple[datetime, int]]
    webhooks: WebhookBook
    next_message_id: int

    def account(self, username: str) -> Account:
        found = self.accounts.get(username)
        if found is None:
            raise NotFound(f"no account named {username!r}")
        return found

    def new_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def add_message(self, message: Message) -> None:
        """Store a message under its ID (IDs only ever grow)."""
        if message.account not in self.accounts:
            raise Invalid(f"message {message.id} has an unknown account {message.account!r}")
        require_text(message.text, f"the text of message {message.id}")
        require_text(message.number, f"the number of message {message.id}")
        require_text(message.client_message_id, f"the client message ID of message {message.id}")
        require_text(message.api, f"the API of message {message.id}")
        if message.id < 1 or message.id in self.messages:
            raise Invalid(f"message ID {message.id} is repeated or not positive")
        row = self.messages.add(message)
        self._index_message(row, message.id, message.account, message.number)
        if message.deleted_at is None and message.dispatch_at > message.submitted_at:
            self.waiting.setdefault(message.account, {})[row] = None
        if message.scheduled and message.deleted_at is None and message.refused is None:
            heapq.heappush(self.queue, (message.dispatch_at, message.id))
        self.webhooks.watch(message)

    def record_sent(
        self,
        account: str,
        number: str,
        text: str,
        info: TextInfo,
        cost: Decimal,
        now: datetime,
        dispatch_at: datetime,
        outcome: FinalOutcome,
        client_message_id: str | None,
        api: str,
        request_id: int | None = None,
    ) -> int:
        """Store a message just sent (its texts already checked at the door); returns its
        ID. What :meth:`add_message` does for a message that comes from a send."""
        message_id = self.new_message_id()
        scheduled = dispatch_at > now
        row = self.messages.append(
            message_id,
            account,
            number,
            text,
            info,
            cost,
            now,
            dispatch_at,
            scheduled,
            outcome,
            client_message_id,
            api,
            request_id,
        )
        self._index_message(row, message_id, account, number)
        if scheduled:
            self.waiting.setdefault(account, {})[row] = None
            heapq.heappush(self.queue, (dispatch_at, message_id))
        self.webhooks.watch_sent(message_id, scheduled, dispatch_at, outcome)
        return message_id

    def record_sent_batch(
        self,
        account: str,
        text: str,
        info: TextInfo,
        now: datetime,
        dispatch_at: datetime,
        api: str,
        message_ids: list[int],
        numbers: list[str],
        costs: list[Decimal],
        outcomes: list[FinalOutcome],
        client_message_ids: list[str | None],
        request_id: int | None = None,
    ) -> None:
        """:meth:`record_sent` for one text to many numbers, their IDs given (ascending,
        from :attr:`next_message_id`)."""
        scheduled = dispatch_at > now
        rows = self.messages.extend(
            message_ids,
            account,
            numbers,
            text,
            info,
            costs,
            now,
            dispatch_at,
            scheduled,
            outcomes,
            client_message_ids,
            api,
            request_id,
        )
        outbox = self.outboxes.get(account)
        if outbox is None:
            outbox = self.outboxes[account] = array("q")
        outbox.extend(rows)
        sent_to = self.sent_to
        for row, number in zip(rows, numbers, strict=True):
            to = sent_to.get(number)
            if to is None:
                to = sent_to[number] = array("q")
            to.append(row)
        if scheduled:
            waiting = self.waiting.setdefault(account, {})
            for row, message_id in zip(rows, message_ids, strict=True):
                waiting[row] = None
                heapq.heappush(self.queue, (dispatch_at, message_id))
        watch = self.webhooks.watch_sent
        for message_id, outcome in zip(message_ids, outcomes, strict=True):
            watch(message_id, scheduled, dispatch_at, outcome)
        self.next_message_id = max(self.next_message_id, message_ids[-1] + 1)

    def _index_message(self, row: int, message_id: int, account: str, number: str) -> None:
        outbox = self.outboxes.get(account)
        if outbox is None:
            outbox = self.outboxes[account] = array("q")
        outbox.append(row)
        to = self.sent_to.get(number)
        if to is None:
            to = self.sent_to[number] = array("q")
        to.append(row)
        self.next_message_id = max(self.next_message_id, message_id + 1)

    def forget_messages_of(self, username: str) -> None:
        """Forget every message the account sent (a per-account reset)."""
        store = self.messages
        for row in self.outboxes.pop(username, ()):
            store.remove(row)
        self.waiting.pop(username, None)

    def forget_dispatched(self, now: datetime) -> None:
        """Drop from the queue what was due by ``now`` (a restored world, whose due
        messages were dispatched before it was saved)."""
        self.queue = [(at, i) for at, i in self.queue if at > now]
        heapq.heapify(self.queue)
        store = self.messages
        self.waiting = {}
        for username, rows in self.outboxes.items():
            queued = {row: None for row in rows if store.is_queued(row, now)}
            if queued:
                self.waiting[username] = queued
        self.webhooks.forget_reports(now)

    def due(self, now: datetime) -> Iterator[Message]:
        """Take the queued messages due by ``now`` off the queue, in dispatch order (the
        lower ID first on a tie), skipping deleted and forgotten ones."""
        queue = self.queue
        store = self.messages
        while queue and queue[0][0] <= now:
            at, message_id = heapq.heappop(queue)
            row = store.row_of(message_id)
            if row is not None and store.deleted_at(row) is None and store.dispatch_at(row) == at:
                yield store.message(row)

    def delete_message(self, message_id: int, now: datetime) -> Message:
        """Mark a stored message deleted at ``now``; the message as it is then."""
        store = self.messages
        row = store.row_of(message_id)
        if row is None:
            raise NotFound(f"no message with ID {message_id}")
        store.delete(row, now)
        return store.message(row)

    def refuse_message(self, message_id: int, code: StatusCode) -> None:
        """Mark a stored message refused at its dispatch time, with ``code``."""
        row = self.messages.row_of(message_id)
        if row is None:
            raise NotFound(f"no message with ID {message_id}")
        self.messages.refuse(row, code)

    def outbox(self, username: str) -> Iterator[Message]:
        """The account's messages, oldest ID first."""
        self.account(username)
        store = self.messages
        return (store.message(row) for row in self.outboxes.get(username, ()))

    def scheduled_of(self, username: str, now: datetime) -> list[Message]:
        """The account's messages still waiting in the queue at ``now``, oldest ID first.
        (Those no longer waiting leave the index: time does not go back in a world.)"""
        self.account(username)
        rows = self.waiting.get(username)
        if not rows:
            return []
        store = self.messages
        found = []
        for row in list(rows):
            if store.is_queued(row, now):
                found.append(store.message(row))
            else:
                del rows[row]
        return found

    def own_message(self, username: str, message_id: int) -> Message | None:
        """The message with this ID if ``username`` sent it."""
        store = self.messages
        row = store.row_of(message_id)
        if row is None or store.account_of(row) != username:
            return None
        return store.message(row)

    def last_received(self, number: str, now: datetime) -> Message | None:
        """The message the handset ``number`` received last: the latest dispatch (a
        scheduled message can go out after one sent later with a higher ID), the higher
        ID on a tie. A reply from the number goes to its account."""
        store = self.messages
        best: tuple[datetime, int] | None = None
        best_row = -1
        for row in self.sent_to.get(number, ()):
            if store.went_out(row, now):
                key = (store.dispatch_at(row), store.id_of(row))
                if best is None or key > best:
                    best, best_row = key, row
        return store.message(best_row) if best is not None else None
