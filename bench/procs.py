"""Servers in their own processes: start, wait until they answer, read their memory, stop.

Every server's stdout and stderr are read to the end by a thread here, as a
container runtime or a terminal would, so a server that logs a line per
request pays for writing it and never blocks on a full pipe.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
#: Peers installed by the benchmarks (npm packages, a virtualenv): never committed.
CACHE = ROOT / "bench" / ".cache"

EMULATOR_CLI = [sys.executable, "-m", "winsms_emulator.cli", "serve", "--port", "0"]
EMULATOR_ENGINE = [sys.executable, "-m", "bench.serve_engine", "--engine"]
STUB = [sys.executable, "-m", "bench.stub"]


class StartError(RuntimeError):
    """A server that did not come up; the message ends with what it printed."""


def median_seconds(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


@contextmanager
def accounts_file(count: int = 1) -> Iterator[Path]:
    """An accounts file: the default account with credits for any load, then
    ``count - 1`` more accounts (``worker1``, ...)."""
    accounts = [
        {
            "username": "hpotter",
            "password": "w1Zard",
            "api_key": "hpotter-api-key",
            "credits": 10**12,
        }
    ]
    accounts += [
        {"username": f"worker{n}", "password": "pw", "api_key": f"worker{n}-key"}
        for n in range(1, count)
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "accounts.json")
        path.write_text(json.dumps(accounts))
        yield path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Running:
    """A server process and the URL it serves."""

    process: subprocess.Popen[bytes]
    url: str = ""
    _tail: deque[bytes] = field(default_factory=lambda: deque(maxlen=40))
    _listening: threading.Event = field(default_factory=threading.Event)

    def output(self) -> str:
        """The last lines the server printed."""
        return b"".join(self._tail).decode(errors="replace")[-2000:]

    def resident_mb(self) -> float:
        """Resident memory of the process and its children, in MB (Linux; 0 elsewhere)."""
        total = 0
        pending = [self.process.pid]
        while pending:
            pid = pending.pop()
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                for task in Path(f"/proc/{pid}/task").iterdir():
                    pending.extend(int(c) for c in (task / "children").read_text().split())
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        return total / 1e6

    def _drain(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        for line in stream:  # line by line until "listening on", then whatever comes
            self._tail.append(line)
            text = line.decode(errors="replace").strip()
            if not self._listening.is_set() and text.startswith("listening on "):
                self.url = text.removeprefix("listening on ")
                self._listening.set()
        self._listening.set()  # the process ended: stop waiting for it


def _start(command: list[str], env: dict[str, str] | None, cwd: Path | None) -> Running:
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
        cwd=cwd or ROOT,
    )
    running = Running(process)
    threading.Thread(target=running._drain, daemon=True).start()
    return running


def _stop(running: Running) -> None:
    process = running.process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def serve(
    command: list[str], env: dict[str, str] | None = None, timeout: float = 30
) -> Iterator[Running]:
    """Start a server that prints ``listening on URL`` first; yield it once it has."""
    running = _start(command, env, None)
    try:
        if not running._listening.wait(timeout) or not running.url:
            raise StartError(f"{' '.join(command)} did not start:\n{running.output()}")
        yield running
    finally:
        _stop(running)


@contextmanager
def serve_on_port(
    command: list[str],
    url: str,
    ready: str,
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 60,
) -> Iterator[Running]:
    """Start a server told its port on its command line; yield it once ``ready`` answers."""
    running = _start(command, env, cwd)
    running.url = url
    try:
        deadline = time.monotonic() + timeout
        while True:
            if running.process.poll() is not None:
                raise StartError(f"{command[0]} exited:\n{running.output()}")
            try:
                requests.get(ready, timeout=2)
                break
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise StartError(f"{command[0]} did not answer:\n{running.output()}") from None
                time.sleep(0.1)
        yield running
    finally:
        _stop(running)
