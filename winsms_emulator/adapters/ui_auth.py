"""The admin token in front of the web inbox.

With an admin token (``EmulatorConfig(admin_token=...)``) the inbox needs it too: open
``/_emulator/ui/?token=TOKEN`` once (or type it into the form the inbox shows); the answer
sets an HttpOnly, SameSite=Strict cookie (a digest of the token, not the token) for
``/_emulator/ui/`` and redirects to the page without the token in its address. The token
never appears in a page: the page's script reaches the control plane through the inbox's
own ``/_emulator/ui/control/...``, which the cookie opens. ``Authorization: Bearer`` and
``X-Emulator-Token`` are accepted here as well.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlencode

from flask import Response, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from winsms_emulator.adapters.ui_render import page, secured, static_url
from winsms_emulator.version import __version__
from winsms_emulator.web.answers import control_error
from winsms_emulator.web.context import config

#: The cookie that lets a browser in after it showed the admin token once.
COOKIE = "winsms_emulator_ui"
#: The pages a browser opens: without the admin token they show the form that asks for it.
PAGES = frozenset({"ui.index", "ui.message_view", "ui.request_view", "ui_coverage.page_view"})


def admin_token() -> str | None:
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


def page_address(account: str | None) -> str:
    query = urlencode({"account": account}) if account else ""
    return url_for("ui.index") + (f"?{query}" if query else "")


def require_admin_token() -> BaseResponse | None:
    """With an admin token, the inbox needs it (once in ``?token=``, then the cookie)."""
    token = admin_token()
    if not token or request.endpoint == "ui.static":
        return None
    if request.endpoint == "ui.index" and "token" in request.args:
        if not _same(request.args.get("token", ""), token):
            return _login_page("That token is not this emulator's admin token.")
        answer = secured(redirect(page_address(request.args.get("account")), code=303))
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
    answer = secured(control_error(401, "the web inbox needs the admin token"))
    answer.headers["WWW-Authenticate"] = 'Bearer realm="winsms-emulator"'
    return answer


def _login_page(problem: str | None) -> Response:
    answer = page(
        "token.html",
        401,
        problem=problem,
        action=url_for("ui.index"),
        account=request.args.get("account", ""),
        css=static_url("inbox.css"),
        version=__version__,
    )
    answer.headers["WWW-Authenticate"] = 'Bearer realm="winsms-emulator"'
    return answer
