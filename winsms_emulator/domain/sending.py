"""The send rules: what each recipient of a send gets, first rule that applies wins."""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from winsms_emulator.domain.accounts import Account
from winsms_emulator.domain.encoding import MAX_PARTS, TextInfo
from winsms_emulator.domain.numbers import is_valid_recipient
from winsms_emulator.errors import SendOutcome

#: No more than 1000 recipients in one request, across all its messages.
MAX_RECIPIENTS_PER_REQUEST = 1000


@dataclass(frozen=True, slots=True)
class Recipient:
    """One recipient as the client sent it (``number`` ``None`` or blank: none given)."""

    number: str | None
    client_message_id: str | None = None


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One message of a send request: a text for some recipients.

    ``text`` ``None`` means the client sent no text at all; ``recipients``
    ``None`` or empty means it named nobody. ``max_parts`` is the most parts
    the client allows (the current REST shape's ``maxSegments``).
    ``scheduled_for`` ``None``, now or in the past means send at once.
    """

    text: str | None
    recipients: Sequence[Recipient] | None
    max_parts: int = MAX_PARTS
    scheduled_for: datetime | None = None

    def recipient_count(self) -> int:
        return len(self.recipients) if self.recipients else 0


def recipient_outcome(
    account: Account,
    message: OutgoingMessage,
    info: TextInfo | None,
    number: str,
    cost: Decimal,
    *,
    blacklist: Container[str],
    dnc: Container[str],
) -> SendOutcome:
    """Apply the send rules, in the documented precedence, to one recipient."""
    if account.locked:
        return SendOutcome.ACCOUNT_LOCKED
    if info is None or message.text is None or not message.text.strip():
        return SendOutcome.NO_MESSAGE
    if not number:
        return SendOutcome.NO_NUMBER
    if not info.fits(message.max_parts):
        return SendOutcome.TOO_LONG
    if not is_valid_recipient(number) or number in blacklist:
        return SendOutcome.BAD_DEST
    if not account.may_text(number):
        return SendOutcome.TRIAL_NOT_TO_SELF
    if account.has_opted_out(number):
        return SendOutcome.OPTED_OUT
    if number in dnc and not account.dnc_bypass:
        return SendOutcome.WASPA_DNC
    if not account.can_afford(cost):
        return SendOutcome.NO_CREDITS
    return SendOutcome.ACCEPTED
