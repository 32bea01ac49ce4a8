"""Replies go to the last sender and are returned once; trigger words opt the number out."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from winsms_emulator.clock import ManualClock
from winsms_emulator.domain.accounts import Account
from winsms_emulator.domain.results import RecipientResult
from winsms_emulator.domain.sast import SAST
from winsms_emulator.domain.sending import OutgoingMessage, Recipient
from winsms_emulator.errors import Conflict, NotFound, SendOutcome
from winsms_emulator.services import Gateway

START = datetime(2025, 3, 1, 10, 0, tzinfo=SAST)
NUMBER = "27821234567"
OTHER = "27835550505"
SHORT_CODE = "31234"


def make_gateway() -> Gateway:
    return Gateway(
        [
            Account("alice", "pw", "alice-key", credits=Decimal("10.0")),
            Account("bob", "pw", "bob-key", credits=Decimal("10.0")),
            Account("carol", "pw", "carol-key", short_codes=(SHORT_CODE,)),
        ],
        ManualClock(START),
    )


def send(gw: Gateway, username: str, number: str = NUMBER) -> RecipientResult:
    [result] = gw.sms.send(username, [OutgoingMessage("Hello", [Recipient(number)])])
    return result.recipients[0]


def sent_id(gw: Gateway, username: str, number: str = NUMBER) -> int:
    result = send(gw, username, number)
    assert result.message_id is not None
    return result.message_id


# -- routing -------------------------------------------------------------------------------


def test_a_reply_goes_to_the_account_that_most_recently_sent_to_the_number() -> None:
    gw = make_gateway()
    sent_id(gw, "alice")
    gw.control.advance_clock(60)
    bobs = sent_id(gw, "bob")
    gw.control.advance_clock(60)
    reply = gw.network.inject_reply(NUMBER, "Who is this?")
    assert (reply.account, reply.sent_message_id) == ("bob", bobs)
    assert gw.sms.take_replies("alice")[0] == []
    [fetched] = gw.sms.take_replies("bob")[0]
    assert (fetched.number, fetched.message, fetched.sent_message_id, fetched.received_at) == (
        NUMBER,
        "Who is this?",
        bobs,
        START + timedelta(seconds=120),
    )


def test_a_reply_names_the_latest_message_sent_to_the_number() -> None:
    gw = make_gateway()
    sent_id(gw, "alice")
    sent_id(gw, "alice", OTHER)
    latest = sent_id(gw, "alice")
    assert gw.network.inject_reply(NUMBER, "ok").sent_message_id == latest


def test_a_reply_from_a_number_nobody_texted_is_refused() -> None:
    gw = make_gateway()
    sent_id(gw, "alice", OTHER)
    with pytest.raises(Conflict):
        gw.network.inject_reply(NUMBER, "Hi")
    assert gw.accounts.replies("alice") == []


def test_each_reply_is_returned_once() -> None:
    gw = make_gateway()
    sent_id(gw, "alice")
    gw.network.inject_reply(NUMBER, "one")
    gw.network.inject_reply(NUMBER, "two")
    assert [r.message for r in gw.sms.take_replies("alice")[0]] == ["one", "two"]
    assert gw.sms.take_replies("alice")[0] == []
    gw.network.inject_reply(NUMBER, "three")
    assert [r.message for r in gw.sms.take_replies("alice")[0]] == ["three"]


def test_replies_are_returned_within_90_days() -> None:
    gw = make_gateway()
    sent_id(gw, "alice")
    gw.network.inject_reply(NUMBER, "late but fine")
    gw.control.advance_clock(timedelta(days=89).total_seconds())
    assert [r.message for r in gw.sms.take_replies("alice")[0]] == ["late but fine"]


def test_replies_older_than_90_days_are_not_returned() -> None:
    gw = make_gateway()
    sent_id(gw, "alice")
    gw.network.inject_reply(NUMBER, "too old")
    gw.control.advance_clock(timedelta(days=90, seconds=1).total_seconds())
    assert gw.sms.take_replies("alice")[0] == []


def test_an_ordinary_reply_opts_nobody_out_and_sends_nothing() -> None:
    gw = make_gateway()
    sent_id(gw, "alice")
    reply = gw.network.inject_reply(NUMBER, "Please stop")
    assert reply.opt_out is False
    assert gw.accounts.opt_outs("alice") == []
    assert len(gw.accounts.outbox("alice")) == 1
    assert send(gw, "alice").outcome is SendOutcome.ACCEPTED


# -- opt-outs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "trigger",
    [
        "Stop",
        " end ",
        "CANCEL",
        "Unsubscribe\n",
        "quit",
        "Stop sending these",
        "Opt out",
        "Opt-out",
        "Opt_out",
        "OPT.OUT please",
    ],
)
def test_reply_with_a_trigger_opts_the_number_out(trigger: str) -> None:
    gw = make_gateway()
    sent_id(gw, "alice")
    reply = gw.network.inject_reply(NUMBER, trigger)
    assert reply.opt_out is True
    assert [(o.number, o.source) for o in gw.accounts.opt_outs("alice")] == [(NUMBER, "reply")]
    assert send(gw, "alice").outcome is SendOutcome.OPTED_OUT


def test_reply_stop_opts_the_number_out_of_that_account_only() -> None:
    gw = make_gateway()
    sent_id(gw, "bob")
    sent_id(gw, "alice")
    gw.network.inject_reply(NUMBER, "STOP")
    assert [o.number for o in gw.accounts.opt_outs("alice")] == [NUMBER]
    assert gw.accounts.opt_outs("bob") == []
    assert send(gw, "bob").outcome is SendOutcome.ACCEPTED
    assert send(gw, "alice").outcome is SendOutcome.OPTED_OUT


def test_reply_stop_sends_a_free_confirmation_from_the_account() -> None:
    gw = make_gateway()
    first = sent_id(gw, "alice")
    balance = gw.sms.balance("alice")
    gw.network.inject_reply(NUMBER, "Stop")
    records = gw.accounts.outbox("alice")
    assert len(records) == 2
    assert records[0].message.id == first
    confirmation = records[1].message
    assert (confirmation.number, confirmation.cost, confirmation.account) == (
        NUMBER,
        Decimal(0),
        "alice",
    )
    assert confirmation.id > first
    assert confirmation.text.strip() != ""
    assert gw.sms.balance("alice") == balance == Decimal("9.0")
    assert gw.accounts.outbox("bob") == []


def test_reply_stop_still_reaches_the_account_as_a_reply() -> None:
    gw = make_gateway()
    first = sent_id(gw, "alice")
    gw.network.inject_reply(NUMBER, "stop")
    [reply] = gw.sms.take_replies("alice")[0]
    assert (reply.message, reply.sent_message_id, reply.opt_out) == ("stop", first, True)


def test_a_manual_opt_out_sends_no_confirmation() -> None:
    gw = make_gateway()
    sent_id(gw, "alice")
    gw.accounts.add_opt_out("alice", NUMBER)
    assert [(o.number, o.source) for o in gw.accounts.opt_outs("alice")] == [(NUMBER, "manual")]
    assert len(gw.accounts.outbox("alice")) == 1
    assert send(gw, "alice").outcome is SendOutcome.OPTED_OUT
    assert gw.accounts.opt_outs("bob") == []


def test_a_removed_opt_out_may_be_texted_again() -> None:
    gw = make_gateway()
    gw.accounts.add_opt_out("alice", NUMBER)
    gw.accounts.remove_opt_out("alice", NUMBER)
    assert send(gw, "alice").outcome is SendOutcome.ACCEPTED


# -- short codes ---------------------------------------------------------------------------------


def test_a_short_code_message_goes_to_the_account_that_owns_the_code() -> None:
    gw = make_gateway()
    injected = gw.network.inject_short_code_message(SHORT_CODE, NUMBER, "JOIN")
    assert injected.account == "carol"
    [fetched] = gw.sms.take_short_code_messages("carol")[0]
    assert (fetched.code, fetched.number, fetched.message, fetched.received_at) == (
        SHORT_CODE,
        NUMBER,
        "JOIN",
        START,
    )


def test_a_short_code_message_is_returned_once() -> None:
    gw = make_gateway()
    gw.network.inject_short_code_message(SHORT_CODE, NUMBER, "JOIN")
    gw.network.inject_short_code_message(SHORT_CODE, OTHER, "INFO")
    assert [m.message for m in gw.sms.take_short_code_messages("carol")[0]] == ["JOIN", "INFO"]
    assert gw.sms.take_short_code_messages("carol")[0] == []


def test_short_code_messages_older_than_90_days_are_not_returned() -> None:
    gw = make_gateway()
    gw.network.inject_short_code_message(SHORT_CODE, NUMBER, "JOIN")
    gw.control.advance_clock(timedelta(days=91).total_seconds())
    assert gw.sms.take_short_code_messages("carol")[0] == []


def test_an_account_with_no_short_code_gets_an_empty_list() -> None:
    gw = make_gateway()
    gw.network.inject_short_code_message(SHORT_CODE, NUMBER, "JOIN")
    assert gw.sms.take_short_code_messages("alice")[0] == []
    assert len(gw.sms.take_short_code_messages("carol")[0]) == 1


def test_a_message_to_an_unknown_short_code_is_refused() -> None:
    gw = make_gateway()
    with pytest.raises(NotFound):
        gw.network.inject_short_code_message("99999", NUMBER, "JOIN")
