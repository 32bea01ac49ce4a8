"""The web inbox's coverage page: ``/_emulator/ui/coverage/``, the contract coverage report
(:mod:`winsms_emulator.coverage`) rendered on the server, for the whole server or one
account, since the start, the last reset or the mark. Its button sets the mark (a plain
form: the page runs no script). The admin token guards it as it guards the inbox.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from winsms_emulator.adapters.ui_auth import require_admin_token
from winsms_emulator.adapters.ui_render import page, static_url
from winsms_emulator.control_plane import ControlPlane
from winsms_emulator.errors import GatewayError
from winsms_emulator.forms.values import iso
from winsms_emulator.version import __version__
from winsms_emulator.web.context import gateway

blueprint = Blueprint("ui_coverage", __name__, url_prefix="/_emulator/ui/coverage")
blueprint.before_request(require_admin_token)

#: How the page names each scope.
SCOPE_NAMES = {
    "start": "since the start",
    "reset": "since the last reset",
    "mark": "since the mark",
}
_STATUS_BY_KIND = {"invalid": 400, "not_found": 404}


def register(app: Flask) -> None:
    """Serve the coverage page on ``app`` (after the inbox: it shares its files)."""
    app.register_blueprint(blueprint)


@blueprint.get("/")
def page_view() -> Response:
    """The report for ``?account=`` (none: the whole server) and ``?since=``."""
    account = request.args.get("account") or None
    since = request.args.get("since") or None
    plane = ControlPlane(gateway())
    context: dict[str, Any] = {
        "version": __version__,
        "css": static_url("inbox.css"),
        "inbox_url": url_for("ui.index"),
        "page_url": url_for("ui_coverage.page_view"),
        "mark_url": url_for("ui_coverage.mark"),
        "accounts": sorted(plane.coverage_accounts()),
        "account": account,
        "scopes": SCOPE_NAMES,
        "clock": iso(gateway().now()),
    }
    try:
        found = plane.coverage_report(account, since)
    except GatewayError as exc:
        status = _STATUS_BY_KIND.get(exc.kind, 400)
        return page("coverage.html", status, report=None, problem=exc.message, **context)
    return page("coverage.html", report=found, problem=None, **context)


@blueprint.post("/mark")
def mark() -> BaseResponse:
    """Set the mark, then show the report since it (for the account the page showed)."""
    ControlPlane(gateway()).mark_coverage()
    account = request.form.get("account") or None
    return redirect(url_for("ui_coverage.page_view", account=account, since="mark"), code=303)


__all__ = ["blueprint", "register"]
