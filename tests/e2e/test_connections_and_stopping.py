"""The server's connections: idle keep-alive connections cannot lock new clients out (a
high connection limit, and idle ones closed after a timeout), and stopping lets the
requests in flight finish within a grace period. Real sockets; the waiting is done by a
latency fault inside the server, never by the test."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest
import requests

from winsms_emulator import Emulator
from winsms_emulator.cli import build_parser
from winsms_emulator.cli_settings import UsageError
from winsms_emulator.cli_settings import _settings as settings_of
from winsms_emulator.server import (
    DEFAULT_CONNECTION_LIMIT,
    DEFAULT_GRACE_PERIOD,
    DEFAULT_IDLE_TIMEOUT,
    ServerThread,
)

BALANCE = "/api/rest/v1/credits/balance"
KEY = {"Authorization": "hpotter-api-key"}


def _address(url: str) -> tuple[str, int]:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


@contextmanager
def _idle_connections(url: str, count: int) -> Iterator[list[socket.socket]]:
    with ExitStack() as stack:
        sockets = [
            stack.enter_context(socket.create_connection(_address(url), timeout=10))
            for _ in range(count)
        ]
        yield sockets


def _in_flight(call: Any) -> tuple[threading.Thread, dict[str, Any]]:
    """Run ``call`` in a thread; its answer (or the exception it raised) lands in the dict."""
    found: dict[str, Any] = {}

    def run() -> None:
        try:
            found["answer"] = call()
        except requests.RequestException as exc:
            found["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, found


def _wait_until_the_fault_fired(url: str) -> None:
    """Until the request is inside its latency fault (the fault counts its hits)."""
    while requests.get(f"{url}/_emulator/faults", timeout=5).json()["faults"][0]["hits"] < 1:
        pass


def test_the_defaults_are_a_high_connection_limit_a_timeout_and_a_grace_period() -> None:
    assert DEFAULT_CONNECTION_LIMIT >= 1000
    assert DEFAULT_IDLE_TIMEOUT == 30
    assert DEFAULT_GRACE_PERIOD == 5.0
    server = ServerThread(Emulator().app)
    try:
        adjustments = server._server.adj
        assert (adjustments.connection_limit, adjustments.channel_timeout) == (1000, 30)
    finally:
        server.stop()


def test_150_idle_connections_do_not_keep_a_new_client_out() -> None:
    # waitress's own default (100 connections) let idle keep-alive connections lock
    # everyone else out until they timed out
    emulator = Emulator()
    with emulator.serve() as url, _idle_connections(url, 150):
        answer = requests.get(f"{url}{BALANCE}", headers=KEY, timeout=5)

    assert answer.status_code == 200


def test_a_keep_alive_connection_idle_past_the_timeout_is_closed() -> None:
    emulator = Emulator()
    server = ServerThread(emulator.app, idle_timeout=1).start()
    try:
        with socket.create_connection(_address(server.url), timeout=15) as client:
            client.sendall(
                b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n"
            )
            answer = _one_answer(client)
            assert answer.startswith(b"HTTP/1.1 200")

            assert client.recv(4096) == b""  # the server closed it: idle for over a second
    finally:
        server.stop()


def _one_answer(client: socket.socket) -> bytes:
    """Read one HTTP answer (headers and a Content-Length body) from ``client``."""
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = client.recv(4096)
        assert chunk, answer
        answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = client.recv(4096)
        assert chunk, answer
        body += chunk
    return head + b"\r\n\r\n" + body


def test_a_request_slower_than_the_idle_timeout_is_not_cut() -> None:
    emulator = Emulator()
    server = ServerThread(emulator.app, idle_timeout=1).start()
    try:
        emulator.add_fault("latency", seconds=2.5)
        answer = requests.get(f"{server.url}{BALANCE}", headers=KEY, timeout=15)
        assert answer.status_code == 200
    finally:
        server.stop()


def test_stopping_lets_a_request_in_flight_finish() -> None:
    emulator = Emulator()
    server = ServerThread(emulator.app).start()
    emulator.add_fault("latency", seconds=1.5)
    thread, found = _in_flight(
        lambda: requests.get(f"{server.url}{BALANCE}", headers=KEY, timeout=15)
    )
    _wait_until_the_fault_fired(server.url)

    server.stop()
    thread.join()

    assert found["answer"].status_code == 200
    assert found["answer"].json()["creditBalance"] == 1000.0


def test_once_stopping_no_new_connection_is_accepted() -> None:
    emulator = Emulator()
    server = ServerThread(emulator.app).start()
    emulator.add_fault("latency", seconds=1.5)
    thread, found = _in_flight(
        lambda: requests.get(f"{server.url}{BALANCE}", headers=KEY, timeout=15)
    )
    _wait_until_the_fault_fired(server.url)

    server.stop_accepting()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(_address(server.url), timeout=5).close()
    server.stop()
    thread.join()

    assert found["answer"].status_code == 200


# -- winsms-emulator serve ----------------------------------------------------------------------


def _serve(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "winsms_emulator.cli", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "WINSMS_EMULATOR_LOG_LEVEL": "warning"},
    )
    assert process.stdout is not None
    first = process.stdout.readline().strip()
    assert first.startswith("listening on "), first
    return process, first.removeprefix("listening on ")


def _read_until(process: subprocess.Popen[str], prefix: str) -> str:
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith(prefix):
            return line
    raise AssertionError(f"the server never printed {prefix!r}")


def test_sigterm_answers_the_request_in_flight_refuses_new_ones_and_exits_0() -> None:
    process, url = _serve("--clock", "manual")
    try:
        requests.post(
            f"{url}/_emulator/faults", json={"kind": "latency", "seconds": 1.5}, timeout=5
        )
        thread, found = _in_flight(lambda: requests.get(f"{url}{BALANCE}", headers=KEY, timeout=15))
        _wait_until_the_fault_fired(url)

        process.send_signal(signal.SIGTERM)
        _read_until(process, "stopping")
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{url}/_emulator/health", timeout=5)
        thread.join()

        assert found["answer"].status_code == 200
        assert found["answer"].json()["creditBalance"] == 1000.0
        assert process.wait(timeout=15) == 0
        _read_until(process, "stopped")
    finally:
        process.kill()
        process.wait()


def test_a_request_longer_than_the_grace_period_is_cut_and_the_server_still_exits_0() -> None:
    process, url = _serve("--clock", "manual", "--grace-period", "0.5")
    try:
        requests.post(f"{url}/_emulator/faults", json={"kind": "latency", "seconds": 8}, timeout=5)
        thread, found = _in_flight(lambda: requests.get(f"{url}{BALANCE}", headers=KEY, timeout=30))
        _wait_until_the_fault_fired(url)

        process.send_signal(signal.SIGTERM)

        assert process.wait(timeout=15) == 0
        thread.join()
        assert isinstance(found.get("error"), requests.ConnectionError)
    finally:
        process.kill()
        process.wait()


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        ([], {}, (1000, 30, 5.0)),
        (
            ["--connection-limit", "5000", "--idle-timeout", "5", "--grace-period", "0"],
            {},
            (5000, 5, 0.0),
        ),
        (
            [],
            {
                "WINSMS_EMULATOR_CONNECTION_LIMIT": "2000",
                "WINSMS_EMULATOR_IDLE_TIMEOUT": "60",
                "WINSMS_EMULATOR_GRACE_PERIOD": "2.5",
            },
            (2000, 60, 2.5),
        ),
        (["--grace-period", "1"], {"WINSMS_EMULATOR_GRACE_PERIOD": "9"}, (1000, 30, 1.0)),
    ],
)
def test_the_connection_settings_come_from_options_or_the_environment(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], env: dict[str, str], expected: tuple[Any, ...]
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    found = settings_of(build_parser().parse_args(["serve", *argv]))

    assert (found["connection_limit"], found["idle_timeout"], found["grace_period"]) == expected


@pytest.mark.parametrize(
    "argv",
    [
        ["--connection-limit", "0"],
        ["--idle-timeout", "0"],
        ["--grace-period", "-1"],
    ],
)
def test_connection_settings_out_of_range_are_usage_errors(argv: list[str]) -> None:
    with pytest.raises(UsageError):
        settings_of(build_parser().parse_args(["serve", *argv]))
