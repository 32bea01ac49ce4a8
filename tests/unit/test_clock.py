"""The injectable clocks: a manual clock moves only forwards, and only when told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from winsms_emulator.clock import (
    DEFAULT_START,
    ClockError,
    ManualClock,
    SystemClock,
    make_clock,
)
from winsms_emulator.domain.sast import SAST

START = datetime(2025, 3, 1, 10, 0, tzinfo=SAST)


def manual_clock() -> ManualClock:
    return ManualClock(START)


def test_manual_clock_stands_still_until_advanced() -> None:
    clock = manual_clock()
    assert clock.now() == START
    assert clock.now() == START
    assert clock.mode == "manual"


def test_manual_clock_starts_at_the_default_start_when_given_none() -> None:
    assert ManualClock().now() == DEFAULT_START
    assert datetime(2025, 1, 1, 6, 0, tzinfo=UTC) == DEFAULT_START


def test_advance_moves_the_clock_forward_by_exactly_the_seconds_given() -> None:
    clock = manual_clock()
    assert clock.advance(2.5) == START + timedelta(seconds=2.5)
    assert clock.now() == START + timedelta(seconds=2.5)
    clock.advance(0)
    assert clock.now() == START + timedelta(seconds=2.5)


def test_advance_by_a_negative_amount_raises_and_leaves_the_clock_alone() -> None:
    clock = manual_clock()
    clock.advance(10)
    with pytest.raises(ClockError):
        clock.advance(-1)
    assert clock.now() == START + timedelta(seconds=10)


def test_advance_by_nan_raises() -> None:
    clock = manual_clock()
    with pytest.raises(ClockError):
        clock.advance(float("nan"))
    assert clock.now() == START


def test_set_to_a_later_time_jumps_there() -> None:
    clock = manual_clock()
    later = START + timedelta(days=3, minutes=7)
    assert clock.set(later) == later
    assert clock.now() == later


def test_set_to_the_current_time_is_allowed() -> None:
    clock = manual_clock()
    assert clock.set(START) == START


def test_set_to_a_time_in_the_past_raises_and_leaves_the_clock_alone() -> None:
    clock = manual_clock()
    clock.advance(60)
    with pytest.raises(ClockError):
        clock.set(START + timedelta(seconds=59))
    assert clock.now() == START + timedelta(seconds=60)


def test_set_to_the_same_instant_in_another_offset_is_not_moving_backwards() -> None:
    clock = manual_clock()
    same_instant_in_utc = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    assert clock.set(same_instant_in_utc) == START


def test_set_to_a_naive_datetime_is_refused() -> None:
    clock = manual_clock()
    with pytest.raises(ClockError):
        clock.set(datetime(2030, 1, 1, 12, 0))
    assert clock.now() == START


def test_a_manual_clock_cannot_start_at_a_naive_datetime() -> None:
    with pytest.raises(ClockError):
        ManualClock(datetime(2025, 1, 1, 8, 0))


def test_restore_puts_the_clock_back_where_a_reset_or_a_saved_state_says() -> None:
    clock = manual_clock()
    clock.advance(3600)
    clock.set(START + timedelta(days=400))
    clock.restore(START)
    assert clock.now() == START
    with pytest.raises(ClockError):
        clock.set(START - timedelta(seconds=1))


def test_system_clock_is_real_and_timezone_aware() -> None:
    clock = SystemClock()
    assert clock.mode == "real"
    now = clock.now()
    assert now.tzinfo is not None
    assert now.utcoffset() == timedelta(0)


def test_make_clock_builds_the_named_clock() -> None:
    assert isinstance(make_clock("real"), SystemClock)
    manual = make_clock("manual", START)
    assert isinstance(manual, ManualClock)
    assert manual.now() == START


def test_make_clock_refuses_an_unknown_mode() -> None:
    with pytest.raises(ClockError):
        make_clock("fast")
