"""A recipient is digits only, international format without '+', and a possible number."""

from __future__ import annotations

import pytest

from winsms_emulator.domain.numbers import is_valid_recipient


@pytest.mark.parametrize(
    "number",
    [
        pytest.param("27555555555", id="the-guides-own-example"),
        pytest.param("27825550101", id="guide-example-2"),
        pytest.param("27821234567", id="south-african-mobile"),
        pytest.param("447911123456", id="uk-mobile"),
        pytest.param("14155552671", id="us-number"),
    ],
)
def test_a_possible_international_number_without_plus_is_a_valid_recipient(number: str) -> None:
    assert is_valid_recipient(number) is True


def test_a_possible_but_not_valid_number_is_accepted() -> None:
    # 27555555555 is not an allocated South African number (is_valid_number
    # says no) but it is a possible one, and the guide uses it as an example.
    import phonenumbers

    parsed = phonenumbers.parse("+27555555555", None)
    assert phonenumbers.is_valid_number(parsed) is False
    assert is_valid_recipient("27555555555") is True


def test_a_number_with_a_plus_is_invalid() -> None:
    assert is_valid_recipient("+27821234567") is False


def test_a_number_starting_with_0_is_invalid() -> None:
    assert is_valid_recipient("0821234567") is False


@pytest.mark.parametrize(
    "number",
    [
        pytest.param("27 82 123 4567", id="spaces"),
        pytest.param("27-82-123-4567", id="dashes"),
        pytest.param("2782123456a", id="a-letter"),
        pytest.param("(27)821234567", id="brackets"),
        pytest.param("٢٧٨٢١٢٣٤٥٦٧", id="arabic-indic-digits"),
        pytest.param("", id="empty"),
    ],
)
def test_a_number_with_any_character_but_ascii_digits_is_invalid(number: str) -> None:
    assert is_valid_recipient(number) is False


@pytest.mark.parametrize(
    "number",
    [
        pytest.param("2712", id="too-short-for-south-africa"),
        pytest.param("27", id="country-code-only"),
        pytest.param("999999999999", id="no-such-country-code"),
        pytest.param("278212345678901234567", id="far-too-long"),
    ],
)
def test_a_number_that_is_not_possible_for_its_country_code_is_invalid(number: str) -> None:
    assert is_valid_recipient(number) is False
