"""A queued message is checked again at its dispatch time: refused, never sent, refunded.

behaviour.md, Scheduling: account locked -> SENDINGFAILED 202; the number opted out of
the account since -> 212; blacklisted since -> 214; put on the DNC list since, without a
bypass -> 213. Due messages are dispatched in time order before anything reads or
changes state, so the answer never depends on when it is asked.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from winsms_emulator.clock import ManualClock
from winsms_emulator.domain.accounts import Account
from winsms_emulator.domain.sast import SAST
from winsms_emulator.domain.sending import OutgoingMessage, Recipient
from winsms_emulator.errors import Conflict, DeleteResult, SendOutcome
from winsms_emulator.services import Gateway

START = datetime(2025, 3, 1, 10, 0, tzinfo=SAST)
NUMBER = "27821234567"
IN_AN_HOUR = START + timedelta(hours=1)


def make_gateway(*, dnc_bypass: bool = False) -> Gateway:
    account = Account(
        "alice",
        "pw",
        "alice-key",
        credits=Decimal("10.0"),
        price_per_part=Decimal("0.3"),
        dnc_bypass=dnc_bypass,
    )
    return Gateway([account], ManualClock(START))


def queue(gw: Gateway, at: datetime = IN_AN_HOUR, number: str = NUMBER) -> int:
    [result] = gw.sms.send("alice", [OutgoingMessage("Hi", [Recipient(number)], scheduled_for=at)])
    [recipient] = result.recipients
    assert recipient.outcome is SendOutcome.ACCEPTED and recipient.message_id is not None
    return recipient.message_id


def status(gw: Gateway, message_id: int) -> tuple[str, int, datetime]:
    [result] = gw.sms.status("alice", [message_id])
    return result.state.status.value, int(result.state.code), result.state.at


def advance_to(gw: Gateway, moment: datetime) -> None:
    gw.control.advance_clock((moment - gw.now()).total_seconds())


CHANGES: dict[str, tuple[Callable[[Gateway], None], int]] = {
    "locked": (lambda gw: gw.accounts.update("alice", {"locked": True}), 202),
    "opted out": (lambda gw: gw.accounts.add_opt_out("alice", NUMBER), 212),
    "blacklisted": (lambda gw: gw.network.add_blacklist(NUMBER), 214),
    "on the DNC list": (lambda gw: gw.network.add_dnc(NUMBER), 213),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_before_dispatch_refuses_the_message_at_its_dispatch_time(change: str) -> None:
    gw = make_gateway()
    message_id = queue(gw)
    make, code = CHANGES[change]
    make(gw)

    advance_to(gw, IN_AN_HOUR + timedelta(minutes=5))

    assert status(gw, message_id) == ("SENDINGFAILED", code, IN_AN_HOUR)
    record = gw.accounts.message(message_id)
    assert [e.event for e in record.timeline] == ["queued", "refused"]
    assert not record.message.was_dispatched(gw.now())


def test_a_refused_message_is_refunded_by_a_ledger_entry_dated_at_dispatch_that_says_why() -> None:
    gw = make_gateway()
    message_id = queue(gw)
    gw.accounts.add_opt_out("alice", NUMBER)
    assert gw.sms.balance("alice") == Decimal("9.7")

    advance_to(gw, IN_AN_HOUR + timedelta(days=2))

    assert gw.sms.balance("alice") == Decimal("10.0")
    refund = gw.accounts.ledger("alice")[-1]
    assert (refund.at, refund.amount, refund.message_id) == (IN_AN_HOUR, Decimal("0.3"), message_id)
    assert refund.reason == "refused at dispatch: Recipient has opted out of receiving messages"


def test_the_checks_come_in_the_documented_order() -> None:
    gw = make_gateway()
    message_id = queue(gw)
    for make, _ in CHANGES.values():
        make(gw)
    advance_to(gw, IN_AN_HOUR)
    assert status(gw, message_id)[:2] == ("SENDINGFAILED", 202)


def test_a_dnc_bypass_still_sends_to_a_number_put_on_the_dnc_list() -> None:
    gw = make_gateway(dnc_bypass=True)
    message_id = queue(gw)
    gw.network.add_dnc(NUMBER)
    advance_to(gw, IN_AN_HOUR)
    assert status(gw, message_id)[:2] == ("SENT", 105)


def test_a_change_undone_before_dispatch_leaves_the_message_to_go_out() -> None:
    gw = make_gateway()
    message_id = queue(gw)
    gw.accounts.update("alice", {"locked": True})
    gw.accounts.update("alice", {"locked": False})
    advance_to(gw, IN_AN_HOUR + timedelta(seconds=2))
    assert status(gw, message_id) == ("DELIVERED", 0, IN_AN_HOUR + timedelta(seconds=2))


def test_a_change_after_dispatch_does_not_reach_back_however_late_it_is_asked() -> None:
    gw = make_gateway()
    message_id = queue(gw)
    advance_to(gw, IN_AN_HOUR + timedelta(hours=1))  # nobody asked in between
    gw.accounts.update("alice", {"locked": True})  # the first thing to happen since
    gw.accounts.add_opt_out("alice", NUMBER)
    assert status(gw, message_id) == ("DELIVERED", 0, IN_AN_HOUR + timedelta(seconds=2))


def test_due_messages_are_dispatched_in_time_order_as_the_world_stood_then() -> None:
    gw = make_gateway()
    first = queue(gw, IN_AN_HOUR)
    second = queue(gw, IN_AN_HOUR + timedelta(minutes=30), "27821234568")
    advance_to(gw, IN_AN_HOUR + timedelta(minutes=10))
    gw.network.add_blacklist("27821234568")  # between the two dispatch times
    advance_to(gw, IN_AN_HOUR + timedelta(hours=1))
    assert status(gw, first)[:2] == ("DELIVERED", 0)
    assert status(gw, second)[:2] == ("SENDINGFAILED", 214)


def test_deleting_a_refused_message_answers_sent_and_refunds_nothing_more() -> None:
    gw = make_gateway()
    message_id = queue(gw)
    gw.network.add_blacklist(NUMBER)
    advance_to(gw, IN_AN_HOUR)
    [report] = gw.sms.delete_scheduled("alice", [message_id])
    assert (report.result, report.cost) == (DeleteResult.SENT, Decimal(0))
    assert gw.sms.balance("alice") == Decimal("10.0")


def test_a_handset_cannot_reply_to_a_message_refused_at_dispatch() -> None:
    gw = make_gateway()
    queue(gw)
    gw.network.add_blacklist(NUMBER)
    advance_to(gw, IN_AN_HOUR)
    with pytest.raises(Conflict):
        gw.network.inject_reply(NUMBER, "hello?")


def test_a_saved_state_keeps_a_refusal_and_does_not_check_a_dispatched_message_again() -> None:
    gw = make_gateway()
    refused = queue(gw)
    sent = queue(gw, IN_AN_HOUR, "27821234568")
    gw.network.add_dnc(NUMBER)
    advance_to(gw, IN_AN_HOUR)
    gw.network.add_dnc("27821234568")  # after its dispatch: must not refuse it on reload
    document = gw.control.export_state()

    fresh = make_gateway()
    fresh.control.import_state(document)

    assert status(fresh, refused)[:2] == ("SENDINGFAILED", 213)
    assert status(fresh, sent)[:2] == ("SENT", 105)
    assert fresh.sms.balance("alice") == gw.sms.balance("alice")
