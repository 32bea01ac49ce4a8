"""Accounts as JSON: reading an accounts file or a control-plane body, and writing one."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from winsms_emulator.domain.accounts import REST_DIALECTS, Account
from winsms_emulator.errors import Invalid

#: The account the emulator starts with when no accounts file is given: the
#: guide's own examples (user hpotter, password w1Zard) work as they are.
DEFAULT_ACCOUNT: dict[str, Any] = {
    "username": "hpotter",
    "password": "w1Zard",
    "api_key": "hpotter-api-key",
    "credits": 1000.0,
}

#: The longest delivery delay an account may have: a year.
MAX_DELAY_SECONDS = 365 * 24 * 3600
_REQUIRED = ("username", "password", "api_key")
_STRINGS = ("username", "password", "api_key", "first_name", "surname")
_BOOLS = ("trial", "locked", "dnc_bypass")
_NUMBER_LISTS = ("own_numbers",)
_CODE_LISTS = ("short_codes",)
ACCOUNT_FIELDS = frozenset(
    {
        *_STRINGS,
        *_BOOLS,
        *_NUMBER_LISTS,
        *_CODE_LISTS,
        "credits",
        "price_per_part",
        "delivery_delay_seconds",
        "rest_dialect",
        "parent",
        "account_number",
    }
)


#: The largest amount of credits (or price) the emulator keeps: far beyond any real account.
MAX_AMOUNT = Decimal(10) ** 12


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


def _digits_list(value: Any, name: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(
        isinstance(v, str) and v.isascii() and v.isdigit() for v in value
    ):
        raise Invalid(f"{name} must be a list of numbers written as digit strings")
    return tuple(value)


def account_fields(data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Check and convert account fields from JSON; unknown fields are refused."""
    if not isinstance(data, Mapping):
        raise Invalid("an account must be a JSON object")
    unknown = set(data) - ACCOUNT_FIELDS
    if unknown:
        raise Invalid(f"unknown account field(s): {', '.join(sorted(unknown))}")
    if not partial:
        missing = [name for name in _REQUIRED if name not in data]
        if missing:
            raise Invalid(f"missing account field(s): {', '.join(missing)}")
    out: dict[str, Any] = {}
    for name, value in data.items():
        if name in _STRINGS:
            if not isinstance(value, str) or (name in _REQUIRED and not value):
                raise Invalid(f"{name} must be a non-empty string")
            out[name] = value
        elif name in _BOOLS:
            if not isinstance(value, bool):
                raise Invalid(f"{name} must be true or false")
            out[name] = value
        elif name in _NUMBER_LISTS:
            out[name] = _digits_list(value, name)
        elif name in _CODE_LISTS:
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise Invalid(f"{name} must be a list of strings")
            out[name] = tuple(value)
        elif name in ("credits", "price_per_part"):
            out[name] = to_decimal(value, name)
        elif name == "delivery_delay_seconds":
            delay = to_decimal(value, name)
            if delay > MAX_DELAY_SECONDS:
                raise Invalid(f"{name} must be at most {MAX_DELAY_SECONDS} (a year)")
            out[name] = float(delay)
        elif name == "rest_dialect":
            if value is not None and value not in REST_DIALECTS:
                raise Invalid(f"rest_dialect must be one of {', '.join(REST_DIALECTS)}")
            out[name] = value
        elif name == "parent":
            if value is not None and (not isinstance(value, str) or not value):
                raise Invalid("parent must be the username of a main account")
            out[name] = value
        elif name == "account_number":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise Invalid("account_number must be a positive whole number")
            out[name] = value
    return out


def account_from_json(data: Mapping[str, Any]) -> Account:
    return Account(**account_fields(data))


def account_to_json(account: Account, *, server_dialect: str | None = None) -> dict[str, Any]:
    """An account as the control plane shows it (credits with one decimal place)."""
    return {
        "username": account.username,
        "password": account.password,
        "api_key": account.api_key,
        "credits": float(account.credits),
        "trial": account.trial,
        "own_numbers": list(account.own_numbers),
        "locked": account.locked,
        "dnc_bypass": account.dnc_bypass,
        "price_per_part": float(account.price_per_part),
        "delivery_delay_seconds": account.delivery_delay_seconds,
        "short_codes": list(account.short_codes),
        "rest_dialect": account.rest_dialect or server_dialect,
        "parent": account.parent,
        "account_number": account.account_number,
        "first_name": account.first_name,
        "surname": account.surname,
    }


class AccountsFileError(Exception):
    """An accounts file that cannot be used; the message is one line for the user."""


def load_accounts_file(path: str | Path) -> list[Account]:
    """Read a JSON list of accounts. Raises :class:`AccountsFileError` with a one-line reason."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AccountsFileError(f"accounts file {file} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AccountsFileError(f"accounts file {file} cannot be read: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AccountsFileError(
            f"accounts file {file} is not valid JSON: {exc.msg} at line {exc.lineno}"
        ) from None
    if not isinstance(data, list) or not data:
        raise AccountsFileError(f"accounts file {file} must hold a non-empty JSON list of accounts")
    accounts = []
    for index, item in enumerate(data):
        try:
            accounts.append(account_from_json(item))
        except Invalid as exc:
            raise AccountsFileError(f"accounts file {file}, account {index + 1}: {exc}") from None
    names = [a.username for a in accounts]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise AccountsFileError(
            f"accounts file {file}: username(s) repeated: {', '.join(duplicates)}"
        )
    return accounts


def default_accounts() -> list[Account]:
    return [account_from_json(DEFAULT_ACCOUNT)]
