"""``winsms-emulator serve``: the standalone emulator.

Every option can also be set by an environment variable named
``WINSMS_EMULATOR_<OPTION>`` (``WINSMS_EMULATOR_PORT=0``, ...); an option on
the command line wins over the environment.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from winsms_emulator.app import create_app
from winsms_emulator.cli_settings import (
    UsageError,
    _settings,
    read_state_file,
)
from winsms_emulator.clock import make_clock
from winsms_emulator.config import EmulatorConfig
from winsms_emulator.domain.webhooks import DeliveryPolicy
from winsms_emulator.errors import GatewayError
from winsms_emulator.forms.accounts import (
    AccountsFileError,
    default_accounts,
    load_accounts_file,
)
from winsms_emulator.heap import settle
from winsms_emulator.process import start_logging
from winsms_emulator.server import (
    DEFAULT_CONNECTION_LIMIT,
    DEFAULT_GRACE_PERIOD,
    DEFAULT_IDLE_TIMEOUT,
    ServerThread,
    raise_open_files_limit,
)
from winsms_emulator.services import Gateway
from winsms_emulator.version import __version__


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
        help="real follows the wall clock (default); manual stands still until moved "
        "(default with --state: the saved clock)",
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
    serve.add_argument(
        "--webhook-timeout",
        type=float,
        metavar="SECONDS",
        help="HTTP timeout of one webhook attempt (default 5)",
    )
    serve.add_argument(
        "--webhook-attempts",
        type=int,
        metavar="N",
        help="attempts a webhook notification gets before it is given up (default 5)",
    )
    return parser


def serve(args: argparse.Namespace) -> int:
    settings = _settings(args)
    policy = settings["webhook_policy"]
    assert isinstance(policy, DeliveryPolicy)
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
            webhook_policy=policy,
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
    stop_logging = start_logging(getattr(logging, str(settings["log_level"]).upper()))
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
    except ValueError:  # the server's own word for an address it cannot parse
        raise UsageError(
            f"cannot listen on {settings['host']}:{settings['port']}: "
            "not a valid host name or IP address"
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
    if settings["state"]:
        _say_where_the_state_starts(gateway, str(settings["state"]))
    stop.wait()
    server.stop_accepting()
    print(f"stopping: no new connections; up to {grace:g}s for requests in flight", flush=True)
    server.stop()
    stop_logging()
    print("stopped", flush=True)
    return 0


def _say_where_the_state_starts(gateway: Gateway, path: str) -> None:
    """One log line: the time a saved state starts at, and whether the clock moves."""
    log = logging.getLogger("winsms_emulator.server")
    now = gateway.now().isoformat()
    if gateway.clock.mode == "manual":
        log.info(
            "started from %s at its saved clock, %s; the clock is manual: move it with "
            "POST /_emulator/clock (give --clock real to follow the wall clock instead)",
            path,
            now,
        )
    else:
        log.info(
            "started from %s on the wall clock (%s): saved messages read as they do now",
            path,
            now,
        )


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
