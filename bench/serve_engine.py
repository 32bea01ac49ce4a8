"""The emulator as ``winsms-emulator serve`` runs it, on a chosen server engine (for bench/)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from winsms_emulator import Emulator
from winsms_emulator.server import ENGINES, ServerThread


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=ENGINES, default="waitress")
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args()
    emulator = Emulator(
        [
            {
                "username": "hpotter",
                "password": "w1Zard",
                "api_key": "hpotter-api-key",
                "credits": 10**12,
            }
        ],
        clock="real",
    )
    server = ServerThread(emulator.app, engine=args.engine, threads=args.threads).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"listening on {server.url}", flush=True)
    stop.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
