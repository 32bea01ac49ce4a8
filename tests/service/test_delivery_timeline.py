"""Gateway.status: SENT at dispatch, then the final state, derived from the clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from winsms_emulator.clock import ManualClock
from winsms_emulator.domain.accounts import Account
from winsms_emulator.domain.messages import scripted_outcome
from winsms_emulator.domain.sast import SAST
from winsms_emulator.domain.sending import OutgoingMessage, Recipient
from winsms_emulator.errors import DeliveryStatus, Invalid, StatusCode
from winsms_emulator.services import Gateway

START = datetime(2025, 3, 1, 10, 0, tzinfo=SAST)
NUMBER = "27821234567"
OTHER = "27835550505"


def make_gateway(delivery_delay_seconds: float = 2.0) -> Gateway:
    return Gateway(
        [
            Account("alice", "pw", "alice-key", delivery_delay_seconds=delivery_delay_seconds),
            Account("bob", "pw", "bob-key"),
        ],
        ManualClock(START),
    )


def send(gw: Gateway, number: str = NUMBER, username: str = "alice") -> int:
    [result] = gw.sms.send(username, [OutgoingMessage("Hi", [Recipient(number)])])
    message_id = result.recipients[0].message_id
    assert message_id is not None
    return message_id


def status(gw: Gateway, message_id: int, username: str = "alice") -> tuple[str, int, datetime]:
    [result] = gw.sms.status(username, [message_id])
    return result.state.status.value, int(result.state.code), result.state.at


def after(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


def test_a_message_is_sent_105_at_dispatch_with_the_dispatch_time() -> None:
    gw = make_gateway()
    message_id = send(gw)
    assert status(gw, message_id) == ("SENT", 105, START)
    gw.control.advance_clock(1.5)
    assert status(gw, message_id) == ("SENT", 105, START)


def test_a_message_is_delivered_0_after_the_default_two_second_delay() -> None:
    gw = make_gateway()
    message_id = send(gw)
    gw.control.advance_clock(2)
    assert status(gw, message_id) == ("DELIVERED", 0, after(2))
    gw.control.advance_clock(600)
    assert status(gw, message_id) == ("DELIVERED", 0, after(2))


def test_the_accounts_own_delivery_delay_decides_when_it_is_delivered() -> None:
    gw = make_gateway(delivery_delay_seconds=30)
    message_id = send(gw)
    gw.control.advance_clock(29.999)
    assert status(gw, message_id) == ("SENT", 105, START)
    gw.control.advance_clock(0.001)
    assert status(gw, message_id) == ("DELIVERED", 0, after(30))


def test_a_scripted_sendingfailed_101_comes_after_its_own_delay() -> None:
    gw = make_gateway()
    gw.network.script_outcome(
        NUMBER, scripted_outcome(DeliveryStatus.SENDINGFAILED, StatusCode.EXPIRED, 45)
    )
    message_id = send(gw)
    gw.control.advance_clock(44)
    assert status(gw, message_id) == ("SENT", 105, START)
    gw.control.advance_clock(1)
    assert status(gw, message_id) == ("SENDINGFAILED", 101, after(45))


def test_a_scripted_outcome_applies_only_to_its_number() -> None:
    gw = make_gateway()
    gw.network.script_outcome(
        NUMBER, scripted_outcome(DeliveryStatus.SENDINGFAILED, StatusCode.REJECTED, 1)
    )
    failing, fine = send(gw, NUMBER), send(gw, OTHER)
    gw.control.advance_clock(5)
    assert status(gw, failing) == ("SENDINGFAILED", 107, after(1))
    assert status(gw, fine) == ("DELIVERED", 0, after(2))


def test_a_scripted_sent_106_stays_sent_with_the_dispatch_time() -> None:
    gw = make_gateway()
    gw.network.script_outcome(
        NUMBER, scripted_outcome(DeliveryStatus.SENT, StatusCode.SENT_STATUS_UNKNOWN, 10)
    )
    message_id = send(gw)
    gw.control.advance_clock(10)
    assert status(gw, message_id) == ("SENT", 106, START)
    gw.control.advance_clock(86400)
    assert status(gw, message_id) == ("SENT", 106, START)


def test_a_scripted_outcome_is_not_applied_to_messages_sent_before_it() -> None:
    gw = make_gateway()
    message_id = send(gw)
    gw.network.script_outcome(
        NUMBER, scripted_outcome(DeliveryStatus.SENDINGFAILED, StatusCode.EXPIRED, 1)
    )
    gw.control.advance_clock(5)
    assert status(gw, message_id) == ("DELIVERED", 0, after(2))


def test_a_cleared_outcome_goes_back_to_delivered() -> None:
    gw = make_gateway()
    gw.network.script_outcome(
        NUMBER, scripted_outcome(DeliveryStatus.SENDINGFAILED, StatusCode.EXPIRED, 1)
    )
    gw.network.clear_outcome(NUMBER)
    message_id = send(gw)
    gw.control.advance_clock(5)
    assert status(gw, message_id) == ("DELIVERED", 0, after(2))


@pytest.mark.parametrize(
    ("status_", "code"),
    [
        (DeliveryStatus.DELIVERED, StatusCode.EXPIRED),
        (DeliveryStatus.SENDINGFAILED, StatusCode.DELIVERED),
        (DeliveryStatus.SENDINGFAILED, StatusCode.ACCEPTED_FOR_DELIVERY),
        (DeliveryStatus.SENT, StatusCode.UNDELIVERABLE),
        (DeliveryStatus.SENT, StatusCode.IN_QUEUE),
    ],
)
def test_script_outcome_refuses_a_code_that_does_not_go_with_the_status(
    status_: DeliveryStatus, code: StatusCode
) -> None:
    gw = make_gateway()
    with pytest.raises(Invalid):
        gw.network.script_outcome(NUMBER, scripted_outcome(status_, code, 1))
    assert gw.network.outcomes() == {}


@pytest.mark.parametrize(
    ("status_", "code"),
    [
        (DeliveryStatus.NOTFOUND, StatusCode.NOT_FOUND),
        (DeliveryStatus.NOTFOUND, StatusCode.IN_QUEUE),
        (DeliveryStatus.SKIPPED, StatusCode.SKIPPED),
    ],
)
def test_script_outcome_refuses_a_status_that_is_not_final(
    status_: DeliveryStatus, code: StatusCode
) -> None:
    gw = make_gateway()
    with pytest.raises(Invalid):
        gw.network.script_outcome(NUMBER, scripted_outcome(status_, code, 1))
    assert gw.network.outcomes() == {}


def test_script_outcome_refuses_a_negative_delay() -> None:
    gw = make_gateway()
    with pytest.raises(Invalid):
        gw.network.script_outcome(
            NUMBER, scripted_outcome(DeliveryStatus.DELIVERED, StatusCode.DELIVERED, -1)
        )


def test_an_unknown_id_is_notfound_minus_2_at_now() -> None:
    gw = make_gateway()
    gw.control.advance_clock(7)
    assert status(gw, 424242) == ("NOTFOUND", -2, after(7))


def test_another_accounts_id_is_notfound_minus_2() -> None:
    gw = make_gateway()
    bobs = send(gw, username="bob")
    gw.control.advance_clock(5)
    assert status(gw, bobs, username="alice") == ("NOTFOUND", -2, after(5))
    assert status(gw, bobs, username="bob") == ("DELIVERED", 0, after(2))


def test_a_message_older_than_90_days_is_notfound_minus_2() -> None:
    gw = make_gateway()
    message_id = send(gw)
    gw.control.advance_clock(timedelta(days=90).total_seconds())
    assert status(gw, message_id) == ("DELIVERED", 0, after(2))
    gw.control.advance_clock(1)
    ninety_days_and_a_second = START + timedelta(days=90, seconds=1)
    assert status(gw, message_id) == ("NOTFOUND", -2, ninety_days_and_a_second)


def test_ids_after_the_1000th_in_one_status_request_are_skipped_108() -> None:
    gw = make_gateway()
    first, second = send(gw), send(gw, OTHER)
    ids = [first] + [999_999] * 998 + [second, first, second]
    results = gw.sms.status("alice", ids)
    assert len(results) == 1002
    assert [r.message_id for r in results] == ids
    assert (results[0].state.status, int(results[0].state.code)) == (DeliveryStatus.SENT, 105)
    assert (results[999].state.status, int(results[999].state.code)) == (
        DeliveryStatus.SENT,
        105,
    )
    assert [(r.state.status, int(r.state.code)) for r in results[1000:]] == [
        (DeliveryStatus.SKIPPED, 108),
        (DeliveryStatus.SKIPPED, 108),
    ]


def test_status_results_come_in_request_order_with_number_and_cost() -> None:
    gw = make_gateway()
    first, second = send(gw), send(gw, OTHER)
    results = gw.sms.status("alice", [second, 5, first])
    assert [(r.message_id, r.number, r.cost) for r in results] == [
        (second, OTHER, Decimal("1.0")),
        (5, None, Decimal(0)),
        (first, NUMBER, Decimal("1.0")),
    ]


def test_states_are_derived_from_the_clock_when_read() -> None:
    gw = make_gateway()
    message_id = send(gw)
    gw.control.advance_clock(3600)
    # Nothing ran in between: the status is read from the clock alone.
    assert status(gw, message_id) == ("DELIVERED", 0, after(2))


def test_the_timeline_lists_each_event_in_order() -> None:
    gw = make_gateway()
    gw.network.script_outcome(
        NUMBER, scripted_outcome(DeliveryStatus.SENDINGFAILED, StatusCode.UNDELIVERABLE, 8)
    )
    message_id = send(gw)
    assert [(e.event, e.at) for e in gw.accounts.message(message_id).timeline] == [
        ("dispatched", START)
    ]
    gw.control.advance_clock(10)
    assert [
        (e.event, e.at, e.status, int(e.code)) for e in gw.accounts.message(message_id).timeline
    ] == [
        ("dispatched", START, DeliveryStatus.SENT, 105),
        ("failed", after(8), DeliveryStatus.SENDINGFAILED, 103),
    ]


def test_script_outcome_refuses_a_delay_past_the_calendar_as_invalid() -> None:
    gw = make_gateway()
    with pytest.raises(Invalid):
        gw.network.script_outcome(
            NUMBER, scripted_outcome(DeliveryStatus.DELIVERED, StatusCode.DELIVERED, 1e20)
        )
    assert gw.network.outcomes() == {}
