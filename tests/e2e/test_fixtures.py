"""Every example scenario in fixtures/ loads, and means what fixtures/README.md says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from winsms_emulator import Emulator
from winsms_emulator.cli import main

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _load(name: str) -> Emulator:
    emulator = Emulator()
    emulator.gateway.control.import_state(json.loads((FIXTURES / name).read_text()), as_start=True)
    return emulator


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.json")), ids=lambda p: p.name)
def test_every_fixture_round_trips_exactly(path: Path) -> None:
    data = json.loads(path.read_text())
    emulator = Emulator()
    emulator.gateway.control.import_state(data, as_start=True)
    assert emulator.gateway.control.export_state() == data


def test_accounts_of_every_kind_holds_what_the_readme_says() -> None:
    emulator = _load("accounts-of-every-kind.json")
    trial = emulator.account("trial")
    assert (trial["trial"], trial["own_numbers"]) == (True, ["27825550101"])
    shop = emulator.account("shop")
    assert (shop["credits"], shop["price_per_part"], shop["short_codes"]) == (3.0, 0.35, ["42001"])
    assert emulator.account("shop-promos")["parent"] == "shop"
    assert emulator.account("locked")["locked"] is True
    assert emulator.gateway.network.dnc() == ["27835550606"]
    assert emulator.gateway.network.blacklist() == ["27845550707"]


def test_replies_and_a_scheduled_message_holds_what_the_readme_says() -> None:
    emulator = _load("replies-and-a-scheduled-message.json")
    by_number = {
        m["number"]: m for m in emulator.outbox("hpotter") if m["api"] != "optout-confirmation"
    }
    assert by_number["27825550101"]["status"] == "DELIVERED"
    assert by_number["27845550909"]["status_code"] == -1  # still queued
    emulator.advance_clock(60)
    assert emulator.outbox("hpotter")[3]["status"] == "SENDINGFAILED"
    pending = [r for r in emulator.replies("hpotter") if not r["returned"]]
    assert [r["from"] for r in pending] == ["27825550101", "27835550505"]
    assert [o["number"] for o in emulator.opt_outs("hpotter")] == ["27835550505"]


def test_a_state_loaded_at_start_is_what_reset_comes_back_to() -> None:
    emulator = _load("replies-and-a-scheduled-message.json")
    before = emulator.gateway.control.export_state()
    emulator.advance_clock(3600)
    emulator.inject_reply("27825550101", "another")
    emulator.reset()
    assert emulator.gateway.control.export_state() == before


def test_serve_refuses_a_missing_state_file_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--state", str(tmp_path / "gone.json")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "gone.json" in err


def test_serve_refuses_a_state_that_does_not_hold_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = json.loads((FIXTURES / "replies-and-a-scheduled-message.json").read_text())
    broken["messages"][0]["account"] = "nobody"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    assert main(["serve", "--state", str(path)]) == 2
    assert "unknown account" in capsys.readouterr().err


@pytest.mark.parametrize("document", [{}, {"foo": 1}])
def test_serve_refuses_a_state_file_that_is_not_a_whole_state_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], document: dict[str, int]
) -> None:
    path = tmp_path / "partial.json"
    path.write_text(json.dumps(document))
    assert main(["serve", "--state", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "partial.json" in err and "state:" in err
