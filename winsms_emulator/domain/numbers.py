"""Recipient numbers: digits only, international format without the ``+``."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers

from winsms_emulator.errors import Invalid


@lru_cache(maxsize=65536)
def is_valid_recipient(number: str) -> bool:
    """Whether ``number`` is a recipient the gateway would try to reach.

    Digits only, not starting with 0, and a *possible* number for its country
    code (``is_possible_number``, not ``is_valid_number``, so the guide's own
    examples such as 27555555555 pass).
    """
    if not number.isascii() or not number.isdigit() or number.startswith("0"):
        return False
    if len(number) > 17:
        return False
    try:
        parsed = phonenumbers.parse("+" + number, None)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_possible_number(parsed))


def require_digits(number: object) -> str:
    """``number`` if it is written as a mobile number (digits only), else :class:`Invalid`.

    This is the form the control plane accepts for a handset or a list entry; whether
    the gateway would reach the number is :func:`is_valid_recipient`'s question.
    """
    if not isinstance(number, str) or not number.isascii() or not number.isdigit():
        raise Invalid(f"{number!r} is not a mobile number (digits only, international format)")
    return number
