"""Handsets texting in: replies to the account that texted them last (Appendix D trigger
words opt them out), and texts to short or long codes for the account that owns the code.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

from winsms_emulator.domain.accounts import OptOut
from winsms_emulator.domain.encoding import analyse
from winsms_emulator.domain.inbound import Reply, ShortCodeMessage
from winsms_emulator.domain.optout import is_opt_out_trigger
from winsms_emulator.domain.sending import create_message
from winsms_emulator.domain.text import require_text
from winsms_emulator.domain.world import World
from winsms_emulator.errors import Conflict, NotFound

#: What the gateway texts a number that has just opted out (free of charge).
OPT_OUT_CONFIRMATION = (
    "You have been opted out and will receive no further messages from this sender."
)

Inbound = TypeVar("Inbound", Reply, ShortCodeMessage)


def receive_reply(world: World, number: str, text: str, now: datetime) -> Reply:
    """A handset replies; it goes to the account whose message it received last.

    A reply that is an Appendix D trigger opts the number out of that account, which
    then sends a free confirmation message (once: a second trigger sends none).
    """
    require_text(text, "the reply")
    require_text(number, "the number")
    last = world.last_received(number, now)
    if last is None:
        raise Conflict(f"no account has sent a message to {number}, so it cannot reply")
    account = world.account(last.account)
    reply = Reply(
        id=world.new_incoming_id(),
        account=account.username,
        number=number,
        message=text,
        received_at=now,
        sent_message_id=last.id,
        opt_out=is_opt_out_trigger(text),
    )
    world.add_reply(reply)
    if reply.opt_out and not account.has_opted_out(number):
        account.opt_outs[number] = OptOut(number, now, "reply", reply.id, text)
        info = analyse(OPT_OUT_CONFIRMATION)
        create_message(
            world,
            account,
            number,
            OPT_OUT_CONFIRMATION,
            info,
            Decimal(0),
            now,
            now,
            "optout-confirmation",
        )
    return reply


def receive_short_code_message(
    world: World, code: str, number: str, text: str, now: datetime
) -> ShortCodeMessage:
    """A handset texts a short/long code; it goes to the account that owns the code."""
    require_text(text, "the message")
    require_text(code, "the short code")
    require_text(number, "the number")
    owner = world.owner_of_code(code)
    if owner is None:
        raise NotFound(f"no account owns the short code {code!r}")
    message = ShortCodeMessage(
        id=world.new_incoming_id(),
        account=owner.username,
        code=code,
        number=number,
        message=text,
        received_at=now,
    )
    world.add_short_code_message(message)
    return message


def take_pending(
    items: Sequence[Inbound], now: datetime, offset: int = 0, limit: int | None = None
) -> tuple[list[Inbound], int]:
    """The items not yet returned (within 90 days), skipping ``offset``; those chosen are
    marked returned. Also how many were pending."""
    pending = [item for item in items if item.is_pending(now)]
    chosen = pending[offset:] if limit is None else pending[offset : offset + limit]
    for item in chosen:
        item.returned_at = now
    return [dataclasses.replace(item) for item in chosen], len(pending)


def listing(
    items: Sequence[Inbound], now: datetime, offset: int = 0, limit: int | None = None
) -> tuple[list[Inbound], int]:
    """Every item of the last 90 days, oldest first, returned or not, from ``offset``;
    nothing is marked returned. Also how many there are in all."""
    recent = [item for item in items if item.is_recent(now)]
    chosen = recent[offset:] if limit is None else recent[offset : offset + limit]
    return [dataclasses.replace(item) for item in chosen], len(recent)
