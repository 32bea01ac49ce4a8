"""Concurrent sends see each other whole: credits are never overspent."""

from __future__ import annotations

import threading
from datetime import datetime
from decimal import Decimal

from winsms_emulator.clock import ManualClock
from winsms_emulator.domain.accounts import Account
from winsms_emulator.domain.results import RecipientResult
from winsms_emulator.domain.sast import SAST
from winsms_emulator.domain.sending import OutgoingMessage, Recipient
from winsms_emulator.errors import SendOutcome
from winsms_emulator.services import Gateway

START = datetime(2025, 3, 1, 10, 0, tzinfo=SAST)
THREADS = 16


def send_from_threads(gw: Gateway, count: int) -> list[RecipientResult]:
    barrier = threading.Barrier(count)
    results: list[RecipientResult] = []
    errors: list[BaseException] = []
    guard = threading.Lock()

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            number = f"2782123{index:04d}"
            [result] = gw.sms.send("alice", [OutgoingMessage("Hi", [Recipient(number)])])
            with guard:
                results.extend(result.recipients)
        except BaseException as exc:  # re-raised in the test thread below
            with guard:
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    if errors:
        raise errors[0]
    return results


def test_16_concurrent_sends_with_credits_for_10_accept_exactly_10() -> None:
    gw = Gateway([Account("alice", "pw", "alice-key", credits=Decimal("10.0"))], ManualClock(START))
    results = send_from_threads(gw, THREADS)
    assert len(results) == THREADS
    accepted = [r for r in results if r.outcome is SendOutcome.ACCEPTED]
    refused = [r for r in results if r.outcome is not SendOutcome.ACCEPTED]
    assert len(accepted) == 10
    assert {r.outcome for r in refused} == {SendOutcome.NO_CREDITS}
    assert len(refused) == 6
    assert gw.sms.balance("alice") == Decimal("0")
    ids = sorted(r.message_id for r in accepted if r.message_id is not None)
    assert ids == list(range(1, 11))
    assert len(gw.accounts.outbox("alice")) == 10
