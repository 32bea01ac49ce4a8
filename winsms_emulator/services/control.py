"""The emulator's own controls: the clock, resets, saved states, injected faults."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import Any

from winsms_emulator.clock import ClockError, ManualClock
from winsms_emulator.errors import Conflict, Invalid
from winsms_emulator.faults import Fault
from winsms_emulator.heap import RELEASER
from winsms_emulator.services.core import Core
from winsms_emulator.state import Start, dump, load


def check_first_id(first_message_id: int) -> int:
    if isinstance(first_message_id, bool) or not isinstance(first_message_id, int):
        raise Invalid("the first message ID must be a whole number")
    if first_message_id < 1:
        raise Invalid("the first message ID must be 1 or more")
    return first_message_id


class Control:
    """Clock, reset, state and faults."""

    def __init__(self, core: Core) -> None:
        self._core = core

    # -- time -------------------------------------------------------------------------------

    def _manual_clock(self) -> ManualClock:
        clock = self._core.clock
        if not isinstance(clock, ManualClock):
            raise Conflict("the clock follows real time; start the emulator with --clock manual")
        return clock

    def advance_clock(self, seconds: float) -> datetime:
        with self._core.lock:
            try:
                moved = self._manual_clock().advance(seconds)
            except ClockError as exc:
                raise Invalid(str(exc)) from None
            self._caught_up()
            return moved

    def set_clock(self, moment: datetime) -> datetime:
        with self._core.lock:
            try:
                moved = self._manual_clock().set(moment)
            except ClockError as exc:
                raise Conflict(str(exc)) from None
            self._caught_up()
            return moved

    def _caught_up(self) -> None:
        """After the clock moved: dispatch what fell due and fire the webhook events that
        did, in time order, then wake every waiter."""
        with self._core.session():
            pass

    # -- reset and saved states ----------------------------------------------------------------

    def reset(self, first_message_id: int | None = None, seed: int | None = None) -> None:
        """Back to the start: accounts as loaded, empty queues, first ID, start time.

        ``first_message_id`` makes this start's IDs begin there; ``seed`` seeds the
        random source of probabilistic faults.
        """
        if first_message_id is not None:
            check_first_id(first_message_id)
        core = self._core
        with core.lock:
            world = core.start.world()
            if first_message_id is not None:
                world.next_message_id = first_message_id
            if seed is not None:
                world.faults.reseed(seed)
            RELEASER.free(core.world.release())
            core.world = world  # pending webhook notifications go with the old world
            core.journal.clear()
            # number requests as after the start: above those the start world names
            core.journal.renumber_after(world.last_request_id())
            core.sinks.clear()
            if isinstance(core.clock, ManualClock):
                core.clock.restore(core.start.now)
            core.signal()
            core.coverage.reset(core.now())
            core.webhooks_needed()

    def export_state(self) -> dict[str, Any]:
        """Everything the emulator holds, as JSON-ready data (see :mod:`winsms_emulator.state`)."""
        core = self._core
        manual = isinstance(core.clock, ManualClock)
        with core.session() as (world, now):
            return dump(world, now, core.clock.mode, core.start.now if manual else None)

    def import_state(self, document: Any, *, as_start: bool = False) -> None:
        """Restore a document from :meth:`export_state`; ``as_start`` also makes it what
        :meth:`reset` goes back to. A document that is not a whole, consistent state is
        refused and changes nothing."""
        loaded = load(document)
        core = self._core
        # the saved world names requests this journal never saw: number new ones above them
        core.journal.number_past(loaded.world.last_request_id())
        with core.lock:
            RELEASER.free(core.world.release())
            core.world = loaded.world
            if as_start:
                core.start = Start(loaded.world, loaded.now)
            if isinstance(core.clock, ManualClock):
                core.clock.restore(loaded.now)
            core.signal()
            core.webhooks_needed()

    # -- faults ------------------------------------------------------------------------------

    def add_fault(self, fault: Fault) -> Fault:
        with self._core.session() as (world, _):
            return dataclasses.replace(world.faults.add(fault))

    def faults(self) -> list[Fault]:
        with self._core.session() as (world, _):
            return [dataclasses.replace(f) for f in world.faults.faults]

    def clear_faults(self) -> None:
        with self._core.session() as (world, _):
            world.faults.clear()

    def faults_waiting(self) -> bool:
        """Whether any fault is set (read without the lock: one length, read whole)."""
        return bool(self._core.world.faults.faults)

    def take_fault(
        self, api: str, path: str, operation: str, account: Callable[[], str | None]
    ) -> Fault | None:
        """The fault this request gets, if any (``account`` is asked only when needed)."""
        if not self.faults_waiting():
            return None
        with self._core.session() as (world, _):
            book = world.faults
            if not book.faults:
                return None
        who = account() if book.needs_account() else None
        with self._core.session() as (world, _):
            fault = world.faults.take(api, path, operation, who)
            return dataclasses.replace(fault) if fault is not None else None

    def counts(self) -> dict[str, int]:
        """How much the emulator holds (for readiness and the benchmarks)."""
        with self._core.session() as (world, _):
            return {
                "accounts": len(world.accounts),
                "messages": len(world.messages),
                "replies": sum(len(r) for r in world.replies.values()),
                "short_code_messages": sum(len(m) for m in world.short_code_messages.values()),
            }
