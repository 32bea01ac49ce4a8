"""Which events become webhook notifications: a reply or a short-code message received,
and a message reaching its final state (DELIVERED or SENDINGFAILED) or refused at its
dispatch time. An event is sent when its account's webhooks are enabled and the URL for
its kind is set at the moment it happens (emulator time)."""

from __future__ import annotations

from datetime import datetime

from winsms_emulator.domain.inbound import Reply, ShortCodeMessage
from winsms_emulator.domain.messages import Message
from winsms_emulator.domain.webhook_fields import parameters, webhook_date
from winsms_emulator.domain.webhooks import DELIVERY, DISPATCH, REPLY, REPORTED, Notification
from winsms_emulator.domain.world import World
from winsms_emulator.errors import Conflict, DeliveryStatus, Invalid, StatusCode

#: What a test notification says, and the number it comes from.
TEST_TEXT = "Test notification from the WinSMS emulator"
TEST_NUMBER = "27000000000"


def _queue(
    world: World,
    account: str,
    event: str,
    values: tuple[tuple[str, str], ...],
    at: datetime,
) -> Notification | None:
    url = world.account(account).webhooks.url_for(event)
    if url is None:
        return None
    return world.webhooks.add(account, event, url, values, at)


def notify_reply(world: World, reply: Reply) -> Notification | None:
    """A Reply Notification for ``reply``, if its account wants one."""
    values = {
        "date": webhook_date(reply.received_at),
        "from": reply.number,
        "message": reply.message,
        "id": reply.id,
        "messageid": reply.sent_message_id,
    }
    return _queue(world, reply.account, REPLY, parameters("reply", values), reply.received_at)


def notify_short_code(world: World, message: ShortCodeMessage) -> Notification | None:
    """A Reply Notification for a text to a short or long code, naming the code (``to``)."""
    values = {
        "date": webhook_date(message.received_at),
        "from": message.number,
        "to": message.code,
        "message": message.message,
        "id": message.id,
    }
    at = message.received_at
    return _queue(world, message.account, REPLY, parameters("short_code", values), at)


def _report(
    world: World, message: Message, status: DeliveryStatus, code: StatusCode, at: datetime
) -> Notification | None:
    values = {
        "date": webhook_date(at),
        "messageid": message.id,
        "number": message.number,
        "status": status.value,
        "statuscode": int(code),
        "clientmessageid": message.client_message_id or None,
    }
    return _queue(world, message.account, DELIVERY, parameters("delivery", values), at)


def fire_reports(world: World, now: datetime) -> int:
    """Turn the report events due by ``now`` into delivery reports, in time order (queued
    messages must have been dispatched first). Returns how many were queued."""
    queued = 0
    for at, kind, message_id in world.webhooks.due_reports(now):
        message = world.messages.get(message_id)
        if message is None or message.deleted_at is not None:
            continue  # forgotten by a reset, or deleted before it went out
        if kind == DISPATCH:
            if message.refused is None:
                continue
            found = _report(world, message, DeliveryStatus.SENDINGFAILED, message.refused, at)
        else:
            if message.refused is not None or message.outcome.status not in REPORTED:
                continue
            found = _report(world, message, message.outcome.status, message.outcome.code, at)
        queued += found is not None
    return queued


def notify_test(world: World, username: str, event: str, now: datetime) -> Notification:
    """A test notification of ``event`` for the account, as its Developers panel sends:
    sample values, sent at once to the URL set for that event."""
    settings = world.account(username).webhooks
    if event not in (REPLY, DELIVERY):
        raise Invalid(f"event must be one of {REPLY}, {DELIVERY}")
    url = settings.url_for(event)
    if url is None:
        why = "its webhooks are disabled" if not settings.enabled else f"no {event} URL is set"
        raise Conflict(f"cannot send a test {event} notification for {username!r}: {why}")
    date = webhook_date(now)
    if event == REPLY:
        values: dict[str, object] = {
            "date": date,
            "from": TEST_NUMBER,
            "message": TEST_TEXT,
            "id": 0,
            "messageid": 0,
        }
        kind = "reply"
    else:
        values = {
            "date": date,
            "messageid": 0,
            "number": TEST_NUMBER,
            "status": DeliveryStatus.DELIVERED.value,
            "statuscode": int(StatusCode.DELIVERED),
            "clientmessageid": None,
        }
        kind = "delivery"
    return world.webhooks.add(username, event, url, parameters(kind, values), now, test=True)
