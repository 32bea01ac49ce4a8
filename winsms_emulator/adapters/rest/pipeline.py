"""One request pipeline for both REST v1 shapes.

Each request goes: body size (413), API key (401), Content-Type (415), JSON (400),
fields against ``schemas/rest-v1.openapi.json`` (422, or 400 in the seed shape), then
the operation's handler, whose answer the call's :class:`Dialect` wraps in its envelope.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Response
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge
from werkzeug.exceptions import NotFound as NoSuchPath

from winsms_emulator.adapters.rest.current import Current
from winsms_emulator.adapters.rest.dialect import Dialect, RestError, error_details
from winsms_emulator.adapters.rest.seed import Seed
from winsms_emulator.adapters.rest.validation import validate
from winsms_emulator.domain.text import first_unencodable
from winsms_emulator.errors import GatewayError, NotFound
from winsms_emulator.operations import Answered, Operation, operation_facts
from winsms_emulator.outcomes import Family, fact
from winsms_emulator.services.winsms import KeyHolder
from winsms_emulator.web import exchange
from winsms_emulator.web.answers import json_response
from winsms_emulator.web.context import config, gateway, request

REST_PREFIX = "/api/rest/v1"
#: Says exactly what was wrong with a refused request (the body keeps the document's words).
DETAIL_HEADER = "X-Emulator-Detail"
DIALECTS: dict[str, Dialect] = {d.name: d for d in (Seed(), Current())}
CURRENT = DIALECTS["current"]

MISSING_KEY = (
    "The 'AUTHORIZATION' header was not found. "
    "Set the 'AUTHORIZATION' request header to your WinSMS API Key"
)
UNKNOWN_KEY = (
    "The API Key in the 'AUTHORIZATION' header is not valid. "
    "Set the 'AUTHORIZATION' request header to your WinSMS API Key"
)
BAD_JSON = "Invalid JSON payload received"
NOT_FOUND = (
    "The resource requested does not exist. Please verify the path, spelling, and capitalisation"
)


@dataclass(frozen=True)
class RestSpec:
    """What the pipeline needs to know of one REST operation.

    ``schemas`` names the request body's OpenAPI component per shape (no body: empty);
    ``invalid`` the documented message for an invalid body per shape, where the
    document has one; ``dialect`` fixes the shape (operations only the current document
    has); ``sniff`` lets the shape the body implies answer the request whatever the
    account's setting (a send); ``max_items`` the most IDs a body may list per shape,
    refused before anything else reads them; ``pages`` says the operation is a listing
    that pages (``offset`` and ``limit``) in a shape that does.
    """

    schemas: Mapping[str, str] = field(default_factory=dict)
    invalid: Mapping[str, str] = field(default_factory=dict)
    dialect: str | None = None
    sniff: bool = False
    max_items: Mapping[str, int] = field(default_factory=dict)
    pages: bool = False

    @property
    def reads_body(self) -> bool:
        return bool(self.schemas)


@dataclass
class Call:
    """One REST request on its way through."""

    operation: str
    dialect: Dialect
    now: datetime
    account: KeyHolder | None = None
    body: Any = None
    violations: tuple[str, ...] = ()
    detail: str = ""
    parsed: tuple[bool, Any] | None = None  # (is JSON, value), once read
    #: The body is ASCII without a ``\u`` escape: no string in it can be a lone surrogate.
    plain: bool = False
    results: Any = None  # what the handler had the gateway do (the answer's facts)

    @property
    def username(self) -> str:
        assert self.account is not None
        return self.account.username


# -- reading the request -----------------------------------------------------------------


def _authenticate() -> KeyHolder:
    key = request.headers.get("Authorization", "")
    if not key:
        raise RestError(401, MISSING_KEY)
    account = gateway().sms.key_holder(key)
    if account is None:
        raise RestError(401, UNKNOWN_KEY)
    return account


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def peek_json(call: Call) -> Any:
    """The body parsed as JSON, or ``None`` when it is not JSON (parsed once per request)."""
    if call.parsed is None:
        try:
            raw = request.get_data(cache=True)
        except RequestEntityTooLarge:
            raise too_large() from None
        call.plain = raw.isascii() and b"\\u" not in raw
        try:
            call.parsed = (True, json.loads(raw, parse_constant=_refuse_constant))
        except (ValueError, RecursionError):
            call.parsed = (False, None)
    return call.parsed[1]


def _read_json(call: Call) -> Any:
    """The request body as JSON: 415 when it is not declared JSON, 400 when it does not parse."""
    mimetype = request.mimetype or ""
    if mimetype != "application/json" and not mimetype.endswith("+json"):
        shown = request.content_type or ""
        raise RestError(
            415, f"Request content-type should be set to 'application/json', not '{shown}'."
        )
    data = peek_json(call)
    assert call.parsed is not None
    if not call.parsed[0]:
        raise RestError(400, BAD_JSON)
    return data


def too_large() -> RestError:
    limit = config().rest_max_body_bytes
    size = request.content_length or 0
    return RestError(
        413,
        f"Request POST data is: {(size + 1023) // 1024}kb. "
        f"The maximum POST size allowed is {limit // 1024}kb.",
    )


#: Body keys only one shape has.
_CURRENT_KEYS = frozenset({"recipients", "maxSegments"})
_SEED_KEYS = frozenset({"mobileNumbers"})


def implied_dialect(body: Any, query: Mapping[str, str]) -> Dialect | None:
    """The shape a request speaks by itself, if it says: a body with ``recipients`` (or
    ``maxSegments``) or a listing asked with ``offset``/``limit`` is current; a body with
    ``mobileNumbers``, or the seed delete example's ``messages`` of ``serverMessageId``,
    is seed."""
    if isinstance(body, dict):
        if body.keys() & _CURRENT_KEYS:
            return CURRENT
        if body.keys() & _SEED_KEYS:
            return DIALECTS["seed"]
        items = body.get("messages")
        if isinstance(items, list) and items and isinstance(items[0], dict):
            return DIALECTS["seed"] if "serverMessageId" in items[0] else None
    if "offset" in query or "limit" in query:
        return CURRENT
    return None


# -- running an operation -------------------------------------------------------------------


def run(operation: Operation) -> Response:
    """Answer one REST request through the pipeline; the journal gets what happened."""
    spec: RestSpec = operation.spec
    gw = gateway()
    fixed = DIALECTS[spec.dialect] if spec.dialect else None
    call = Call(operation.name, fixed or DIALECTS[gw.default_rest_dialect], gw.now())
    handler: Callable[[Call], dict[str, Any]] = operation.handler
    record = exchange.current()
    record.shape = call.dialect.name
    try:
        if spec.reads_body and (request.content_length or 0) > config().rest_max_body_bytes:
            raise too_large()
        # with no account to ask yet (a 401), the shape the request implies answers
        implied = implied_dialect(peek_json(call) if spec.reads_body else None, request.args)
        call.dialect = fixed or implied or call.dialect
        call.account = _authenticate()
        record.account = call.account.username
        if fixed is None and not (spec.sniff and implied is not None):
            # the account's shape, unless a send's body says its own
            call.dialect = DIALECTS[call.account.rest_dialect]
        if spec.reads_body:
            call.body = _read_json(call)
            _check_fields(call, spec)
        response = json_response(200, {**call.dialect.envelope(call.now), **_handle(handler, call)})
        record.outcome = "ok"
    except RestError as exc:
        call.violations = exc.violations
        call.detail = exc.detail or call.detail
        record.violation_count = exc.violation_count
        response = error_response(call, exc)
        record.outcome = f"{response.status_code} {exc.message}"
    record.violations = call.violations
    record.detail = call.detail
    record.shape = call.dialect.name
    record.results = call.results
    return response


def _check_fields(call: Call, spec: RestSpec) -> None:
    """The 422 checks, cheapest first: a list longer than the shape allows, text that
    cannot be kept, then the OpenAPI schema."""
    shape = call.dialect.name
    documented = spec.invalid.get(shape)
    most = spec.max_items.get(shape)
    count = listed(call.body)
    if most is not None and count > most:
        call.detail = f"{count} IDs in one request; no more than {most} are allowed"
        raise RestError(422, documented or f"There is an error in the request body: {call.detail}.")
    reason = None if call.plain else first_unencodable(call.body)
    if reason is not None:
        call.detail = reason
        raise RestError(422, documented or f"There is an error in the request body: {reason}.")
    validate(spec.schemas[shape], call.body, documented)


def listed(body: Any) -> int:
    """How many items a body lists: a bare array, or the ``messages`` list of one."""
    if isinstance(body, list):
        return len(body)
    if isinstance(body, dict) and isinstance(body.get("messages"), list):
        return len(body["messages"])
    return 0


def _handle(handler: Callable[[Call], dict[str, Any]], call: Call) -> dict[str, Any]:
    """Run the handler; a refusal from the gateway it did not expect is still answered in
    the call's shape (an account gone since the key was read is an unknown key now)."""
    try:
        return handler(call)
    except NotFound as exc:
        call.detail = exc.message
        raise RestError(401, UNKNOWN_KEY) from None
    except GatewayError as exc:
        call.detail = exc.message
        raise RestError(422, f"There is an error in the request body: {exc.message}") from None


def error_response(call: Call, error: RestError) -> Response:
    dialect = call.dialect
    status = dialect.invalid_status if error.status == 422 else error.status
    if status == 401:
        response = json_response(401, dialect.unauthorised(call.now, error.message))
    else:
        response = json_response(status, dialect.error(call.now, status, error.message))
    if error.detail:
        response.headers[DETAIL_HEADER] = header_value(error.detail)
    return response


def header_value(text: str) -> str:
    """``text`` as an HTTP header can carry it: ASCII (other characters as ``\\uXXXX``),
    one line, at most 1000 characters."""
    line = " ".join(text.split())
    escaped = line.encode("ascii", "backslashreplace").decode("ascii")
    return escaped if len(escaped) <= 1000 else escaped[:997] + "..."


def error(exc: HTTPException) -> Response:
    """An app-level error on a REST path, in the current document's words."""
    status = exc.code or 500
    message = exc.description or exc.name
    if status == 404:
        message = NOT_FOUND
    elif status == 405 and isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        allowed = next((m for m in exc.valid_methods if m not in ("HEAD", "OPTIONS")), "POST")
        message = f"Request method should be set to '{allowed}', not '{request.method}'."
    elif status == 413:
        message = too_large().message
    record = exchange.current()
    record.outcome = f"{status} {message}"
    fixed = record.operation.spec.dialect if record.operation is not None else None
    record.shape = fixed or gateway().default_rest_dialect
    response = rest_error(status, message)
    if status == 404 and exc.description != NoSuchPath.description:  # no such endpoint
        response.headers[DETAIL_HEADER] = header_value(exc.description or "")
    return response


def rest_error(status: int, message: str) -> Response:
    return json_response(status, error_details(gateway().now(), status, message))


def who() -> str | None:
    """The account whose key the request carries, read without changing anything."""
    found = gateway().sms.key_holder(request.headers.get("Authorization", ""))
    return found.username if found else None


def claims(path: str) -> bool:
    return path.lower().startswith("/api/rest/")


def facts(answered: Answered) -> tuple[str, ...]:
    """Every answer shows its HTTP status; a finished operation, what its results show."""
    return (fact(Family.HTTP, str(answered.http_status)), *operation_facts(answered))
