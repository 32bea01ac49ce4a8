"""A message's status is derived from its facts and the time asked about."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from winsms_emulator.domain.encoding import analyse
from winsms_emulator.domain.messages import STATUS_WINDOW, FinalOutcome, Message
from winsms_emulator.domain.sast import SAST
from winsms_emulator.errors import DeliveryStatus, StatusCode

SUBMITTED = datetime(2025, 3, 1, 10, 0, tzinfo=SAST)
DELIVERED_AFTER_2S = FinalOutcome(
    DeliveryStatus.DELIVERED, StatusCode.DELIVERED, timedelta(seconds=2)
)


def message(
    *,
    dispatch_in: timedelta = timedelta(0),
    outcome: FinalOutcome = DELIVERED_AFTER_2S,
) -> Message:
    return Message(
        id=7,
        account="alice",
        number="27821234567",
        text="Hello",
        info=analyse("Hello"),
        cost=Decimal("1.0"),
        submitted_at=SUBMITTED,
        dispatch_at=SUBMITTED + dispatch_in,
        scheduled=dispatch_in > timedelta(0),
        outcome=outcome,
    )


def at(seconds: float) -> datetime:
    return SUBMITTED + timedelta(seconds=seconds)


def state(msg: Message, now: datetime) -> tuple[DeliveryStatus, int, datetime]:
    s = msg.state_at(now)
    return s.status, int(s.code), s.at


def test_a_message_is_sent_105_at_dispatch_with_the_dispatch_time() -> None:
    msg = message()
    assert state(msg, at(0)) == (DeliveryStatus.SENT, 105, at(0))
    assert state(msg, at(1.999)) == (DeliveryStatus.SENT, 105, at(0))


def test_a_message_is_delivered_0_after_the_delay_with_the_final_event_time() -> None:
    msg = message()
    assert state(msg, at(2)) == (DeliveryStatus.DELIVERED, 0, at(2))
    assert state(msg, at(3600)) == (DeliveryStatus.DELIVERED, 0, at(2))


def test_a_failed_outcome_is_sendingfailed_with_the_failure_time() -> None:
    msg = message(
        outcome=FinalOutcome(
            DeliveryStatus.SENDINGFAILED, StatusCode.EXPIRED, timedelta(seconds=30)
        )
    )
    assert state(msg, at(29)) == (DeliveryStatus.SENT, 105, at(0))
    assert state(msg, at(30)) == (DeliveryStatus.SENDINGFAILED, 101, at(30))


def test_a_sent_106_outcome_keeps_the_dispatch_time() -> None:
    msg = message(
        outcome=FinalOutcome(
            DeliveryStatus.SENT, StatusCode.SENT_STATUS_UNKNOWN, timedelta(seconds=10)
        )
    )
    assert state(msg, at(10)) == (DeliveryStatus.SENT, 106, at(0))
    assert state(msg, at(86400)) == (DeliveryStatus.SENT, 106, at(0))


def test_a_queued_message_is_notfound_minus_1_at_now() -> None:
    msg = message(dispatch_in=timedelta(hours=1))
    queued = msg.state_at(at(60))
    assert state(msg, at(60)) == (DeliveryStatus.NOTFOUND, -1, at(60))
    assert queued.in_queue is True
    assert state(msg, at(3600)) == (DeliveryStatus.SENT, 105, at(3600))
    assert state(msg, at(3602)) == (DeliveryStatus.DELIVERED, 0, at(3602))


def test_a_deleted_message_is_notfound_minus_2_for_ever() -> None:
    msg = message(dispatch_in=timedelta(hours=1))
    msg.deleted_at = at(10)
    assert state(msg, at(10)) == (DeliveryStatus.NOTFOUND, -2, at(10))
    assert state(msg, at(86400)) == (DeliveryStatus.NOTFOUND, -2, at(86400))


def test_a_message_older_than_90_days_is_notfound_minus_2() -> None:
    msg = message()
    ninety_days = STATUS_WINDOW.total_seconds()
    assert timedelta(days=90) == STATUS_WINDOW
    assert state(msg, at(ninety_days)) == (DeliveryStatus.DELIVERED, 0, at(2))
    assert state(msg, at(ninety_days + 1)) == (
        DeliveryStatus.NOTFOUND,
        -2,
        at(ninety_days + 1),
    )


def events(msg: Message, now: datetime) -> list[tuple[str, datetime, DeliveryStatus, int]]:
    return [(e.event, e.at, e.status, int(e.code)) for e in msg.timeline(now)]


def test_timeline_lists_dispatch_then_delivery_in_order() -> None:
    msg = message()
    assert events(msg, at(1)) == [("dispatched", at(0), DeliveryStatus.SENT, 105)]
    assert events(msg, at(5)) == [
        ("dispatched", at(0), DeliveryStatus.SENT, 105),
        ("delivered", at(2), DeliveryStatus.DELIVERED, 0),
    ]


def test_timeline_of_a_scheduled_message_starts_with_queued() -> None:
    msg = message(dispatch_in=timedelta(seconds=60))
    assert events(msg, at(10)) == [("queued", at(0), DeliveryStatus.NOTFOUND, -1)]
    assert events(msg, at(62)) == [
        ("queued", at(0), DeliveryStatus.NOTFOUND, -1),
        ("dispatched", at(60), DeliveryStatus.SENT, 105),
        ("delivered", at(62), DeliveryStatus.DELIVERED, 0),
    ]


def test_timeline_of_a_deleted_message_ends_with_deleted() -> None:
    msg = message(dispatch_in=timedelta(seconds=60))
    msg.deleted_at = at(30)
    assert events(msg, at(1000)) == [
        ("queued", at(0), DeliveryStatus.NOTFOUND, -1),
        ("deleted", at(30), DeliveryStatus.NOTFOUND, -2),
    ]


def test_timeline_of_a_failed_message_ends_with_failed() -> None:
    msg = message(
        outcome=FinalOutcome(
            DeliveryStatus.SENDINGFAILED, StatusCode.UNDELIVERABLE, timedelta(seconds=5)
        )
    )
    assert events(msg, at(5)) == [
        ("dispatched", at(0), DeliveryStatus.SENT, 105),
        ("failed", at(5), DeliveryStatus.SENDINGFAILED, 103),
    ]


def test_timeline_events_are_in_time_order_after_expiry() -> None:
    msg = message()
    ninety_one_days = timedelta(days=91).total_seconds()
    timeline = msg.timeline(at(ninety_one_days))
    assert [e.event for e in timeline] == ["dispatched", "delivered", "expired"]
    assert [e.at for e in timeline] == sorted(e.at for e in timeline)
