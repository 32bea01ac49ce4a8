"""Accounts: credentials, credits, restrictions, opt-outs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from winsms_emulator.domain.columns import Column, Interner
from winsms_emulator.domain.webhooks import WebhookSettings

DEFAULT_CREDITS = Decimal("1000.0")
DEFAULT_PRICE_PER_PART = Decimal("1.0")
DEFAULT_DELIVERY_DELAY_SECONDS = 2.0
REST_DIALECTS = ("seed", "current")
#: The largest amount of credits (or price) the emulator keeps: far beyond any real account.
MAX_AMOUNT = Decimal(10) ** 12


class LedgerEntry(NamedTuple):
    """One movement of an account's credits."""

    at: datetime
    amount: Decimal  # positive adds credits, negative takes them
    reason: str  # "opening", "top-up", "send", "refund", "transfer-in", "transfer-out", "set"
    message_id: int | None = None


#: The same amount moved a million times is kept once (its written form decides).
kept_amount = Interner[Decimal](str)


class Ledger:
    """An account's credit movements, oldest first, read as :class:`LedgerEntry` items.

    Each movement is kept as a plain tuple in a :class:`~winsms_emulator.domain.columns.Column`,
    so a ledger of a million sends costs the garbage collector nothing; equal amounts and
    reasons are kept once.
    """

    __slots__ = ("_rows",)

    def __init__(self, entries: Iterable[LedgerEntry | tuple[object, ...]] = ()) -> None:
        self._rows: Column[tuple[datetime, Decimal, str, int | None]] = Column()
        for entry in entries:
            self.add(*entry)

    def add(self, at: datetime, amount: Decimal, reason: str, message_id: int | None) -> None:
        self._rows.append((at, kept_amount(amount), reason, message_id))

    def append(self, entry: LedgerEntry) -> None:
        self.add(*entry)

    def extend(self, entries: list[tuple[datetime, Decimal, str, int | None]]) -> None:
        """Add many movements at once, each a tuple in :class:`LedgerEntry`'s order (its
        amount passed through :data:`kept_amount` by the caller, once for many)."""
        self._rows.extend(entries)

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[LedgerEntry]:
        make = LedgerEntry._make
        return (make(row) for row in self._rows)

    def __getitem__(self, index: int) -> LedgerEntry:
        return LedgerEntry._make(self._rows[index])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Ledger | list | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Ledger({list(self)!r})"

    def release(self) -> list[object]:
        """Empty the ledger; returns what it held, for whoever frees it."""
        return list(self._rows.release())

    def copy(self) -> Ledger:
        twin = Ledger()
        twin._rows = self._rows.copy()
        return twin


@dataclass(slots=True)
class OptOut:
    """A number that may no longer receive messages from one account."""

    number: str
    at: datetime
    source: str  # "reply" (a trigger word) or "manual" (added by hand)
    reply_id: int | None = None
    message: str | None = None


@dataclass(slots=True)
class Account:
    """A WinSMS account as the emulator simulates it.

    Every field but ``username``, ``password`` and ``api_key`` has a default.
    ``rest_dialect`` ``None`` means the server's default dialect.
    """

    username: str
    password: str
    api_key: str
    credits: Decimal = DEFAULT_CREDITS
    trial: bool = False
    own_numbers: tuple[str, ...] = ()
    locked: bool = False
    dnc_bypass: bool = False
    price_per_part: Decimal = DEFAULT_PRICE_PER_PART  # the default price, for any destination
    delivery_delay_seconds: float = DEFAULT_DELIVERY_DELAY_SECONDS
    short_codes: tuple[str, ...] = ()
    rest_dialect: str | None = None
    parent: str | None = None
    account_number: int = 0
    first_name: str = ""
    surname: str = ""
    #: price per part by calling-code prefix (digits); the longest matching prefix wins,
    #: and a number no prefix matches costs ``price_per_part`` (the table's ``""`` entry)
    prices: dict[str, Decimal] = field(default_factory=dict)
    #: where replies and delivery reports are pushed (none by default)
    webhooks: WebhookSettings = field(default_factory=WebhookSettings)
    opt_outs: dict[str, OptOut] = field(default_factory=dict)
    ledger: Ledger = field(default_factory=Ledger)

    def price_for(self, number: str) -> Decimal:
        """The price per part of a message to ``number``: the longest prefix's, else the
        default."""
        prices = self.prices
        if prices:
            for length in range(len(number), 0, -1):
                found = prices.get(number[:length])
                if found is not None:
                    return found
        return self.price_per_part

    def price_table(self) -> dict[str, Decimal]:
        """The whole table: ``""`` (the default) first, then the prefixes."""
        return {"": self.price_per_part, **dict(sorted(self.prices.items()))}

    def can_afford(self, cost: Decimal) -> bool:
        return self.credits >= cost

    def charge(self, amount: Decimal, at: datetime, reason: str, message_id: int | None) -> None:
        """Move ``amount`` credits (negative to take) and write it in the ledger."""
        self.credits += amount
        self.ledger.add(at, amount, reason, message_id)

    def may_text(self, number: str) -> bool:
        """A trial account may only text its own numbers."""
        return not self.trial or number in self.own_numbers

    def has_opted_out(self, number: str) -> bool:
        return number in self.opt_outs


def copy_account(account: Account, *, ledger: bool = True) -> Account:
    """A copy whose opt-outs and ledger are its own: later changes to one do not show in
    the other. ``ledger=False`` leaves the ledger empty (it grows with every send, so a
    caller that only reads the settings need not pay for it)."""
    # every field named (not dataclasses.replace, which looks the fields up each time)
    a = account
    return Account(
        a.username,
        a.password,
        a.api_key,
        a.credits,
        a.trial,
        a.own_numbers,
        a.locked,
        a.dnc_bypass,
        a.price_per_part,
        a.delivery_delay_seconds,
        a.short_codes,
        a.rest_dialect,
        a.parent,
        a.account_number,
        a.first_name,
        a.surname,
        dict(a.prices),
        a.webhooks,  # immutable: shared
        dict(a.opt_outs),
        a.ledger.copy() if ledger else Ledger(),
    )
