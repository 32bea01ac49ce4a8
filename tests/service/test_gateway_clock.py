"""The gateway reads one injected clock and never lets it run backwards."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from winsms_emulator.clock import ManualClock, SystemClock
from winsms_emulator.domain.accounts import Account
from winsms_emulator.domain.sast import SAST
from winsms_emulator.domain.sending import OutgoingMessage, Recipient
from winsms_emulator.errors import Conflict, GatewayError
from winsms_emulator.services import Gateway

START = datetime(2025, 3, 1, 10, 0, tzinfo=SAST)
ALICE = Account("alice", "pw", "alice-key")


def make_gateway() -> Gateway:
    return Gateway([ALICE], ManualClock(START))


def test_the_gateway_stamps_messages_with_its_injected_clock() -> None:
    gw = make_gateway()
    gw.control.advance_clock(90)
    [result] = gw.sms.send("alice", [OutgoingMessage("Hi", [Recipient("27821234567")])])
    message = gw.accounts.message(result.recipients[0].message_id or 0).message
    assert message.submitted_at == message.dispatch_at == START + timedelta(seconds=90)
    assert gw.now() == START + timedelta(seconds=90)


def test_set_clock_moves_the_gateways_time_forward() -> None:
    gw = make_gateway()
    later = START + timedelta(days=2)
    assert gw.control.set_clock(later) == later
    assert gw.now() == later


def test_set_clock_to_the_past_raises_conflict() -> None:
    gw = make_gateway()
    gw.control.advance_clock(60)
    with pytest.raises(Conflict):
        gw.control.set_clock(START)
    assert gw.now() == START + timedelta(seconds=60)


def test_advance_clock_backwards_is_refused() -> None:
    gw = make_gateway()
    with pytest.raises(GatewayError):
        gw.control.advance_clock(-5)
    assert gw.now() == START


def test_set_clock_to_a_naive_time_is_refused() -> None:
    gw = make_gateway()
    with pytest.raises(GatewayError):
        gw.control.set_clock(datetime(2030, 1, 1))
    assert gw.now() == START


def test_a_real_clock_cannot_be_moved() -> None:
    gw = Gateway([ALICE], SystemClock())
    with pytest.raises(Conflict):
        gw.control.advance_clock(10)
    with pytest.raises(Conflict):
        gw.control.set_clock(datetime(2099, 1, 1, tzinfo=SAST))


def test_advancing_the_clock_past_the_calendar_is_refused_as_a_gateway_error() -> None:
    # The control plane passes any finite number through; a huge one must be
    # refused as a request error, not escape as an OverflowError (an HTTP 500).
    gw = make_gateway()
    with pytest.raises(GatewayError):
        gw.control.advance_clock(1e20)
    assert gw.now() == START
