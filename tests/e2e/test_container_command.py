"""The container's own command line, run here as the image would run it.

There is no container engine on the test machines, so this reads the
Dockerfile's ENV, ENTRYPOINT, CMD and HEALTHCHECK and runs exactly those:
health answers, a message goes through, and SIGTERM stops it with exit 0.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def _instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n", " ", text)  # join continued lines
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def _final_stage() -> list[tuple[str, str]]:
    instructions = _instructions()
    last_from = max(i for i, (k, _) in enumerate(instructions) if k == "FROM")
    return instructions[last_from:]


def _exec_form(value: str) -> list[str]:
    parsed = json.loads(value)
    assert isinstance(parsed, list), "ENTRYPOINT, CMD and HEALTHCHECK use the exec form"
    return [str(part) for part in parsed]


def _environment() -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, rest in _final_stage():
        if keyword == "ENV":
            for pair in shlex.split(rest):
                name, _, value = pair.partition("=")
                env[name] = value
    return env


def _command() -> list[str]:
    stage = dict(_final_stage())
    return _exec_form(stage["ENTRYPOINT"]) + _exec_form(stage["CMD"])


def _healthcheck() -> list[str]:
    rest = dict(_final_stage())["HEALTHCHECK"]
    return _exec_form(rest[rest.index("CMD ") + len("CMD ") :])


def _installed(program: str) -> str:
    """The console script as installed beside this Python, as the image has it on PATH."""
    beside = Path(sys.executable).parent / program
    if not beside.exists():
        pytest.skip(f"{program} is not installed in this environment")
    return str(beside)


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_the_image_runs_serve_on_all_interfaces_port_8080_as_a_non_root_user() -> None:
    stage = _final_stage()
    env = _environment()
    assert _command() == ["winsms-emulator", "serve"]
    assert (env["WINSMS_EMULATOR_HOST"], env["WINSMS_EMULATOR_PORT"]) == ("0.0.0.0", "8080")
    assert ("EXPOSE", "8080") in stage
    user = dict(stage)["USER"]
    assert user not in ("root", "0")


def test_the_containers_command_line_serves_sends_and_stops_cleanly_on_sigterm() -> None:
    env = {**os.environ, **_environment()}
    if not _port_free(int(env["WINSMS_EMULATOR_PORT"])):
        env["WINSMS_EMULATOR_PORT"] = "0"  # the environment still decides: proves it applies
    command = _command()
    command[0] = _installed(command[0])
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline().strip()
        assert first.startswith("listening on http://0.0.0.0:"), first
        port = first.rsplit(":", 1)[1]
        url = f"http://127.0.0.1:{port}"

        health = subprocess.run(
            [sys.executable if c == "python" else c for c in _healthcheck()],
            env={**env, "WINSMS_EMULATOR_PORT": port},
            timeout=10,
        )
        assert health.returncode == 0

        sent = requests.post(
            f"{url}/api/rest/v1/sms/outgoing/send",
            headers={"Authorization": "hpotter-api-key"},
            json={"message": "Hello from CI", "recipients": [{"mobileNumber": "27825550101"}]},
            timeout=5,
        ).json()
        assert sent["recipients"][0]["accepted"] is True
        outbox = requests.get(f"{url}/_emulator/accounts/hpotter/messages", timeout=5).json()
        assert [m["message"] for m in outbox["messages"]] == ["Hello from CI"]
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=15)
    assert code == 0
    assert process.stdout is not None
    log = process.stdout.read()
    assert "POST /api/rest/v1/sms/outgoing/send 200 account=hpotter" in log
