"""``winsms-emulator serve`` details: a bad host is one line and exit code 2, and a saved
state starts at its own clock unless a clock is asked for."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from winsms_emulator.cli import main

ROOT = Path(__file__).resolve().parents[2]

STATE = ROOT / "fixtures" / "replies-and-a-scheduled-message.json"


@pytest.mark.parametrize("host", ["999.1.1.1", "not a host"])
def test_a_host_that_is_no_address_is_one_line_and_exit_code_2(
    host: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--host", host, "--port", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith(f"winsms-emulator: error: cannot listen on {host}:0")


def _serve(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "winsms_emulator.cli", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline().strip()
    assert first.startswith("listening on http://"), (first, process.stderr.read())
    return process, first.removeprefix("listening on ")


def _stop(process: subprocess.Popen[str]) -> str:
    """Stop the server; what it printed after its first line (read through the same
    buffered reader as that line, which may already hold the next ones)."""
    process.terminate()
    assert process.wait(timeout=10) == 0
    assert process.stdout is not None and process.stderr is not None
    out = process.stdout.read()
    process.stdout.close()
    process.stderr.close()
    return out


def test_a_saved_state_starts_at_its_saved_clock_and_says_so(tmp_path: Path) -> None:
    saved = json.loads(STATE.read_text(encoding="utf-8"))["clock"]["now"]
    process, url = _serve("--state", str(STATE))
    try:
        clock = requests.get(f"{url}/_emulator/clock", timeout=5).json()
        replies = requests.get(f"{url}/_emulator/accounts", timeout=5).json()["accounts"]
    finally:
        out = _stop(process)
    assert clock == {"now": saved, "mode": "manual"}
    assert replies
    assert f"started from {STATE} at its saved clock, {saved}; the clock is manual" in out


def test_clock_real_given_with_a_state_follows_the_wall_clock() -> None:
    process, url = _serve("--state", str(STATE), "--clock", "real")
    try:
        clock = requests.get(f"{url}/_emulator/clock", timeout=5).json()
    finally:
        out = _stop(process)
    assert clock["mode"] == "real"
    assert "on the wall clock" in out
