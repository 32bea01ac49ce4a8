"""Price by destination: each account has a price table from calling-code prefix to price
per part; the longest prefix wins, the empty prefix (``price_per_part``) is the default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from control_helpers import N1, USER, Control, make_control

from winsms_emulator import Emulator
from winsms_emulator.forms.accounts import load_accounts_file

UK = "447700900123"
US = "12025550123"
TABLE = {"": 1.0, "27": 1.3, "2782": 0.9, "44": 2.5}


def shop(control: Control, credits: float = 100.0) -> None:
    control.add_account("shop", credits=credits, prices=TABLE)


def test_an_account_shows_its_whole_price_table_with_the_default_as_price_per_part() -> None:
    control = make_control()
    shop(control)
    account = control.account("shop")
    assert account["prices"] == TABLE
    assert account["price_per_part"] == 1.0
    assert control.account()["prices"] == {"": 1.0}  # an account given no table


def test_a_send_costs_parts_times_the_price_of_the_longest_matching_prefix() -> None:
    control = make_control()
    shop(control)
    sent = control.rest_send("x" * 200, N1, "27835550101", UK, US, key="shop-key")
    assert [m["creditCost"] for m in sent] == [1.8, 2.6, 5.0, 2.0]  # two parts each
    assert control.account("shop")["credits"] == pytest.approx(100 - 11.4)


def test_the_xml_api_charges_by_destination_too() -> None:
    control = make_control()
    shop(control)
    control.xml_send("hi", UK, user="shop", password="pw")
    [message] = control.outbox("shop")
    assert message["cost"] == 2.5


def test_credits_run_out_by_each_recipients_own_price() -> None:
    control = make_control()
    shop(control, credits=3.0)
    # 2.5 to the UK is taken; then 0.9 to N1 is more than the 0.5 left
    assert control.xml_send("hi", UK, N1, US, user="shop", password="pw")[1:] == [
        "NOCREDITS",
        "NOCREDITS",
    ]
    assert control.account("shop")["credits"] == 0.5


def test_a_patch_of_prices_replaces_the_prefixes_and_keeps_the_default() -> None:
    control = make_control()
    shop(control)
    changed = control.patch("/accounts/shop", {"prices": {"27": 1.1}})
    assert changed["prices"] == {"": 1.0, "27": 1.1}
    changed = control.patch("/accounts/shop", {"price_per_part": 0.4})
    assert changed["prices"] == {"": 0.4, "27": 1.1}


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"prices": {"+27": 1.0}}, "calling-code prefix"),
        ({"prices": {"27": -1}}, "prices['27']"),
        ({"prices": [1.0]}, "prices must be an object"),
        ({"prices": {"": 1.0}, "price_per_part": 2.0}, "give one of them"),
    ],
)
def test_a_bad_price_table_is_400_naming_what_is_wrong(
    fields: dict[str, object], named: str
) -> None:
    control = make_control()
    body = {"username": "shop", "password": "pw", "api_key": "k", **fields}
    assert named in control.error("POST", "/accounts", body, status=400)


def test_the_state_file_keeps_the_table_exactly() -> None:
    control = make_control()
    control.add_account("shop", prices={"": "0.35", "2782": "1.05"})
    document = control.state()
    fresh = make_control()
    fresh.put("/state", document)
    assert fresh.account("shop")["prices"] == {"": 0.35, "2782": 1.05}
    assert fresh.state() == document


def test_an_accounts_file_gives_prices(tmp_path: Path) -> None:
    path = tmp_path / "accounts.json"
    entry = {"username": "shop", "password": "pw", "api_key": "k", "prices": TABLE}
    path.write_text(json.dumps([entry]))
    [account] = load_accounts_file(path)
    assert account.price_for(UK) == 2.5 and account.price_for(US) == 1.0


def test_the_python_api_sets_and_reads_prices() -> None:
    emulator = Emulator()
    emulator.update_account(USER, prices={"27": 1.3})
    assert emulator.account(USER)["prices"] == {"": 1.0, "27": 1.3}
    assert emulator.quote("hi", account=USER, number=N1)["cost"] == 1.3
