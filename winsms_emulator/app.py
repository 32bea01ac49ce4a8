"""The Flask application factory. There is no module-level app or state."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from winsms_emulator import __version__
from winsms_emulator.accounts_json import default_accounts
from winsms_emulator.clock import make_clock
from winsms_emulator.service import Gateway
from winsms_emulator.wire import error_response_for_path

EXTENSION = "winsms_emulator"
#: One line per request: method, path, status, account, duration (INFO).
ACCESS_LOG = logging.getLogger("winsms_emulator.access")
#: Largest request body accepted anywhere (the XML API's 1000 recipients fit easily).
DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
#: The REST API's documented limit.
REST_MAX_BODY_BYTES = 200 * 1024


@dataclass(frozen=True)
class EmulatorConfig:
    """Settings of one emulator application."""

    strict: bool = False
    rest_dialect: str = "seed"
    clock: str = "manual"
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    rest_max_body_bytes: int = REST_MAX_BODY_BYTES
    admin_token: str | None = None


@dataclass
class EmulatorState:
    """What one application instance holds: its gateway and its settings."""

    gateway: Gateway
    config: EmulatorConfig


def create_app(gateway: Gateway | None = None, config: EmulatorConfig | None = None) -> Flask:
    """Build an emulator application around ``gateway`` (a fresh default one if omitted).

    Without a gateway the emulator starts with the embedded default account
    (hpotter / w1Zard / hpotter-api-key, 1000.0 credits) and the clock that
    ``config.clock`` names.
    """
    config = config or EmulatorConfig()
    if gateway is None:
        gateway = Gateway(
            default_accounts(),
            make_clock(config.clock),
            default_rest_dialect=config.rest_dialect,
        )
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions[EXTENSION] = EmulatorState(gateway, config)

    from winsms_emulator.adapters import faults, rest_v1, ui, xml_api
    from winsms_emulator.adapters.control import blueprint as control_blueprint

    app.register_blueprint(control_blueprint)
    faults.register(app)  # before the XML API: a fault answers instead of the API
    xml_api.register(app)
    rest_v1.register(app)
    ui.register(app)  # the web inbox at /_emulator/ui/

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        return error_response_for_path(request.path, request.method, exc)

    @app.before_request
    def start_timer() -> None:
        g.winsms_started = time.perf_counter()

    @app.after_request
    def access_log(response: Response) -> Response:
        if ACCESS_LOG.isEnabledFor(logging.INFO):
            started = g.get("winsms_started")
            took = (time.perf_counter() - started) * 1000 if started else 0.0
            ACCESS_LOG.info(
                "%s %s %s account=%s %.1fms",
                request.method,
                request.full_path.rstrip("?"),
                response.status_code,
                g.get("winsms_account") or "-",
                took,
            )
        return response

    return app


def state() -> EmulatorState:
    """The running application's emulator state."""
    found: EmulatorState = current_app.extensions[EXTENSION]
    return found


def gateway() -> Gateway:
    return state().gateway


__all__ = ["EmulatorConfig", "EmulatorState", "__version__", "create_app", "gateway", "state"]
