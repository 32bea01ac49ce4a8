"""The web inbox: ``/_emulator/ui/``, what every account did, live, as a mail catcher shows it.

* ``/_emulator/ui/?account=A`` an account: its outbox, refused recipients or request
  journal (``view=``), searched (``q=``), filtered (``status=``, ``api=``, ``reason=``,
  ``violations=1``) and paged (``page=``, 200 rows a page, newest first), beside its
  replies, short-code messages and opt-outs; ``?account=nobody`` is a 404 that says so;
* ``/_emulator/ui/messages/<id>`` one message: its timeline, the request that sent it
  (the journal entry and its schema violations), the rest of that request, its replies;
* ``/_emulator/ui/requests/<id>`` one journalled request and what it left behind.

Server-rendered HTML (:mod:`~winsms_emulator.adapters.ui_render`, everything escaped) and
one small script that polls ``state.json`` (with the page's own query) and, when its
``version`` changes, fetches the changed panels as an HTML fragment (``live``) and swaps
them in. The page's buttons call the control plane through ``/_emulator/ui/control/...``,
which the inbox's own cookie opens when an admin token is set
(:mod:`~winsms_emulator.adapters.ui_auth`): no token is ever written into a page.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, make_response, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from winsms_emulator.adapters.ui_auth import COOKIE, require_admin_token, session_value
from winsms_emulator.adapters.ui_render import STATIC_DIR, chrome, page, secured
from winsms_emulator.adapters.ui_views import (
    APIS,
    MAX_ROWS,
    STATUSES,
    VIEWS,
    Inbox,
    Problem,
    Query,
    read_inbox,
    read_message,
    read_query,
    read_request,
)
from winsms_emulator.domain.refusals import REASONS
from winsms_emulator.web.answers import control_error
from winsms_emulator.web.context import gateway

CONTROL_PREFIX = "/_emulator"

#: How often the page asks whether anything changed (milliseconds).
POLL_MS = 500
#: The methods the page's script may use on the control plane through the inbox.
BRIDGED = ["GET", "POST", "PUT", "PATCH", "DELETE"]

blueprint = Blueprint(
    "ui",
    __name__,
    url_prefix="/_emulator/ui",
    static_folder=str(STATIC_DIR),
    static_url_path="/static",
)
blueprint.before_request(require_admin_token)


def register(app: Flask) -> None:
    """Serve the web inbox at ``/_emulator/ui/`` on ``app``."""
    app.register_blueprint(blueprint)


def _missing(problem: Problem, **context: Any) -> Response:
    """The page that says what is not there (or what is wrong with the address)."""
    accounts = [a.username for a in gateway().accounts.all()]
    heading = "Not found" if problem.status == 404 else "Not an address of the inbox"
    return page(
        "missing.html",
        problem.status,
        heading=heading,
        problem=problem.message,
        accounts=accounts,
        **context,
    )


def _inbox() -> Inbox:
    return read_inbox(gateway(), read_query(request.args))


def _choices() -> dict[str, Any]:
    return {"view_names": VIEWS, "statuses": STATUSES, "apis": APIS, "reasons": REASONS}


@blueprint.get("/")
def index() -> Response:
    """The whole page."""
    try:
        inbox = _inbox()
    except Problem as problem:
        return _missing(problem, **chrome())
    return page(
        "page.html",
        inbox=inbox,
        state_url=url_for("ui.state_json"),
        live_url=url_for("ui.live"),
        control_url=url_for("ui.index") + "control",
        poll_ms=POLL_MS,
        max_rows=MAX_ROWS,
        **_choices(),
        **chrome(),
    )


@blueprint.get("/live")
def live() -> Response:
    """The live panels alone (an HTML fragment the page swaps in)."""
    try:
        inbox = _inbox()
    except Problem as problem:
        return secured(control_error(problem.status, problem.message))
    return page("live.html", inbox=inbox, page=url_for("ui.index"), max_rows=MAX_ROWS, **_choices())


@blueprint.get("/state.json")
def state_json() -> Response:
    """A small answer polled twice a second: the panels' fingerprint and the clock."""
    try:
        inbox = _inbox()
    except Problem as problem:
        return secured(control_error(problem.status, problem.message))
    return secured(
        jsonify(
            version=inbox.version,
            account=inbox.selected["username"] if inbox.selected else None,
            clock=inbox.clock,
            counts={
                "accounts": len(inbox.accounts),
                "messages": inbox.counts["outbox"],
                "refused": inbox.counts["refused"],
                "requests": inbox.counts["journal"],
                "shown": inbox.view.total,
                "replies": len(inbox.replies),
                "short_code_messages": len(inbox.short_code_messages),
                "dnc": len(inbox.dnc),
                "blacklist": len(inbox.blacklist),
            },
        )
    )


@blueprint.get("/messages/<int:message_id>")
def message_view(message_id: int) -> Response:
    """One message: its timeline, its request and journal entry, its replies."""
    try:
        detail = read_message(gateway(), message_id)
    except Problem as problem:
        return _missing(problem, **chrome())
    account = detail.message["account"]
    return page("message.html", detail=detail, query=Query(account=account), **chrome())


@blueprint.get("/requests/<int:request_id>")
def request_view(request_id: int) -> Response:
    """One journalled request: what it was, its schema violations, what it left behind."""
    try:
        detail = read_request(gateway(), request_id)
    except Problem as problem:
        return _missing(problem, **chrome())
    account = detail.request["account"]
    return page("request.html", detail=detail, query=Query(account=account), **chrome())


#: The blueprints of the control plane (its webhook calls have one of their own).
CONTROL_BLUEPRINTS = ("control", "control_webhooks")


@blueprint.route("/control/<path:path>", methods=BRIDGED)
def control_bridge(path: str) -> Any:
    """The control plane, for the page's own script: the inbox's admin-token check (its
    cookie) stands in for the control plane's, so the page never holds the token. Only
    JSON bodies from the page's own origin are taken (a form elsewhere cannot post here)."""
    if request.method != "GET" and not request.is_json:
        return secured(control_error(415, "the inbox's control calls send JSON"))
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return secured(control_error(403, "only the inbox's own pages call the control plane"))
    adapter = current_app.create_url_adapter(request)
    try:
        if adapter is None:
            raise LookupError
        endpoint, arguments = adapter.match(f"{CONTROL_PREFIX}/{path}", method=request.method)
    except (HTTPException, RequestRedirect, LookupError):
        return secured(control_error(404, f"no control-plane call {request.method} /{path}"))
    if str(endpoint).split(".", 1)[0] not in CONTROL_BLUEPRINTS:
        return secured(control_error(404, f"no control-plane call {request.method} /{path}"))
    view = current_app.view_functions[endpoint]
    return secured(make_response(current_app.ensure_sync(view)(**arguments)))


__all__ = ["COOKIE", "MAX_ROWS", "Inbox", "blueprint", "register", "session_value"]
