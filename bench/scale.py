"""How what users do costs as the store grows: 1k, 100k and 1M stored messages.

Each size runs in a fresh process (:mod:`bench.scale_probe`), so one size's
memory and garbage do not weigh on the next; every figure's baseline is the
same operation in the same process once a full reset has emptied the store.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from bench.report import Row, row

SIZES = (1_000, 100_000, 1_000_000)
QUICK_SIZES = (1_000, 10_000)
#: The issue's targets apply at this many stored messages.
TARGET_SIZE = 1_000_000


def probe(stored: int, sends: int, repeats: int) -> dict[str, Any]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.scale_probe",
            f"--stored={stored}",
            f"--sends={sends}",
            f"--repeats={repeats}",
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.scale_probe --stored {stored} failed:\n{done.stderr[-3000:]}")
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def scale(sizes: tuple[int, ...], sends: int, repeats: int) -> list[Row]:
    rows: list[Row] = []
    for stored in sizes:
        print(f"  {stored:,} stored messages", file=sys.stderr, flush=True)
        rows.extend(_rows(probe(stored, sends, repeats)))
    return rows


def _rows(found: dict[str, Any]) -> list[Row]:
    stored, empty = found["stored"], found["empty"]
    n = found["stored_messages"]
    at = f"{n:,} stored"
    full = n >= TARGET_SIZE

    def timed(key: str, name: str, target_ms: float | None = None, **extra: Any) -> Row:
        value, baseline = stored[key] * 1000, empty[key] * 1000
        aim = target_ms if full else None
        return row(
            f"{name}, {at}",
            value,
            "ms",
            baseline,
            "the same once a reset has emptied the store",
            f"<= {aim:g} ms" if aim is not None else "",
            value <= aim if aim is not None else None,
            **extra,
        )

    sends = found["sends"]
    listing = row(
        f"REST scheduled listing (10 queued), {at}",
        stored["scheduled"] * 1000,
        "ms",
        empty["scheduled"] * 1000,
        "the same once a reset has emptied the store",
        "<= 2x the empty store (the queue's cost, not the store's)" if full else "",
        stored["scheduled"] <= 2 * empty["scheduled"] if full else None,
    )
    memory = row(
        f"bytes per stored message (journal included), {at}",
        found["bytes_per_message"],
        "bytes",
        found["bare_bytes_per_message"],
        "the same facts as one tuple per message",
        "<= 400 B" if full else "",
        found["bytes_per_message"] <= 400 if full else None,
        resident_bytes_per_message=found["resident_bytes_per_message"],
        bare_resident_bytes_per_message=found["bare_resident_bytes_per_message"],
        fill_seconds=found["fill_seconds"],
    )
    pause = row(
        f"longest garbage-collection pause while storing {n:,} messages",
        stored["pause"] * 1000,
        "ms",
        empty["pause"] * 1000,
        f"the same during {sends:,} sends to an empty store",
        "<= 50 ms" if full else "",
        stored["pause"] <= 0.050 if full else None,
    )
    return [
        timed("send_median", f"REST send, median of {sends:,}"),
        timed("send_max", f"REST send, slowest of {sends:,}", 50),
        timed("status", "XML status of 1000 IDs", 100),
        listing,
        timed("account_reset", "per-account reset (a small account)", 20),
        timed("reset", "full reset (timed once when full)", 20),
        memory,
        pause,
    ]
