"""Single operations a user waits for: start-up, an XML send, a reset.

Start-up is timed over a real process; the rest in process (Flask's test
client: the emulator's own cost without a socket).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time

import requests

from bench.load import SEND_BODY, SEND_PATH
from bench.procs import EMULATOR_CLI, accounts_file, median_seconds, serve
from bench.report import Row, row

MANY_ACCOUNTS = 10_000


# -- start-up ------------------------------------------------------------------------------------


def _start_to_healthy(extra: list[str], repeats: int) -> float:
    """Median seconds from starting the process to its first healthy answer (stopping it
    afterwards is not counted)."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        with serve([*EMULATOR_CLI, "--log-level", "warning", *extra]) as running:
            while True:
                try:
                    if requests.get(f"{running.url}/_emulator/health", timeout=1).ok:
                        break
                except requests.ConnectionError:
                    continue
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def startup(repeats: int) -> list[Row]:
    """``winsms-emulator serve --port 0`` to a healthy /_emulator/health: with the default
    account (vs a bare interpreter start) and with 10,000 accounts (vs the default)."""

    def bare_python() -> None:
        subprocess.run([sys.executable, "-c", "pass"], check=True)

    one = _start_to_healthy([], repeats)
    baseline = median_seconds(bare_python, repeats)
    with accounts_file(MANY_ACCOUNTS) as accounts:
        many = _start_to_healthy(["--accounts", str(accounts)], repeats)
    return [
        row(
            "start to healthy",
            one,
            "s",
            baseline,
            "a bare Python interpreter start",
            "<= 0.5 s",
            one <= 0.5,
        ),
        row(
            f"start to healthy, {MANY_ACCOUNTS:,} accounts",
            many,
            "s",
            one,
            "the same with the default account",
            "<= 1 s",
            many <= 1.0,
        ),
    ]


# -- XML send ------------------------------------------------------------------------------------


def _xml_send(numbers: list[str]) -> bytes:
    listed = "".join(f"<Number>{n}</Number>" for n in numbers)
    return (
        "<WinSMS_Multi_Message><User>hpotter</User><Password>w1Zard</Password>"
        "<Scheduled></Scheduled><Messages><Message><MessageText>Your+code+is+1234</MessageText>"
        f"<Numbers>{listed}</Numbers></Message></Messages></WinSMS_Multi_Message>"
    ).encode()


def xml_latency(repeats: int) -> list[Row]:
    """In-process XML sends (parse, schema check, rules, rendering) vs parsing+writing alone.

    The same numbers every time (as a test suite sends to its fixtures' handsets), and
    numbers never seen before (each number's first check costs more)."""
    from lxml import etree

    from winsms_emulator import Emulator

    rich = [{"username": "hpotter", "password": "w1Zard", "api_key": "k", "credits": 10**9}]
    results = []
    fresh_from = iter(range(1_000_000, 9_000_000, 1000))
    for recipients, fresh in ((1, False), (1000, False), (1000, True)):
        client = Emulator(rich).client()

        def body(recipients: int = recipients, fresh: bool = fresh) -> bytes:
            first = next(fresh_from) if fresh else 5_550_000
            return _xml_send([f"2782{first + i:07d}" for i in range(recipients)])

        same = body()
        send_times = []
        for _ in range(repeats + 1):  # the first one warms up
            document = body() if fresh else same
            started = time.perf_counter()
            answer = client.post("/api/xmlsendsmsmulti.asp", data=document)
            send_times.append(time.perf_counter() - started)
            assert answer.data.count(b"<ID>") == recipients, answer.data[:300]
        took = statistics.median(send_times[1:])

        def parse_and_write(document: bytes = same) -> None:
            etree.tostring(etree.fromstring(document))

        baseline = median_seconds(parse_and_write, repeats)
        many = recipients > 1
        name = f"XML send, {recipients} recipient{'s' if many else ''}"
        results.append(
            row(
                name + (" never seen before" if fresh else ""),
                took * 1000,
                "ms",
                baseline * 1000,
                "lxml parsing and writing the same document",
                "<= 5 ms" if many and not fresh else "",
                took <= 0.005 if many and not fresh else None,
                recipients_per_second=recipients / took,
            )
        )
    return results


# -- reset ---------------------------------------------------------------------------------------


def _resets(accounts: int, repeats: int, path: str) -> tuple[float, float]:
    """Median time of POST ``path`` after a little traffic, and of GET /_emulator/health."""
    from winsms_emulator import Emulator

    emulator = Emulator(
        [
            {"username": f"worker{n}", "password": "pw", "api_key": f"key{n}"}
            for n in range(accounts)
        ]
    )
    client = emulator.client()
    send = json.loads(SEND_BODY)
    timings = []
    for _ in range(repeats):
        for n in range(min(5, accounts)):
            client.post(SEND_PATH, json=send, headers={"Authorization": f"key{n}"})
        started = time.perf_counter()
        assert client.post(path).status_code == 200
        timings.append(time.perf_counter() - started)
    health = median_seconds(lambda: client.get("/_emulator/health"), repeats)
    return statistics.median(timings), health


def reset_latency(repeats: int) -> list[Row]:
    """A full and a per-account reset after some traffic (20 accounts) vs GET
    /_emulator/health; a full reset with 10,000 accounts vs the same with one."""
    out = []
    for name, path in (
        ("reset", "/_emulator/reset"),
        ("per-account reset", "/_emulator/accounts/worker1/reset"),
    ):
        took, health = _resets(20, repeats, path)
        out.append(
            row(
                f"{name} (20 accounts, after traffic)",
                took * 1000,
                "ms",
                health * 1000,
                "GET /_emulator/health",
                "<= 5 ms",
                took <= 0.005,
            )
        )
    many, _ = _resets(MANY_ACCOUNTS, max(3, repeats // 3), "/_emulator/reset")
    one, _ = _resets(1, repeats, "/_emulator/reset")
    out.append(
        row(
            f"reset ({MANY_ACCOUNTS:,} accounts, after traffic)",
            many * 1000,
            "ms",
            one * 1000,
            "the same with one account",
            "<= 20 ms",
            many <= 0.020,
        )
    )
    return out
