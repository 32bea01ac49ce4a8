"""What every service works on: one world, one lock, one clock, the start state, the
request journal and the coverage tallies."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from winsms_emulator.clock import Clock
from winsms_emulator.domain.world import World
from winsms_emulator.journal import Journal
from winsms_emulator.state import Start
from winsms_emulator.tally import Tallies


class Core:
    """The emulator's state, shared by its services.

    Every read or change of the world happens inside :meth:`session`, under the one
    lock, and does no I/O there, so concurrent requests see each other's effects whole
    or not at all.
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
        self.world = world
        self.clock = clock
        self.start = start
        self.default_rest_dialect = default_rest_dialect
        self.journal = journal
        self.coverage = Tallies(clock.now())

    def now(self) -> datetime:
        return self.clock.now()

    @contextmanager
    def session(self) -> Iterator[tuple[World, datetime]]:
        """The world and the time, under the lock, for one consistent step."""
        with self.lock:
            yield self.world, self.clock.now()
