"""The WinSMS HTTP (GET) API: ``auth.asp``, ``credits.asp`` and ``batchmessage.asp``.

Each answer is ``text/plain``, HTTP 200, with no line break at the end:

* ``auth.asp``: ``Login=OK``, ``Login=FAIL`` or ``Login=ACCOUNTLOCKED``;
* ``credits.asp``: ``Credits=<balance rounded to the nearest integer>`` or
  ``Credits=FAIL``;
* ``batchmessage.asp``: ``number=ID;`` for each accepted recipient and ``number=CODE;``
  for each refused one, in the order sent, where CODE is the XML API's ``<ID>`` for the
  same outcome (``FAIL:BADDEST``, ``NOCREDITS``, ``ACCOUNTLOCKED``, ...); a whole-request
  error is one pair: ``Login=FAIL``, or ``Error=<HttpRequestError>``, or, when no
  recipient is named, ``Error=<the XML code the send rules give>``.

A locked account, as the emulator reads the page: ``auth.asp`` says so
(``Login=ACCOUNTLOCKED``); ``credits.asp`` and ``batchmessage.asp`` behave as the XML API
does for it: the balance is answered, and each recipient of a send gets ``ACCOUNTLOCKED``.

Parameters are read by :mod:`.http_parameters`; the sending goes through the same gateway
call as the XML API and REST v1.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import HTTPException, RequestURITooLarge

from winsms_emulator.adapters import http_parameters
from winsms_emulator.adapters.http_parameters import Parameters
from winsms_emulator.domain.accounts import Account
from winsms_emulator.domain.sast import parse_minute_stamp
from winsms_emulator.domain.sending import OutgoingMessage, Recipient, TooManyRecipients
from winsms_emulator.errors import HttpRequestError
from winsms_emulator.operations import Operation, Surface
from winsms_emulator.resources import schemas_dir
from winsms_emulator.web import exchange
from winsms_emulator.web.answers import json_response
from winsms_emulator.web.context import config, gateway

NAME = "http"
#: Where a request's parameters wait between the first hook and the handler.
_PARSED = "winsms_http_parameters"
LOGIN_OK = "Login=OK"
LOGIN_FAIL = "Login=FAIL"
LOGIN_LOCKED = "Login=ACCOUNTLOCKED"
CREDITS_FAIL = "Credits=FAIL"
_LOGIN = ("user", "password")


@dataclass(frozen=True)
class HttpSpec:
    """One endpoint: its ``.asp`` file, its parameters, and its answer to a bad login."""

    asp: str
    known: tuple[str, ...]
    required: tuple[str, ...]
    login_fail: str


class Refused(Exception):
    """The whole request is answered with one name/value pair."""

    def __init__(self, answer: str, detail: str) -> None:
        super().__init__(detail)
        self.answer = answer
        self.detail = detail


def plain(text: str, status: int = 200) -> Response:
    """A text answer, byte for byte as written (no line break is added)."""
    body = text.encode("utf-8", errors="replace")
    return current_app.response_class(body, status=status, mimetype="text/plain")


def whole_credits(balance: Decimal) -> int:
    """The balance rounded to the nearest integer, halves up (5021.5 is 5022)."""
    return int(balance.to_integral_value(rounding=ROUND_HALF_UP))


# -- the endpoints -----------------------------------------------------------------------------


def _login(params: Parameters, spec: HttpSpec) -> Account:
    account = gateway().sms.authenticate(params.text("user"), params.text("password"))
    if account is None:
        raise Refused(spec.login_fail, "unknown user or wrong password")
    exchange.current().account = account.username
    return account


def auth(params: Parameters, spec: HttpSpec) -> str:
    account = _login(params, spec)
    return LOGIN_LOCKED if account.locked else LOGIN_OK


def balance(params: Parameters, spec: HttpSpec) -> str:
    account = _login(params, spec)
    return f"Credits={whole_credits(gateway().sms.balance(account.username))}"


def recipients_of(numbers: str | None) -> list[Recipient]:
    """``27825550101;27835550505;``: semicolon separated; blanks between separators (and
    the trailing ``;`` the VB sample sends) name nobody."""
    return [Recipient(n.strip()) for n in (numbers or "").split(";") if n.strip()]


def send(params: Parameters, spec: HttpSpec) -> str:
    account = _login(params, spec)
    scheduled_text = params.text("scheduled")
    scheduled = parse_minute_stamp(scheduled_text) if scheduled_text else None
    if scheduled_text and scheduled is None:
        raise Refused(
            HttpRequestError.INVALID_DATE.answer,
            f"scheduled {scheduled_text[:40]!r} is not ccyymmddhhmm",
        )
    recipients = recipients_of(params.get("numbers"))
    message = OutgoingMessage(params.get("message"), recipients or None, scheduled_for=scheduled)
    try:
        [result] = gateway().sms.send(account.username, [message], api=NAME)
    except TooManyRecipients as exc:
        raise Refused(HttpRequestError.TOO_MANY_NUMBERS.answer, exc.message) from None
    if not recipients:  # nobody to name: the send rules' answer for the request as a whole
        [nobody] = result.recipients
        raise Refused(f"Error={nobody.outcome.xml_code}", "no number in 'numbers'")
    return "".join(
        f"{r.number}={r.message_id if r.accepted else r.outcome.xml_code};"
        for r in result.recipients
    )


def _operation(
    name: str, handler: Callable[[Parameters, HttpSpec], str], spec: HttpSpec, summary: str
) -> Operation:
    return Operation(
        surface=NAME,
        name=name,
        paths=(f'/<anycase("{spec.asp}"):path>',),
        methods=("GET", "POST"),
        handler=handler,
        spec=spec,
        summary=summary,
    )


OPERATIONS = (
    _operation(
        "auth",
        auth,
        HttpSpec("auth.asp", _LOGIN, _LOGIN, LOGIN_FAIL),
        "Check login credentials: Login=OK, Login=FAIL or Login=ACCOUNTLOCKED",
    ),
    _operation(
        "balance",
        balance,
        HttpSpec("credits.asp", _LOGIN, _LOGIN, CREDITS_FAIL),
        "The credit balance, rounded to the nearest integer: Credits=5022",
    ),
    _operation(
        "send",
        send,
        HttpSpec(
            "batchmessage.asp",
            (*_LOGIN, "message", "numbers", "scheduled"),
            (*_LOGIN, "message", "numbers"),
            LOGIN_FAIL,
        ),
        "Send Batch: one message to up to 1000 recipients, now or scheduled",
    ),
)


# -- the surface --------------------------------------------------------------------------------


def _read_parameters() -> None:
    """A hook before the fault layer: read an HTTP API request's parameters once, so the
    journal shows them whoever answers (the API, a fault or an error)."""
    record = exchange.current()
    operation = record.operation
    if operation is None or operation.surface != NAME or request.url_rule is None:
        return  # not this API's, or a method it does not take (answered 405)
    if len(request.query_string) > config().max_body_bytes:
        raise RequestURITooLarge()
    body = request.get_data(cache=True) if request.method == "POST" else None
    spec: HttpSpec = operation.spec
    params = http_parameters.read(request.query_string, body, spec.known, spec.required)
    setattr(g, _PARSED, params)
    record.parameters = params.shown
    record.violations = params.violations


#: Where the emulator serves its OpenAPI document of this API.
OPENAPI_PATH = "/api/http/openapi.json"


@cache
def openapi_document() -> dict[str, Any]:
    """``schemas/http-api.openapi.json``, read once per process (it never changes)."""
    found: dict[str, Any] = json.loads(
        (schemas_dir() / "http-api.openapi.json").read_text(encoding="utf-8")
    )
    return found


def _setup(app: Flask) -> None:
    app.before_request(_read_parameters)
    document = openapi_document()

    def serve_document() -> Response:
        """The emulator's OpenAPI 3.1 description of the HTTP (GET) API."""
        return json_response(200, document)

    app.add_url_rule(OPENAPI_PATH, "http_api.openapi", serve_document)


def run(operation: Operation) -> Response:
    """Answer one request: strict check, then the endpoint."""
    spec: HttpSpec = operation.spec
    record = exchange.current()
    params: Parameters = getattr(g, _PARSED)
    try:
        if params.violations and config().strict:
            raise Refused(HttpRequestError.INVALID_PARAMETERS.answer, "; ".join(params.violations))
        answer = operation.handler(params, spec)
        record.outcome = "ok"
    except Refused as exc:
        record.outcome = exc.answer
        record.detail = exc.detail
        answer = exc.answer
    return plain(answer)


_APP_ERRORS = {
    405: HttpRequestError.METHOD_NOT_ALLOWED,
    413: HttpRequestError.TOO_LARGE,
    414: HttpRequestError.TOO_LARGE,
}


def error(exc: HTTPException) -> Response:
    """An app-level error on an HTTP API path: one ``Error=`` pair, with the HTTP status."""
    status = exc.code or 500
    problem = _APP_ERRORS.get(status)
    answer = problem.answer if problem is not None else f"Error={exc.name}"
    record = exchange.current()
    record.outcome = answer
    if status == 405:
        record.detail = f"{request.method} is not allowed; use GET or POST"
    return plain(answer, status)


def who() -> str | None:
    """The ``user`` parameter, read without changing anything."""
    params: Parameters | None = g.get(_PARSED)
    return (params.text("user") or None) if params is not None else None


def claims(path: str) -> bool:
    """Only the three endpoints' own paths (which routing always finds)."""
    lowered = path.lower().rstrip("/")
    return any(lowered.endswith("/" + op.spec.asp) for op in OPERATIONS)


SURFACE = Surface(
    name=NAME,
    operations=OPERATIONS,
    run=run,
    error=error,
    injected_error=lambda status, text: plain(text, status),
    truncated=("Login=", "text/plain"),
    who=who,
    claims=claims,
    setup=_setup,
)
