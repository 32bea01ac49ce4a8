"""reset() gives back exactly the start state."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from winsms_emulator.clock import ManualClock
from winsms_emulator.domain.accounts import Account
from winsms_emulator.domain.messages import scripted_outcome
from winsms_emulator.domain.sast import SAST
from winsms_emulator.domain.sending import OutgoingMessage, Recipient
from winsms_emulator.errors import Conflict, DeliveryStatus, NotFound, SendOutcome, StatusCode
from winsms_emulator.journal import JournalEntry
from winsms_emulator.services import Gateway

START = datetime(2025, 3, 1, 10, 0, tzinfo=SAST)
NUMBER = "27821234567"
OTHER = "27835550505"
FIRST_ID = 500


def make_gateway() -> Gateway:
    return Gateway(
        [
            Account("alice", "pw", "alice-key", credits=Decimal("50.0")),
            Account("carol", "pw", "carol-key", short_codes=("31234",)),
        ],
        ManualClock(START),
        first_message_id=FIRST_ID,
    )


def send(gw: Gateway, number: str, scheduled_for: datetime | None = None) -> int | None:
    outgoing = OutgoingMessage("Hi", [Recipient(number)], scheduled_for=scheduled_for)
    [result] = gw.sms.send("alice", [outgoing])
    return result.recipients[0].message_id


def disturb(gw: Gateway) -> None:
    """Change every kind of state the gateway holds."""
    send(gw, NUMBER)
    send(gw, OTHER, scheduled_for=START + timedelta(days=1))
    gw.network.inject_reply(NUMBER, "STOP")
    gw.accounts.add_opt_out("alice", OTHER)
    gw.network.add_dnc("27845550909")
    gw.network.add_blacklist("27825550101")
    gw.network.script_outcome(
        "27845550101", scripted_outcome(DeliveryStatus.SENDINGFAILED, StatusCode.EXPIRED, 5)
    )
    gw.network.inject_short_code_message("31234", NUMBER, "JOIN")
    gw.accounts.create(Account("dave", "pw", "dave-key"))
    gw.accounts.update("alice", {"credits": Decimal("3.0"), "locked": True})
    gw.journal.record(JournalEntry(gw.now(), "POST", "/api/x", "xml", "send", "alice", 200, "ok"))
    gw.control.advance_clock(timedelta(days=3).total_seconds())


def test_reset_gives_back_exactly_the_start_state() -> None:
    gw = make_gateway()
    accounts_at_start = gw.accounts.all()
    counts_at_start = gw.control.counts()
    disturb(gw)
    assert gw.accounts.all() != accounts_at_start

    gw.control.reset()

    assert gw.accounts.all() == accounts_at_start
    assert gw.control.counts() == counts_at_start
    assert gw.sms.balance("alice") == Decimal("50.0")
    assert gw.now() == START
    assert gw.accounts.outbox("alice") == []
    assert gw.sms.scheduled("alice") == []
    assert gw.accounts.replies("alice") == []
    assert gw.sms.take_replies("alice")[0] == []
    assert gw.accounts.opt_outs("alice") == []
    assert gw.network.dnc() == []
    assert gw.network.blacklist() == []
    assert gw.network.outcomes() == {}
    assert gw.accounts.short_code_messages("carol") == []
    assert gw.journal.entries() == []
    with pytest.raises(NotFound):
        gw.accounts.get("dave")


def test_the_first_id_is_reused_after_a_reset() -> None:
    gw = make_gateway()
    disturb(gw)
    gw.control.reset()
    assert send(gw, NUMBER) == FIRST_ID


def test_opt_outs_and_lists_are_gone_after_a_reset() -> None:
    gw = make_gateway()
    disturb(gw)
    gw.control.reset()
    for number in (NUMBER, OTHER, "27845550909", "27825550101"):
        outgoing = OutgoingMessage("Hi", [Recipient(number)])
        [result] = gw.sms.send("alice", [outgoing])
        assert result.recipients[0].outcome is SendOutcome.ACCEPTED


def test_a_reply_from_a_number_texted_before_the_reset_is_refused_after_it() -> None:
    gw = make_gateway()
    send(gw, NUMBER)
    gw.control.reset()
    with pytest.raises(Conflict):
        gw.network.inject_reply(NUMBER, "hello?")


def test_a_reset_twice_is_the_same_start_state() -> None:
    gw = make_gateway()
    disturb(gw)
    gw.control.reset()
    first = gw.accounts.all()
    disturb(gw)
    gw.control.reset()
    assert gw.accounts.all() == first
    assert gw.now() == START


def test_a_start_state_with_many_messages_comes_back_whole_after_each_reset() -> None:
    gw = make_gateway()
    gw.accounts.update("alice", {"credits": Decimal("100000")})
    batch = [OutgoingMessage(f"Code {i}", [Recipient(NUMBER)]) for i in range(750)]
    gw.sms.send("alice", batch)
    gw.sms.send("alice", batch)
    send(gw, OTHER, scheduled_for=START + timedelta(days=1))
    start = gw.control.export_state()
    gw.control.import_state(start, as_start=True)
    for _ in range(2):
        gw.sms.send("alice", batch)
        queued = gw.sms.scheduled("alice")
        gw.sms.delete_scheduled("alice", [m.id for m in queued])
        gw.accounts.reset("alice")
        gw.control.reset()
        assert gw.control.export_state() == start
        assert [m.number for m in gw.sms.scheduled("alice")] == [OTHER]
