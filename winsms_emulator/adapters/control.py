"""The control plane over HTTP: ``/_emulator/...``, how tests arrange the world and look
at it. Each route hands its JSON to :class:`~winsms_emulator.control_plane.ControlPlane`.

JSON in, JSON out. Errors are ``{"error": "..."}`` with 400 (bad input), 404 (no such
thing) or 409 (conflicts with the current state).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from functools import cache, wraps
from typing import Any, ParamSpec

from flask import Blueprint, Response, jsonify, request

from winsms_emulator.adapters.control_reads import blueprint as reads_blueprint
from winsms_emulator.control_plane import ControlPlane
from winsms_emulator.errors import GatewayError, Invalid
from winsms_emulator.resources import schemas_dir
from winsms_emulator.version import __version__
from winsms_emulator.web.answers import control_error
from winsms_emulator.web.context import config, gateway, state

blueprint = Blueprint("control", __name__, url_prefix="/_emulator")

#: Open even when an admin token protects the control plane (probes need them).
OPEN_ENDPOINTS = frozenset({"control.health", "control.ready"})
_STATUS_BY_KIND = {"invalid": 400, "not_found": 404, "conflict": 409}

P = ParamSpec("P")


@blueprint.before_request
def require_admin_token() -> Response | None:
    """With ``--admin-token``, every control-plane call but health and ready needs it, as
    ``Authorization: Bearer <token>`` or ``X-Emulator-Token: <token>``."""
    token = config().admin_token
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


def answers_errors(view: Callable[P, Any]) -> Callable[P, Any]:
    """Turn the gateway's refusals into ``{"error": ...}`` answers."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Any:
        try:
            return view(*args, **kwargs)
        except GatewayError as exc:
            return control_error(_STATUS_BY_KIND.get(exc.kind, 400), exc.message)

    return wrapper


def plane() -> ControlPlane:
    return ControlPlane(gateway())


def body(what: str = "") -> Any:
    """The request's JSON (``{}`` when there is none): 400 when it is not JSON or nests
    deeper than the JSON reader goes (whatever the Content-Type). ``what`` says in the
    error what the body must be."""
    raw = request.get_data(cache=True)
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except RecursionError:
        raise Invalid(
            "the request body nests arrays or objects too deeply to read; "
            "no control-plane request needs more than a few levels"
        ) from None
    except ValueError:
        data = None
    if data is None:
        raise Invalid(f"the request body is not valid JSON{'; it must be ' + what if what else ''}")
    return data


def created(data: Any) -> tuple[Response, int]:
    return jsonify(data), 201


def done() -> tuple[str, int]:
    return "", 204


# -- the emulator -----------------------------------------------------------------------


@blueprint.get("/health")
def health() -> Response:
    """Liveness: the process answers."""
    return jsonify(status="ok", version=__version__)


@cache
def _control_openapi() -> dict[str, Any]:
    path = schemas_dir() / "control-plane.openapi.json"
    found: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return found


@blueprint.get("/openapi.json")
def openapi_document() -> Response:
    """The control plane's OpenAPI 3.1 document."""
    return jsonify(_control_openapi())


@blueprint.get("/ready")
def ready() -> Response:
    """Readiness: accounts and schemas are loaded."""
    from flask import current_app

    counts = gateway().control.counts()
    schema_set = current_app.extensions.get("xml_schemas")
    schemas = schema_set.count if schema_set is not None else 0
    return jsonify(status="ready", accounts=counts["accounts"], schemas=schemas)


@blueprint.post("/reset")
@answers_errors
def reset() -> Response:
    return jsonify(plane().reset(body()))


@blueprint.get("/state")
def export_state() -> Response:
    return jsonify(plane().export_state())


@blueprint.put("/state")
@answers_errors
def import_state() -> Response:
    document = body("a state document (a JSON object)") if request.get_data() else None
    return jsonify(plane().import_state(document))


@blueprint.post("/quote")
@answers_errors
def quote() -> Response:
    return jsonify(plane().quote(body()))


@blueprint.get("/clock")
def get_clock() -> Response:
    return jsonify(plane().clock())


@blueprint.post("/clock")
@answers_errors
def move_clock() -> Response:
    return jsonify(plane().move_clock(body()))


@blueprint.get("/faults")
def list_faults() -> Response:
    return jsonify(faults=plane().faults())


@blueprint.post("/faults")
@answers_errors
def add_fault() -> tuple[Response, int]:
    return created(plane().add_fault(body()))


@blueprint.delete("/faults")
def clear_faults() -> tuple[str, int]:
    plane().clear_faults()
    return done()


@blueprint.delete("/requests")
def clear_requests() -> tuple[str, int]:
    plane().clear_journal(request.args.get("account"))
    return done()


@blueprint.get("/coverage")
@answers_errors
def coverage() -> Response:
    """Which documented operations and outcomes were exercised, and which never were."""
    return jsonify(plane().coverage(request.args.get("account"), request.args.get("since")))


@blueprint.post("/coverage/mark")
def mark_coverage() -> Response:
    """The coverage report's ``mark`` scope begins now."""
    return jsonify(plane().mark_coverage())


# -- accounts ---------------------------------------------------------------------------


@blueprint.get("/accounts")
def list_accounts() -> Response:
    return jsonify(accounts=plane().accounts())


@blueprint.post("/accounts")
@answers_errors
def create_account() -> tuple[Response, int]:
    return created(plane().create_account(body()))


@blueprint.get("/accounts/<username>")
@answers_errors
def get_account(username: str) -> Response:
    return jsonify(plane().account(username))


@blueprint.patch("/accounts/<username>")
@answers_errors
def patch_account(username: str) -> Response:
    return jsonify(plane().update_account(username, body()))


@blueprint.post("/accounts/<username>/reset")
@answers_errors
def reset_account(username: str) -> Response:
    """Clear one account's messages, replies and journal; others are untouched."""
    return jsonify(plane().reset_account(username))


@blueprint.get("/accounts/<username>/refused")
@answers_errors
def account_refused(username: str) -> Response:
    """Every recipient the account's sends were refused for, oldest first."""
    return jsonify(refused=plane().refused(username))


@blueprint.get("/accounts/<username>/short-code-messages")
@answers_errors
def account_short_code_messages(username: str) -> Response:
    return jsonify(messages=plane().short_code_messages(username))


@blueprint.get("/accounts/<username>/opt-outs")
@answers_errors
def list_opt_outs(username: str) -> Response:
    return jsonify(opt_outs=plane().opt_outs(username))


@blueprint.post("/accounts/<username>/opt-outs")
@answers_errors
def add_opt_out(username: str) -> tuple[Response, int]:
    return created(plane().add_opt_out(username, body()))


@blueprint.delete("/accounts/<username>/opt-outs/<number>")
@answers_errors
def remove_opt_out(username: str, number: str) -> tuple[str, int]:
    plane().remove_opt_out(username, number)
    return done()


# -- the network: DNC, blacklist, scripted outcomes, handsets ------------------------------------


@blueprint.get("/dnc")
def list_dnc() -> Response:
    return jsonify(numbers=plane().dnc())


@blueprint.post("/dnc")
@answers_errors
def add_dnc() -> tuple[Response, int]:
    return created(plane().add_dnc(body()))


@blueprint.delete("/dnc/<number>")
@answers_errors
def remove_dnc(number: str) -> tuple[str, int]:
    plane().remove_dnc(number)
    return done()


@blueprint.get("/blacklist")
def list_blacklist() -> Response:
    return jsonify(numbers=plane().blacklist())


@blueprint.post("/blacklist")
@answers_errors
def add_blacklist() -> tuple[Response, int]:
    return created(plane().add_blacklist(body()))


@blueprint.delete("/blacklist/<number>")
@answers_errors
def remove_blacklist(number: str) -> tuple[str, int]:
    plane().remove_blacklist(number)
    return done()


@blueprint.get("/outcomes")
def list_outcomes() -> Response:
    return jsonify(outcomes=plane().outcomes())


@blueprint.post("/outcomes")
@answers_errors
def script_outcome() -> tuple[Response, int]:
    return created(plane().script_outcome(body()))


@blueprint.delete("/outcomes/<number>")
@answers_errors
def clear_outcome(number: str) -> tuple[str, int]:
    plane().clear_outcome(number)
    return done()


@blueprint.post("/replies")
@answers_errors
def inject_reply() -> tuple[Response, int]:
    return created(plane().inject_reply(body()))


@blueprint.post("/short-codes/<code>/messages")
@answers_errors
def inject_short_code_message(code: str) -> tuple[Response, int]:
    return created(plane().inject_short_code_message(code, body()))


blueprint.register_blueprint(reads_blueprint)  # the reads that search and wait

__all__ = ["blueprint", "state"]
