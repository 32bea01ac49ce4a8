"""The gateway's local time, SAST (a fixed UTC+2, no daylight saving), on the wire."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache

SAST = timezone(timedelta(hours=2), "SAST")


def to_sast(moment: datetime) -> datetime:
    return moment.astimezone(SAST)


# A long answer's many items share a few times (every SKIPPED one is "now"), so each
# time is written once.
@lru_cache(maxsize=4096)
def minute_stamp(moment: datetime) -> str:
    """``ccyymmddhhmm``: XML Scheduled and DateReceived, REST times."""
    return to_sast(moment).strftime("%Y%m%d%H%M")


@lru_cache(maxsize=4096)
def status_stamp(moment: datetime) -> str:
    """``ccyy/mm/dd HH:mm:ss``: XML StatusDateTime."""
    return to_sast(moment).strftime("%Y/%m/%d %H:%M:%S")


def millisecond_stamp(moment: datetime) -> str:
    """``ccyymmddhhmmssfff``: the REST ``timeStamp``."""
    t = to_sast(moment)  # written field by field: strftime costs more than the request
    return (
        f"{t.year:04d}{t.month:02d}{t.day:02d}{t.hour:02d}{t.minute:02d}{t.second:02d}"
        f"{t.microsecond // 1000:03d}"
    )


def parse_minute_stamp(text: str) -> datetime | None:
    """Read a ``ccyymmddhhmm`` SAST time; ``None`` when it is not a real one."""
    if len(text) != 12 or not text.isascii() or not text.isdigit():
        return None
    try:
        return datetime(
            int(text[0:4]),
            int(text[4:6]),
            int(text[6:8]),
            int(text[8:10]),
            int(text[10:12]),
            tzinfo=SAST,
        )
    except ValueError:
        return None
