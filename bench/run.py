"""Measure the emulator against baselines run in the same run; print a table, write JSON.

    python -m bench            # everything (a few minutes)
    python -m bench --quick    # fewer repeats, for a smoke check
    python -m bench.soak       # a few minutes of mixed traffic and chaos (--quick: seconds)

Every figure is paired with a baseline measured a moment before or after it on
the same machine, and the table shows their ratio; absolute times are given
too, with the machine they ran on.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from bench.limits import idle_connections, long_documents

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results.json"
KEY = {"Authorization": "hpotter-api-key", "Content-Type": "application/json"}
SEND_BODY = json.dumps(
    {"message": "Your code is 1234", "recipients": [{"mobileNumber": "27825550101"}]}
)


def _median_seconds(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


@contextmanager
def _process(command: list[str], env: dict[str, str] | None = None) -> Iterator[str]:
    """Start a server process that prints ``listening on URL`` first; yield the URL."""
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.startswith("listening on "):
            raise RuntimeError(f"{command} did not start: {line!r}")
        yield line.removeprefix("listening on ")
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


EMULATOR = [sys.executable, "-m", "bench.serve_engine", "--engine"]
STUB = [sys.executable, "-m", "bench.stub"]


# -- 1. start-up -------------------------------------------------------------------------------


def startup(repeats: int) -> dict[str, Any]:
    """``winsms-emulator serve --port 0`` to a healthy /_emulator/health, vs a bare interpreter."""

    def start_emulator() -> None:
        with _process(
            [sys.executable, "-m", "winsms_emulator.cli", "serve", "--port", "0"],
            {"WINSMS_EMULATOR_LOG_LEVEL": "warning"},
        ) as url:
            while True:
                try:
                    if requests.get(f"{url}/_emulator/health", timeout=1).ok:
                        return
                except requests.ConnectionError:
                    continue

    def bare_python() -> None:
        subprocess.run([sys.executable, "-c", "pass"], check=True)

    emulator = _median_seconds(start_emulator, repeats)
    baseline = _median_seconds(bare_python, repeats)
    return {
        "name": "start to healthy",
        "value": emulator,
        "unit": "s",
        "baseline": baseline,
        "baseline_name": "a bare Python interpreter start",
        "ratio": emulator / baseline,
        "target": "<= 1.0 s",
        "met": emulator <= 1.0,
    }


# -- 2. REST send throughput -------------------------------------------------------------------


def _wrk(url: str, seconds: int, connections: int) -> float:
    headers = "".join(f'wrk.headers["{k}"] = "{v}"\n' for k, v in KEY.items())
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(f'wrk.method = "POST"\nwrk.body = {json.dumps(SEND_BODY)}\n{headers}')
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", script.name, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"wrk saw {errors.group(1)} failed answers:\n{out}")
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert found, out
    return float(found.group(1))


def _python_load(url: str, seconds: int, connections: int) -> float:
    count = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        nonlocal count
        session = requests.Session()
        done = 0
        while time.perf_counter() < deadline:
            answer = session.post(url, data=SEND_BODY, headers=KEY, timeout=10)
            answer.raise_for_status()
            done += 1
        with lock:
            count += done

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return count / (time.perf_counter() - started)


def throughput(seconds: int, rounds: int) -> list[dict[str, Any]]:
    """Sends per second under 16 concurrent connections: emulator vs a canned stub."""
    load = _wrk if shutil.which("wrk") else _python_load
    tool = "wrk" if load is _wrk else "a Python client"
    targets = {
        "stub": STUB,
        "flask stub": [*STUB, "--flask"],
        "waitress": [*EMULATOR, "waitress"],
        "werkzeug": [*EMULATOR, "werkzeug"],
    }
    samples: dict[str, list[float]] = {name: [] for name in targets}
    for _ in range(rounds):  # interleaved, so a drift in the machine's load hits all alike
        for name, command in targets.items():
            with _process(command) as url:
                target = f"{url}/api/rest/v1/sms/outgoing/send"
                load(target, 1, 4)  # warm up
                samples[name].append(load(target, seconds, 16))
    rates = {name: statistics.median(values) for name, values in samples.items()}
    return [
        {
            "name": f"REST sends/s (waitress, {tool}, 16 connections)",
            "value": rates["waitress"],
            "unit": "req/s",
            "baseline": rates["stub"],
            "baseline_name": "a canned send answer on the same server",
            "ratio": rates["waitress"] / rates["stub"],
            "target": ">= 0.8x the canned stub",
            "met": rates["waitress"] >= 0.8 * rates["stub"],
        },
        {
            "name": "REST sends/s (waitress) vs a one-route Flask stub",
            "value": rates["waitress"],
            "unit": "req/s",
            "baseline": rates["flask stub"],
            "baseline_name": "the canned answer from a one-route Flask app",
            "ratio": rates["waitress"] / rates["flask stub"],
            "target": "(the framework's share)",
            "met": None,
        },
        {
            "name": "REST sends/s on werkzeug's server",
            "value": rates["werkzeug"],
            "unit": "req/s",
            "baseline": rates["waitress"],
            "baseline_name": "the same emulator on waitress",
            "ratio": rates["werkzeug"] / rates["waitress"],
            "target": "(choice of server)",
            "met": None,
        },
    ]


# -- 3. XML send latency -----------------------------------------------------------------------


def _xml_send(recipients: int) -> bytes:
    numbers = "".join(f"<Number>2782{5550000 + i:07d}</Number>" for i in range(recipients))
    return (
        "<WinSMS_Multi_Message><User>hpotter</User><Password>w1Zard</Password>"
        "<Scheduled></Scheduled><Messages><Message><MessageText>Your+code+is+1234</MessageText>"
        f"<Numbers>{numbers}</Numbers></Message></Messages></WinSMS_Multi_Message>"
    ).encode()


def xml_latency(repeats: int) -> list[dict[str, Any]]:
    """In-process XML sends (parse, schema check, rules, rendering) vs parsing+writing alone."""
    from lxml import etree

    from winsms_emulator import Emulator

    results = []
    for recipients in (1, 1000):
        body = _xml_send(recipients)
        emulator = Emulator(
            [{"username": "hpotter", "password": "w1Zard", "api_key": "k", "credits": 10**9}]
        )
        client = emulator.client()

        def send(client: Any = client, body: bytes = body) -> None:
            answer = client.post("/api/xmlsendsmsmulti.asp", data=body)
            assert b"<ID>" in answer.data

        def parse_and_write(body: bytes = body) -> None:
            etree.tostring(etree.fromstring(body))

        send()
        took = _median_seconds(send, repeats)
        baseline = _median_seconds(parse_and_write, repeats)
        results.append(
            {
                "name": f"XML send, {recipients} recipient{'s' if recipients > 1 else ''}",
                "value": took * 1000,
                "unit": "ms",
                "baseline": baseline * 1000,
                "baseline_name": "lxml parsing and writing the same document",
                "ratio": took / baseline,
                "target": "<= 50 ms" if recipients == 1000 else "",
                "met": took <= 0.050 if recipients == 1000 else None,
                "recipients_per_second": recipients / took,
            }
        )
    return results


# -- 4. reset ----------------------------------------------------------------------------------


def reset_latency(repeats: int) -> list[dict[str, Any]]:
    """POST /_emulator/reset and per-account reset after some traffic, vs GET /_emulator/health."""
    from winsms_emulator import Emulator

    emulator = Emulator(
        [{"username": f"worker{n}", "password": "pw", "api_key": f"key{n}"} for n in range(20)]
    )
    client = emulator.client()
    send = json.loads(SEND_BODY)

    def traffic() -> None:
        for n in range(5):
            client.post(
                "/api/rest/v1/sms/outgoing/send", json=send, headers={"Authorization": f"key{n}"}
            )

    def reset() -> None:
        traffic()
        started = time.perf_counter()
        assert client.post("/_emulator/reset").status_code == 200
        timings.append(time.perf_counter() - started)

    def reset_one() -> None:
        traffic()
        started = time.perf_counter()
        assert client.post("/_emulator/accounts/worker1/reset").status_code == 200
        timings.append(time.perf_counter() - started)

    def health() -> None:
        client.get("/_emulator/health")

    baseline = _median_seconds(health, repeats)
    out = []
    for name, action in (("reset", reset), ("per-account reset", reset_one)):
        timings: list[float] = []
        for _ in range(repeats):
            action()
        took = statistics.median(timings)
        out.append(
            {
                "name": f"{name} (20 accounts, after traffic)",
                "value": took * 1000,
                "unit": "ms",
                "baseline": baseline * 1000,
                "baseline_name": "GET /_emulator/health",
                "ratio": took / baseline,
                "target": "<= 5 ms",
                "met": took <= 0.005,
            }
        )
    return out


# -- 5. status among 100k messages, memory per message -----------------------------------------


def status_and_memory(stored: int) -> list[dict[str, Any]]:
    from winsms_emulator import Emulator
    from winsms_emulator.domain.sending import OutgoingMessage, Recipient

    emulator = Emulator(
        [{"username": "hpotter", "password": "w1Zard", "api_key": "k", "credits": 10**9}]
    )
    gateway = emulator.gateway
    texts = [f"Your code is {n:04d}" for n in range(1000)]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for batch in range(stored // 1000):
        gateway.sms.send(
            "hpotter",
            [
                OutgoingMessage(
                    texts[batch % 1000], [Recipient(f"2782{5550000 + i:07d}") for i in range(1000)]
                )
            ],
            api="xml",
        )
    gc.collect()
    per_message = (tracemalloc.get_traced_memory()[0] - before) / stored
    tracemalloc.stop()
    ids = list(range(stored - 999, stored + 1))
    ids_xml = "".join(f"<MessageID><ID>{i}</ID></MessageID>" for i in ids)
    body = (
        f"<WinSMS_StatusRequest><User>hpotter</User><Password>w1Zard</Password>"
        f"<MessageIDs>{ids_xml}</MessageIDs></WinSMS_StatusRequest>"
    ).encode()
    client = emulator.client()

    def status() -> None:
        assert b"<StatusID>" in client.post("/api/xmlgetstatus.asp", data=body).data

    small = Emulator(
        [{"username": "hpotter", "password": "w1Zard", "api_key": "k", "credits": 10**9}]
    )
    small.gateway.sms.send(
        "hpotter", [OutgoingMessage("x", [Recipient("27825550101")] * 1000)], api="xml"
    )
    small_client = small.client()

    def status_small() -> None:
        small_client.post(
            "/api/xmlgetstatus.asp", data=body.replace(b"<ID>", b"<ID>").replace(b"", b"")
        )

    took = _median_seconds(status, 7)
    baseline = _median_seconds(status_small, 7)
    return [
        {
            "name": f"XML status of 1000 IDs among {stored:,} messages",
            "value": took * 1000,
            "unit": "ms",
            "baseline": baseline * 1000,
            "baseline_name": "the same call among 1,000 messages",
            "ratio": took / baseline,
            "target": "<= 100 ms",
            "met": took <= 0.100,
        },
        {
            "name": "memory per stored message",
            "value": per_message,
            "unit": "bytes",
            "baseline": 2048,
            "baseline_name": "the 2 KB target",
            "ratio": per_message / 2048,
            "target": "<= 2 KB",
            "met": per_message <= 2048,
        },
    ]


# -- 6. the pytest plugin ----------------------------------------------------------------------

FIXTURE_TESTS = textwrap.dedent(
    """
    import pytest, requests

    @pytest.mark.parametrize("n", range({count}))
    def test_send(winsms_emulator, n):
        answer = requests.post(
            winsms_emulator.rest_url + "/sms/outgoing/send",
            headers={{"Authorization": "hpotter-api-key"}},
            json={{"message": "hi", "recipients": [{{"mobileNumber": "27825550101"}}]}},
        )
        assert answer.json()["recipients"][0]["accepted"]
    """
)

STUB_TESTS = textwrap.dedent(
    """
    import json, threading
    import pytest, requests
    from werkzeug.serving import make_server

    ANSWER = json.dumps({{"recipients": [{{"accepted": True}}]}}).encode()

    class Stub:
        # a bare pytest-httpserver-style stub: one canned answer, cleared per test
        def __init__(self):
            self.requests = []
            def app(environ, start_response):
                self.requests.append(environ["PATH_INFO"])
                start_response("200 OK", [("Content-Type", "application/json")])
                return [ANSWER]
            self.server = make_server("127.0.0.1", 0, app, threaded=True)
            threading.Thread(target=self.server.serve_forever, daemon=True).start()
            self.url = f"http://127.0.0.1:{{self.server.server_port}}"

    @pytest.fixture(scope="session")
    def stub_session():
        stub = Stub()
        yield stub
        stub.server.shutdown()

    @pytest.fixture
    def stub(stub_session):
        stub_session.requests.clear()
        return stub_session

    @pytest.mark.parametrize("n", range({count}))
    def test_send(stub, n):
        answer = requests.post(stub.url + "/sms/outgoing/send",
                               json={{"message": "hi", "recipients": []}})
        assert answer.json()["recipients"][0]["accepted"]
    """
)


def pytest_plugin(count: int, repeats: int) -> dict[str, Any]:
    def run(source: str, plugin: bool) -> float:
        with tempfile.TemporaryDirectory() as folder:
            Path(folder, "test_bench.py").write_text(source.format(count=count))
            command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
            if not plugin:  # a project without the emulator at all
                command += ["-p", "no:winsms_emulator"]
            command.append(folder)
            started = time.perf_counter()
            result = subprocess.run(command, capture_output=True, text=True, cwd=folder)
            took = time.perf_counter() - started
            if result.returncode != 0 or f"{count} passed" not in result.stdout:
                raise RuntimeError(result.stdout[-2000:] + result.stderr[-2000:])
            return took

    emulator = statistics.median(run(FIXTURE_TESTS, True) for _ in range(repeats))
    stub = statistics.median(run(STUB_TESTS, False) for _ in range(repeats))
    return {
        "name": f"{count} tests through the winsms_emulator fixture",
        "value": emulator,
        "unit": "s",
        "baseline": stub,
        "baseline_name": f"{count} tests against a bare canned stub",
        "ratio": emulator / stub,
        "target": "<= 1.5x the stub run",
        "met": emulator <= 1.5 * stub,
    }


# -- the table ---------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
    }


def _format(value: float, unit: str) -> str:
    if unit == "bytes":
        return f"{value:,.0f} B"
    if unit == "req/s":
        return f"{value:,.0f}/s"
    if value < 1:
        return f"{value:,.3f} {unit}"
    return f"{value:,.2f} {unit}" if value < 100 else f"{value:,.0f} {unit}"


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| measure | emulator | baseline | ratio | target | met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        met = {True: "yes", False: "NO", None: ""}[r["met"]]
        lines.append(
            f"| {r['name']} | {_format(r['value'], r['unit'])} | "
            f"{_format(r['baseline'], r['unit'])} ({r['baseline_name']}) | "
            f"{r['ratio']:.2f}x | {r['target']} | {met} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    parser.add_argument("--only", help="run only measures whose name contains this word")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--readme", action="store_true", help="also write the table into README.md")
    args = parser.parse_args(argv)
    repeats = 3 if args.quick else 9
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("startup", lambda: startup(3 if args.quick else 7)),
        ("xml", lambda: xml_latency(repeats)),
        ("reset", lambda: reset_latency(repeats * 3)),
        ("status", lambda: status_and_memory(20_000 if args.quick else 100_000)),
        ("throughput", lambda: throughput(2 if args.quick else 5, 1 if args.quick else 3)),
        ("pytest", lambda: pytest_plugin(50 if args.quick else 200, 1 if args.quick else 3)),
        ("limits", lambda: long_documents(3 if args.quick else 7)),
        ("connections", lambda: idle_connections(500, 100 if args.quick else 400)),
    ]
    results: list[dict[str, Any]] = []
    for name, step in steps:
        if args.only and args.only not in name:
            continue
        print(f"measuring {name} ...", file=sys.stderr, flush=True)
        found = step()
        results.extend(found if isinstance(found, list) else [found])
    report = {"machine": machine(), "quick": args.quick, "results": results}
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(table(results))
    print(f"\nmachine: {report['machine']}\nwritten to {args.out}")
    if args.readme:
        update_readme(report)
    return 0


def update_readme(report: dict[str, Any]) -> None:
    """Put the table between the README's bench markers."""
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    m = report["machine"]
    block = (
        f"{start}\n"
        f"Measured on {m['date']}: {m['cpu'] or 'unknown CPU'}, {m['cores']} cores, "
        f"Python {m['python']}, {m['platform']}.\n\n"
        f"{table(report['results'])}\n"
        f"{end}"
    )
    before, _, rest = text.partition(start)
    _, _, after = rest.partition(end)
    readme.write_text(before + block + after, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
