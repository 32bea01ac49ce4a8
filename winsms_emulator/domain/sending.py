"""The send rules: what each recipient of a send gets, first rule that applies wins, and
what an accepted recipient leaves behind (a message with its own ID, its cost taken)."""

from __future__ import annotations

import sys
from collections.abc import Container, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from winsms_emulator.domain.accounts import Account, kept_amount
from winsms_emulator.domain.encoding import MAX_PARTS, TextInfo, analyse
from winsms_emulator.domain.messages import FinalOutcome, Message
from winsms_emulator.domain.numbers import is_valid_recipient
from winsms_emulator.domain.refusals import refused_at_dispatch, refused_at_send
from winsms_emulator.domain.results import MessageResult, RecipientResult
from winsms_emulator.domain.text import require_text
from winsms_emulator.domain.world import World
from winsms_emulator.errors import DeliveryStatus, GatewayError, Invalid, SendOutcome, StatusCode

#: No more than 1000 recipients in one request, across all its messages.
MAX_RECIPIENTS_PER_REQUEST = 1000
#: The codes a queued message can be refused with at its dispatch time.
DISPATCH_REFUSALS = frozenset(
    {
        StatusCode.ACCOUNT_LOCKED,
        StatusCode.OPTED_OUT,
        StatusCode.BLACKLISTED,
        StatusCode.UNKNOWN_FAILURE,
    }
)


_NOTHING = Decimal(0)


class TooManyRecipients(GatewayError):
    def __init__(self, count: int) -> None:
        super().__init__(
            "too_many_recipients",
            f"{count} recipients in one request; no more than "
            f"{MAX_RECIPIENTS_PER_REQUEST} are allowed",
        )
        self.count = count


class Recipient(NamedTuple):
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
    return message_outcome(account, message, info) or number_outcome(
        account, number, cost, too_long(message, info), blacklist, dnc
    )


def message_outcome(
    account: Account, message: OutgoingMessage, info: TextInfo | None
) -> SendOutcome | None:
    """The first rules, which judge every recipient of a message alike: the account is
    locked; there is no text. ``None`` when neither applies."""
    if account.locked:
        return SendOutcome.ACCOUNT_LOCKED
    if info is None or message.text is None or not message.text.strip():
        return SendOutcome.NO_MESSAGE
    return None


def too_long(message: OutgoingMessage, info: TextInfo | None) -> bool:
    return info is not None and not info.fits(message.max_parts)


def number_outcome(
    account: Account,
    number: str,
    cost: Decimal,
    too_long: bool,
    blacklist: Container[str],
    dnc: Container[str],
) -> SendOutcome:
    """The rules after :func:`message_outcome`'s, in order, for one recipient's number
    (``too_long``: the message's text is longer than it allows)."""
    if not number:
        return SendOutcome.NO_NUMBER
    if too_long:
        return SendOutcome.TOO_LONG
    if not is_valid_recipient(number) or number in blacklist:
        return SendOutcome.BAD_DEST
    if account.trial and number not in account.own_numbers:
        return SendOutcome.TRIAL_NOT_TO_SELF
    if number in account.opt_outs:
        return SendOutcome.OPTED_OUT
    if number in dnc and not account.dnc_bypass:
        return SendOutcome.WASPA_DNC
    if account.credits < cost:
        return SendOutcome.NO_CREDITS
    return SendOutcome.ACCEPTED


def submit(
    world: World,
    account: Account,
    messages: Sequence[OutgoingMessage],
    now: datetime,
    api: str,
    request_id: int | None = None,
) -> list[MessageResult]:
    """Judge every recipient of a batch by the send rules, in document order, and store
    a message for each accepted one (so a batch can run out of credits part-way) and a
    :class:`~winsms_emulator.domain.refusals.Refusal` for each refused one.
    ``request_id`` is the request journal's entry of the request that sent it.

    One pass per message: what is the same for all its recipients (the rules about the
    account and the text, the cost at each price, how delivery ends) is worked out once.
    """
    total = sum(m.recipient_count() for m in messages)
    if total > MAX_RECIPIENTS_PER_REQUEST:
        raise TooManyRecipients(total)
    check_texts(messages)
    results = []
    blacklist, dnc, scripted = world.blacklist, world.dnc, world.outcomes
    username = account.username
    accepted = SendOutcome.ACCEPTED
    for message in messages:
        wanted = message.scheduled_for
        if wanted is not None and wanted.utcoffset() is None:
            raise Invalid("a scheduled time must carry its UTC offset")
        text = message.text
        info = analyse(text) if text is not None else None
        dispatch_at = now if wanted is None or wanted <= now else wanted
        recipients: Sequence[Recipient] = message.recipients or (Recipient(None),)
        verdict = message_outcome(account, message, info)
        longer = too_long(message, info)
        delivered = _delivered_after(account.delivery_delay_seconds)
        # one cost (and its charge) per price: most recipients share one
        costs: dict[int, tuple[Decimal, Decimal]] = {}
        row = []
        message_id = world.next_message_id
        ids: list[int] = []
        numbers: list[str] = []
        charged: list[Decimal] = []
        sends: list[tuple[datetime, Decimal, str, int | None]] = []  # for the ledger
        outcomes: list[FinalOutcome] = []
        client_ids: list[str | None] = []
        for recipient in recipients:
            number = (recipient.number or "").strip()
            client_id = recipient.client_message_id
            if verdict is not None or info is None or text is None:
                refused = verdict or SendOutcome.NO_MESSAGE
                world.add_refusal(
                    refused_at_send(
                        username, number, text, refused, api, request_id, now, client_id
                    )
                )
                row.append(
                    RecipientResult(
                        number, client_id, refused, None, _NOTHING, account.credits, None
                    )
                )
                continue
            price = account.price_for(number)
            priced = costs.get(id(price))
            if priced is None:
                cost = info.cost(price)
                priced = costs[id(price)] = (cost, kept_amount(-cost))
            cost, charge = priced
            outcome = number_outcome(account, number, cost, longer, blacklist, dnc)
            if outcome is accepted:
                number = sys.intern(number)
                if cost:
                    account.credits += charge
                    sends.append((now, charge, "send", message_id))
                ids.append(message_id)
                numbers.append(number)
                charged.append(cost)
                outcomes.append(scripted.get(number) or delivered)
                client_ids.append(client_id)
                row.append(
                    RecipientResult(
                        number, client_id, outcome, message_id, cost, account.credits, dispatch_at
                    )
                )
                message_id += 1
            else:
                world.add_refusal(
                    refused_at_send(
                        username, number, text, outcome, api, request_id, now, client_id
                    )
                )
                row.append(
                    RecipientResult(
                        number, client_id, outcome, None, _NOTHING, account.credits, None
                    )
                )
        if ids and info is not None and text is not None:
            account.ledger.extend(sends)
            world.record_sent_batch(
                username,
                text,
                info,
                now,
                dispatch_at,
                api,
                ids,
                numbers,
                charged,
                outcomes,
                client_ids,
                request_id,
            )
        results.append(MessageResult(text, info, tuple(row), dispatch_at > now))
    return results


def check_texts(messages: Sequence[OutgoingMessage]) -> None:
    """Refuse the whole batch, before anything changes, if any of its texts cannot be kept
    (:mod:`~winsms_emulator.domain.text`)."""
    for index, message in enumerate(messages, start=1):
        require_text(message.text, f"the text of message {index}")
        for number, client_id in message.recipients or ():
            # most texts are ASCII, which any text can be: only the others are looked at
            if number is not None and not number.isascii():
                require_text(number, f"a number of message {index}")
            if client_id is not None and not client_id.isascii():
                require_text(client_id, f"a client message ID of message {index}")


@lru_cache(maxsize=256)
def _delivered_after(seconds: float) -> FinalOutcome:
    return FinalOutcome(DeliveryStatus.DELIVERED, StatusCode.DELIVERED, timedelta(seconds=seconds))


def delivery_outcome(world: World, account: Account, number: str) -> FinalOutcome:
    """How delivery to ``number`` ends: as scripted for the number, else DELIVERED after
    the account's delay."""
    return world.outcomes.get(number) or _delivered_after(account.delivery_delay_seconds)


def create_message(
    world: World,
    account: Account,
    number: str,
    text: str,
    info: TextInfo,
    cost: Decimal,
    now: datetime,
    dispatch_at: datetime,
    api: str,
) -> int:
    """Store a new message from ``account`` to ``number`` and take its cost; its ID.

    Delivery ends as scripted for the number, else DELIVERED after the account's delay.
    """
    message_id = world.next_message_id
    if cost:
        account.charge(-cost, now, "send", message_id)
    return world.record_sent(
        account.username,
        number,
        text,
        info,
        cost,
        now,
        dispatch_at,
        delivery_outcome(world, account, number),
        None,
        api,
    )


def dispatch_refusal(world: World, message: Message) -> StatusCode | None:
    """Whether a queued message is refused at its dispatch time, checked again in this
    order: account locked (202), the number opted out of the account since (212),
    blacklisted since (214), put on the DNC list since without a bypass (213)."""
    account = world.account(message.account)
    number = message.number
    if account.locked:
        return StatusCode.ACCOUNT_LOCKED
    if account.has_opted_out(number):
        return StatusCode.OPTED_OUT
    if number in world.blacklist:
        return StatusCode.BLACKLISTED
    if number in world.dnc and not account.dnc_bypass:
        return StatusCode.UNKNOWN_FAILURE
    return None


def dispatch_due(world: World, now: datetime) -> list[Message]:
    """Dispatch every queued message due by ``now``, in time order, each checked again as
    the world stands; a refused one never goes out and its cost is refunded (the ledger
    entry, dated at the dispatch time, says why). Returns the messages dispatched or
    refused. The gateway does this before anything reads or changes the world, so no
    answer depends on when it is asked."""
    handled = []
    for message in world.due(now):
        refusal = dispatch_refusal(world, message)
        if refusal is not None:
            world.refuse_message(message.id, refusal)
            message.refused = refusal
            world.add_refusal(refused_at_dispatch(message, refusal))
            if message.cost:
                account = world.account(message.account)
                reason = f"refused at dispatch: {refusal.description}"
                account.charge(message.cost, message.dispatch_at, reason, message.id)
        handled.append(message)
    return handled
