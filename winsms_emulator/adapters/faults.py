"""Apply injected faults to WinSMS API requests, before the API sees them."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator

from flask import Flask, Response, current_app, request
from lxml import etree

from winsms_emulator.app import gateway
from winsms_emulator.faults import Fault
from winsms_emulator.wire import (
    REST_PREFIX,
    api_of_path,
    journal_request,
    rest_error,
    xml_endpoint_for_path,
)

#: The REST operation each path names (for matching faults by operation).
REST_OPERATIONS = {
    "/sms/outgoing/send": "send",
    "/sms/outgoing/sendmulti": "sendmulti",
    "/sms/outgoing/status": "status",
    "/sms/scheduled": "scheduled",
    "/sms/scheduled/delete": "delete_scheduled",
    "/sms/incoming": "incoming",
    "/sms/incoming/optout": "optouts",
    "/shortcode/incoming": "shortcode_incoming",
    "/credits/balance": "balance",
    "/credits/transfer": "transfer",
    "/subaccounts": "subaccounts",
}


def register(app: Flask) -> None:
    app.before_request(_maybe_fault)


def _operation(api: str, path: str) -> str | None:
    if api == "xml":
        endpoint = xml_endpoint_for_path(path)
        return endpoint.operation if endpoint else None
    return REST_OPERATIONS.get(path[len(REST_PREFIX) :].rstrip("/"))


def _account(api: str) -> str | None:
    """Who is asking, for faults limited to one account (read without changing anything)."""
    if api == "rest":
        found = gateway().account_for_key(request.headers.get("Authorization", ""))
        return found.username if found else None
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        root = etree.fromstring(request.get_data(cache=True), parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    user = next((child for child in root if child.tag == "User"), None)
    return (user.text or "").strip() if user is not None else None


def _maybe_fault() -> Response | None:
    api = api_of_path(request.path)
    if api == "control":
        return None
    operation = _operation(api, request.path)
    if operation is None:
        return None
    fault = gateway().take_fault(api, request.path, operation, lambda: _account(api))
    if fault is None:
        return None
    started = time.perf_counter()
    if fault.kind == "latency":
        time.sleep(fault.seconds)  # real time, for this request only
        return None
    response = _fault_response(fault, api)
    journal_request(
        api=api,
        operation=operation,
        account=None,
        response=response,
        outcome=f"fault {fault.id}: {fault.kind}",
        started=started,
        detail="an injected fault answered instead of the API",
    )
    return response


def _fault_response(fault: Fault, api: str) -> Response:
    if fault.kind == "http_error":
        if api == "rest":
            return rest_error(fault.status, f"Injected fault {fault.id}: HTTP {fault.status}")
        return current_app.response_class(
            f"Injected fault {fault.id}: HTTP {fault.status}",
            status=fault.status,
            mimetype="text/plain",
        )
    if fault.kind == "malformed_body":
        body = '{"statusCode": 200, "recipi' if api == "rest" else "<XMLGateway_Response><Send"
        mimetype = "application/json" if api == "rest" else "text/xml"
        return current_app.response_class(body, status=200, mimetype=mimetype)
    return _hang_up()


def _client_socket() -> socket.socket | None:
    """The connection's socket, where the server lets an application reach it."""
    raw = request.environ.get("werkzeug.socket")  # werkzeug's server
    if isinstance(raw, socket.socket):
        return raw
    # waitress: the check it hands the application is a method of the connection's channel
    check = request.environ.get("waitress.client_disconnected")
    raw = getattr(getattr(check, "__self__", None), "socket", None)
    return raw if isinstance(raw, socket.socket) else None


def _hang_up() -> Response:
    """Close the connection without an answer (or, failing that, in the middle of one)."""
    raw = _client_socket()
    if raw is not None:
        with contextlib.suppress(OSError):
            raw.shutdown(socket.SHUT_RDWR)
        return current_app.response_class(b"", status=200)

    def cut_short() -> Iterator[bytes]:
        # a promised body that never arrives: the server closes the connection mid-answer
        yield b"{"

    response = current_app.response_class(cut_short(), status=200, mimetype="application/json")
    response.headers["Content-Length"] = "1024"
    return response
