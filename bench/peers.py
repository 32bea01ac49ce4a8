"""The emulator under load next to what people use instead, all measured in one run.

Every server gets the same load (wrk, 8 connections) of the same request: the
REST send of the issue's table (moto gets the SNS ``Publish`` of the same SMS).
Rounds are interleaved, so a drift in the machine's load hits every server alike.

Local servers (always measured): the emulator as shipped (``winsms-emulator
serve``, access log at info, drained as a terminal would) and with the log at
warning, the emulator on Werkzeug's server, a canned answer on Werkzeug's
development server (what a pytest-httpserver user has), a canned answer on
waitress with 16 threads, a one-route Flask app on waitress.

Peers (optional rows, each skipped with the reason when it cannot be installed
or started; installed under ``bench/.cache/``, which is not committed):
Prism mocking WinSMS's published OpenAPI document (npm ``@stoplight/prism-cli``)
at info and at warn, moto's server publishing an SMS through SNS (pip
``moto[server]`` in a virtualenv of its own), WireMock's standalone jar from
the npm ``wiremock`` package with one stub (needs java).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.load import SEND, Request
from bench.procs import (
    CACHE,
    EMULATOR_CLI,
    EMULATOR_ENGINE,
    ROOT,
    STUB,
    Running,
    free_port,
    serve,
    serve_on_port,
)
from bench.report import Row, skipped
from bench.stub import CANNED

#: The peers' versions, pinned so that runs months apart compare the same thing.
PRISM = "@stoplight/prism-cli@5.14.2"
WIREMOCK = "wiremock@3.13.2"
MOTO = "moto[server]==5.2.5"
#: A server whose HTTP side is Rust: what serving the emulator on it would give.
GRANIAN = "granian==2.8.9"
#: WinSMS's published OpenAPI document (override with WINSMS_BENCH_SWAGGER).
SWAGGER = Path(
    os.environ.get(
        "WINSMS_BENCH_SWAGGER", ROOT.parent / "shared" / "reference" / "winsms-rest-v1.swagger.json"
    )
)
CONNECTIONS = 8

#: moto's SNS Publish of the same SMS; moto reads the region and service from the
#: credential scope and does not check the signature.
SNS_PUBLISH = Request(
    path="/",
    body="Action=Publish&PhoneNumber=%2B27825550101&Message=Your+code+is+1234&Version=2010-03-31",
    headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Authorization": "AWS4-HMAC-SHA256 Credential=bench/20250101/us-east-1/sns/aws4_request, "
        "SignedHeaders=host, Signature=0",
    },
)

Start = Callable[[], AbstractContextManager[Running]]


@dataclass(frozen=True)
class Server:
    """One server in the comparison."""

    key: str
    label: str
    start: Start
    request: Request = SEND
    peer: bool = False  # an optional peer: a failure skips its row instead of the run
    warmup: float = 1.0  # seconds of load before the measured run (a JVM needs longer)


@dataclass
class Measured:
    rates: list[float]
    p99s: list[float]
    resident_mb: float = 0.0
    errors: list[str] = field(default_factory=list)  # wrk's socket errors, per run

    @property
    def rate(self) -> float:
        return statistics.median(self.rates)

    @property
    def p99(self) -> float:
        return statistics.median(self.p99s)


def local_servers(accounts: Path) -> list[Server]:
    emulator = [*EMULATOR_CLI, "--accounts", str(accounts)]
    return [
        Server("info", "the emulator as shipped", lambda: serve(emulator)),
        Server(
            "warning",
            "the same with the log at warning",
            lambda: serve([*emulator, "--log-level", "warning"]),
        ),
        Server(
            "werkzeug engine",
            "the emulator on Werkzeug's server",
            lambda: serve([*EMULATOR_ENGINE, "werkzeug"]),
        ),
        Server(
            "werkzeug",
            "a canned answer on Werkzeug's server (what a pytest-httpserver user has)",
            lambda: serve([*STUB, "--werkzeug"]),
        ),
        Server("waitress", "a canned answer on waitress, 16 threads", lambda: serve(STUB)),
        Server("flask", "a one-route Flask app on waitress", lambda: serve([*STUB, "--flask"])),
    ]


# -- installing the peers ----------------------------------------------------------------------


def _npm(package: str, binary: Callable[[], Path | None], install: bool) -> Path | str:
    """The installed file ``binary`` finds, installing ``package`` under bench/.cache/npm."""
    found = binary()
    if found is not None:
        return found
    if not install:
        return "not installed (python -m bench --peers installs it)"
    npm = shutil.which("npm")
    if npm is None:
        return "npm is not installed"
    print(f"installing {package} under {CACHE / 'npm'} ...", file=sys.stderr, flush=True)
    done = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--prefix", str(CACHE / "npm"), package],
        capture_output=True,
        text=True,
        timeout=900,
    )
    found = binary()
    if done.returncode != 0 or found is None:
        return f"npm install {package} failed: {(done.stderr or done.stdout).strip()[-300:]}"
    return found


def _prism_bin() -> Path | None:
    path = CACHE / "npm" / "node_modules" / ".bin" / "prism"
    return path if path.exists() else None


def _wiremock_jar() -> Path | None:
    return next(
        (CACHE / "npm" / "node_modules" / "wiremock").glob("**/wiremock-standalone-*.jar"), None
    )


def _moto_bin(install: bool) -> Path | str:
    venv = CACHE / "moto"
    binary = venv / "bin" / "moto_server"
    if binary.exists():
        return binary
    if not install:
        return "not installed (python -m bench --peers installs it)"
    print(f"installing {MOTO} in {venv} ...", file=sys.stderr, flush=True)
    for command in (
        [sys.executable, "-m", "venv", str(venv)],
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", MOTO],
    ):
        done = subprocess.run(command, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            return f"{' '.join(command[-2:])} failed: {(done.stderr or done.stdout).strip()[-300:]}"
    return binary if binary.exists() else "moto_server was not installed"


def _granian_lib(install: bool) -> Path | str:
    """granian installed under bench/.cache (beside, not into, the running environment)."""
    folder = CACHE / "granian"
    if (folder / "granian").exists():
        return folder
    if not install:
        return "not installed (python -m bench --peers installs it)"
    print(f"installing {GRANIAN} in {folder} ...", file=sys.stderr, flush=True)
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--target", str(folder), GRANIAN]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        return f"pip install {GRANIAN} failed: {(done.stderr or done.stdout).strip()[-300:]}"
    return folder


# -- starting the peers ------------------------------------------------------------------------


def _prism(binary: Path, level: str) -> Start:
    def start() -> AbstractContextManager[Running]:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        command = [str(binary), "mock", "-h", "127.0.0.1", "-p", str(port), "-v", level]
        return serve_on_port([*command, str(SWAGGER)], url, url + "/", cwd=CACHE)

    return start


def _moto(binary: Path) -> Start:
    def start() -> AbstractContextManager[Running]:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        return serve_on_port([str(binary), "-H", "127.0.0.1", "-p", str(port)], url, url + "/")

    return start


def _wiremock(jar: Path) -> Start:
    @contextmanager
    def start() -> Iterator[Running]:
        stub = {
            "request": {"method": "POST", "url": SEND.path},
            "response": {
                "status": 200,
                "headers": {"Content-Type": "application/json"},
                "body": CANNED.decode(),
            },
        }
        with tempfile.TemporaryDirectory() as folder:
            Path(folder, "mappings").mkdir()
            Path(folder, "mappings", "send.json").write_text(json.dumps(stub))
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            command = ["java", "-jar", str(jar), "--port", str(port), "--root-dir", folder]
            with serve_on_port(
                [*command, "--disable-banner"], url, url + "/__admin/health", cwd=Path(folder)
            ) as running:
                yield running

    return start


def _granian(folder: Path) -> Start:
    def start() -> AbstractContextManager[Running]:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1"]
        command += ["--port", str(port), "--workers", "1", "--blocking-threads", "1"]
        command += ["--log-level", "warning", "--no-ws", "bench.granian_app:app"]
        path = os.pathsep.join([str(folder), str(ROOT), os.environ.get("PYTHONPATH", "")])
        env = {**os.environ, "PYTHONPATH": path}
        return serve_on_port(command, url, url + "/_emulator/health", env=env, cwd=ROOT)

    return start


def peer_servers(install: bool) -> tuple[list[Server], list[Row]]:
    """The optional peers that can run here, and a skipped row for each that cannot."""
    servers: list[Server] = []
    skips: list[Row] = []
    prism = _npm(PRISM, _prism_bin, install)
    prism_labels = ("Prism mocking WinSMS's OpenAPI, log at info", "the same at warn")
    if not SWAGGER.exists():
        prism = f"WinSMS's OpenAPI document is not at {SWAGGER} (set WINSMS_BENCH_SWAGGER)"
    for level, label in zip(("info", "warn"), prism_labels, strict=True):
        if isinstance(prism, Path):
            request = Request(path="/sms/outgoing/send")  # Prism drops the basePath
            servers.append(Server(f"prism {level}", label, _prism(prism, level), request, True))
        else:
            skips.append(skipped(f"vs {label}", prism))
    moto = _moto_bin(install)
    label = "moto, SNS Publish of an SMS"
    if isinstance(moto, Path):
        servers.append(Server("moto", label, _moto(moto), SNS_PUBLISH, True))
    else:
        skips.append(skipped(f"vs {label}", moto))
    label = "WireMock, one stub"
    jar = (
        _npm(WIREMOCK, _wiremock_jar, install) if shutil.which("java") else "java is not installed"
    )
    if isinstance(jar, Path):
        servers.append(Server("wiremock", label, _wiremock(jar), SEND, True, warmup=5))
    else:
        skips.append(skipped(f"vs {label}", jar))
    label = "the emulator on granian, 1 thread (not shipped: faults and bytes differ)"
    granian = _granian_lib(install)
    if isinstance(granian, Path):
        servers.append(Server("granian", label, _granian(granian), SEND, True))
    else:
        skips.append(skipped(f"vs {label}", granian))
    return servers, skips
