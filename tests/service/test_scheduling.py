"""Scheduled messages: queued with their cost taken, deletable with a refund until sent."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from winsms_emulator.clock import ManualClock
from winsms_emulator.domain.accounts import Account
from winsms_emulator.domain.results import DeleteReport, RecipientResult
from winsms_emulator.domain.sast import SAST
from winsms_emulator.domain.sending import OutgoingMessage, Recipient
from winsms_emulator.errors import DeleteResult, DeliveryStatus, SendOutcome
from winsms_emulator.services import Gateway

START = datetime(2025, 3, 1, 10, 0, tzinfo=SAST)
NUMBER = "27821234567"
IN_AN_HOUR = START + timedelta(hours=1)


def make_gateway() -> Gateway:
    return Gateway(
        [
            Account(
                "alice", "pw", "alice-key", credits=Decimal("10.0"), price_per_part=Decimal("0.3")
            ),
            Account("bob", "pw", "bob-key"),
        ],
        ManualClock(START),
    )


def send(
    gw: Gateway, scheduled_for: datetime | None, text: str = "Hi", username: str = "alice"
) -> RecipientResult:
    outgoing = OutgoingMessage(text, [Recipient(NUMBER)], scheduled_for=scheduled_for)
    [result] = gw.sms.send(username, [outgoing])
    [recipient] = result.recipients
    assert recipient.outcome is SendOutcome.ACCEPTED
    return recipient


def dispatch(gw: Gateway, sent: RecipientResult) -> tuple[datetime, bool]:
    """When the message is (or was) dispatched, and whether it was queued for it."""
    msg = gw.accounts.message(sent.message_id or 0).message
    return msg.dispatch_at, msg.scheduled


def status(gw: Gateway, message_id: int, username: str = "alice") -> tuple[str, int, datetime]:
    [result] = gw.sms.status(username, [message_id])
    return result.state.status.value, int(result.state.code), result.state.at


def delete(gw: Gateway, message_id: int, username: str = "alice") -> DeleteReport:
    [report] = gw.sms.delete_scheduled(username, [message_id])
    return report


def test_no_schedule_dispatches_at_once() -> None:
    gw = make_gateway()
    sent = send(gw, None)
    assert dispatch(gw, sent) == (START, False)
    assert status(gw, sent.message_id or 0) == ("SENT", 105, START)
    assert gw.sms.scheduled("alice") == []


def test_a_schedule_of_now_dispatches_at_once() -> None:
    gw = make_gateway()
    sent = send(gw, START)
    assert dispatch(gw, sent) == (START, False)
    assert status(gw, sent.message_id or 0) == ("SENT", 105, START)
    assert gw.sms.scheduled("alice") == []


def test_a_schedule_in_the_past_dispatches_at_once_at_now() -> None:
    gw = make_gateway()
    sent = send(gw, START - timedelta(days=1))
    assert dispatch(gw, sent) == (START, False)
    assert status(gw, sent.message_id or 0) == ("SENT", 105, START)


def test_a_future_message_is_queued_with_its_id_and_its_cost_taken_at_submit() -> None:
    gw = make_gateway()
    sent = send(gw, IN_AN_HOUR, text="a" * 161)
    assert (sent.message_id, sent.cost) == (1, Decimal("0.6"))
    assert dispatch(gw, sent) == (IN_AN_HOUR, True)
    assert gw.sms.balance("alice") == Decimal("9.4")
    assert [m.id for m in gw.sms.scheduled("alice")] == [1]


def test_a_queued_message_is_notfound_minus_1_at_now() -> None:
    gw = make_gateway()
    sent = send(gw, IN_AN_HOUR)
    assert status(gw, 1) == ("NOTFOUND", -1, START)
    gw.control.advance_clock(3599)
    assert status(gw, sent.message_id or 0) == ("NOTFOUND", -1, START + timedelta(seconds=3599))


def test_a_queued_message_is_sent_at_its_scheduled_time_then_delivered() -> None:
    gw = make_gateway()
    send(gw, IN_AN_HOUR)
    gw.control.set_clock(IN_AN_HOUR)
    assert status(gw, 1) == ("SENT", 105, IN_AN_HOUR)
    assert gw.sms.scheduled("alice") == []
    gw.control.advance_clock(2)
    assert status(gw, 1) == ("DELIVERED", 0, IN_AN_HOUR + timedelta(seconds=2))


def test_deleting_a_queued_message_refunds_its_cost_exactly() -> None:
    gw = make_gateway()
    send(gw, IN_AN_HOUR, text="a" * 307)
    assert gw.sms.balance("alice") == Decimal("9.1")
    report = delete(gw, 1)
    assert (report.result, report.number, report.cost) == (
        DeleteResult.DELETED,
        NUMBER,
        Decimal("0.9"),
    )
    assert gw.sms.balance("alice") == Decimal("10.0")
    assert gw.sms.scheduled("alice") == []


def test_deleting_a_message_twice_is_notfound_the_second_time() -> None:
    gw = make_gateway()
    send(gw, IN_AN_HOUR)
    assert delete(gw, 1).result is DeleteResult.DELETED
    assert delete(gw, 1).result is DeleteResult.NOTFOUND
    assert gw.sms.balance("alice") == Decimal("10.0")


def test_deleting_a_dispatched_message_is_sent_and_refunds_nothing() -> None:
    gw = make_gateway()
    send(gw, IN_AN_HOUR)
    send(gw, None)
    gw.control.set_clock(IN_AN_HOUR)
    assert [r.result for r in gw.sms.delete_scheduled("alice", [1, 2])] == [
        DeleteResult.SENT,
        DeleteResult.SENT,
    ]
    assert gw.sms.balance("alice") == Decimal("9.4")


def test_deleting_another_accounts_message_is_notfound_and_leaves_it_queued() -> None:
    gw = make_gateway()
    send(gw, IN_AN_HOUR)
    assert delete(gw, 1, username="bob").result is DeleteResult.NOTFOUND
    assert [m.id for m in gw.sms.scheduled("alice")] == [1]
    assert gw.sms.balance("alice") == Decimal("9.7")


def test_deleting_an_unknown_id_is_notfound() -> None:
    gw = make_gateway()
    assert delete(gw, 12345).result is DeleteResult.NOTFOUND


def test_delete_results_come_in_request_order() -> None:
    gw = make_gateway()
    send(gw, IN_AN_HOUR)
    send(gw, None)
    assert [r.result for r in gw.sms.delete_scheduled("alice", [99, 1, 2, 1])] == [
        DeleteResult.NOTFOUND,
        DeleteResult.DELETED,
        DeleteResult.SENT,
        DeleteResult.NOTFOUND,
    ]


def test_a_deleted_message_is_never_delivered() -> None:
    gw = make_gateway()
    send(gw, IN_AN_HOUR)
    delete(gw, 1)
    gw.control.advance_clock(timedelta(days=10).total_seconds())
    later = START + timedelta(days=10)
    assert status(gw, 1) == ("NOTFOUND", -2, later)
    record = gw.accounts.message(1)
    assert record.state.status is DeliveryStatus.NOTFOUND
    assert [e.event for e in record.timeline] == ["queued", "deleted"]


def test_a_message_sent_once_its_time_comes_is_in_the_outbox_with_its_timeline() -> None:
    gw = make_gateway()
    send(gw, IN_AN_HOUR)
    gw.control.set_clock(IN_AN_HOUR + timedelta(seconds=5))
    [record] = gw.accounts.outbox("alice")
    assert [(e.event, e.at) for e in record.timeline] == [
        ("queued", START),
        ("dispatched", IN_AN_HOUR),
        ("delivered", IN_AN_HOUR + timedelta(seconds=2)),
    ]


def test_a_message_can_be_deleted_until_the_moment_it_is_dispatched() -> None:
    gw = make_gateway()
    send(gw, IN_AN_HOUR)
    send(gw, IN_AN_HOUR)
    gw.control.set_clock(IN_AN_HOUR - timedelta(seconds=1))
    assert delete(gw, 1).result is DeleteResult.DELETED
    gw.control.advance_clock(1)
    assert delete(gw, 2).result is DeleteResult.SENT
    assert gw.sms.balance("alice") == Decimal("9.7")
