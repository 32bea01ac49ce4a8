"""The Flask application factory. There is no module-level app or state."""

from __future__ import annotations

from flask import Flask

from winsms_emulator.adapters import landing, ui, ui_coverage, webhooks
from winsms_emulator.adapters.control import blueprint as control_blueprint
from winsms_emulator.clock import make_clock
from winsms_emulator.config import EmulatorConfig
from winsms_emulator.forms.accounts import default_accounts
from winsms_emulator.registry import SURFACES
from winsms_emulator.services import Gateway
from winsms_emulator.web import fastlane, routing
from winsms_emulator.web.context import EXTENSION, EmulatorState


def _gateway_for(config: EmulatorConfig, gateway: Gateway | None) -> Gateway:
    """The gateway the app serves: the one given (which the config must not contradict),
    or a fresh one with the default account, built as the config says."""
    if gateway is None:
        return Gateway(
            default_accounts(),
            make_clock(config.clock or "manual"),
            default_rest_dialect=config.rest_dialect or "seed",
            journal_max_bytes=config.journal_max_bytes,
        )
    if config.clock is not None and config.clock != gateway.clock.mode:
        raise ValueError(
            f"the config asks for a {config.clock} clock but the gateway's is "
            f"{gateway.clock.mode}: leave EmulatorConfig.clock out when passing a gateway"
        )
    if config.rest_dialect is not None and config.rest_dialect != gateway.default_rest_dialect:
        raise ValueError(
            f"the config asks for the {config.rest_dialect} REST shape but the gateway's "
            f"default is {gateway.default_rest_dialect}: build the gateway with "
            "default_rest_dialect, or leave EmulatorConfig.rest_dialect out"
        )
    wanted = config.journal_max_bytes
    if wanted is not None and wanted != gateway.journal.max_bytes:
        raise ValueError(
            f"the config bounds the journal at {wanted} bytes but the gateway's journal "
            f"keeps {gateway.journal.max_bytes}: build the gateway with journal_max_bytes, "
            "or leave EmulatorConfig.journal_max_bytes out"
        )
    return gateway


def create_app(gateway: Gateway | None = None, config: EmulatorConfig | None = None) -> Flask:
    """Build an emulator application around ``gateway`` (a fresh default one if omitted).

    Without a gateway the emulator starts with the embedded default account
    (hpotter / w1Zard / hpotter-api-key, 1000.0 credits), the clock ``config.clock``
    names (manual by default) and the REST shape ``config.rest_dialect`` names (seed by
    default). With a gateway, the config's clock and REST shape must be left out or
    agree with it (:class:`ValueError` otherwise).
    """
    config = config or EmulatorConfig()
    app = Flask(__name__)
    app.url_rule_class = routing.LazyRule
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    emulator = EmulatorState(_gateway_for(config, gateway), config, {}, {})
    app.extensions[EXTENSION] = emulator
    emulator.surfaces = {s.name: s for s in SURFACES}
    emulator.operations = routing.install(app, SURFACES)
    app.register_blueprint(control_blueprint)
    webhooks.register(app)  # webhook tests, attempts and the built-in sink
    ui.register(app)  # the web inbox at /_emulator/ui/
    ui_coverage.register(app)  # and its coverage page
    landing.register(app)  # where everything is: / and /_emulator/
    fastlane.install(app, emulator)  # every request's steps, and the WinSMS fast lane
    return app


__all__ = ["EmulatorConfig", "create_app"]
