"""Reading and writing single JSON values: amounts, times, numbers, flags."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from winsms_emulator.domain.accounts import MAX_AMOUNT
from winsms_emulator.domain.numbers import require_digits
from winsms_emulator.domain.sast import to_sast
from winsms_emulator.errors import Invalid


def iso(moment: datetime | None) -> str | None:
    """An emulator time as ISO-8601 in SAST, as the control plane shows it."""
    return to_sast(moment).isoformat() if moment is not None else None


def to_decimal(
    value: Any,
    name: str,
    *,
    minimum: Decimal | None = Decimal(0),
    maximum: Decimal | None = MAX_AMOUNT,
) -> Decimal:
    """A JSON number (or numeric string) as an exact decimal, within bounds."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise Invalid(f"{name} must be a number")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise Invalid(f"{name} must be a number") from None
    if not amount.is_finite():
        raise Invalid(f"{name} must be a finite number")
    if minimum is not None and amount < minimum:
        raise Invalid(f"{name} must be {minimum} or more")
    if maximum is not None and amount > maximum:
        raise Invalid(f"{name} must be at most {maximum}")
    return amount


def is_digits(value: object) -> bool:
    return isinstance(value, str) and value.isascii() and value.isdigit()


def digits_list(value: Any, name: str) -> tuple[str, ...]:
    """A list of mobile numbers written as digit strings."""
    if not isinstance(value, list) or not all(is_digits(v) for v in value):
        raise Invalid(f"{name} must be a list of numbers written as digit strings")
    return tuple(value)


def mobile_number(value: Any) -> str:
    """One mobile number: digits only, international format."""
    return require_digits(value)


def field(data: Mapping[str, Any], name: str, kind: type | tuple[type, ...] = str) -> Any:
    """A required field of ``kind`` (``bool`` is never taken for a number)."""
    if name not in data:
        raise Invalid(f"missing field {name!r}")
    value = data[name]
    if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
        expected = kind.__name__ if isinstance(kind, type) else "number"
        raise Invalid(f"field {name!r} must be a {expected}")
    return value


def optional(data: Mapping[str, Any], name: str, kinds: tuple[type, ...], label: str) -> Any:
    """An optional field (``None`` when absent or null) of one of ``kinds``."""
    value: Any = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, kinds):
        raise Invalid(f"{name} must be {label}")
    if isinstance(value, int | float):
        try:
            as_float = float(value)
        except OverflowError:
            raise Invalid(f"{name} is out of range") from None
        if not math.isfinite(as_float):
            raise Invalid(f"{name} must be a finite number")
    return value


def only(data: Any, allowed: tuple[str, ...], what: str = "the request body") -> dict[str, Any]:
    """``data`` as an object with no fields but ``allowed``."""
    if not isinstance(data, dict):
        raise Invalid(f"{what} must be a JSON object")
    unknown = set(data) - set(allowed)
    if unknown:
        raise Invalid(
            f"unknown field(s): {', '.join(sorted(unknown))}; this takes {', '.join(allowed)}"
        )
    return data
