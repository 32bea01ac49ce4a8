"""The landing page at ``/`` (and ``/_emulator/``): where everything is. It links the web
inbox, the coverage page, the request journal, the OpenAPI documents the emulator
serves, the APIs' base addresses and every section of the README, which
``/_emulator/readme`` serves (each section under GitHub's anchor for it). Neither page
holds anything secret, so neither needs the admin token.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, request, url_for

from winsms_emulator.adapters.ui_render import page, static_url
from winsms_emulator.forms.values import iso
from winsms_emulator.readme import sections
from winsms_emulator.registry import SURFACES
from winsms_emulator.resources import readme_text
from winsms_emulator.version import __version__
from winsms_emulator.web.context import gateway

blueprint = Blueprint("landing", __name__)

#: The OpenAPI documents the emulator serves: (what it describes, its endpoint).
DOCUMENTS = (
    ("The control plane (/_emulator/...)", "control.openapi_document"),
    ("REST v1", "rest_v1.openapi"),
    ("The HTTP (GET) API", "http_api.openapi"),
)


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)


def _base() -> dict[str, Any]:
    return {
        "version": __version__,
        "css": static_url("inbox.css"),
        "clock": iso(gateway().now()),
        "clock_mode": gateway().clock.mode,
        "landing_url": url_for("landing.index"),
        "readme_url": url_for("landing.readme"),
    }


@blueprint.get("/")
@blueprint.get("/_emulator/")
def index() -> Response:
    """Where everything is."""
    text = readme_text()
    found = [s for s in sections(text) if 2 <= s.level <= 3] if text else []
    apis = [
        (s.title or s.name, sorted({_example_path(p) for op in s.operations for p in op.paths}))
        for s in SURFACES
    ]
    return page(
        "landing.html",
        base_url=request.host_url.rstrip("/"),
        inbox_url=url_for("ui.index"),
        coverage_url=url_for("ui_coverage.page_view"),
        journal_url=url_for("control.reads.list_requests"),
        documents=[(what, url_for(endpoint)) for what, endpoint in DOCUMENTS],
        apis=apis,
        sections=found,
        **_base(),
    )


@blueprint.get("/_emulator/readme")
def readme() -> Response:
    """The README, section by section, as written."""
    text = readme_text()
    status = 200 if text else 404
    return page("readme.html", status, sections=sections(text) if text else [], **_base())


def _example_path(rule: str) -> str:
    """A rule as a person writes the path: ``/<anycase("auth.asp"):path>`` is
    ``/api/auth.asp``."""
    if "anycase" in rule:
        return "/api/" + rule.split('"')[1]
    return rule
