"""What the gateway's operations answer: plain values the adapters turn into their formats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from winsms_emulator.domain.encoding import TextInfo
from winsms_emulator.domain.messages import Message, MessageState, TimelineEvent
from winsms_emulator.errors import DeleteResult, SendOutcome


class RecipientResult(NamedTuple):
    """What one recipient of a send got (a named tuple: a send makes a thousand)."""

    number: str
    client_message_id: str | None
    outcome: SendOutcome
    message_id: int | None
    cost: Decimal
    balance_after: Decimal
    dispatch_at: datetime | None  # when it is (or was) sent; None when refused

    @property
    def accepted(self) -> bool:
        return self.outcome is SendOutcome.ACCEPTED


@dataclass(frozen=True, slots=True)
class MessageResult:
    """The results of one message of a send, its recipients in document order;
    ``scheduled`` when it was queued to go later rather than sent at once."""

    text: str | None
    info: TextInfo | None
    recipients: tuple[RecipientResult, ...]
    scheduled: bool = False


@dataclass(frozen=True, slots=True)
class StatusResult:
    """The status of one requested ID (``number`` is ``None`` when not this account's)."""

    message_id: int
    state: MessageState
    number: str | None = None
    cost: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class DeleteReport:
    """What deleting one ID did; ``cost`` is the refund, ``state`` the status after."""

    message_id: int
    result: DeleteResult
    state: MessageState
    number: str | None = None
    cost: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class Quote:
    """What a text would cost an account (to ``number``, when given), without sending it."""

    text: str
    info: TextInfo
    price_per_part: Decimal  # for ``number``, or the default
    cost: Decimal
    max_parts: int
    number: str | None
    prices: dict[str, Decimal]  # the account's whole price table


@dataclass(frozen=True, slots=True)
class MessageRecord:
    """A message as the outbox shows it, with its state and timeline at one moment."""

    message: Message
    state: MessageState
    timeline: tuple[TimelineEvent, ...]

    @classmethod
    def of(cls, message: Message, now: datetime) -> MessageRecord:
        return cls(message.copy(), message.state_at(now), tuple(message.timeline(now)))
