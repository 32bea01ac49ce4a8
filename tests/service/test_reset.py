"""reset() gives back exactly the start state."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from winsms_emulator.clock import ManualClock
from winsms_emulator.domain.accounts import Account
from winsms_emulator.domain.sast import SAST
from winsms_emulator.domain.sending import OutgoingMessage, Recipient
from winsms_emulator.errors import Conflict, DeliveryStatus, NotFound, SendOutcome, StatusCode
from winsms_emulator.journal import JournalEntry
from winsms_emulator.service import Gateway

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
    [result] = gw.send("alice", [outgoing])
    return result.recipients[0].message_id


def disturb(gw: Gateway) -> None:
    """Change every kind of state the gateway holds."""
    send(gw, NUMBER)
    send(gw, OTHER, scheduled_for=START + timedelta(days=1))
    gw.inject_reply(NUMBER, "STOP")
    gw.add_opt_out("alice", OTHER)
    gw.add_dnc("27845550909")
    gw.add_blacklist("27825550101")
    gw.script_outcome("27845550101", DeliveryStatus.SENDINGFAILED, StatusCode.EXPIRED, 5)
    gw.inject_short_code_message("31234", NUMBER, "JOIN")
    gw.create_account(Account("dave", "pw", "dave-key"))
    gw.update_account("alice", {"credits": Decimal("3.0"), "locked": True})
    gw.record(JournalEntry(gw.now(), "POST", "/api/x", "xml", "send", "alice", 200, "ok"))
    gw.advance_clock(timedelta(days=3).total_seconds())


def test_reset_gives_back_exactly_the_start_state() -> None:
    gw = make_gateway()
    accounts_at_start = gw.accounts()
    counts_at_start = gw.counts()
    disturb(gw)
    assert gw.accounts() != accounts_at_start

    gw.reset()

    assert gw.accounts() == accounts_at_start
    assert gw.counts() == counts_at_start
    assert gw.balance("alice") == Decimal("50.0")
    assert gw.now() == START
    assert gw.outbox("alice") == []
    assert gw.scheduled_messages("alice") == []
    assert gw.replies("alice") == []
    assert gw.fetch_replies("alice") == []
    assert gw.opt_outs("alice") == []
    assert gw.dnc() == []
    assert gw.blacklist() == []
    assert gw.outcomes() == {}
    assert gw.short_code_messages("carol") == []
    assert gw.journal_entries() == []
    with pytest.raises(NotFound):
        gw.get_account("dave")


def test_the_first_id_is_reused_after_a_reset() -> None:
    gw = make_gateway()
    disturb(gw)
    gw.reset()
    assert send(gw, NUMBER) == FIRST_ID


def test_opt_outs_and_lists_are_gone_after_a_reset() -> None:
    gw = make_gateway()
    disturb(gw)
    gw.reset()
    for number in (NUMBER, OTHER, "27845550909", "27825550101"):
        outgoing = OutgoingMessage("Hi", [Recipient(number)])
        [result] = gw.send("alice", [outgoing])
        assert result.recipients[0].outcome is SendOutcome.ACCEPTED


def test_a_reply_from_a_number_texted_before_the_reset_is_refused_after_it() -> None:
    gw = make_gateway()
    send(gw, NUMBER)
    gw.reset()
    with pytest.raises(Conflict):
        gw.inject_reply(NUMBER, "hello?")


def test_a_reset_twice_is_the_same_start_state() -> None:
    gw = make_gateway()
    disturb(gw)
    gw.reset()
    first = gw.accounts()
    disturb(gw)
    gw.reset()
    assert gw.accounts() == first
    assert gw.now() == START
