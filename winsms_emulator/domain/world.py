"""The world the emulator simulates: every account, message and list, and the indexes over
them, with the rules that keep them consistent checked in one place.

Creating an account, changing one and loading a saved state all go through
:meth:`World.add_account` / :meth:`World.update_account`, so an account that breaks an
invariant (a username, API key, account number or short code that is taken, an unknown
parent, an unknown REST dialect) is refused the same way whichever door it comes in by.
"""

from __future__ import annotations

import copy
import dataclasses
from array import array
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from winsms_emulator.domain.account_table import AccountTable
from winsms_emulator.domain.accounts import (
    REST_DIALECTS,
    Account,
    Ledger,
    LedgerEntry,
    copy_account,
)
from winsms_emulator.domain.inbound import Reply, ShortCodeMessage
from winsms_emulator.domain.messages import FinalOutcome
from winsms_emulator.domain.outgoing import Outgoing
from winsms_emulator.domain.refusals import MAX_REFUSALS_PER_ACCOUNT, Refusal
from winsms_emulator.domain.store import MessageStore
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
class World(Outgoing):
    """Everything the emulator remembers, and the indexes that find it fast.

    Messages are found by account (``outboxes``), by number (``sent_to``) and, while
    they may still be waiting to go out, by account again (``waiting``): what a
    per-account reset, an outbox or a scheduled listing reads is that account's own, not
    the whole store. The indexes hold rows of :attr:`messages`.
    """

    accounts: AccountTable = field(default_factory=AccountTable)
    #: each account as it was created or loaded: what a per-account reset goes back to
    origins: dict[str, Account] = field(default_factory=dict)
    by_key: dict[str, str] = field(default_factory=dict)  # API key -> username
    by_code: dict[str, str] = field(default_factory=dict)  # short code -> username
    by_number: dict[int, str] = field(default_factory=dict)  # account number -> username
    children: dict[str, list[str]] = field(default_factory=dict)  # main -> sub-accounts
    messages: MessageStore = field(default_factory=MessageStore)
    outboxes: dict[str, array[int]] = field(default_factory=dict)  # username -> rows
    sent_to: dict[str, array[int]] = field(default_factory=dict)  # number -> rows
    #: username -> rows of its messages that may still be in the queue (checked on reading)
    waiting: dict[str, dict[int, None]] = field(default_factory=dict)
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

    def fork(self) -> World:
        """A world like this one, to change on its own: what a reset gives. Accounts and
        the stored messages are shared until changed, so it costs what the world holds
        besides them (the indexes of accounts, its replies, its queue)."""
        return World(
            accounts=self.accounts.fork(),
            origins=dict(self.origins),
            by_key=dict(self.by_key),
            by_code=dict(self.by_code),
            by_number=dict(self.by_number),
            children={main: list(subs) for main, subs in self.children.items()},
            messages=self.messages.fork(),
            outboxes={name: array("q", rows) for name, rows in self.outboxes.items()},
            sent_to={number: array("q", rows) for number, rows in self.sent_to.items()},
            waiting={name: dict(rows) for name, rows in self.waiting.items()},
            queue=list(self.queue),
            replies={name: [r.copy() for r in rs] for name, rs in self.replies.items()},
            short_code_messages={
                name: [m.copy() for m in ms] for name, ms in self.short_code_messages.items()
            },
            dnc=set(self.dnc),
            blacklist=set(self.blacklist),
            outcomes=dict(self.outcomes),
            refusals={
                name: deque(kept, maxlen=MAX_REFUSALS_PER_ACCOUNT)
                for name, kept in self.refusals.items()
            },
            faults=copy.deepcopy(self.faults),
            webhooks=copy.deepcopy(self.webhooks),
            next_message_id=self.next_message_id,
            next_incoming_id=self.next_incoming_id,
            next_account_number=self.next_account_number,
        )

    def release(self) -> list[object]:
        """Empty this world of its stored messages, ledgers and message indexes; returns
        what they held, so that a world left behind by a reset can be freed a piece at a
        time (freeing a million messages at once takes a while). The world is done with."""
        pieces = self.messages.release() + self.accounts.release()
        pieces.extend(self.outboxes.values())
        pieces.extend(self.sent_to.values())
        self.outboxes, self.sent_to, self.waiting = {}, {}, {}
        return pieces

    # -- accounts -----------------------------------------------------------------------------

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
        """The account's sub-accounts, in the order added, only to read."""
        found = (self.accounts.peek(name) for name in self.children.get(username, ()))
        return [a for a in found if a is not None]

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
            parent = self.accounts.peek(account.parent)
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
        self,
        account: Account,
        now: datetime,
        *,
        origin: Account | None = None,
        own_origin: bool = False,
    ) -> Account:
        """Add ``account`` (the world keeps it; pass a copy); assign its number if it has
        none and open its ledger if it is empty. ``origin`` is what a per-account reset
        goes back to (a copy of the account as added when not given). ``own_origin``
        keeps the account itself as its origin, uncopied: for a world that is only ever
        forked, never changed (a start world)."""
        self.check(account)
        require_texts((entry.reason for entry in account.ledger), "a ledger entry's reason")
        if not account.account_number:
            account.account_number = self.next_account_number
        self.next_account_number = max(self.next_account_number, account.account_number + 1)
        if not account.ledger:
            account.ledger.append(opening_entry(account, now))
        self._index(account)
        if account.parent is not None:
            self.children.setdefault(account.parent, []).append(account.username)
        if own_origin and origin is None:
            self.origins[account.username] = account
        else:
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
        current = self.accounts.peek(username)
        if current is None:
            raise NotFound(f"no account named {username!r}")
        origin = copy_account(self.origins[username], ledger=False)
        self._unindex(current)
        try:
            self.check(origin, replacing=username)
        except Exception:
            self._index(current)
            raise
        self.forget_messages_of(username)
        self.replies.pop(username, None)
        self.short_code_messages.pop(username, None)
        self.refusals.pop(username, None)
        self.webhooks.drop(username)
        origin.ledger = Ledger([opening_entry(origin, now)])
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

    def new_incoming_id(self) -> int:
        incoming_id = self.next_incoming_id
        self.next_incoming_id += 1
        return incoming_id

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
        named = self.messages.last_request_id()
        refused = (r.request_id or 0 for r in self.all_refusals())
        return max(named, max(refused, default=0))

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
    for name, text in (
        ("username", account.username),
        ("password", account.password),
        ("api_key", account.api_key),
        ("first_name", account.first_name),
        ("surname", account.surname),
        ("parent", account.parent),
    ):
        if text is not None and not text.isascii():
            require_text(text, name)
    require_texts(account.short_codes, "a short code")
    require_texts(account.own_numbers, "an own number")
    for opt_out in account.opt_outs.values():
        require_texts((opt_out.number, opt_out.source, opt_out.message), "an opt-out")


def opening_entry(account: Account, now: datetime) -> LedgerEntry:
    return LedgerEntry(now, account.credits, "opening", None)
