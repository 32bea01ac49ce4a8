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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from functools import cache
from typing import Any

from flask import Flask, Response
from werkzeug.exceptions import HTTPException, NotFound, RequestURITooLarge

from winsms_emulator.adapters import http_parameters
from winsms_emulator.adapters.http_parameters import Parameters
from winsms_emulator.domain.accounts import Account
from winsms_emulator.domain.sast import parse_minute_stamp
from winsms_emulator.domain.sending import OutgoingMessage, Recipient, TooManyRecipients
from winsms_emulator.errors import HttpRequestError
from winsms_emulator.operations import Answered, Operation, Surface, operation_facts
from winsms_emulator.outcomes import (
    Family,
    Outcome,
    Reader,
    Universe,
    fact,
    http_request_errors,
    reading,
    recipients,
    sent_facts,
    sent_messages,
    xml_word,
)
from winsms_emulator.resources import schemas_dir
from winsms_emulator.web import exchange
from winsms_emulator.web.answers import json_response
from winsms_emulator.web.context import config, gateway, lane, request, values

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
    return Response(body, status=status, mimetype="text/plain")


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
    answer = exchange.current().results = LOGIN_LOCKED if account.locked else LOGIN_OK
    return answer


def balance(params: Parameters, spec: HttpSpec) -> str:
    account = _login(params, spec)
    credits = exchange.current().results = gateway().sms.balance(account.username)
    return f"Credits={whole_credits(credits)}"


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
        [result] = gateway().sms.send(
            account.username, [message], api=NAME, request_id=exchange.current().request_id
        )
    except TooManyRecipients as exc:
        raise Refused(HttpRequestError.TOO_MANY_NUMBERS.answer, exc.message) from None
    exchange.current().results = [result]
    if not recipients:  # nobody to name: the send rules' answer for the request as a whole
        [nobody] = result.recipients
        raise Refused(f"Error={nobody.outcome.xml_code}", "no number in 'numbers'")
    return "".join(
        f"{r.number}={r.message_id if r.accepted else r.outcome.xml_code};"
        for r in result.recipients
    )


# -- what each endpoint can show a client, and how its answers show it -----------------------

#: What the balance answer is named by in the coverage report (whatever the balance).
CREDITS = "Credits=<balance>"
#: --strict refuses parameters the page does not name: a request the documents do not
#: describe (its schema violations say which), not an answer a client has to handle.
STRICT_ONLY = "--strict's refusal of parameters the page does not name"
_NOT_A_SEND: Mapping[Enum, str] = {
    HttpRequestError.INVALID_DATE: "only a send has a date",
    HttpRequestError.TOO_MANY_NUMBERS: "only a send has numbers",
    HttpRequestError.INVALID_PARAMETERS: STRICT_ONLY,
}


def _errors(spec: HttpSpec, send: bool = False) -> Universe:
    """The answer to a bad login, and the ``Error=`` pairs the endpoint can answer."""
    gaps: Mapping[Enum, str] = (
        {HttpRequestError.INVALID_PARAMETERS: STRICT_ONLY} if send else _NOT_A_SEND
    )
    return Universe((Outcome(Family.ERROR, spec.login_fail),)) + http_request_errors(gaps)


def _answers(*names: str) -> Universe:
    return Universe(tuple(Outcome(Family.ANSWER, name) for name in names))


def facts(answered: Answered) -> tuple[str, ...]:
    """What the endpoint did (each recipient the send rules judged, also for a send that
    names nobody and is answered ``Error=<code>``); else the one pair it answered."""
    if answered.results is None and answered.error is not None:
        return (fact(Family.ERROR, answered.error),)
    return operation_facts(answered)


def _operation(
    name: str,
    handler: Callable[[Parameters, HttpSpec], str],
    spec: HttpSpec,
    summary: str,
    universe: Universe,
    read: Reader,
) -> Operation:
    return Operation(
        surface=NAME,
        name=name,
        paths=(f'/<anycase("{spec.asp}"):path>',),
        methods=("GET", "POST"),
        handler=handler,
        spec=spec,
        summary=summary,
        universe={"": universe},
        facts=read,
    )


_AUTH = HttpSpec("auth.asp", _LOGIN, _LOGIN, LOGIN_FAIL)
_CREDITS = HttpSpec("credits.asp", _LOGIN, _LOGIN, CREDITS_FAIL)
_SEND = HttpSpec(
    "batchmessage.asp",
    (*_LOGIN, "message", "numbers", "scheduled"),
    (*_LOGIN, "message", "numbers"),
    LOGIN_FAIL,
)


OPERATIONS = (
    _operation(
        "auth",
        auth,
        _AUTH,
        "Check login credentials: Login=OK, Login=FAIL or Login=ACCOUNTLOCKED",
        _answers(LOGIN_OK, LOGIN_LOCKED) + _errors(_AUTH),
        reading(lambda answer: [fact(Family.ANSWER, answer)]),
    ),
    _operation(
        "balance",
        balance,
        _CREDITS,
        "The credit balance, rounded to the nearest integer: Credits=5022",
        _answers(CREDITS) + _errors(_CREDITS),
        reading(lambda credits: [fact(Family.ANSWER, CREDITS)]),
    ),
    _operation(
        "send",
        send,
        _SEND,
        "Send Batch: one message to up to 1000 recipients, now or scheduled",
        _errors(_SEND, send=True) + recipients(xml_word) + sent_messages(),
        reading(lambda results: sent_facts(results, xml_word)),
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
    values()[_PARSED] = params
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
    document = openapi_document()

    def serve_document() -> Response:
        """The emulator's OpenAPI 3.1 description of the HTTP (GET) API."""
        return json_response(200, document)

    app.add_url_rule(OPENAPI_PATH, "http_api.openapi", serve_document)


def run(operation: Operation) -> Response:
    """Answer one request: strict check, then the endpoint."""
    spec: HttpSpec = operation.spec
    record = exchange.current()
    params: Parameters = values()[_PARSED]
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
    if status == 404 and exc.description != NotFound.description:  # no such endpoint
        answer = f"Error=Not Found: {exc.description}"
    record = exchange.current()
    record.outcome = answer
    if status == 405:
        record.detail = f"{request.method} is not allowed; use GET or POST"
    return plain(answer, status)


def who() -> str | None:
    """The ``user`` parameter, read without changing anything."""
    found = lane()
    params: Parameters | None = found.values.get(_PARSED) if found is not None else None
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
    prepare=_read_parameters,
    title="HTTP",
    facts=facts,
)
