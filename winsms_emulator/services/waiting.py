"""Waiting for a condition: a read that answers as soon as what it sees is what the
reader wants, or when its time is up, and says at once when only emulator time can
bring it (with the manual clock, nobody else moves time on its own).

A reader describes what it waits for as a :class:`Condition`: how to ``read`` the state
(at a moment of emulator time), whether what it read ``holds``, and the later
``moments`` at which time alone changes what it reads (a message's dispatch, its
delivery report; none for what only requests change, such as the journal).
:func:`wait_until` builds on :meth:`Core.wait_for`: it wakes at every change of the
world and at every :meth:`Core.signal` (the journal signals each entry it records, so
a reader of anything kept beside the world signals when it adds to it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from winsms_emulator.domain.world import World
from winsms_emulator.services.core import Core

T = TypeVar("T")
#: The most later moments a wait tries when it asks whether time alone would do.
MAX_MOMENTS = 10_000


def _no_moments(world: World, now: datetime) -> Iterable[datetime]:
    return ()


@dataclass(frozen=True)
class Condition(Generic[T]):
    """What a reader waits for: ``read`` the state at a moment, ``holds`` of what it read,
    and the ``moments`` after now at which time alone may change what ``read`` sees."""

    read: Callable[[World, datetime], T]
    holds: Callable[[T], bool]
    moments: Callable[[World, datetime], Iterable[datetime]] = field(default=_no_moments)


@dataclass(frozen=True)
class Waited(Generic[T]):
    """What a wait saw last, at emulator time ``at``: ``held`` when the condition held;
    else ``holds_at``, with the manual clock, is the emulator time at which time alone
    would make it hold (``None`` when it would not)."""

    seen: T
    held: bool
    at: datetime
    holds_at: datetime | None = None


def wait_until(core: Core, condition: Condition[T], seconds: float) -> Waited[T]:
    """Look at once; with the manual clock, when the condition does not hold but would
    once emulator time moved on, answer at once (``holds_at`` says when). Otherwise wait
    up to ``seconds`` real seconds for it to hold."""
    manual = core.clock.mode == "manual"
    with core.session() as (world, now):
        seen = condition.read(world, now)
        if condition.holds(seen):
            return Waited(seen, True, now)
        later = _first_holding_moment(condition, world, now) if manual else None
        if later is not None or seconds <= 0:
            return Waited(seen, False, now, later)

    def check(world: World, now: datetime) -> Waited[T] | None:
        found = condition.read(world, now)
        return Waited(found, True, now) if condition.holds(found) else None

    done = core.wait_for(check, seconds)
    if done is not None:
        return done
    with core.session() as (world, now):
        seen = condition.read(world, now)
        if condition.holds(seen):  # it came true as the time ran out
            return Waited(seen, True, now)
        later = _first_holding_moment(condition, world, now) if manual else None
        return Waited(seen, False, now, later)


def _first_holding_moment(condition: Condition[T], world: World, now: datetime) -> datetime | None:
    """The first later moment at which the condition holds of the world as it is."""
    moments = sorted({m for m in condition.moments(world, now) if m > now})[:MAX_MOMENTS]
    return next((m for m in moments if condition.holds(condition.read(world, m))), None)
