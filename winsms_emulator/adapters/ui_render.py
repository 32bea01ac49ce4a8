"""How the web inbox's pages are made: the Jinja templates (everything escaped), their
formatting filters, and the headers every answer of the inbox carries."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from flask import Response, url_for
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from werkzeug.wrappers import Response as BaseResponse

from winsms_emulator.errors import StatusCode
from winsms_emulator.version import __version__

UI_DIR = Path(__file__).resolve().parent.parent / "ui"
TEMPLATES_DIR = UI_DIR / "templates"
STATIC_DIR = UI_DIR / "static"

R = TypeVar("R", bound=BaseResponse)

#: Defence in depth: no inline script or style runs, nothing loads from elsewhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

templates = Environment(
    loader=FileSystemLoader(str(TEMPLATES_DIR)),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


# -- formatting helpers (Jinja filters) ---------------------------------------------------


def _when(iso: str | None) -> str:
    """``2025-01-01T08:00:02+02:00`` -> ``2025-01-01 08:00:02``."""
    return iso[:19].replace("T", " ") if iso else "—"


def _time_of(iso: str | None, same_day_as: str | None = None) -> str:
    """Only the time when the date is ``same_day_as``'s, else date and time."""
    if not iso:
        return "—"
    if same_day_as and iso[:10] == same_day_as[:10]:
        return iso[11:19]
    return _when(iso)


def _credits(value: float) -> str:
    return f"{value:,.2f}"


def _code_text(code: int | None) -> str:
    found = StatusCode.lookup(code)
    return found.description if found is not None else "unknown code"


def _status_class(status: str, code: int) -> str:
    """The CSS class of a status badge."""
    if code == StatusCode.IN_QUEUE:
        return "st-queued"
    return "st-" + status.lower()


#: What the outbox says a message was sent with ("via ..."), by the message's ``api``.
VIA = {
    "xml": "XML API",
    "rest": "REST v1",
    "http": "HTTP (GET) API",
    "service": "Python API",
    "optout-confirmation": "opt-out confirmation",
}


def _via(api: str) -> str:
    return VIA.get(api, api)


templates.filters.update(
    when=_when, time_of=_time_of, credits=_credits, code_text=_code_text, via=_via
)
templates.globals.update(status_class=_status_class)


# -- answers --------------------------------------------------------------------------------


def secured(response: R) -> R:
    """The headers every answer of the inbox carries (and its pages' content policy)."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return response


def html(body: str, status: int = 200) -> Response:
    return secured(Response(body, status=status, mimetype="text/html"))


def static_url(filename: str) -> str:
    return url_for("ui.static", filename=filename, v=__version__)


def page(template: str, status: int = 200, **context: Any) -> Response:
    """One of the inbox's templates, rendered (everything escaped) and secured."""
    return html(templates.get_template(template).render(**context), status)


def chrome() -> dict[str, Any]:
    """What every page of the inbox shows around its content: version, assets, links."""
    return {
        "version": __version__,
        "css": static_url("inbox.css"),
        "js": static_url("inbox.js"),
        "page": url_for("ui.index"),
        "coverage_url": url_for("ui_coverage.page_view"),
    }
