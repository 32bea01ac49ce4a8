"""An account as JSON: the control plane's form, also read from an accounts file.

Reading checks and converts every field (unknown fields are refused); the world then
checks the account against the others (:meth:`World.check`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from winsms_emulator.domain.accounts import REST_DIALECTS, Account, OptOut
from winsms_emulator.domain.messages import MAX_DELAY_SECONDS
from winsms_emulator.errors import Invalid
from winsms_emulator.forms.values import digits_list, is_digits, iso, to_decimal
from winsms_emulator.forms.webhooks import webhooks_from_json, webhooks_json

#: The account the emulator starts with when no accounts file is given: the
#: guide's own examples (user hpotter, password w1Zard) work as they are.
DEFAULT_ACCOUNT: dict[str, Any] = {
    "username": "hpotter",
    "password": "w1Zard",
    "api_key": "hpotter-api-key",
    "credits": 1000.0,
}

_REQUIRED = ("username", "password", "api_key")
_STRINGS = ("username", "password", "api_key", "first_name", "surname")
_BOOLS = ("trial", "locked", "dnc_bypass")
ACCOUNT_FIELDS = frozenset(
    {
        *_STRINGS,
        *_BOOLS,
        "own_numbers",
        "short_codes",
        "credits",
        "price_per_part",
        "prices",
        "delivery_delay_seconds",
        "rest_dialect",
        "parent",
        "account_number",
        "webhooks",
    }
)


def _read(name: str, value: Any) -> Any:
    """One account field from JSON, checked and converted."""
    if name in _STRINGS:
        if not isinstance(value, str) or (name in _REQUIRED and not value):
            raise Invalid(f"{name} must be a non-empty string")
        return value
    if name in _BOOLS:
        if not isinstance(value, bool):
            raise Invalid(f"{name} must be true or false")
        return value
    if name == "own_numbers":
        return digits_list(value, name)
    if name == "short_codes":
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise Invalid(f"{name} must be a list of strings")
        return tuple(value)
    if name in ("credits", "price_per_part"):
        return to_decimal(value, name)
    if name == "delivery_delay_seconds":
        delay = to_decimal(value, name)
        if delay > MAX_DELAY_SECONDS:
            raise Invalid(f"{name} must be at most {MAX_DELAY_SECONDS} (a year)")
        return float(delay)
    if name == "prices":
        return _prices(value)
    if name == "webhooks":
        return webhooks_from_json(value)
    if name == "rest_dialect":
        if value is not None and value not in REST_DIALECTS:
            raise Invalid(f"rest_dialect must be one of {', '.join(REST_DIALECTS)}")
        return value
    if name == "parent":
        if value is not None and (not isinstance(value, str) or not value):
            raise Invalid("parent must be the username of a main account")
        return value
    # account_number
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise Invalid("account_number must be a positive whole number")
    return value


def _prices(value: Any) -> dict[str, Decimal]:
    """A price table: calling-code prefix (digits, or ``""`` for the default) to a price."""
    if not isinstance(value, dict):
        raise Invalid("prices must be an object of calling-code prefix to price per part")
    table = {}
    for prefix, price in value.items():
        if prefix != "" and not is_digits(prefix):
            raise Invalid(f'prices: {prefix!r} is not a calling-code prefix (digits, or "")')
        table[prefix] = to_decimal(price, f"prices[{prefix!r}]")
    return table


def account_fields(data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Check and convert account fields from JSON; unknown fields are refused, and
    without ``partial`` the required ones must be there.

    ``prices`` holds the prefixes' prices; its ``""`` entry is ``price_per_part`` (the
    default), and giving both with different values is refused.
    """
    if not isinstance(data, Mapping):
        raise Invalid("an account must be a JSON object")
    unknown = set(data) - ACCOUNT_FIELDS
    if unknown:
        raise Invalid(f"unknown account field(s): {', '.join(sorted(unknown))}")
    if not partial:
        missing = [name for name in _REQUIRED if name not in data]
        if missing:
            raise Invalid(f"missing account field(s): {', '.join(missing)}")
    fields = {name: _read(name, value) for name, value in data.items()}
    prices = fields.get("prices")
    if prices is not None and "" in prices:
        default = prices.pop("")
        if fields.setdefault("price_per_part", default) != default:
            raise Invalid('price_per_part and prices[""] are the same price: give one of them')
    return fields


def account_from_json(data: Mapping[str, Any]) -> Account:
    return Account(**account_fields(data))


def opt_out_json(opt_out: OptOut) -> dict[str, Any]:
    return {
        "number": opt_out.number,
        "at": iso(opt_out.at),
        "source": opt_out.source,
        "reply_id": opt_out.reply_id,
        "message": opt_out.message,
    }


def account_json(account: Account, server_dialect: str) -> dict[str, Any]:
    """An account as the control plane shows it; ``rest_dialect`` is the one in force."""
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
        "prices": {prefix: float(price) for prefix, price in account.price_table().items()},
        "delivery_delay_seconds": account.delivery_delay_seconds,
        "short_codes": list(account.short_codes),
        "rest_dialect": account.rest_dialect or server_dialect,
        "parent": account.parent,
        "account_number": account.account_number,
        "first_name": account.first_name,
        "surname": account.surname,
        "opt_outs": [opt_out_json(o) for o in account.opt_outs.values()],
        "webhooks": webhooks_json(account.webhooks),
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
    except (json.JSONDecodeError, RecursionError) as exc:
        reason = f"{exc.msg} at line {exc.lineno}" if isinstance(exc, ValueError) else "too deep"
        raise AccountsFileError(f"accounts file {file} is not valid JSON: {reason}") from None
    if not isinstance(data, list) or not data:
        raise AccountsFileError(f"accounts file {file} must hold a non-empty JSON list of accounts")
    accounts = []
    for index, item in enumerate(data):
        try:
            accounts.append(account_from_json(item))
        except Invalid as exc:
            raise AccountsFileError(f"accounts file {file}, account {index + 1}: {exc}") from None
    repeated = sorted(n for n, c in Counter(a.username for a in accounts).items() if c > 1)
    if repeated:
        raise AccountsFileError(
            f"accounts file {file}: username(s) repeated: {', '.join(repeated)}"
        )
    return accounts


def default_accounts() -> list[Account]:
    return [account_from_json(DEFAULT_ACCOUNT)]
