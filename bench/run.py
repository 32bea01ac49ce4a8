"""Measure the emulator against baselines run in the same run; print a table, write JSON.

    python -m bench                  # every part (long: the 1M-message store, the peers)
    python -m bench --quick          # a smoke run of every part but the peers (a few minutes)
    python -m bench --peers          # only the parts named: --core, --peers,
    python -m bench --scale --concurrency   # --concurrency, --scale, --limits (any together)

Parts:

* ``core``: start-up (default account, 10,000 accounts), XML sends, resets
  (20 and 10,000 accounts), a test suite through the pytest fixture;
* ``peers``: REST sends/s and p99 under wrk at 8 connections, the emulator as
  shipped next to canned answers on Werkzeug and waitress, a one-route Flask
  app, Prism, moto and WireMock (see bench/peers.py; a peer that cannot be
  installed or started is a row saying why);
* ``concurrency``: sends/s and p99 at 1/4/8/32 connections, and with 50 ms of
  injected latency (do requests wait for each other?);
* ``scale``: sends, status, the scheduled listing, resets, memory per message
  and garbage-collection pauses at 1k/100k/1M stored messages (bench/scale.py);
* ``limits``: what one client can cost the others: long and refused documents,
  new clients while 500 idle connections are open (bench/limits.py).

    python -m bench.soak             # a few minutes of mixed traffic and chaos (--quick: seconds)

Every figure is paired with a baseline measured a moment before or after it on
the same machine, and the table shows their ratio; absolute figures are given
too, with the machine they ran on. Nothing is asserted: the ``met`` column
says whether the issue's target was met on this run.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import latency, scale, suite, throughput
from bench.limits import idle_connections, long_documents
from bench.report import ROOT, Row, machine, table, update_readme

RESULTS = ROOT / "bench" / "results.json"
PARTS = ("core", "peers", "concurrency", "scale", "limits")

Step = tuple[str, str, Callable[[], Row | list[Row]]]


def steps(args: argparse.Namespace) -> list[Step]:
    """Every measurement as (part, name, how), sized for a full or a quick run."""
    quick = args.quick
    repeats = 3 if quick else 9
    seconds, rounds = (1, 1) if quick else (5, 3)
    sizes = tuple(args.stored) if args.stored else (scale.QUICK_SIZES if quick else scale.SIZES)
    # a quick run measures (and installs) the peers only when --peers names them
    with_peers = not quick or "peers" in args.parts
    return [
        ("core", "startup", lambda: latency.startup(3 if quick else 7)),
        ("core", "xml", lambda: latency.xml_latency(repeats)),
        ("core", "reset", lambda: latency.reset_latency(repeats * 3)),
        ("core", "pytest", lambda: suite.pytest_plugin(50 if quick else 200, 1 if quick else 3)),
        ("peers", "peers", lambda: throughput.peers(seconds, rounds, with_peers)),
        ("concurrency", "concurrency", lambda: throughput.concurrency(seconds, rounds)),
        (
            "scale",
            "scale",
            lambda: scale.scale(sizes, 300 if quick else 2000, 3 if quick else 5),
        ),
        ("limits", "limits", lambda: long_documents(3 if quick else 7)),
        ("limits", "connections", lambda: idle_connections(500, 100 if quick else 400)),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    for part in PARTS:
        parser.add_argument(
            f"--{part}",
            dest="parts",
            action="append_const",
            const=part,
            help=f"measure the {part} part (several may be named; none: every part)",
        )
    parser.add_argument(
        "--stored",
        type=lambda text: [int(n) for n in text.split(",")],
        help="scale: the store sizes, e.g. 1000,1000000 (default 1k,100k,1M; quick 1k,10k)",
    )
    parser.add_argument("--only", help="run only measures whose name contains this word")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--readme", action="store_true", help="also write the table into README.md (full runs)"
    )
    args = parser.parse_args(argv)
    args.parts = args.parts or []
    chosen = set(args.parts) or set(PARTS)
    if args.readme and (args.quick or args.only or args.stored or chosen != set(PARTS)):
        parser.error("--readme takes a full run of every part (the table shows them all)")
    results: list[Row] = []
    at_start = machine()
    for part, name, step in steps(args):
        if part not in chosen or (args.only and args.only not in name):
            continue
        print(f"measuring {name} ...", file=sys.stderr, flush=True)
        found = step()
        results.extend(found if isinstance(found, list) else [found])
    report: dict[str, Any] = {
        "machine": {**at_start, "load_average_at_end": machine()["load_average"]},
        "quick": args.quick,
        "parts": sorted(chosen),
        "results": results,
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(table(results))
    print(f"\nmachine: {report['machine']}\nwritten to {args.out}")
    if args.readme:
        update_readme(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
