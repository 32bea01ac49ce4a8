"""A small reference model of the WinSMS gateway, written from the docs alone.

Nothing here imports the emulator's rules: the GSM 03.38 tables, the parts
and cost arithmetic, the Appendix D opt-out words and the send-rule
precedence are written out again from ``shared/spec/behaviour.md`` and the
guide, so a mistake in the emulator's domain code cannot hide in the model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from winsms_emulator.domain.sast import SAST

# -- text: GSM 03.38 or UCS-2 ---------------------------------------------------------------

#: GSM 03.38 basic character set, row by row as the standard prints it.
GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
#: The extension table: escape + character, two septets each.
GSM_EXTENDED = "\f^{}\\[~]|€"
MAX_PARTS = 6


def text_units(text: str) -> tuple[str, int]:
    """``("GSM", septets)`` or ``("UCS2", UTF-16 code units)``."""
    if all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in text):
        return "GSM", sum(2 if ch in GSM_EXTENDED else 1 for ch in text)
    return "UCS2", len(text.encode("utf-16-le")) // 2


def text_parts(text: str) -> int:
    encoding, units = text_units(text)
    single, multi = (160, 153) if encoding == "GSM" else (70, 67)
    return 1 if units <= single else math.ceil(units / multi)


# -- recipients -------------------------------------------------------------------------------

#: Valid South African mobile numbers the machine texts (a small pool, so numbers recur).
POOL = tuple(f"2782555{n:04d}" for n in range(101, 109))
#: Valid numbers of other countries (``is_possible_number``).
FOREIGN = ("447700900123", "12025550123")
VALID_NUMBERS = frozenset(POOL + FOREIGN)
#: Numbers the send rules call invalid (FAIL:BADDEST), each for a documented reason.
INVALID_NUMBERS = (
    "0825550101",  # starts with 0
    "27825ABC01",  # letters
    "+27825550101",  # a plus sign
    "2782555 0101",  # a space inside
    "27825550101234567",  # not a possible number: far too long
)


def is_valid_number(number: str) -> bool:
    return number in VALID_NUMBERS


# -- Appendix D --------------------------------------------------------------------------------

_WHOLE = ("stop", "end", "cancel", "unsubscribe", "quit")


def is_opt_out(message: str) -> bool:
    """Appendix D, after trimming white space, any case: the whole message is one of
    Stop/End/Cancel/Unsubscribe/Quit, or it starts with ``Stop send``, ``Opt out`` or
    ``Opt`` + any one character + ``out``."""
    text = message.strip(" \t\r\n").lower()
    if text in _WHOLE:
        return True
    if text.startswith("stop send") or text.startswith("opt out"):
        return True
    return len(text) >= 7 and text[:3] == "opt" and text[4:7] == "out"


# -- time ---------------------------------------------------------------------------------------

STATUS_WINDOW = timedelta(days=90)
INBOUND_WINDOW = timedelta(days=90)


def minute(moment: datetime) -> str:
    return moment.astimezone(SAST).strftime("%Y%m%d%H%M")


def one_decimal(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def nearest_whole(amount: Decimal) -> Decimal:
    """The HTTP API's ``credits.asp``: the balance rounded to the nearest integer."""
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)


# -- the model ------------------------------------------------------------------------------------


@dataclass
class ModelAccount:
    username: str
    start: Decimal
    price: Decimal
    trial: bool
    own: frozenset[str]
    dnc_bypass: bool
    delay: timedelta
    short_codes: tuple[str, ...]
    balance: Decimal = Decimal(0)
    adjustments: Decimal = Decimal(0)  # top-ups and other changes made by hand
    refunds: Decimal = Decimal(0)
    locked: bool = False
    opted_out: set[str] = field(default_factory=set)


@dataclass
class ModelMessage:
    id: int
    account: str
    number: str
    cost: Decimal
    submitted: datetime
    dispatch: datetime
    delay: timedelta
    confirmation: bool = False
    deleted: bool = False

    def delivered_at(self) -> datetime:
        return self.dispatch + self.delay

    def status(self, now: datetime) -> tuple[str, int, datetime]:
        """(Status, StatusCode, StatusDateTime) the gateway must report at ``now``."""
        if self.deleted:
            return "NOTFOUND", -2, now
        if now < self.dispatch:
            return "NOTFOUND", -1, now
        if now - self.dispatch > STATUS_WINDOW:
            return "NOTFOUND", -2, now
        if now >= self.delivered_at():
            return "DELIVERED", 0, self.delivered_at()
        return "SENT", 105, self.dispatch

    def dispatched(self, now: datetime) -> bool:
        return not self.deleted and now >= self.dispatch


@dataclass
class ModelInbound:
    account: str
    number: str
    text: str
    received: datetime
    sent_message_id: int | None = None
    code: str | None = None
    returned: bool = False

    def pending(self, now: datetime) -> bool:
        return not self.returned and now - self.received <= INBOUND_WINDOW


@dataclass
class Model:
    now: datetime
    accounts: dict[str, ModelAccount] = field(default_factory=dict)
    messages: dict[int, ModelMessage] = field(default_factory=dict)
    dnc: set[str] = field(default_factory=set)
    blacklist: set[str] = field(default_factory=set)
    replies: list[ModelInbound] = field(default_factory=list)
    sc_messages: list[ModelInbound] = field(default_factory=list)

    @property
    def last_id(self) -> int:
        return max(self.messages, default=0)

    def outcome(self, account: ModelAccount, text: str, number: str) -> str:
        """The send rules, first that applies wins (blank text and number are not generated)."""
        if account.locked:
            return "ACCOUNTLOCKED"
        if text_parts(text) > MAX_PARTS:
            return "TOOLONG"
        if not is_valid_number(number) or number in self.blacklist:
            return "BADDEST"
        if account.trial and number not in account.own:
            return "TRIALNOT2SELF"
        if number in account.opted_out:
            return "OPTEDOUT"
        if number in self.dnc and not account.dnc_bypass:
            return "WASPADNC"
        if account.balance < self.cost(account, text):
            return "NOCREDITS"
        return "ACCEPTED"

    @staticmethod
    def cost(account: ModelAccount, text: str) -> Decimal:
        return account.price * text_parts(text)

    def expected_balance(self, account: ModelAccount) -> Decimal:
        """Credits are conserved: start + top-ups - costs of accepted + refunds."""
        spent = sum(
            (m.cost for m in self.messages.values() if m.account == account.username),
            Decimal(0),
        )
        return account.start + account.adjustments - spent + account.refunds

    def status_of(self, username: str, message_id: int) -> tuple[str, int, datetime]:
        message = self.messages.get(message_id)
        if message is None or message.account != username:
            return "NOTFOUND", -2, self.now
        return message.status(self.now)

    def reply_route(self, number: str) -> ModelMessage | None:
        """The message a reply from ``number`` answers: the one most recently sent
        (dispatched) to it, by any account; ``None`` when nothing was sent to it yet."""
        sent = [m for m in self.messages.values() if m.number == number and m.dispatched(self.now)]
        return max(sent, key=lambda m: (m.dispatch, m.id), default=None)

    def pending(self, items: list[ModelInbound], username: str) -> list[ModelInbound]:
        return [i for i in items if i.account == username and i.pending(self.now)]
