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
from functools import cache
from typing import Any

from flask import Response, request
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge

from winsms_emulator.adapters.rest.current import Current
from winsms_emulator.adapters.rest.dialect import Dialect, RestError, error_details
from winsms_emulator.adapters.rest.seed import Seed
from winsms_emulator.domain.accounts import Account
from winsms_emulator.operations import Answered, Operation, operation_facts
from winsms_emulator.outcomes import Family, fact
from winsms_emulator.resources import schemas_dir
from winsms_emulator.web import exchange
from winsms_emulator.web.answers import json_response
from winsms_emulator.web.context import config, gateway

REST_PREFIX = "/api/rest/v1"
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
    has); ``sniff`` lets the body's own keys choose the shape (a send); ``pages`` says
    the operation is a listing that pages (``offset`` and ``limit``) in a shape that does.
    """

    schemas: Mapping[str, str] = field(default_factory=dict)
    invalid: Mapping[str, str] = field(default_factory=dict)
    dialect: str | None = None
    sniff: bool = False
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
    account: Account | None = None
    body: Any = None
    violations: tuple[str, ...] = ()
    detail: str = ""
    parsed: tuple[bool, Any] | None = None  # (is JSON, value), once read
    results: Any = None  # what the handler had the gateway do (the answer's facts)

    @property
    def username(self) -> str:
        assert self.account is not None
        return self.account.username


class OpenApi:
    """The emulator's OpenAPI document and a validator per component schema."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        components = document["components"]["schemas"]

        def inline(node: Any) -> Any:
            # the components refer to each other without cycles, so every $ref can be
            # written out in place once: validation then never looks a reference up
            if isinstance(node, dict):
                if set(node) == {"$ref"}:
                    return inline(components[node["$ref"].rsplit("/", 1)[1]])
                return {key: inline(value) for key, value in node.items()}
            if isinstance(node, list):
                return [inline(value) for value in node]
            return node

        self.validators = {
            name: Draft202012Validator(inline(schema)) for name, schema in components.items()
        }

    def check(self, schema: str, data: Any) -> list[ValidationError]:
        return list(self.validators[schema].iter_errors(data))


@cache
def openapi() -> OpenApi:
    """The REST document, read and compiled once per process (it never changes)."""
    path = schemas_dir() / "rest-v1.openapi.json"
    return OpenApi(json.loads(path.read_text(encoding="utf-8")))


# -- reading the request -----------------------------------------------------------------


def _authenticate() -> Account:
    key = request.headers.get("Authorization", "")
    if not key:
        raise RestError(401, MISSING_KEY)
    account = gateway().sms.account_for_key(key)
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


def validate(schema: str, data: Any, message: str | None = None) -> None:
    """Check ``data`` against an OpenAPI component: 422 naming what is wrong."""
    errors = openapi().check(schema, data)
    if not errors:
        return
    violations = tuple(_describe(e) for e in errors[:20])
    raise RestError(422, message or _describe(best_match(errors)), violations)


def _describe(error: ValidationError) -> str:
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    path = path.lstrip(".")
    if not path:
        return f"There is an error in the request body: {error.message}"
    names = [p for p in error.absolute_path if isinstance(p, str)]
    if names[:2] == ["messages", "recipients"]:
        return (
            "There is an error in the 'recipients' array of one or more messageDetails "
            f"objects: {path}: {error.message}"
        )
    top = names[0] if names else ""
    if top in ("recipients", "mobileNumbers", "messages"):
        return f"There is an error in the '{top}' array: {path}: {error.message}"
    return f"There is an error in the '{path}' field: {error.message}"


def sniffed_dialect(body: Any) -> Dialect | None:
    """The shape a send body speaks by its own keys, if it says."""
    if isinstance(body, dict):
        if "recipients" in body:
            return CURRENT
        if "mobileNumbers" in body:
            return DIALECTS["seed"]
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
        # a send's own shape decides, even for a 401, so peek at its body first
        sniffed = sniffed_dialect(peek_json(call)) if spec.sniff else None
        call.dialect = fixed or sniffed or call.dialect
        call.account = _authenticate()
        record.account = call.account.username
        if fixed is None and sniffed is None:
            call.dialect = DIALECTS[gw.sms.rest_dialect_of(call.account)]
        if spec.reads_body:
            call.body = _read_json(call)
            schema = spec.schemas[call.dialect.name]
            validate(schema, call.body, spec.invalid.get(call.dialect.name))
        response = json_response(200, {**call.dialect.envelope(call.now), **handler(call)})
        record.outcome = "ok"
    except RestError as exc:
        call.violations = exc.violations
        response = error_response(call, exc)
        record.outcome = f"{response.status_code} {exc.message}"
    record.violations = call.violations
    record.detail = call.detail
    record.shape = call.dialect.name
    record.results = call.results
    return response


def error_response(call: Call, error: RestError) -> Response:
    dialect = call.dialect
    status = dialect.invalid_status if error.status == 422 else error.status
    if status == 401:
        return json_response(401, dialect.unauthorised(call.now, error.message))
    return json_response(status, dialect.error(call.now, status, error.message))


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
    return rest_error(status, message)


def rest_error(status: int, message: str) -> Response:
    return json_response(status, error_details(gateway().now(), status, message))


def who() -> str | None:
    """The account whose key the request carries, read without changing anything."""
    found = gateway().sms.account_for_key(request.headers.get("Authorization", ""))
    return found.username if found else None


def claims(path: str) -> bool:
    return path.lower().startswith("/api/rest/")


def facts(answered: Answered) -> tuple[str, ...]:
    """Every answer shows its HTTP status; a finished operation, what its results show."""
    return (fact(Family.HTTP, str(answered.http_status)), *operation_facts(answered))
