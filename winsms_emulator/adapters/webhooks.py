"""Webhooks on the control plane: ``/_emulator/accounts/<user>/webhooks/test``,
``/_emulator/webhooks/deliveries`` and the built-in receiver
``/_emulator/webhook-sink/<name>`` with its ``/requests``.

The admin token guards them as it guards the rest of the control plane, except the
sink's receiving end: webhook senders (the emulator's own worker among them) do not
carry the token. Injected faults with ``match.api`` ``sink`` shape the sink's answers.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from winsms_emulator.adapters.control import answers_errors, body, require_admin_token
from winsms_emulator.adapters.faults import hang_up
from winsms_emulator.domain.sinks import MAX_BODY, check_sink_name
from winsms_emulator.errors import GatewayError, Invalid
from winsms_emulator.faults import wait_out
from winsms_emulator.services.webhooks import NeedsTime
from winsms_emulator.web.answers import control_error, json_response
from winsms_emulator.web.context import gateway
from winsms_emulator.webhook_plane import WaitTimedOut, WebhookPlane

blueprint = Blueprint("control_webhooks", __name__, url_prefix="/_emulator")
#: The sink's receiving end is open: senders do not carry the admin token.
OPEN = frozenset({"control_webhooks.sink_receive"})


@blueprint.before_request
def _guard() -> Response | None:
    return None if request.endpoint in OPEN else require_admin_token()


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)


def _plane() -> WebhookPlane:
    return WebhookPlane(gateway())


def _wait_arguments() -> tuple[float | None, int]:
    """``?wait=<seconds>&count=N`` (count 1 when left out)."""
    raw_wait, raw_count = request.args.get("wait"), request.args.get("count")
    wait = None
    if raw_wait is not None:
        try:
            wait = float(raw_wait)
        except ValueError:
            raise Invalid(f"wait must be a number of seconds, not {raw_wait!r}") from None
    count = 1
    if raw_count is not None:
        if not raw_count.isascii() or not raw_count.isdigit():
            raise Invalid(f"count must be a whole number, not {raw_count!r}")
        count = int(raw_count)
    if raw_count is not None and wait is None:
        raise Invalid("count goes with wait: give wait=<seconds> too")
    return wait, count


def _waiting(view: Any) -> Any:
    """Answer a wait that ran out of time 408 with the state, one that needs emulator
    time 409."""

    def run(*args: Any, **kwargs: Any) -> Response:
        try:
            return view(*args, **kwargs)  # type: ignore[no-any-return]
        except WaitTimedOut as exc:
            return json_response(408, {"error": exc.message, **exc.state})
        except NeedsTime as exc:
            return control_error(409, exc.message)

    run.__name__ = view.__name__
    run.__doc__ = view.__doc__
    return run


@blueprint.post("/accounts/<username>/webhooks/test")
@answers_errors
def send_test(username: str) -> tuple[Response, int]:
    """Queue a test notification for the account's URL; the worker sends it at once."""
    return jsonify(_plane().send_test(username, body())), 202


@blueprint.get("/webhooks/deliveries")
@answers_errors
@_waiting
def deliveries() -> Response:
    """Every webhook attempt, ``?account=&event=``; ``?wait=&count=`` waits for them."""
    wait, count = _wait_arguments()
    account, event = request.args.get("account"), request.args.get("event")
    return jsonify(_plane().deliveries(account, event, wait, count))


@blueprint.route("/webhook-sink/<name>", methods=["GET", "POST"])
def sink_receive(name: str) -> Response:
    """The built-in receiver: records the request and answers 200 (or as a fault says)."""
    try:
        check_sink_name(name)
    except GatewayError as exc:
        return control_error(400, exc.message)
    fault = gateway().webhooks.take_sink_fault(request.path)
    answered, label = 200, None
    if fault is not None:
        label = f"fault {fault.id}: {fault.kind}"
        if fault.kind == "latency":
            wait_out(fault)
        elif fault.kind == "http_error":
            answered = fault.status
        elif fault.kind == "drop_connection":
            answered = 0
    raw = request.get_data(cache=False)[: MAX_BODY * 4]
    recorded = _plane().receive(
        name,
        request.method,
        request.path,
        list(request.args.items(multi=True)),
        list(request.headers.items()),
        raw.decode("utf-8", "replace")[:MAX_BODY],
        answered,
        label,
    )
    if fault is not None and fault.kind == "drop_connection":
        return hang_up()
    if fault is not None and fault.kind == "malformed_body":
        return current_app.response_class('{"received": ', 200, mimetype="application/json")
    if fault is not None and fault.kind == "http_error":
        return control_error(answered, f"Injected fault {fault.id}: HTTP {answered}")
    return jsonify(received=recorded["id"])


@blueprint.get("/webhook-sink/<name>/requests")
@answers_errors
@_waiting
def sink_requests(name: str) -> Response:
    """What the sink received, oldest first; ``?wait=&count=`` waits for them."""
    wait, count = _wait_arguments()
    return jsonify(_plane().sink_requests(name, wait, count))
