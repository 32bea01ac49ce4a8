"""Apply injected faults to WinSMS API requests, before their surface sees them.

A fault is matched on the request's surface, path, operation and account; the
operation comes from the registry entry routing found, the account from the surface
(read without changing anything). A fault other than latency answers instead of the
API, so the request changes nothing; the journal records it.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator

from flask import Response

from winsms_emulator.faults import Fault
from winsms_emulator.operations import Operation, Surface
from winsms_emulator.web import exchange
from winsms_emulator.web.context import gateway, request


def maybe_fault(operation: Operation, surface: Surface) -> Response | None:
    """The answer of the fault this request gets, if one does (a latency fault only
    waits, then lets the API answer)."""
    record = exchange.current()
    fault = gateway().control.take_fault(
        operation.surface, request.path, operation.name, surface.who
    )
    if fault is None:
        return None
    if fault.kind == "latency":
        time.sleep(fault.seconds)  # real time, for this request only
        return None
    record.outcome = f"fault {fault.id}: {fault.kind}"
    record.injected = True
    record.detail = "an injected fault answered instead of the API"
    return _fault_response(fault, surface)


def _fault_response(fault: Fault, surface: Surface) -> Response:
    if fault.kind == "http_error":
        return surface.injected_error(
            fault.status, f"Injected fault {fault.id}: HTTP {fault.status}"
        )
    if fault.kind == "malformed_body":
        body, mimetype = surface.truncated
        return Response(body, status=200, mimetype=mimetype)
    return hang_up()


def _client_socket() -> socket.socket | None:
    """The connection's socket, where the server lets an application reach it."""
    raw = request.environ.get("werkzeug.socket")  # werkzeug's server
    if isinstance(raw, socket.socket):
        return raw
    # waitress: the check it hands the application is a method of the connection's channel
    check = request.environ.get("waitress.client_disconnected")
    raw = getattr(getattr(check, "__self__", None), "socket", None)
    return raw if isinstance(raw, socket.socket) else None


def hang_up() -> Response:
    """Close the connection without an answer (or, failing that, in the middle of one)."""
    raw = _client_socket()
    if raw is not None:
        with contextlib.suppress(OSError):
            raw.shutdown(socket.SHUT_RDWR)
        return Response(b"", status=200)

    def cut_short() -> Iterator[bytes]:
        # a promised body that never arrives: the server closes the connection mid-answer
        yield b"{"

    response = Response(cut_short(), status=200, mimetype="application/json")
    response.headers["Content-Length"] = "1024"
    return response
