"""The world the emulator simulates: every account, message and list, and the indexes over
them, with the rules that keep them consistent checked in one place.

Creating an account, changing one and loading a saved state all go through
:meth:`World.add_account` / :meth:`World.update_account`, so an account that breaks an
invariant (a username, API key, account number or short code that is taken, an unknown
parent, an unknown REST dialect) is refused the same way whichever door it comes in by.
"""

from __future__ import annotations

import dataclasses
import heapq
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from winsms_emulator.domain.accounts import REST_DIALECTS, Account, LedgerEntry, copy_account
from winsms_emulator.domain.inbound import Reply, ShortCodeMessage
from winsms_emulator.domain.messages import FinalOutcome, Message
from winsms_emulator.domain.refusals import MAX_REFUSALS_PER_ACCOUNT, Refusal
from winsms_emulator.domain.text import require_text, require_texts
from winsms_emulator.domain.webhooks import WebhookBook
from winsms_emulator.errors import Conflict, Invalid, NotFound
from winsms_emulator.faults import FaultBook

FIRST_ACCOUNT_NUMBER = 10001

#: The fields of an account that may change after it is created.
UPDATABLE = frozenset(
    {
        "password",
        "api_key",
        "credits",
        "trial",
        "own_numbers",
        "locked",
        "dnc_bypass",
        "price_per_part",
        "prices",
        "delivery_delay_seconds",
        "short_codes",
        "rest_dialect",
        "first_name",
        "surname",
        "webhooks",
    }
)


@dataclass
class World:
    """Everything the emulator remembers, and the indexes that find it fast."""

    accounts: dict[str, Account] = field(default_factory=dict)
    #: each account as it was created or loaded: what a per-account reset goes back to
    origins: dict[str, Account] = field(default_factory=dict)
    by_key: dict[str, str] = field(default_factory=dict)  # API key -> username
    by_code: dict[str, str] = field(default_factory=dict)  # short code -> username
    by_number: dict[int, str] = field(default_factory=dict)  # account number -> username
    messages: dict[int, Message] = field(default_factory=dict)
    outboxes: dict[str, list[int]] = field(default_factory=dict)  # username -> message IDs
    sent_to: dict[str, list[int]] = field(default_factory=dict)  # number -> message IDs
    #: scheduled messages not yet dispatched, as a heap of (dispatch time, ID)
    queue: list[tuple[datetime, int]] = field(default_factory=list)
    replies: dict[str, list[Reply]] = field(default_factory=dict)  # username -> replies
    short_code_messages: dict[str, list[ShortCodeMessage]] = field(default_factory=dict)
    #: username -> its newest refused recipients, oldest first
    refusals: dict[str, deque[Refusal]] = field(default_factory=dict)
    dnc: set[str] = field(default_factory=set)
    blacklist: set[str] = field(default_factory=set)
    outcomes: dict[str, FinalOutcome] = field(default_factory=dict)
    faults: FaultBook = field(default_factory=FaultBook)
    webhooks: WebhookBook = field(default_factory=WebhookBook)
    next_message_id: int = 1
    next_incoming_id: int = 1
    next_account_number: int = FIRST_ACCOUNT_NUMBER

    # -- accounts -----------------------------------------------------------------------------

    def account(self, username: str) -> Account:
        found = self.accounts.get(username)
        if found is None:
            raise NotFound(f"no account named {username!r}")
        return found

    def account_for_key(self, api_key: str) -> Account | None:
        username = self.by_key.get(api_key)
        return self.accounts[username] if username is not None else None

    def owner_of_code(self, code: str) -> Account | None:
        username = self.by_code.get(code)
        return self.accounts[username] if username is not None else None

    def account_numbered(self, number: int) -> Account | None:
        username = self.by_number.get(number)
        return self.accounts[username] if username is not None else None

    def sub_accounts(self, username: str) -> list[Account]:
        return [a for a in self.accounts.values() if a.parent == username]

    def check(self, account: Account, *, replacing: str | None = None) -> None:
        """Refuse an account that would break the world's invariants.

        ``replacing`` names the account it takes the place of (an update), whose own
        username, key, number and codes it may keep.
        """
        _check_account_text(account)
        if replacing is None and account.username in self.accounts:
            raise Conflict(f"an account named {account.username!r} already exists")
        if self.by_key.get(account.api_key, replacing) != replacing:
            raise Conflict("another account already has that API key")
        if account.rest_dialect is not None and account.rest_dialect not in REST_DIALECTS:
            raise Invalid(f"rest_dialect must be one of {', '.join(REST_DIALECTS)}")
        if account.parent is not None:
            parent = self.accounts.get(account.parent)
            if parent is None:
                raise NotFound(f"no main account named {account.parent!r}")
            if parent.parent is not None:
                raise Invalid(f"{account.parent!r} is itself a sub-account")
        for code in account.short_codes:
            owner = self.by_code.get(code, replacing)
            if owner != replacing:
                raise Conflict(f"short code {code} already belongs to {owner!r}")
        number = account.account_number
        if number and self.by_number.get(number, replacing) != replacing:
            raise Conflict(f"account number {number} is taken")

    def add_account(
        self, account: Account, now: datetime, *, origin: Account | None = None
    ) -> Account:
        """Add ``account`` (the world keeps it; pass a copy); assign its number if it has
        none and open its ledger if it is empty. ``origin`` is what a per-account reset
        goes back to (a copy of the account as added when not given)."""
        self.check(account)
        require_texts((entry.reason for entry in account.ledger), "a ledger entry's reason")
        if not account.account_number:
            account.account_number = self.next_account_number
        self.next_account_number = max(self.next_account_number, account.account_number + 1)
        if not account.ledger:
            account.ledger.append(opening_entry(account, now))
        self._index(account)
        self.origins[account.username] = copy_account(origin or account)
        return account

    def update_account(self, username: str, changes: Mapping[str, Any], now: datetime) -> Account:
        """Change some fields of an account; a new ``credits`` is written in its ledger."""
        unknown = set(changes) - UPDATABLE
        if unknown:
            raise Invalid(f"cannot change {', '.join(sorted(unknown))}")
        account = self.account(username)
        settings = {name: value for name, value in changes.items() if name != "credits"}
        candidate = dataclasses.replace(account, **settings)
        self.check(candidate, replacing=username)
        self._unindex(account)
        for name, value in settings.items():
            setattr(account, name, value)
        self._index(account)
        if "credits" in changes:
            account.charge(Decimal(changes["credits"]) - account.credits, now, "set", None)
        return account

    def reset_account(self, username: str, now: datetime) -> Account:
        """Forget the account's messages, replies and short-code messages and put it back
        as it was created; other accounts are untouched."""
        current = self.account(username)
        origin = copy_account(self.origins[username], ledger=False)
        self._unindex(current)
        try:
            self.check(origin, replacing=username)
        except Exception:
            self._index(current)
            raise
        for message_id in self.outboxes.pop(username, []):
            number = self.messages.pop(message_id).number
            kept = [i for i in self.sent_to.get(number, ()) if i != message_id]
            if kept:
                self.sent_to[number] = kept
            else:
                self.sent_to.pop(number, None)
        self.replies.pop(username, None)
        self.short_code_messages.pop(username, None)
        self.refusals.pop(username, None)
        self.webhooks.drop(username)
        origin.ledger = [opening_entry(origin, now)]
        self.accounts[username] = origin
        self._index(origin)
        return origin

    def _index(self, account: Account) -> None:
        self.accounts[account.username] = account
        self.by_key[account.api_key] = account.username
        self.by_number[account.account_number] = account.username
        for code in account.short_codes:
            self.by_code[code] = account.username

    def _unindex(self, account: Account) -> None:
        self.by_key.pop(account.api_key, None)
        self.by_number.pop(account.account_number, None)
        for code in account.short_codes:
            self.by_code.pop(code, None)

    # -- messages -----------------------------------------------------------------------------

    def new_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def new_incoming_id(self) -> int:
        incoming_id = self.next_incoming_id
        self.next_incoming_id += 1
        return incoming_id

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
        self.messages[message.id] = message
        self.outboxes.setdefault(message.account, []).append(message.id)
        self.sent_to.setdefault(message.number, []).append(message.id)
        self.next_message_id = max(self.next_message_id, message.id + 1)
        if message.scheduled and message.deleted_at is None and message.refused is None:
            heapq.heappush(self.queue, (message.dispatch_at, message.id))
        self.webhooks.watch(message)

    def forget_dispatched(self, now: datetime) -> None:
        """Drop from the queue what was due by ``now`` (a restored world, whose due
        messages were dispatched before it was saved)."""
        self.queue = [(at, i) for at, i in self.queue if at > now]
        heapq.heapify(self.queue)
        self.webhooks.forget_reports(now)

    def due(self, now: datetime) -> Iterator[Message]:
        """Take the queued messages due by ``now`` off the queue, in dispatch order (the
        lower ID first on a tie), skipping deleted and forgotten ones."""
        queue = self.queue
        while queue and queue[0][0] <= now:
            at, message_id = heapq.heappop(queue)
            message = self.messages.get(message_id)
            if message is not None and message.deleted_at is None and message.dispatch_at == at:
                yield message

    def outbox(self, username: str) -> Iterator[Message]:
        """The account's messages, oldest ID first."""
        self.account(username)
        return (self.messages[i] for i in self.outboxes.get(username, ()))

    def own_message(self, username: str, message_id: int) -> Message | None:
        """The message with this ID if ``username`` sent it."""
        found = self.messages.get(message_id)
        return found if found is not None and found.account == username else None

    def last_received(self, number: str, now: datetime) -> Message | None:
        """The message the handset ``number`` received last: the latest dispatch (a
        scheduled message can go out after one sent later with a higher ID), the higher
        ID on a tie. A reply from the number goes to its account."""
        dispatched = (
            self.messages[i]
            for i in self.sent_to.get(number, ())
            if self.messages[i].was_dispatched(now)
        )
        return max(dispatched, key=lambda m: (m.dispatch_at, m.id), default=None)

    # -- refused recipients -------------------------------------------------------------------

    def add_refusal(self, refusal: Refusal) -> None:
        """Remember a refused recipient (an account keeps its newest ones only)."""
        kept = self.refusals.get(refusal.account)
        if kept is None:
            self.account(refusal.account)
            kept = self.refusals[refusal.account] = deque(maxlen=MAX_REFUSALS_PER_ACCOUNT)
        kept.append(refusal)

    def refusals_of(self, username: str) -> list[Refusal]:
        """The account's refused recipients, oldest first."""
        self.account(username)
        return list(self.refusals.get(username, ()))

    def all_refusals(self) -> Iterator[Refusal]:
        return (r for kept in self.refusals.values() for r in kept)

    def last_request_id(self) -> int:
        """The highest request number a message or refused recipient names (0: none)."""
        named = (m.request_id for m in self.messages.values())
        refused = (r.request_id for r in self.all_refusals())
        return max((i for i in (*named, *refused) if i is not None), default=0)

    # -- handsets -----------------------------------------------------------------------------

    def add_reply(self, reply: Reply) -> None:
        self.account(reply.account)
        require_texts((reply.message, reply.number), f"reply {reply.id}")
        self.replies.setdefault(reply.account, []).append(reply)
        self.next_incoming_id = max(self.next_incoming_id, reply.id + 1)

    def add_short_code_message(self, message: ShortCodeMessage) -> None:
        self.account(message.account)
        require_texts(
            (message.message, message.number, message.code), f"short-code message {message.id}"
        )
        self.short_code_messages.setdefault(message.account, []).append(message)
        self.next_incoming_id = max(self.next_incoming_id, message.id + 1)

    def replies_of(self, username: str) -> list[Reply]:
        self.account(username)
        return self.replies.get(username, [])

    def short_code_messages_of(self, username: str) -> list[ShortCodeMessage]:
        self.account(username)
        return self.short_code_messages.get(username, [])

    def all_replies(self) -> Iterable[Reply]:
        return sorted((r for rs in self.replies.values() for r in rs), key=lambda r: r.id)

    def all_short_code_messages(self) -> Iterable[ShortCodeMessage]:
        found = (m for ms in self.short_code_messages.values() for m in ms)
        return sorted(found, key=lambda m: m.id)


def _check_account_text(account: Account) -> None:
    """Every text of an account must be one the emulator can write out again."""
    for name in ("username", "password", "api_key", "first_name", "surname", "parent"):
        require_text(getattr(account, name), name)
    require_texts(account.short_codes, "a short code")
    require_texts(account.own_numbers, "an own number")
    for opt_out in account.opt_outs.values():
        require_texts((opt_out.number, opt_out.source, opt_out.message), "an opt-out")


def opening_entry(account: Account, now: datetime) -> LedgerEntry:
    return LedgerEntry(now, account.credits, "opening", None)
