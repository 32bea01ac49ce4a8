"""What one client can cost the others: long documents, refused documents, idle connections.

Each figure is paired with a baseline measured in the same run:

- an XML status of 10,000 IDs that each break the schema, against four times the cost
  of 2,500 such IDs (about 1.0x is linear growth; quadratic growth would be 4x);
- a status of 48,000 XML IDs or 100,000 REST IDs, refused before anything reads them,
  against a status of one ID;
- a new client's request (connect, ask, read) while 500 idle keep-alive connections are
  open, against the same with none open (median and p99 of each).
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from winsms_emulator import create_app
from winsms_emulator.server import raise_open_files_limit

KEY = {"Authorization": "hpotter-api-key", "Content-Type": "application/json"}


def _median(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _status_document(count: int, *, cli: bool) -> bytes:
    item = (
        "<MessageID><ID>{}</ID><CLI/></MessageID>" if cli else "<MessageID><ID>{}</ID></MessageID>"
    )
    ids = "\n".join(item.format(i) for i in range(1, count + 1))
    return (
        "<WinSMS_StatusRequest><User>hpotter</User><Password>w1Zard</Password>"
        f"<MessageIDs>{ids}</MessageIDs></WinSMS_StatusRequest>"
    ).encode()


def long_documents(repeats: int) -> list[dict[str, Any]]:
    """In process: XML status documents whose every ID breaks the schema, and refusals."""
    client = create_app().test_client()

    def xml_status(document: bytes) -> Callable[[], object]:
        def call() -> None:
            answer = client.post("/api/xmlgetstatus.asp", data=document)
            assert answer.status_code == 200

        return call

    def rest_status(ids: list[int]) -> Callable[[], object]:
        body = json.dumps(ids, separators=(",", ":"))

        def call() -> None:
            answer = client.post("/api/rest/v1/sms/outgoing/status", data=body, headers=KEY)
            assert answer.status_code in (200, 400, 422), answer.status_code

        return call

    small = _median(xml_status(_status_document(2_500, cli=False)), repeats)
    large = _median(xml_status(_status_document(10_000, cli=False)), repeats)
    one_xml = _median(xml_status(_status_document(1, cli=True)), repeats)
    refused_xml = _median(xml_status(_status_document(48_000, cli=True)), repeats)
    one_rest = _median(rest_status([1]), repeats)
    refused_rest = _median(rest_status([1] * 100_000), repeats)
    return [
        {
            "name": "XML status of 10,000 IDs, each breaking the schema",
            "value": large,
            "unit": "s",
            "baseline": 4 * small,
            "baseline_name": "four times 2,500 such IDs",
            "ratio": large / (4 * small),
            "target": "<= 1.5x (quadratic: 4x)",
            "met": large <= 1.5 * 4 * small,
        },
        {
            "name": "XML status of 48,000 IDs (refused: too large)",
            "value": refused_xml * 1000,
            "unit": "ms",
            "baseline": one_xml * 1000,
            "baseline_name": "a status of one ID",
            "ratio": refused_xml / one_xml,
            "target": "<= 250 ms",
            "met": refused_xml <= 0.25,
        },
        {
            "name": "REST status of 100,000 IDs (refused: over 1000)",
            "value": refused_rest * 1000,
            "unit": "ms",
            "baseline": one_rest * 1000,
            "baseline_name": "a status of one ID",
            "ratio": refused_rest / one_rest,
            "target": "<= 100 ms",
            "met": refused_rest <= 0.1,
        },
    ]


# -- idle connections ------------------------------------------------------------------------------


@contextmanager
def _server() -> Iterator[tuple[str, int]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "winsms_emulator.cli", "serve", "--port", "0", "--clock", "manual"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "WINSMS_EMULATOR_LOG_LEVEL": "warning"},
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip().removeprefix("listening on http://")
        host, port = url.rsplit(":", 1)
        yield host, int(port)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def _new_client(host: str, port: int) -> float:
    """Seconds for a new client: connect, ask for the balance, read the answer."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(host, port, timeout=60)
    connection.request("GET", "/api/rest/v1/credits/balance", headers=KEY)
    answer = connection.getresponse()
    answer.read()
    connection.close()
    assert answer.status == 200, answer.status
    return time.perf_counter() - started


def _p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _keep_alive(host: str, port: int) -> socket.socket:
    """A connection that asked once and now sits idle, as a pooled client's does."""
    connection = socket.create_connection((host, port), timeout=60)
    connection.sendall(b"GET /_emulator/health HTTP/1.1\r\nHost: bench\r\n\r\n")
    answer = b""
    while not answer.endswith(b"}\n"):
        chunk = connection.recv(4096)
        if not chunk:
            break
        answer += chunk
    return connection


def idle_connections(idle: int, clients: int) -> list[dict[str, Any]]:
    """New clients while ``idle`` keep-alive connections sit open, vs none open."""
    raise_open_files_limit(idle + 256)
    with _server() as (host, port):
        for _ in range(20):  # warm up
            _new_client(host, port)
        quiet = [_new_client(host, port) for _ in range(clients)]
        with ExitStack() as stack:
            for _ in range(idle):
                stack.enter_context(_keep_alive(host, port))
            busy = [_new_client(host, port) for _ in range(clients)]
    figures = []
    for label, pick in (("median", statistics.median), ("p99", _p99)):
        value, baseline = pick(busy) * 1000, pick(quiet) * 1000
        figures.append(
            {
                "name": f"new client with {idle} idle connections open ({label})",
                "value": value,
                "unit": "ms",
                "baseline": baseline,
                "baseline_name": "the same with none open",
                "ratio": value / baseline,
                "target": "<= 50 ms",
                "met": value <= 50,
            }
        )
    return figures
