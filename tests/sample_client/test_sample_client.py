"""The sample client's own test suite, as its authors might first write it: the happy
path and the failures they thought of. Run with ``--winsms-coverage``, the emulator
names every documented failure mode these tests never provoke."""

from __future__ import annotations

import pytest
from winsms_client import NotAuthorised, WinSmsClient

from winsms_emulator import Emulator

KEY = "hpotter-api-key"
NUMBER = "27825550101"


def client(emulator: Emulator, key: str = KEY) -> WinSmsClient:
    return WinSmsClient(emulator.rest_url, key)


def test_a_text_is_sent_and_then_delivered(winsms_emulator: Emulator) -> None:
    [sent] = client(winsms_emulator).send("Your code is 1234", NUMBER)
    assert sent.accepted and sent.message_id is not None
    assert client(winsms_emulator).status(sent.message_id) == {sent.message_id: "SENT"}
    winsms_emulator.advance_clock(5)
    assert client(winsms_emulator).status(sent.message_id) == {sent.message_id: "DELIVERED"}


def test_a_bad_number_is_refused(winsms_emulator: Emulator) -> None:
    [sent] = client(winsms_emulator).send("Your code is 1234", "123")
    assert (sent.accepted, sent.refused) == (False, "BADDEST")


@pytest.mark.winsms_emulator(credits=0)
def test_without_credits_nothing_is_sent(winsms_emulator: Emulator) -> None:
    [sent] = client(winsms_emulator).send("Your code is 1234", NUMBER)
    assert sent.refused == "INSUFFICIENT CREDITS"
    assert winsms_emulator.outbox("hpotter") == []


def test_the_balance_goes_down_by_the_cost(winsms_emulator: Emulator) -> None:
    client(winsms_emulator).send("Your code is 1234", NUMBER)
    assert client(winsms_emulator).balance() == 999.0


def test_a_wrong_api_key_is_not_authorised(winsms_emulator: Emulator) -> None:
    with pytest.raises(NotAuthorised):
        client(winsms_emulator, key="not-my-key").balance()


def test_an_unknown_message_is_not_found(winsms_emulator: Emulator) -> None:
    assert client(winsms_emulator).status(424242) == {424242: "NOTFOUND"}
