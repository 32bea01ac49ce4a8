"""Waiting for a state: a reader can wait, server-side, until a condition holds."""

from __future__ import annotations

import threading
from datetime import datetime
from decimal import Decimal

from winsms_emulator.clock import ManualClock
from winsms_emulator.domain.accounts import Account
from winsms_emulator.domain.sast import SAST
from winsms_emulator.domain.sending import OutgoingMessage, Recipient
from winsms_emulator.domain.world import World
from winsms_emulator.services import Gateway

START = datetime(2025, 3, 1, 10, 0, tzinfo=SAST)


def make_gateway() -> Gateway:
    return Gateway([Account("alice", "pw", "k", credits=Decimal(5))], ManualClock(START))


def delivered(world: World, now: datetime) -> int | None:
    done = [m.id for m in world.outbox("alice") if m.state_at(now).status.value == "DELIVERED"]
    return len(done) or None


def test_a_condition_that_holds_answers_at_once() -> None:
    gw = make_gateway()
    gw.sms.send("alice", [OutgoingMessage("Hi", [Recipient("27825550101")])])
    gw.control.advance_clock(2)
    assert gw.core.wait_for(delivered, timeout=0) == 1


def test_a_waiter_wakes_when_another_thread_moves_the_clock() -> None:
    gw = make_gateway()
    gw.sms.send("alice", [OutgoingMessage("Hi", [Recipient("27825550101")])])
    ready = threading.Event()

    def later() -> None:
        ready.wait()
        gw.control.advance_clock(2)

    mover = threading.Thread(target=later)
    mover.start()

    def check(world: World, now: datetime) -> int | None:
        ready.set()  # the waiter is in place: now let the clock move
        return delivered(world, now)

    assert gw.core.wait_for(check, timeout=30) == 1
    mover.join()


def test_a_condition_that_never_holds_gives_up_after_the_timeout() -> None:
    gw = make_gateway()
    assert gw.core.wait_for(delivered, timeout=0) is None
