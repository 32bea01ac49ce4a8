"""What every service works on: one world, one lock, one clock, the start state, the
request journal and the coverage tallies."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TypeVar

from winsms_emulator.clock import Clock
from winsms_emulator.domain.notify import fire_reports
from winsms_emulator.domain.sending import dispatch_due
from winsms_emulator.domain.sinks import Sinks
from winsms_emulator.domain.world import World
from winsms_emulator.journal import Journal
from winsms_emulator.state import Start
from winsms_emulator.tally import Tallies

T = TypeVar("T")
#: With the real clock, time alone changes what a reader sees: a waiter looks again this
#: often (real seconds) even when nothing else happened.
REAL_CLOCK_POLL = 0.05


class Core:
    """The emulator's state, shared by its services.

    Every read or change of the world happens inside :meth:`session`, under the one
    lock, and does no I/O there, so concurrent requests see each other's effects whole
    or not at all. Each session ends by waking whoever waits for a change
    (:meth:`wait_for`).
    """

    def __init__(
        self,
        world: World,
        clock: Clock,
        start: Start,
        *,
        default_rest_dialect: str,
        journal: Journal,
    ) -> None:
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.world = world
        self.clock = clock
        self.start = start
        self.default_rest_dialect = default_rest_dialect
        self.journal = journal
        self.coverage = Tallies(clock.now())
        #: what the built-in webhook receiver got (kept across saved states, not resets)
        self.sinks = Sinks()
        #: called when notifications wait to be delivered (the gateway starts its worker)
        self.wake_webhooks: Callable[[], None] = lambda: None

    def webhooks_needed(self) -> None:
        """Wake the webhook worker if any account has webhooks or notifications wait."""
        with self.lock:
            world = self.world
            if world.webhooks.pending or any(a.webhooks.active for a in world.accounts.values()):
                self.wake_webhooks()

    def catch_up(self, world: World, now: datetime) -> None:
        """Dispatch the queued messages that fell due, then turn the report events that
        fell due into webhook notifications, both in time order."""
        dispatch_due(world, now)
        fire_reports(world, now)

    def now(self) -> datetime:
        return self.clock.now()

    @contextmanager
    def session(self) -> Iterator[tuple[World, datetime]]:
        """The world and the time, under the lock, for one consistent step. Queued
        messages that fell due are dispatched first, in time order, and notifications
        that wait to be delivered wake the webhook worker."""
        with self.lock:
            now = self.clock.now()
            world = self.world
            self.catch_up(world, now)
            try:
                yield world, now
            finally:
                if self.world.webhooks.pending:
                    self.wake_webhooks()
                self.changed.notify_all()

    def signal(self) -> None:
        """Wake the waiters: something changed outside a session (the clock, a reset)."""
        with self.lock:
            self.changed.notify_all()

    def wait_for(self, check: Callable[[World, datetime], T | None], timeout: float) -> T | None:
        """Ask ``check`` after every change until it answers something but ``None``, or
        until ``timeout`` real seconds have passed (then ``None``). ``check`` runs in a
        session: under the lock, with due messages dispatched."""
        deadline = time.monotonic() + max(0.0, timeout)
        poll = REAL_CLOCK_POLL if self.clock.mode == "real" else None
        with self.lock:
            while True:
                with self.session() as (world, now):
                    found = check(world, now)
                if found is not None:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self.changed.wait(remaining if poll is None else min(poll, remaining))
