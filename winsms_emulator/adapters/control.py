"""The control plane: ``/_emulator/...``, how tests arrange the world and look at it.

JSON in, JSON out. Errors are ``{"error": "..."}`` with 400 (bad input), 404
(no such thing) or 409 (conflicts with the current state).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, ParamSpec

from flask import Blueprint, Response, jsonify, request

from winsms_emulator import __version__
from winsms_emulator.accounts_json import account_fields, account_from_json, to_decimal
from winsms_emulator.app import gateway
from winsms_emulator.domain.encoding import MAX_PARTS
from winsms_emulator.errors import DeliveryStatus, GatewayError, Invalid, StatusCode
from winsms_emulator.views import (
    account_json,
    clock_json,
    fault_from_json,
    fault_json,
    journal_json,
    message_json,
    opt_out_json,
    outcome_json,
    quote_json,
    reply_json,
    short_code_json,
)
from winsms_emulator.wire import control_error

blueprint = Blueprint("control", __name__, url_prefix="/_emulator")

#: Open even when an admin token protects the control plane (probes need them).
OPEN_ENDPOINTS = frozenset({"control.health", "control.ready"})


@blueprint.before_request
def require_admin_token() -> Response | None:
    """With ``--admin-token``, every control-plane call but health and ready needs it, as
    ``Authorization: Bearer <token>`` or ``X-Emulator-Token: <token>``."""
    from winsms_emulator.app import state

    token = state().config.admin_token
    if not token or request.endpoint in OPEN_ENDPOINTS:
        return None
    given = request.headers.get("X-Emulator-Token", "")
    bearer = request.headers.get("Authorization", "")
    if bearer[:7].lower() == "bearer ":
        given = given or bearer[7:].strip()
    if given and hmac.compare_digest(given.encode(), token.encode()):
        return None
    answer = control_error(401, "this control plane needs the admin token")
    answer.headers["WWW-Authenticate"] = 'Bearer realm="winsms-emulator"'
    return answer


_STATUS_BY_KIND = {"invalid": 400, "not_found": 404, "conflict": 409}

P = ParamSpec("P")


def answers_errors(view: Callable[P, Any]) -> Callable[P, Any]:
    """Turn the gateway's refusals into ``{"error": ...}`` answers."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Any:
        try:
            return view(*args, **kwargs)
        except GatewayError as exc:
            return control_error(_STATUS_BY_KIND.get(exc.kind, 400), exc.message)

    return wrapper


def _body(*allowed: str) -> dict[str, Any]:
    """The JSON object of the request; with ``allowed``, any other field is refused."""
    data = request.get_json(force=True, silent=True)
    if data is None and request.get_data():
        raise Invalid("the request body is not valid JSON")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise Invalid("the request body must be a JSON object")
    unknown = set(data) - set(allowed)
    if allowed and unknown:
        raise Invalid(
            f"unknown field(s): {', '.join(sorted(unknown))}; this takes {', '.join(allowed)}"
        )
    return data


def _field(data: dict[str, Any], name: str, kind: type | tuple[type, ...] = str) -> Any:
    if name not in data:
        raise Invalid(f"missing field {name!r}")
    value = data[name]
    if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
        expected = kind.__name__ if isinstance(kind, type) else "number"
        raise Invalid(f"field {name!r} must be a {expected}")
    return value


# -- health and reset -------------------------------------------------------------------


@blueprint.get("/health")
def health() -> Response:
    """Liveness: the process answers."""
    return jsonify(status="ok", version=__version__)


@blueprint.get("/openapi.json")
def openapi_document() -> Response:
    """The control plane's OpenAPI 3.1 document."""
    from flask import current_app

    from winsms_emulator.resources import schemas_dir

    document = current_app.extensions.get("control_openapi")
    if document is None:
        path = schemas_dir() / "control-plane.openapi.json"
        document = json.loads(path.read_text(encoding="utf-8"))
        current_app.extensions["control_openapi"] = document
    return jsonify(document)


@blueprint.get("/ready")
def ready() -> Response:
    """Readiness: accounts and schemas are loaded."""
    from flask import current_app

    counts = gateway().counts()
    schema_set = current_app.extensions.get("xml_schemas")
    schemas = schema_set.count if schema_set is not None else 0
    return jsonify(status="ready", accounts=counts["accounts"], schemas=schemas)


@blueprint.post("/reset")
@answers_errors
def reset() -> Response:
    """Back to the start state; ``first_message_id`` and ``seed`` are optional."""
    data = _body("first_message_id", "seed")
    first = _field(data, "first_message_id", int) if "first_message_id" in data else None
    seed = _field(data, "seed", int) if "seed" in data else None
    gateway().reset(first_message_id=first, seed=seed)
    return jsonify(status="reset", clock=clock_json(gateway()))


@blueprint.post("/accounts/<username>/reset")
@answers_errors
def reset_account(username: str) -> Response:
    """Clear one account's messages, replies and journal; others are untouched."""
    g = gateway()
    return jsonify(account_json(g.reset_account(username), g.default_rest_dialect))


@blueprint.get("/state")
def export_state() -> Response:
    return jsonify(gateway().export_state())


@blueprint.put("/state")
@answers_errors
def import_state() -> Response:
    data = request.get_json(force=True, silent=True)
    if not isinstance(data, dict):
        raise Invalid("the request body must be a state document (a JSON object)")
    gateway().import_state(data)
    return jsonify(status="restored", clock=clock_json(gateway()))


@blueprint.post("/quote")
@answers_errors
def quote() -> Response:
    """What a text would cost: encoding, parts, length, and what forced UCS-2."""
    data = _body("message", "account", "max_parts")
    message = _field(data, "message")
    account = data.get("account")
    if account is not None and not isinstance(account, str):
        raise Invalid("field 'account' must be a username")
    max_parts = _field(data, "max_parts", int) if "max_parts" in data else MAX_PARTS
    return jsonify(quote_json(gateway().quote(message, account, max_parts)))


# -- accounts ---------------------------------------------------------------------------


@blueprint.get("/accounts")
def list_accounts() -> Response:
    g = gateway()
    return jsonify(accounts=[account_json(a, g.default_rest_dialect) for a in g.accounts()])


@blueprint.post("/accounts")
@answers_errors
def create_account() -> tuple[Response, int]:
    g = gateway()
    account = g.create_account(account_from_json(_body()))
    return jsonify(account_json(account, g.default_rest_dialect)), 201


@blueprint.get("/accounts/<username>")
@answers_errors
def get_account(username: str) -> Response:
    g = gateway()
    return jsonify(account_json(g.get_account(username), g.default_rest_dialect))


@blueprint.patch("/accounts/<username>")
@answers_errors
def patch_account(username: str) -> Response:
    changes = account_fields(_body(), partial=True)
    g = gateway()  # the gateway refuses fields that cannot change (username, parent, ...)
    return jsonify(account_json(g.update_account(username, changes), g.default_rest_dialect))


@blueprint.get("/accounts/<username>/messages")
@answers_errors
def account_messages(username: str) -> Response:
    return jsonify(messages=[message_json(r) for r in gateway().outbox(username)])


@blueprint.get("/messages/<int:message_id>")
@answers_errors
def one_message(message_id: int) -> Response:
    return jsonify(message_json(gateway().message(message_id)))


@blueprint.get("/accounts/<username>/replies")
@answers_errors
def account_replies(username: str) -> Response:
    return jsonify(replies=[reply_json(r) for r in gateway().replies(username)])


@blueprint.get("/accounts/<username>/short-code-messages")
@answers_errors
def account_short_code_messages(username: str) -> Response:
    return jsonify(messages=[short_code_json(m) for m in gateway().short_code_messages(username)])


@blueprint.get("/accounts/<username>/opt-outs")
@answers_errors
def list_opt_outs(username: str) -> Response:
    return jsonify(opt_outs=[opt_out_json(o) for o in gateway().opt_outs(username)])


@blueprint.post("/accounts/<username>/opt-outs")
@answers_errors
def add_opt_out(username: str) -> tuple[Response, int]:
    opt_out = gateway().add_opt_out(username, _field(_body("number"), "number"))
    return jsonify(opt_out_json(opt_out)), 201


@blueprint.delete("/accounts/<username>/opt-outs/<number>")
@answers_errors
def remove_opt_out(username: str, number: str) -> tuple[str, int]:
    gateway().remove_opt_out(username, number)
    return "", 204


# -- the world: DNC, blacklist, scripted outcomes ---------------------------------------------


@blueprint.get("/dnc")
def list_dnc() -> Response:
    return jsonify(numbers=gateway().dnc())


@blueprint.post("/dnc")
@answers_errors
def add_dnc() -> tuple[Response, int]:
    number = _field(_body("number"), "number")
    gateway().add_dnc(number)
    return jsonify(number=number), 201


@blueprint.delete("/dnc/<number>")
@answers_errors
def remove_dnc(number: str) -> tuple[str, int]:
    gateway().remove_dnc(number)
    return "", 204


@blueprint.get("/blacklist")
def list_blacklist() -> Response:
    return jsonify(numbers=gateway().blacklist())


@blueprint.post("/blacklist")
@answers_errors
def add_blacklist() -> tuple[Response, int]:
    number = _field(_body("number"), "number")
    gateway().add_blacklist(number)
    return jsonify(number=number), 201


@blueprint.delete("/blacklist/<number>")
@answers_errors
def remove_blacklist(number: str) -> tuple[str, int]:
    gateway().remove_blacklist(number)
    return "", 204


@blueprint.get("/outcomes")
def list_outcomes() -> Response:
    return jsonify(outcomes=[outcome_json(n, o) for n, o in sorted(gateway().outcomes().items())])


@blueprint.post("/outcomes")
@answers_errors
def script_outcome() -> tuple[Response, int]:
    data = _body("number", "status", "status_code", "after_seconds")
    number = _field(data, "number")
    status_name = _field(data, "status")
    status = DeliveryStatus.lookup(status_name)
    if status is None:
        raise Invalid(f"unknown status {status_name!r}")
    code_value = _field(data, "status_code", int)
    code = StatusCode.lookup(code_value)
    if code is None:
        raise Invalid(f"{code_value} is not an Appendix B status code")
    after = float(to_decimal(data.get("after_seconds", 0), "after_seconds"))
    outcome = gateway().script_outcome(number, status, code, after)
    return jsonify(outcome_json(number, outcome)), 201


@blueprint.delete("/outcomes/<number>")
@answers_errors
def clear_outcome(number: str) -> tuple[str, int]:
    gateway().clear_outcome(number)
    return "", 204


# -- handsets ---------------------------------------------------------------------------


@blueprint.post("/replies")
@answers_errors
def inject_reply() -> tuple[Response, int]:
    data = _body("from", "message")
    reply = gateway().inject_reply(_field(data, "from"), _field(data, "message"))
    return jsonify(reply_json(reply)), 201


@blueprint.post("/short-codes/<code>/messages")
@answers_errors
def inject_short_code_message(code: str) -> tuple[Response, int]:
    data = _body("from", "message")
    sc = gateway().inject_short_code_message(code, _field(data, "from"), _field(data, "message"))
    return jsonify(short_code_json(sc)), 201


# -- the clock --------------------------------------------------------------------------


@blueprint.get("/clock")
def get_clock() -> Response:
    return jsonify(clock_json(gateway()))


@blueprint.post("/clock")
@answers_errors
def move_clock() -> Response:
    data = _body("advance_seconds", "now")
    if ("advance_seconds" in data) == ("now" in data):
        raise Invalid("give exactly one of 'advance_seconds' or 'now'")
    g = gateway()
    if "advance_seconds" in data:
        # no upper bound here: the clock itself says how far it may go
        seconds = to_decimal(data["advance_seconds"], "advance_seconds", maximum=None)
        g.advance_clock(float(seconds))
    else:
        text = _field(data, "now")
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise Invalid(f"{text!r} is not an ISO-8601 time") from None
        if moment.tzinfo is None:
            raise Invalid("'now' must carry its UTC offset, e.g. 2025-01-01T10:00:00+02:00")
        g.set_clock(moment)
    return jsonify(clock_json(gateway()))


# -- faults ------------------------------------------------------------------------------


@blueprint.get("/faults")
def list_faults() -> Response:
    return jsonify(faults=[fault_json(f) for f in gateway().faults()])


@blueprint.post("/faults")
@answers_errors
def add_fault() -> tuple[Response, int]:
    fault = gateway().add_fault(fault_from_json(_body()))
    return jsonify(fault_json(fault)), 201


@blueprint.delete("/faults")
def clear_faults() -> tuple[str, int]:
    gateway().clear_faults()
    return "", 204


# -- the request journal -------------------------------------------------------------------


@blueprint.get("/requests")
def list_requests() -> Response:
    entries = gateway().journal_entries(
        account=request.args.get("account"), api=request.args.get("api")
    )
    return jsonify(requests=[journal_json(e) for e in entries])


@blueprint.delete("/requests")
def clear_requests() -> tuple[str, int]:
    gateway().clear_journal(request.args.get("account"))
    return "", 204
