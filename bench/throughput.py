"""Sends per second and p99 under load: next to the peers, and as connections grow.

Each trial starts its server afresh, sends it one request on its own (some
servers load what they serve on first use), warms it up under load for a
second (a JVM for five) and then loads it with wrk; trials are interleaved
over the rounds and the median is kept.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import requests

from bench import load
from bench.load import Request
from bench.peers import CONNECTIONS, Measured, Server, local_servers, peer_servers
from bench.procs import EMULATOR_CLI, STUB, Running, StartError, accounts_file, serve
from bench.report import Row, row, skipped

Trial = tuple[Server, int]  # a server and how many connections load it


def measure(
    trials: Sequence[Trial], seconds: float, rounds: int
) -> dict[tuple[str, int], Measured | str]:
    """Each trial's rate and p99 (median of the rounds), or why an optional peer failed."""
    found: dict[tuple[str, int], Measured | str] = {}
    for _ in range(rounds):  # interleaved, so a drift in the machine's load hits all alike
        for server, connections in trials:
            key = (server.key, connections)
            earlier = found.setdefault(key, Measured([], []))
            if isinstance(earlier, str):
                continue
            print(f"  {server.label}, {connections} connections", file=sys.stderr, flush=True)
            try:
                with server.start() as running:
                    _first(running.url, server.request)
                    load.run(running.url, server.request, server.warmup, connections)
                    took = load.run(running.url, server.request, seconds, connections)
                    earlier.resident_mb = max(earlier.resident_mb, running.resident_mb())
            except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
                if not server.peer:
                    raise
                reason = str(exc)
                if isinstance(exc, subprocess.CalledProcessError):
                    reason = f"{exc.cmd[0]} failed: {(exc.stderr or exc.stdout or '').strip()}"
                found[key] = " ".join(reason.split())[:300]
                continue
            earlier.rates.append(took.rate)
            earlier.p99s.append(took.p99_ms)
            if took.errors:
                earlier.errors.append(took.errors)
    return found


def _first(url: str, request: Request) -> None:
    """One request on its own first: some servers load what they serve on first use."""
    answer = requests.request(
        request.method, url + request.path, data=request.body, headers=request.headers, timeout=60
    )
    if not answer.ok:
        raise RuntimeError(
            f"{url + request.path} answered {answer.status_code}: {answer.text[:200]}"
        )


def _load_fields(m: Measured, base: Measured) -> dict[str, Any]:
    """The p99s, and any socket errors wrk saw (they would make a rate suspect)."""
    fields: dict[str, Any] = {"p99_ms": m.p99, "baseline_p99_ms": base.p99}
    if m.errors:
        fields["socket_errors"] = m.errors
    if base.errors:
        fields["baseline_socket_errors"] = base.errors
    return fields


def peers(seconds: float, rounds: int, with_peers: bool) -> list[Row]:
    """The emulator as shipped against each local server and each peer, at 8 connections."""
    with accounts_file() as accounts:
        servers = local_servers(accounts)
        if with_peers:
            extra, skips = peer_servers(install=True)
        else:
            extra, skips = [], [skipped("vs the peers", "not run in --quick (add --peers)")]
        found = measure([(s, CONNECTIONS) for s in servers + extra], seconds, rounds)
    measured = {key: m for (key, _), m in found.items()}
    shipped, quiet = measured["info"], measured["warning"]
    assert isinstance(shipped, Measured) and isinstance(quiet, Measured)
    rows = [
        row(
            f"REST sends/s, {load.tool()}, {CONNECTIONS} connections: the emulator as shipped "
            f"(waitress, access log at info; {shipped.resident_mb:.0f} MB resident)",
            shipped.rate,
            "req/s",
            quiet.rate,
            "the same with the log at warning",
            ">= 0.95x (logging costs under 5%)",
            shipped.rate >= 0.95 * quiet.rate,
            resident_mb=shipped.resident_mb,
            **_load_fields(shipped, quiet),
        )
    ]
    prisms = [
        m.rate for k, m in measured.items() if k.startswith("prism") and isinstance(m, Measured)
    ]
    targets = {
        "werkzeug": (">= 1.5x", shipped.rate >= 1.5 * measured_rate(measured, "werkzeug")),
        "prism warn": ("above Prism at its quietest", bool(prisms) and shipped.rate > max(prisms)),
    }
    compared = [s for s in servers + extra if s.key not in ("info", "warning", "werkzeug engine")]
    for server in compared:
        m = measured[server.key]
        target, met = targets.get(server.key, ("", None))
        if isinstance(m, str):
            rows.append(skipped(f"vs {server.label}", m, target))
            continue
        rows.append(
            row(
                f"vs {server.label}",
                shipped.rate,
                "req/s",
                m.rate,
                f"{m.resident_mb:.0f} MB resident",
                target,
                met,
                resident_mb=shipped.resident_mb,
                baseline_resident_mb=m.resident_mb,
                **_load_fields(shipped, m),
            )
        )
    rows.extend(skips)
    engine = measured["werkzeug engine"]
    assert isinstance(engine, Measured)
    rows.append(
        row(
            "REST sends/s of the emulator on Werkzeug's server",
            engine.rate,
            "req/s",
            quiet.rate,
            "the same on waitress, log at warning",
            "(choice of server)",
            None,
            **_load_fields(engine, quiet),
        )
    )
    return rows


def measured_rate(measured: dict[str, Measured | str], key: str) -> float:
    m = measured.get(key)
    return m.rate if isinstance(m, Measured) else float("inf")


# -- concurrency ---------------------------------------------------------------------------------

LEVELS = (1, 4, 8, 32)
DELAY = 0.05  # seconds of injected latency


def concurrency(seconds: float, rounds: int) -> list[Row]:
    """The emulator as shipped at 1/4/8/32 connections next to a canned answer on the same
    server; and with a 50 ms latency fault, whether requests wait for each other."""
    with accounts_file() as accounts:
        command = [*EMULATOR_CLI, "--accounts", str(accounts)]
        emulator = Server("emulator", "the emulator as shipped", lambda: serve(command))
        stub = Server("stub", "a canned answer on waitress", lambda: serve(STUB))
        delayed = Server("delayed", "the emulator with 50 ms latency", lambda: _delayed(command))
        trials: list[Trial] = [(s, c) for c in LEVELS for s in (emulator, stub)]
        trials += [(delayed, c) for c in (1, 8, 32)]
        found = measure(trials, seconds, rounds)
    m = {key: value for key, value in found.items() if isinstance(value, Measured)}
    rows = []
    for c in LEVELS:
        mine, canned = m[("emulator", c)], m[("stub", c)]
        rows.append(
            row(
                f"REST sends/s at {c} connection{'s' if c > 1 else ''}",
                mine.rate,
                "req/s",
                canned.rate,
                "a canned answer on waitress, 16 threads",
                "p99 <= 10 ms" if c == CONNECTIONS else "",
                mine.p99 <= 10 if c == CONNECTIONS else None,
                **_load_fields(mine, canned),
            )
        )
    most, one = m[("emulator", LEVELS[-1])], m[("emulator", 1)]
    rows.append(
        row(
            f"REST sends/s at {LEVELS[-1]} connections vs at 1",
            most.rate,
            "req/s",
            one.rate,
            "the rate at 1 connection",
            ">= 0.9x",
            most.rate >= 0.9 * one.rate,
            **_load_fields(most, one),
        )
    )
    for c in (1, 8, 32):
        took = m[("delayed", c)]
        rows.append(
            row(
                f"REST sends/s with {DELAY * 1000:.0f} ms injected latency, "
                f"{c} connection{'s' if c > 1 else ''}",
                took.rate,
                "req/s",
                c / DELAY,
                "the rate if no request waits for another",
                p99_ms=took.p99,
            )
        )
    return rows


@contextmanager
def _delayed(command: list[str]) -> Iterator[Running]:
    with serve(command) as running:
        fault: dict[str, Any] = {"kind": "latency", "seconds": DELAY, "match": {"api": "rest"}}
        answer = requests.post(f"{running.url}/_emulator/faults", json=fault, timeout=10)
        if answer.status_code not in (200, 201):
            raise StartError(f"the latency fault was refused: {answer.text}")
        yield running
