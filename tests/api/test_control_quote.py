"""``POST /_emulator/quote``: what a text would cost, without sending it."""

from __future__ import annotations

from typing import Any

import pytest
from control_helpers import N1, USER, Control, make_control


@pytest.fixture
def control() -> Control:
    return make_control()


def quote(control: Control, message: str, **extra: Any) -> dict[str, Any]:
    found: dict[str, Any] = control.post("/quote", {"message": message, **extra}, status=200)
    return found


def test_a_gsm_text_is_counted_in_septets(control: Control) -> None:
    assert quote(control, "Order 42 shipped") == {
        "encoding": "GSM",
        "parts": 1,
        "septets": 16,
        "length": 16,
        "cost": 1.0,
        "price_per_part": 1.0,
        "number": None,
        "prices": {"": 1.0},
        "ucs2_characters": [],
        "max_parts": 6,
        "fits": True,
        "part_ends": [16],
        "part_texts": ["Order 42 shipped"],
    }


def test_a_gsm_extension_character_counts_two_septets(control: Control) -> None:
    answer = quote(control, "€[]{}^~|\\")
    assert (answer["encoding"], answer["septets"]) == ("GSM", 18)


def test_accented_letters_of_the_gsm_alphabet_keep_a_text_gsm(control: Control) -> None:
    assert quote(control, "àéèùìòÇÑÜßÆ£¥§¿¡")["encoding"] == "GSM"


def test_a_ucs2_text_is_counted_in_utf16_units(control: Control) -> None:
    answer = quote(control, "Thanks ✓")
    assert answer == {
        "encoding": "UCS2",
        "parts": 1,
        "units": 8,
        "length": 8,
        "cost": 1.0,
        "price_per_part": 1.0,
        "number": None,
        "prices": {"": 1.0},
        "ucs2_characters": ["✓"],
        "max_parts": 6,
        "fits": True,
        "part_ends": [8],
        "part_texts": ["Thanks ✓"],
    }
    assert "septets" not in answer


def test_ucs2_characters_are_listed_once_each_in_order_of_first_use(control: Control) -> None:
    answer = quote(control, "✓ a ✓ 日本 ✓ 😀 é 😀 ✓")
    assert answer["ucs2_characters"] == ["✓", "日", "本", "😀"]
    assert answer["units"] == 20  # 18 characters; each emoji is two UTF-16 units


@pytest.mark.parametrize(
    ("length", "parts"),
    [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (918, 6), (919, 7)],
)
def test_gsm_parts_are_160_then_153_septets_each(control: Control, length: int, parts: int) -> None:
    answer = quote(control, "a" * length)
    assert (answer["parts"], answer["septets"], answer["fits"]) == (parts, length, parts <= 6)


@pytest.mark.parametrize(
    ("length", "parts"), [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (402, 6), (403, 7)]
)
def test_ucs2_parts_are_70_then_67_units_each(control: Control, length: int, parts: int) -> None:
    answer = quote(control, "ж" * length)
    assert (answer["parts"], answer["units"], answer["fits"]) == (parts, length, parts <= 6)


def test_the_cost_is_at_the_accounts_price_per_part(control: Control) -> None:
    control.add_account("shop", price_per_part=0.35)
    answer = quote(control, "a" * 400, account="shop")
    assert (answer["parts"], answer["price_per_part"], answer["cost"]) == (3, 0.35, 1.05)


def test_without_an_account_the_price_is_one_credit_a_part(control: Control) -> None:
    control.patch(f"/accounts/{USER}", {"price_per_part": 2})
    assert quote(control, "a" * 200)["cost"] == 2.0
    assert quote(control, "a" * 200, account=USER)["cost"] == 4.0


@pytest.mark.parametrize(("max_parts", "fits"), [(1, False), (2, True), (6, True)])
def test_max_parts_decides_whether_the_text_fits(
    control: Control, max_parts: int, fits: bool
) -> None:
    answer = quote(control, "a" * 161, max_parts=max_parts)
    assert (answer["parts"], answer["max_parts"], answer["fits"]) == (2, max_parts, fits)


def test_a_quote_matches_what_a_send_of_the_text_records(control: Control) -> None:
    control.add_account("shop", price_per_part=0.5)
    text = "Ünïcödé? ✓ " + "x" * 140
    answer = quote(control, text, account="shop")
    control.xml_send(text, N1, user="shop", password="pw")
    [sent] = control.outbox("shop")
    assert (sent["encoding"], sent["parts"], sent["length"], sent["cost"]) == (
        answer["encoding"],
        answer["parts"],
        answer["length"],
        answer["cost"],
    )
    assert control.credits("shop") == 1000.0 - answer["cost"]


def test_a_quote_sends_nothing_and_costs_nothing(control: Control) -> None:
    quote(control, "hello", account=USER)
    assert control.outbox() == []
    assert control.credits() == 1000.0
    assert control.journal() == []


def test_a_quote_for_an_unknown_account_is_404(control: Control) -> None:
    error = control.error("POST", "/quote", {"message": "hi", "account": "nobody"}, status=404)
    assert "nobody" in error


@pytest.mark.parametrize("max_parts", [0, 7, -1, "2", 2.5, True, None])
def test_a_bad_max_parts_is_400(control: Control, max_parts: Any) -> None:
    error = control.error("POST", "/quote", {"message": "hi", "max_parts": max_parts}, status=400)
    assert "max_parts" in error


def test_a_quote_without_a_message_is_400(control: Control) -> None:
    assert "message" in control.error("POST", "/quote", {"account": USER}, status=400)


def test_the_quote_shows_where_each_part_ends_and_never_cuts_a_character(control: Control) -> None:
    text = "a" * 152 + "€" + "a" * 152  # 306 septets, yet three parts: the € cannot be cut
    answer = quote(control, text)
    assert (answer["septets"], answer["parts"], answer["part_ends"]) == (306, 3, [152, 304, 305])
    assert answer["part_texts"] == ["a" * 152, "€" + "a" * 151, "a"]
    assert "".join(answer["part_texts"]) == text


def test_the_quote_prices_a_destination_by_the_longest_matching_prefix(control: Control) -> None:
    control.add_account("shop", prices={"": 1.0, "27": 1.3, "2782": 0.9})
    assert quote(control, "hi", account="shop", number="27825550101")["price_per_part"] == 0.9
    assert quote(control, "hi", account="shop", number="27835550101")["price_per_part"] == 1.3
    answer = quote(control, "x" * 200, account="shop", number="447700900123")
    assert (answer["price_per_part"], answer["cost"], answer["number"]) == (
        1.0,
        2.0,
        "447700900123",
    )
    assert answer["prices"] == {"": 1.0, "27": 1.3, "2782": 0.9}
