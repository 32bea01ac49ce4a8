"""The settings of ``winsms-emulator serve``: each option from its command-line flag, else
its environment variable (``WINSMS_EMULATOR_<OPTION>``), else its default, checked."""

from __future__ import annotations

import argparse
import json
import os

from winsms_emulator.domain.webhooks import DeliveryPolicy
from winsms_emulator.errors import GatewayError
from winsms_emulator.journal import DEFAULT_JOURNAL_BYTES
from winsms_emulator.server import (
    DEFAULT_CONNECTION_LIMIT,
    DEFAULT_GRACE_PERIOD,
    DEFAULT_IDLE_TIMEOUT,
    DEFAULT_THREADS,
)

ENV_PREFIX = "WINSMS_EMULATOR_"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class UsageError(Exception):
    """A bad option or file: reported on one line, exit code 2."""


def _env(name: str) -> str | None:
    return os.environ.get(ENV_PREFIX + name)


def _env_flag(name: str) -> bool:
    value = _env(name)
    if value is None:
        return False
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise UsageError(f"{ENV_PREFIX}{name} must be true or false, not {value!r}")


def _env_int(name: str, default: int) -> int:
    value = _env(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise UsageError(f"{ENV_PREFIX}{name} must be a whole number, not {value!r}") from None


_UNITS = {"": 1, "B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}


def parse_size(text: str, name: str) -> int:
    """A size in bytes written as ``67108864``, ``64MB``, ``512KB`` or ``1GB``."""
    cleaned = text.strip().upper().replace(" ", "")
    digits = cleaned.rstrip("KMGB")
    unit = cleaned[len(digits) :]
    if not digits.isascii() or not digits.isdigit() or unit not in _UNITS:
        raise UsageError(f"{name} must be a size such as 64MB, 512KB or 67108864, not {text!r}")
    size = int(digits) * _UNITS[unit]
    if size < 1024:
        raise UsageError(f"{name} must be at least 1KB")
    return size


def _env_float(name: str, default: float) -> float:
    value = _env(name)
    if value is None:
        return default
    try:
        return float(value)
    except ValueError:
        raise UsageError(f"{ENV_PREFIX}{name} must be a number, not {value!r}") from None


def _settings(args: argparse.Namespace) -> dict[str, object]:
    host = args.host or _env("HOST") or "127.0.0.1"
    port = args.port if args.port is not None else _env_int("PORT", 8080)
    if not 0 <= port <= 65535:
        raise UsageError(f"port {port} is out of range 0-65535")
    accounts = args.accounts or _env("ACCOUNTS")
    state_file = args.state or _env("STATE")
    # a saved world starts at its own clock (manual) unless a clock is asked for
    clock = args.clock or _env("CLOCK") or ("manual" if state_file else "real")
    if clock not in ("real", "manual"):
        raise UsageError(f"{ENV_PREFIX}CLOCK must be real or manual, not {clock!r}")
    dialect = args.rest_dialect or _env("REST_DIALECT") or "seed"
    if dialect not in ("seed", "current"):
        raise UsageError(f"{ENV_PREFIX}REST_DIALECT must be seed or current, not {dialect!r}")
    strict = args.strict if args.strict is not None else _env_flag("STRICT")
    if accounts and state_file:
        raise UsageError("give --accounts or --state, not both (a state holds its accounts)")
    log_level = (args.log_level or _env("LOG_LEVEL") or "info").lower()
    if log_level not in ("debug", "info", "warning", "error"):
        raise UsageError(f"{ENV_PREFIX}LOG_LEVEL must be debug, info, warning or error")
    threads = args.threads if args.threads is not None else _env_int("THREADS", DEFAULT_THREADS)
    if not 1 <= threads <= 256:
        raise UsageError("threads must be between 1 and 256")
    connection_limit = (
        args.connection_limit
        if args.connection_limit is not None
        else _env_int("CONNECTION_LIMIT", DEFAULT_CONNECTION_LIMIT)
    )
    if not 1 <= connection_limit <= 100_000:
        raise UsageError("connection limit must be between 1 and 100000")
    idle_timeout = (
        args.idle_timeout
        if args.idle_timeout is not None
        else _env_int("IDLE_TIMEOUT", DEFAULT_IDLE_TIMEOUT)
    )
    if not 1 <= idle_timeout <= 86_400:
        raise UsageError("idle timeout must be between 1 and 86400 seconds")
    grace = (
        args.grace_period
        if args.grace_period is not None
        else _env_float("GRACE_PERIOD", DEFAULT_GRACE_PERIOD)
    )
    if not 0 <= grace <= 3600:
        raise UsageError("grace period must be between 0 and 3600 seconds")
    journal_text = args.journal_max_bytes or _env("JOURNAL_MAX_BYTES")
    journal_bytes = (
        parse_size(journal_text, "journal max bytes") if journal_text else DEFAULT_JOURNAL_BYTES
    )
    timeout = args.webhook_timeout
    attempts = args.webhook_attempts
    try:
        policy = DeliveryPolicy(
            timeout_seconds=timeout if timeout is not None else _env_float("WEBHOOK_TIMEOUT", 5.0),
            max_attempts=attempts if attempts is not None else _env_int("WEBHOOK_ATTEMPTS", 5),
        )
    except GatewayError as exc:
        raise UsageError(exc.message) from None
    return {
        "webhook_policy": policy,
        "connection_limit": connection_limit,
        "idle_timeout": idle_timeout,
        "grace_period": grace,
        "journal_max_bytes": journal_bytes,
        "admin_token": args.admin_token or _env("ADMIN_TOKEN") or None,
        "log_level": log_level,
        "threads": threads,
        "state": state_file,
        "host": host,
        "port": port,
        "clock": clock,
        "rest_dialect": dialect,
        "strict": strict,
        "accounts": accounts,
    }


def read_state_file(path: str) -> object:
    """A saved state from a JSON file, or a one-line reason it cannot be read."""
    try:
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    except FileNotFoundError:
        raise UsageError(f"state file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"state file {path} cannot be read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"state file {path} is not valid JSON: {exc.msg} at line {exc.lineno}"
        ) from None
    except RecursionError:
        raise UsageError(f"state file {path} is not valid JSON: nested too deeply") from None
