"""The web inbox: ``/_emulator/ui/``, one page showing what every account did, live.

Server-rendered HTML (Jinja, everything escaped) and one small script that
polls ``state.json`` and, when its ``version`` changes, fetches the changed
panels as an HTML fragment (``live``) and swaps them in. The page's buttons
call the control plane (``/_emulator/clock``, ``/_emulator/replies``,
``/_emulator/accounts/<user>/reset``) with ``fetch``.

With an admin token (``EmulatorConfig(admin_token=...)``) the inbox needs it
too: open ``/_emulator/ui/?token=TOKEN`` once; the answer sets an HttpOnly,
SameSite=Strict cookie (a digest of the token, not the token) and redirects to
the page without the token in its address. The page's script sends the
token to the control plane as ``X-Emulator-Token``, read from a data attribute.
``Authorization: Bearer`` and ``X-Emulator-Token`` are accepted here as well.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, jsonify, redirect, request, url_for
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from werkzeug.wrappers import Response as BaseResponse

from winsms_emulator.adapters.ui_webhooks import webhook_panel
from winsms_emulator.domain.accounts import Account
from winsms_emulator.domain.inbound import Reply, ShortCodeMessage
from winsms_emulator.domain.results import MessageRecord
from winsms_emulator.errors import StatusCode
from winsms_emulator.forms.accounts import account_json
from winsms_emulator.forms.control import message_json, reply_json, short_code_json
from winsms_emulator.forms.values import iso
from winsms_emulator.services import Gateway
from winsms_emulator.version import __version__
from winsms_emulator.web.answers import control_error
from winsms_emulator.web.context import config, gateway

CONTROL_PREFIX = "/_emulator"

UI_DIR = Path(__file__).resolve().parent.parent / "ui"
TEMPLATES_DIR = UI_DIR / "templates"
STATIC_DIR = UI_DIR / "static"

R = TypeVar("R", bound=BaseResponse)

#: The cookie that lets a browser in after it showed the admin token once.
COOKIE = "winsms_emulator_ui"
#: The outbox shows at most this many messages, newest first.
MAX_ROWS = 200
#: How often the page asks whether anything changed (milliseconds).
POLL_MS = 500
#: The pages a browser opens: without the admin token they show the form that asks for it.
PAGES = frozenset({"ui.index", "ui_coverage.page_view"})

#: Defence in depth: no inline script or style runs, nothing loads from elsewhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

blueprint = Blueprint(
    "ui",
    __name__,
    url_prefix="/_emulator/ui",
    static_folder=str(STATIC_DIR),
    static_url_path="/static",
)

_templates = Environment(
    loader=FileSystemLoader(str(TEMPLATES_DIR)),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def register(app: Flask) -> None:
    """Serve the web inbox at ``/_emulator/ui/`` on ``app``."""
    app.register_blueprint(blueprint)


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


def _code_text(code: int) -> str:
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


_templates.filters.update(
    when=_when, time_of=_time_of, credits=_credits, code_text=_code_text, via=_via
)
_templates.globals.update(status_class=_status_class)


# -- the model the page shows ---------------------------------------------------------------


@dataclass(frozen=True)
class Inbox:
    """Everything the live panels show, from one consistent reading of the gateway."""

    accounts: list[dict[str, Any]]
    selected: dict[str, Any] | None
    messages: list[dict[str, Any]]  # newest first, at most MAX_ROWS
    message_count: int
    replies: list[dict[str, Any]]  # newest first
    short_code_messages: list[dict[str, Any]]  # newest first
    dnc: list[str]
    blacklist: list[str]
    clock: dict[str, Any]
    webhooks: dict[str, Any]  # the webhooks panel (adapters/ui_webhooks.py)

    @property
    def version(self) -> str:
        """A fingerprint of what the panels show (the clock's reading is left out: the
        header shows it from ``state.json``, and a real clock would change it every poll)."""
        shown = {
            "accounts": self.accounts,
            "selected": self.selected["username"] if self.selected else None,
            "messages": self.messages,
            "message_count": self.message_count,
            "replies": self.replies,
            "short_code_messages": self.short_code_messages,
            "dnc": self.dnc,
            "blacklist": self.blacklist,
            "clock_mode": self.clock["mode"],
            "webhooks": self.webhooks,
        }
        text = json.dumps(shown, sort_keys=True, default=str, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class _Raw:
    """The gateway's own copies, taken under its lock in one go (so they agree)."""

    accounts: list[Account]
    selected: Account | None
    outbox: list[MessageRecord]
    replies: list[Reply]
    short_code_messages: list[ShortCodeMessage]
    dnc: list[str]
    blacklist: list[str]
    now: datetime


def _take(g: Gateway, wanted: str | None) -> _Raw:
    accounts = g.accounts.all()
    selected = next((a for a in accounts if a.username == wanted), None)
    if selected is None and accounts:
        selected = accounts[0]
    username = selected.username if selected is not None else None
    return _Raw(
        accounts=accounts,
        selected=selected,
        outbox=g.accounts.outbox(username) if username else [],
        replies=g.accounts.replies(username) if username else [],
        short_code_messages=g.accounts.short_code_messages(username) if username else [],
        dnc=g.network.dnc(),
        blacklist=g.network.blacklist(),
        now=g.now(),
    )


def read_inbox(wanted: str | None) -> Inbox:
    """The inbox for account ``wanted`` (the first account when there is no such account).

    Only the copying happens under the gateway's lock; the JSON forms are made after it.
    """
    g = gateway()
    with g.core.lock:
        raw = _take(g, wanted)
    dialect = g.default_rest_dialect
    accounts = [account_json(a, dialect) for a in raw.accounts]
    chosen = raw.selected.username if raw.selected is not None else None
    return Inbox(
        accounts=accounts,
        selected=next((a for a in accounts if a["username"] == chosen), None),
        messages=[message_json(r) for r in reversed(raw.outbox[-MAX_ROWS:])],
        message_count=len(raw.outbox),
        replies=[reply_json(r) for r in reversed(raw.replies)],
        short_code_messages=[short_code_json(m) for m in reversed(raw.short_code_messages)],
        dnc=raw.dnc,
        blacklist=raw.blacklist,
        clock={"now": iso(raw.now), "mode": g.clock.mode},
        webhooks=webhook_panel(g, chosen),
    )


# -- the admin token ------------------------------------------------------------------------


def _admin_token() -> str | None:
    return config().admin_token


def session_value(token: str) -> str:
    """What the cookie holds: a digest of the admin token, never the token itself."""
    return hmac.new(token.encode(), b"winsms-emulator-ui", hashlib.sha256).hexdigest()


def _same(given: str, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def _header_token() -> str:
    given = request.headers.get("X-Emulator-Token", "")
    bearer = request.headers.get("Authorization", "")
    if not given and bearer[:7].lower() == "bearer ":
        given = bearer[7:].strip()
    return given


def _allowed(token: str) -> bool:
    if _same(_header_token(), token):
        return True
    return _same(request.cookies.get(COOKIE, ""), session_value(token))


def _secured(response: R) -> R:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return response


def _html(body: str, status: int = 200) -> Response:
    return _secured(Response(body, status=status, mimetype="text/html"))


def _page_address(account: str | None) -> str:
    query = urlencode({"account": account}) if account else ""
    return url_for("ui.index") + (f"?{query}" if query else "")


@blueprint.before_request
def require_admin_token() -> BaseResponse | None:
    """With an admin token, the inbox needs it (once in ``?token=``, then the cookie)."""
    token = _admin_token()
    if not token or request.endpoint == "ui.static":
        return None
    if request.endpoint == "ui.index" and "token" in request.args:
        if not _same(request.args.get("token", ""), token):
            return _login_page("That token is not this emulator's admin token.")
        answer = _secured(redirect(_page_address(request.args.get("account")), code=303))
        answer.set_cookie(
            COOKIE,
            session_value(token),
            path=url_for("ui.index"),
            httponly=True,
            samesite="Strict",
        )
        return answer
    if _allowed(token):
        return None
    if request.endpoint in PAGES:
        return _login_page(None)
    answer = _secured(control_error(401, "the web inbox needs the admin token"))
    answer.headers["WWW-Authenticate"] = 'Bearer realm="winsms-emulator"'
    return answer


def _login_page(problem: str | None) -> Response:
    body = _templates.get_template("token.html").render(
        problem=problem,
        action=url_for("ui.index"),
        account=request.args.get("account", ""),
        css=static_url("inbox.css"),
        version=__version__,
    )
    answer = _html(body, 401)
    answer.headers["WWW-Authenticate"] = 'Bearer realm="winsms-emulator"'
    return answer


# -- the routes -----------------------------------------------------------------------------


def static_url(filename: str) -> str:
    return url_for("ui.static", filename=filename, v=__version__)


def page(template: str, status: int = 200, **context: Any) -> Response:
    """One of the inbox's templates, rendered (everything escaped) and secured."""
    return _html(_templates.get_template(template).render(**context), status)


def _wanted() -> str | None:
    return request.args.get("account") or None


@blueprint.get("/")
def index() -> Response:
    """The whole page."""
    inbox = read_inbox(_wanted())
    body = _templates.get_template("page.html").render(
        inbox=inbox,
        version=__version__,
        page=url_for("ui.index"),
        state_url=url_for("ui.state_json"),
        live_url=url_for("ui.live"),
        control_url=request.script_root + CONTROL_PREFIX,
        css=static_url("inbox.css"),
        js=static_url("inbox.js"),
        token=_admin_token() or "",
        coverage_url=url_for("ui_coverage.page_view"),
        poll_ms=POLL_MS,
        max_rows=MAX_ROWS,
    )
    return _html(body)


@blueprint.get("/live")
def live() -> Response:
    """The live panels alone (an HTML fragment the page swaps in)."""
    inbox = read_inbox(_wanted())
    body = _templates.get_template("live.html").render(
        inbox=inbox, page=url_for("ui.index"), max_rows=MAX_ROWS
    )
    return _html(body)


@blueprint.get("/state.json")
def state_json() -> Response:
    """A small answer polled twice a second: the panels' fingerprint and the clock."""
    inbox = read_inbox(_wanted())
    return _secured(
        jsonify(
            version=inbox.version,
            account=inbox.selected["username"] if inbox.selected else None,
            clock=inbox.clock,
            counts={
                "accounts": len(inbox.accounts),
                "messages": inbox.message_count,
                "replies": len(inbox.replies),
                "short_code_messages": len(inbox.short_code_messages),
                "dnc": len(inbox.dnc),
                "blacklist": len(inbox.blacklist),
            },
        )
    )


__all__ = ["Inbox", "blueprint", "read_inbox", "register", "session_value"]
