"""The emulator's one source of time.

Everything that depends on time reads an injected :class:`Clock`. Two clocks
exist: :class:`SystemClock` follows the wall clock (the standalone server's
default) and :class:`ManualClock` stands still until a test moves it (the
pytest fixture's default). Time never moves backwards on a manual clock.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

from winsms_emulator.domain.sast import SAST

#: A manual clock goes no further than this, so times derived from it stay in range.
LATEST = datetime(9000, 1, 1, tzinfo=SAST)

#: Where a manual clock starts when nothing else is said.
DEFAULT_START = datetime(2025, 1, 1, 8, 0, tzinfo=SAST)


class ClockError(ValueError):
    """A clock was asked to do what it cannot (move backwards, take a naive time)."""


@runtime_checkable
class Clock(Protocol):
    """What the emulator needs of a clock."""

    @property
    def mode(self) -> str:
        """``"real"`` or ``"manual"``."""
        ...

    def now(self) -> datetime:
        """The current emulator time, timezone-aware."""
        ...


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ClockError("a time must carry its UTC offset")
    return moment


class SystemClock:
    """Follows the wall clock. It cannot be moved."""

    mode = "real"

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to, and never backwards.

    Only a reset or a restored state puts it elsewhere (:meth:`restore`); what a reset
    goes back to is kept by :class:`winsms_emulator.state.Start`.
    """

    mode = "manual"

    def __init__(self, start: datetime | None = None) -> None:
        self._now = _aware(start) if start is not None else DEFAULT_START
        self._lock = threading.Lock()

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> datetime:
        """Move forward by ``seconds`` (which must not be negative)."""
        if not seconds >= 0:  # also refuses NaN
            raise ClockError("the clock cannot move backwards")
        with self._lock:
            try:
                moved = self._now + timedelta(seconds=seconds)
            except OverflowError:
                moved = LATEST + timedelta(seconds=1)
            if moved > LATEST:
                raise ClockError(f"the clock cannot go past {LATEST.isoformat()}")
            self._now = moved
            return self._now

    def set(self, moment: datetime) -> datetime:
        """Jump to ``moment``, which must not be before now."""
        moment = _aware(moment)
        if moment > LATEST:
            raise ClockError(f"the clock cannot go past {LATEST.isoformat()}")
        with self._lock:
            if moment < self._now:
                raise ClockError(
                    f"the clock cannot move backwards (now {self._now.isoformat()}, "
                    f"asked for {moment.isoformat()})"
                )
            self._now = moment
            return self._now

    def restore(self, now: datetime) -> None:
        """Put the clock at ``now``, backwards too: only a reset or a restored state does."""
        with self._lock:
            self._now = _aware(now)


def make_clock(mode: str, start: datetime | None = None) -> Clock:
    """Build the clock named by ``mode`` (``real`` or ``manual``)."""
    if mode == "real":
        return SystemClock()
    if mode == "manual":
        return ManualClock(start)
    raise ClockError(f"unknown clock mode {mode!r}: use 'real' or 'manual'")
