"""``winsms-emulator serve`` as a user runs it: a real process, a real socket."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from winsms_emulator.cli import main


def _start(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "winsms_emulator.cli", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert process.stdout is not None
    first = process.stdout.readline().strip()
    assert first.startswith("listening on http://"), (first, process.stderr.read())
    return process, first.removeprefix("listening on ")


@pytest.fixture
def server() -> Iterator[str]:
    process, url = _start("--port", "0", "--clock", "manual")
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_serve_port_0_prints_its_url_first_and_health_answers_ok(server: str) -> None:
    answer = requests.get(f"{server}/_emulator/health", timeout=5)
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok"


def test_serve_without_accounts_loads_the_default_account(server: str) -> None:
    account = requests.get(f"{server}/_emulator/accounts/hpotter", timeout=5).json()
    assert (account["password"], account["api_key"], account["credits"]) == (
        "w1Zard",
        "hpotter-api-key",
        1000.0,
    )
    assert (account["trial"], account["locked"]) == (False, False)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_stop_the_server_with_exit_code_0(stop: signal.Signals) -> None:
    process, url = _start("--port", "0")
    assert requests.get(f"{url}/_emulator/health", timeout=5).ok
    process.send_signal(stop)
    assert process.wait(timeout=10) == 0


def test_options_can_come_from_environment_variables(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.json"
    accounts.write_text(
        json.dumps([{"username": "env", "password": "pw", "api_key": "env-key", "trial": True}])
    )
    process, url = _start(
        env={
            "WINSMS_EMULATOR_PORT": "0",
            "WINSMS_EMULATOR_ACCOUNTS": str(accounts),
            "WINSMS_EMULATOR_CLOCK": "manual",
            "WINSMS_EMULATOR_REST_DIALECT": "current",
        }
    )
    try:
        account = requests.get(f"{url}/_emulator/accounts/env", timeout=5).json()
        assert account["trial"] is True
        assert account["rest_dialect"] == "current"
        clock = requests.get(f"{url}/_emulator/clock", timeout=5).json()
        assert clock["mode"] == "manual"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_missing_accounts_file_is_one_line_and_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--accounts", str(tmp_path / "nope.json")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "nope.json" in err and "does not exist" in err


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{not json", "not valid JSON"),
        ('{"username": "x"}', "non-empty JSON list"),
        ("[]", "non-empty JSON list"),
        ('[{"username": "x"}]', "missing account field(s): password, api_key"),
        (
            '[{"username": "x", "password": "p", "api_key": "k", "credits": "lots"}]',
            "credits must be a number",
        ),
        (
            '[{"username": "x", "password": "p", "api_key": "k"},'
            ' {"username": "x", "password": "q", "api_key": "j"}]',
            "repeated",
        ),
        ('[{"username": "s", "password": "p", "api_key": "k", "parent": "nobody"}]', "nobody"),
    ],
)
def test_a_malformed_accounts_file_is_one_line_and_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, says: str
) -> None:
    accounts = tmp_path / "accounts.json"
    accounts.write_text(content)
    assert main(["serve", "--accounts", str(accounts)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert says in err


def test_a_bad_environment_value_is_refused_with_exit_code_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WINSMS_EMULATOR_STRICT", "perhaps")
    assert main(["serve", "--port", "0"]) == 2
    assert "WINSMS_EMULATOR_STRICT" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "env", "says"),
    [
        (["--webhook-attempts", "0"], {}, "webhook attempts must be between 1 and 100"),
        (["--webhook-timeout", "0"], {}, "the webhook timeout must be more than 0"),
        ([], {"WINSMS_EMULATOR_WEBHOOK_TIMEOUT": "soon"}, "WINSMS_EMULATOR_WEBHOOK_TIMEOUT"),
    ],
)
def test_bad_webhook_settings_are_refused_with_exit_code_2(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    env: dict[str, str],
    says: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["serve", "--port", "0", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and says in err
