"""``winsms-emulator serve``: the standalone emulator.

Every option can also be set by an environment variable named
``WINSMS_EMULATOR_<OPTION>`` (``WINSMS_EMULATOR_PORT=0``, ...); an option on
the command line wins over the environment.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from winsms_emulator.app import create_app
from winsms_emulator.clock import make_clock
from winsms_emulator.config import EmulatorConfig
from winsms_emulator.errors import GatewayError
from winsms_emulator.forms.accounts import (
    AccountsFileError,
    default_accounts,
    load_accounts_file,
)
from winsms_emulator.heap import settle
from winsms_emulator.journal import DEFAULT_JOURNAL_BYTES
from winsms_emulator.server import (
    DEFAULT_CONNECTION_LIMIT,
    DEFAULT_GRACE_PERIOD,
    DEFAULT_IDLE_TIMEOUT,
    DEFAULT_THREADS,
    ServerThread,
    raise_open_files_limit,
)
from winsms_emulator.services import Gateway
from winsms_emulator.version import __version__

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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="winsms-emulator",
        description="An offline emulator of the WinSMS SMS gateway (XML API and REST v1).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="run the emulator as an HTTP server",
        description="Run the emulator. Each option can also be set as WINSMS_EMULATOR_<OPTION>.",
    )
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument(
        "--port", type=int, help="port to listen on; 0 picks a free one (default 8080)"
    )
    serve.add_argument("--accounts", metavar="FILE", help="JSON list of accounts to start with")
    serve.add_argument(
        "--state",
        metavar="FILE",
        help="a saved state (GET /_emulator/state, or a file in fixtures/) to start from",
    )
    serve.add_argument(
        "--clock",
        choices=("real", "manual"),
        help="real follows the wall clock (default); manual stands still until moved",
    )
    serve.add_argument(
        "--strict",
        action="store_true",
        default=None,
        help="reject requests that break the published XML schemas or HTTP API parameters",
    )
    serve.add_argument(
        "--rest-dialect",
        choices=("seed", "current"),
        help="REST v1 shape for accounts that do not choose one (default seed)",
    )
    serve.add_argument(
        "--admin-token",
        help="require this token (Authorization: Bearer TOKEN) on the control plane, "
        "but not on health, ready or the WinSMS APIs",
    )
    serve.add_argument(
        "--log-level",
        choices=("debug", "info", "warning", "error"),
        help="how much to log to stdout; info logs one line per request (default info)",
    )
    serve.add_argument("--threads", type=int, help="worker threads serving requests (default 16)")
    serve.add_argument(
        "--connection-limit",
        type=int,
        help=f"connections held open at once (default {DEFAULT_CONNECTION_LIMIT:,})",
    )
    serve.add_argument(
        "--idle-timeout",
        type=int,
        metavar="SECONDS",
        help=f"close a keep-alive connection idle this long (default {DEFAULT_IDLE_TIMEOUT})",
    )
    serve.add_argument(
        "--grace-period",
        type=float,
        metavar="SECONDS",
        help="on SIGTERM or SIGINT, wait this long for requests in flight "
        f"(default {DEFAULT_GRACE_PERIOD:g})",
    )
    serve.add_argument(
        "--journal-max-bytes",
        metavar="SIZE",
        help="the most memory the request journal keeps, in bytes or with a unit "
        "(64MB, 512KB, 1GB; default 64MB)",
    )
    return parser


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
    clock = args.clock or _env("CLOCK") or "real"
    if clock not in ("real", "manual"):
        raise UsageError(f"{ENV_PREFIX}CLOCK must be real or manual, not {clock!r}")
    dialect = args.rest_dialect or _env("REST_DIALECT") or "seed"
    if dialect not in ("seed", "current"):
        raise UsageError(f"{ENV_PREFIX}REST_DIALECT must be seed or current, not {dialect!r}")
    strict = args.strict if args.strict is not None else _env_flag("STRICT")
    accounts = args.accounts or _env("ACCOUNTS")
    state_file = args.state or _env("STATE")
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
    return {
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


def serve(args: argparse.Namespace) -> int:
    settings = _settings(args)
    accounts_file = settings["accounts"]
    try:
        accounts = load_accounts_file(str(accounts_file)) if accounts_file else default_accounts()
        token = settings["admin_token"]
        journal_bytes = int(str(settings["journal_max_bytes"]))
        config = EmulatorConfig(
            strict=bool(settings["strict"]),
            admin_token=str(token) if token else None,
            journal_max_bytes=journal_bytes,
        )
        gateway = Gateway(
            accounts,
            make_clock(str(settings["clock"])),
            default_rest_dialect=str(settings["rest_dialect"]),
            journal_max_bytes=journal_bytes,
        )
        if settings["state"]:
            document = read_state_file(str(settings["state"]))
            gateway.control.import_state(document, as_start=True)
    except AccountsFileError as exc:
        raise UsageError(str(exc)) from None
    except GatewayError as exc:
        source = (
            f"state file {settings['state']}"
            if settings["state"]
            else f"accounts file {accounts_file}"
        )
        raise UsageError(f"{source}: {exc.message}") from None
    app = create_app(gateway, config)
    logging.basicConfig(
        stream=sys.stdout,
        level=getattr(logging, str(settings["log_level"]).upper()),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    threads = int(str(settings["threads"]))
    connection_limit = int(str(settings["connection_limit"]))
    # every connection is an open file, and so are the threads' and the server's own
    files = raise_open_files_limit(connection_limit + threads + 64)
    if files < connection_limit + threads + 64:
        logging.getLogger("winsms_emulator.server").warning(
            "this process may open only %d files: fewer than %d connections will be served",
            files,
            connection_limit,
        )
    grace = float(str(settings["grace_period"]))
    try:
        server = ServerThread(
            app,
            str(settings["host"]),
            int(str(settings["port"])),
            threads=threads,
            connection_limit=connection_limit,
            idle_timeout=int(str(settings["idle_timeout"])),
            grace_period=grace,
        )
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {settings['host']}:{settings['port']}: {exc.strerror or exc}"
        ) from None

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():  # a second signal: stop now
            server.hurry()
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    settle()
    server.start()
    print(f"listening on {server.url}", flush=True)
    stop.wait()
    server.stop_accepting()
    print(f"stopping: no new connections; up to {grace:g}s for requests in flight", flush=True)
    server.stop()
    print("stopped", flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "serve":
            return serve(args)
    except UsageError as exc:
        print(f"winsms-emulator: error: {exc}", file=sys.stderr, flush=True)
        return 2
    parser.error(f"unknown command {args.command!r}")
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
