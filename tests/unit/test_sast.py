"""Every timestamp on the wire is SAST: a fixed UTC+2 with no daylight saving."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from winsms_emulator.domain.sast import (
    SAST,
    millisecond_stamp,
    minute_stamp,
    parse_minute_stamp,
    status_stamp,
    to_sast,
)


def utc(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def test_sast_is_a_fixed_two_hours_ahead_of_utc() -> None:
    assert SAST.utcoffset(None) == timedelta(hours=2)
    assert to_sast(utc(2025, 6, 1, 12, 0)).utcoffset() == timedelta(hours=2)


def test_minute_stamp_of_a_utc_time_is_the_sast_time() -> None:
    assert minute_stamp(utc(2025, 3, 1, 10, 5, 59)) == "202503011205"


def test_minute_stamp_crosses_midnight_and_the_year_in_sast() -> None:
    assert minute_stamp(utc(2024, 12, 31, 22, 30)) == "202501010030"


def test_sast_has_no_daylight_saving_in_the_southern_winter_or_summer() -> None:
    assert minute_stamp(utc(2025, 7, 1, 12, 0)) == "202507011400"
    assert minute_stamp(utc(2025, 1, 1, 12, 0)) == "202501011400"


def test_status_stamp_of_a_utc_time_is_the_sast_time_with_seconds() -> None:
    assert status_stamp(utc(2025, 3, 1, 22, 4, 9)) == "2025/03/02 00:04:09"


def test_millisecond_stamp_of_a_utc_time_is_the_sast_time_with_milliseconds() -> None:
    moment = datetime(2025, 3, 1, 10, 4, 9, 123999, tzinfo=UTC)
    assert millisecond_stamp(moment) == "20250301120409123"


def test_millisecond_stamp_pads_milliseconds_to_three_digits() -> None:
    moment = datetime(2025, 3, 1, 10, 4, 9, 7000, tzinfo=UTC)
    assert millisecond_stamp(moment) == "20250301120409007"


def test_stamps_of_a_time_in_another_offset_are_converted_to_sast() -> None:
    new_york_winter = timezone(timedelta(hours=-5))
    moment = datetime(2025, 3, 1, 5, 0, tzinfo=new_york_winter)
    assert minute_stamp(moment) == "202503011200"
    assert status_stamp(moment) == "2025/03/01 12:00:00"


def test_a_sast_time_is_stamped_as_it_is() -> None:
    assert minute_stamp(datetime(2025, 3, 1, 8, 0, tzinfo=SAST)) == "202503010800"


def test_parse_minute_stamp_reads_a_sast_time() -> None:
    parsed = parse_minute_stamp("202503011205")
    assert parsed == datetime(2025, 3, 1, 12, 5, tzinfo=SAST)
    assert parsed is not None
    assert parsed.astimezone(UTC) == utc(2025, 3, 1, 10, 5)


def test_parse_minute_stamp_round_trips_minute_stamp() -> None:
    moment = utc(2025, 11, 30, 23, 59)
    parsed = parse_minute_stamp(minute_stamp(moment))
    assert parsed == moment


def test_parse_minute_stamp_accepts_a_leap_day() -> None:
    assert parse_minute_stamp("202402291200") == datetime(2024, 2, 29, 12, 0, tzinfo=SAST)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("202302301200", id="february-30th"),
        pytest.param("202302291200", id="february-29th-not-a-leap-year"),
        pytest.param("202313011200", id="13th-month"),
        pytest.param("202300011200", id="month-0"),
        pytest.param("202301001200", id="day-0"),
        pytest.param("202301012400", id="hour-24"),
        pytest.param("202301011260", id="minute-60"),
        pytest.param("20230101120", id="11-digits"),
        pytest.param("2023010112000", id="13-digits"),
        pytest.param("2023010112a0", id="a-letter"),
        pytest.param("2023-01-0112", id="dashes"),
        pytest.param(" 02301011200", id="a-space"),
        pytest.param("２０２３０１０１１２００", id="full-width-digits"),
        pytest.param("", id="empty"),
    ],
)
def test_parse_minute_stamp_rejects_what_is_not_a_real_ccyymmddhhmm_date(text: str) -> None:
    assert parse_minute_stamp(text) is None
