"""The gateway refuses text no encoding can carry (a lone UTF-16 surrogate) wherever it
would keep it, before it changes anything: whichever surface calls it, a refusal leaves
the world as it was."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from winsms_emulator.clock import ManualClock
from winsms_emulator.domain.accounts import Account
from winsms_emulator.domain.sast import SAST
from winsms_emulator.domain.sending import OutgoingMessage, Recipient
from winsms_emulator.domain.text import first_unencodable, printable, unencodable_at
from winsms_emulator.errors import Invalid
from winsms_emulator.services import Gateway

START = datetime(2025, 3, 1, 10, 0, tzinfo=SAST)
N1 = "27825550101"
N2 = "27835550505"


def make_gateway() -> Gateway:
    alice = Account("alice", "pw", "alice-key", credits=Decimal(100), short_codes=("40001",))
    gateway = Gateway([alice], ManualClock(START))
    gateway.sms.send("alice", [OutgoingMessage("Hi", [Recipient(N1)])])
    return gateway


@pytest.mark.parametrize(
    "messages",
    [
        [OutgoingMessage("a\ud800b", [Recipient(N1)])],
        [OutgoingMessage("fine", [Recipient(N1)]), OutgoingMessage("\udfff", [Recipient(N2)])],
        [OutgoingMessage("fine", [Recipient(N1), Recipient(N2, "\udfff")])],
        [OutgoingMessage("fine", [Recipient(N1), Recipient("2782\ud800")])],
    ],
)
def test_a_batch_with_one_text_that_cannot_be_kept_is_refused_whole(
    messages: list[OutgoingMessage],
) -> None:
    gateway = make_gateway()
    before = gateway.control.export_state()

    with pytest.raises(Invalid, match="surrogate"):
        gateway.sms.send("alice", messages)

    assert gateway.control.export_state() == before


@pytest.mark.parametrize(
    "action",
    [
        lambda gw: gw.network.inject_reply(N1, "Stop\ud800"),
        lambda gw: gw.network.inject_short_code_message("40001", N1, "\udfff"),
        lambda gw: gw.accounts.create(Account("bob\ud800", "pw", "bob-key")),
        lambda gw: gw.accounts.update("alice", {"surname": "\udfff"}),
        lambda gw: gw.accounts.quote("\ud800"),
    ],
)
def test_every_other_door_refuses_it_and_changes_nothing(action: object) -> None:
    gateway = make_gateway()
    before = gateway.control.export_state()

    with pytest.raises(Invalid, match="surrogate"):
        action(gateway)  # type: ignore[operator]

    assert gateway.control.export_state() == before


def test_a_saved_state_with_such_text_is_refused_whole() -> None:
    gateway = make_gateway()
    document = gateway.control.export_state()
    document["messages"][0]["client_message_id"] = "\udfff"
    fresh = Gateway([Account("x", "p", "k")], ManualClock(START))
    start = fresh.control.export_state()

    with pytest.raises(Invalid, match="surrogate"):
        fresh.control.import_state(document)

    assert fresh.control.export_state() == start


def test_a_surrogate_pair_is_a_character_and_is_kept() -> None:
    gateway = make_gateway()

    [result] = gateway.sms.send("alice", [OutgoingMessage("smile \U0001f600", [Recipient(N2)])])

    assert result.recipients[0].accepted


def test_the_text_helpers() -> None:
    assert unencodable_at("abc") is None
    assert unencodable_at("é\U0001f600") is None
    assert unencodable_at("ab\udc00") == 2
    assert printable("a\ud800b") == "a\ufffdb"
    assert first_unencodable({"a": [1, {"b": "x\ud800"}]}) is not None
    assert "'a[1].b'" in (first_unencodable({"a": [1, {"b": "x\ud800"}]}) or "")
    assert "field name" in (first_unencodable({"\ud800": 1}) or "")
    assert first_unencodable({"a": [1, 2.5, None, True, "ok"]}) is None
