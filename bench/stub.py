"""A canned WinSMS stub: one fixed REST send answer, on the same WSGI server as the emulator.

It is the baseline the emulator's throughput is measured against: whatever the
emulator does beyond this (authentication, validation, the send rules, the
journal) is the cost of being real.

    python -m bench.stub              # a bare WSGI callable on waitress (16 threads)
    python -m bench.stub --flask      # the same answer from a one-route Flask app
    python -m bench.stub --werkzeug   # the bare callable on Werkzeug's development server,
                                      # one request at a time: what pytest-httpserver runs
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

CANNED = json.dumps(
    {
        "timeStamp": "20250101080000000",
        "version": "1.0",
        "statusCode": 200,
        "recipients": [
            {
                "acceptError": "",
                "accepted": True,
                "apiMessageId": 1,
                "clientMessageId": None,
                "creditCost": 1.0,
                "mobileNumber": "27825550101",
                "newCreditBalance": 999.0,
                "scheduledTime": None,
            }
        ],
    }
).encode()


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    environ["wsgi.input"].read(length)
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(CANNED)))]
    )
    return [CANNED]


def flask_app() -> Any:
    """The same canned answer from a one-route Flask app: what the framework alone costs."""
    from flask import Flask

    stub = Flask("winsms-stub")

    @stub.post("/api/rest/v1/sms/outgoing/send")
    def send() -> Any:
        return stub.response_class(CANNED, mimetype="application/json")

    return stub


def serve_werkzeug(wsgi: Any, port: int) -> int:
    """Werkzeug's development server as pytest-httpserver starts it (not threaded)."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", port, wsgi)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"listening on http://127.0.0.1:{server.server_port}", flush=True)
    stop.wait()
    server.shutdown()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--flask", action="store_true", help="serve the answer through Flask")
    parser.add_argument(
        "--werkzeug", action="store_true", help="serve it on Werkzeug's development server"
    )
    args = parser.parse_args()
    if args.werkzeug:
        return serve_werkzeug(flask_app() if args.flask else app, args.port)
    from waitress.server import create_server

    server = create_server(
        flask_app() if args.flask else app, host="127.0.0.1", port=args.port, threads=args.threads
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    print(f"listening on http://127.0.0.1:{server.effective_port}", flush=True)
    stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
