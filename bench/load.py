"""Load: the same request over and over on N connections; requests per second and p99.

wrk (Debian's ``wrk``) when it is installed, else a Python client (slower, so
its figures are lower for every server alike, and the table names the tool).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field

import requests

#: The REST send every server is loaded with: the issue's POST, one recipient.
SEND_PATH = "/api/rest/v1/sms/outgoing/send"
SEND_HEADERS = {"Authorization": "hpotter-api-key", "Content-Type": "application/json"}
SEND_BODY = json.dumps(
    {"message": "Your code is 1234", "recipients": [{"mobileNumber": "27825550101"}]}
)


@dataclass(frozen=True)
class Request:
    """One HTTP request, sent again and again."""

    path: str = SEND_PATH
    body: str = SEND_BODY
    headers: dict[str, str] = field(default_factory=lambda: dict(SEND_HEADERS))
    method: str = "POST"


SEND = Request()


@dataclass(frozen=True)
class Load:
    """What a load run saw."""

    rate: float  # requests per second
    p99_ms: float
    errors: str = ""  # wrk's socket errors, if any


def tool() -> str:
    return "wrk" if shutil.which("wrk") else "a Python client"


def run(url: str, request: Request, seconds: float, connections: int) -> Load:
    """Load ``url + request.path`` for ``seconds`` on ``connections`` connections.

    Any answer that is not 2xx is an error: the figures would not be of the request.
    """
    if shutil.which("wrk"):
        return _wrk(url + request.path, request, seconds, connections)
    return _python(url + request.path, request, seconds, connections)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _wrk(url: str, request: Request, seconds: float, connections: int) -> Load:
    headers = "".join(
        f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}\n" for k, v in request.headers.items()
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            f"wrk.method = {json.dumps(request.method)}\nwrk.body = {json.dumps(request.body)}\n"
            + headers
        )
    try:
        out = subprocess.run(
            [
                "wrk",
                f"-t{min(2, connections)}",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--latency",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    return read_wrk_report(out, url)


def read_wrk_report(out: str, url: str) -> Load:
    """The rate, the p99 (in ms) and any socket errors of wrk's ``--latency`` report."""
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if failed:
        raise RuntimeError(f"wrk saw {failed.group(1)} failed answers from {url}:\n{out}")
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.MULTILINE)
    if not rate or not p99:
        raise RuntimeError(f"cannot read wrk's report:\n{out}")
    errors = re.search(r"Socket errors: (.*)", out)
    return Load(
        float(rate.group(1)),
        float(p99.group(1)) * _UNITS[p99.group(2)],
        errors.group(1).strip() if errors else "",
    )


def _python(url: str, request: Request, seconds: float, connections: int) -> Load:
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        session = requests.Session()
        mine = []
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            answer = session.request(
                request.method, url, data=request.body, headers=request.headers, timeout=10
            )
            answer.raise_for_status()
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0.0
    return Load(len(latencies) / took, p99 * 1000)
