"""WinSMS REST v1, in both published shapes, at ``/api/rest/v1``.

The *seed* shape is the apidocs reference (``mobileNumbers``,
``serverMessageId``, numeric times, ``authResult``/``validationResult`` in
every body); the *current* shape is the later OpenAPI document (``recipients``,
``apiMessageId``, string times, paging). An account's ``rest_dialect`` picks
the shape; a send body using ``recipients`` or ``mobileNumbers`` picks it
whatever the setting. Operations only the current document has always answer
in the current shape.

Each request goes: body size (413), API key (401), Content-Type (415), JSON
(400), fields against ``schemas/rest-v1.openapi.json`` (422, or 400 in the
seed shape), then the gateway.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from werkzeug.exceptions import RequestEntityTooLarge

from winsms_emulator.app import gateway, state
from winsms_emulator.domain.accounts import Account
from winsms_emulator.domain.encoding import MAX_PARTS
from winsms_emulator.domain.sast import millisecond_stamp, minute_stamp, parse_minute_stamp
from winsms_emulator.domain.sending import OutgoingMessage, Recipient
from winsms_emulator.errors import (
    DeleteResult,
    DeliveryStatus,
    GatewayError,
    StatusCode,
    rest_status_error,
)
from winsms_emulator.resources import schemas_dir
from winsms_emulator.service import MessageResult, RecipientResult, TooManyRecipients
from winsms_emulator.wire import REST_PREFIX, REST_VERSION, journal_request

SEED = "seed"
CURRENT = "current"
OPENAPI = "rest_openapi"
MISSING_KEY = (
    "The 'AUTHORIZATION' header was not found. "
    "Set the 'AUTHORIZATION' request header to your WinSMS API Key"
)
UNKNOWN_KEY = (
    "The API Key in the 'AUTHORIZATION' header is not valid. "
    "Set the 'AUTHORIZATION' request header to your WinSMS API Key"
)
BAD_JSON = "Invalid JSON payload received"
BAD_IDS = "At least one non-numeric api Id was supplied in the apiIds array."
MANUAL_OPT_OUT_TEXT = "* MANUALLY ADDED BY USER *"
#: A deleted scheduled message reads, in the seed shape, as cancelled before delivery.
SEED_DELETE_CODES = {
    DeleteResult.DELETED: StatusCode.CANCELLED,
    DeleteResult.NOTFOUND: StatusCode.NOT_FOUND,
}

blueprint = Blueprint("rest_v1", __name__, url_prefix=REST_PREFIX)


class RestError(Exception):
    """An error answer: ``status`` and the documented message."""

    def __init__(self, status: int, message: str, violations: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.violations = violations


@dataclass
class Call:
    """One REST request on its way through."""

    operation: str
    dialect: str
    account: Account | None = None
    body: Any = None
    violations: tuple[str, ...] = ()
    detail: str = ""
    parsed: tuple[bool, Any] | None = None  # (is JSON, value), once read
    now: datetime = field(default_factory=lambda: gateway().now())

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


def load_openapi() -> OpenApi:
    path = schemas_dir() / "rest-v1.openapi.json"
    return OpenApi(json.loads(path.read_text(encoding="utf-8")))


def register(app: Flask) -> None:
    app.extensions[OPENAPI] = load_openapi()
    app.register_blueprint(blueprint)


def openapi() -> OpenApi:
    found: OpenApi = current_app.extensions[OPENAPI]
    return found


# -- the request pipeline -----------------------------------------------------------------


def _json(status: int, body: dict[str, Any]) -> Response:
    return current_app.response_class(
        json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json"
    )


def _envelope(call: Call, body: dict[str, Any]) -> dict[str, Any]:
    """The fields every successful answer starts with, in the call's shape."""
    head: dict[str, Any] = {
        "timeStamp": millisecond_stamp(call.now),
        "version": REST_VERSION,
        "statusCode": 200,
    }
    if call.dialect == SEED:
        head.update(authResult=True, authError="", validationResult=True, validationError="")
    head.update(body)
    return head


def _error_response(call: Call, error: RestError) -> Response:
    status = error.status
    if call.dialect == SEED and status == 422:
        status = 400  # the seed shape reports an invalid field as a bad request
    if status == 401 and call.dialect == SEED:
        body: dict[str, Any] = {
            "timeStamp": millisecond_stamp(call.now),
            "version": REST_VERSION,
            "statusCode": 401,
            "authResult": False,
            "authError": error.message,
        }
    else:
        body = {
            "timeStamp": millisecond_stamp(call.now),
            "version": REST_VERSION,
            "statusCode": status,
            "errorMessage": error.message,
        }
    return _json(status, body)


def _authenticate(call: Call) -> Account:
    key = request.headers.get("Authorization", "")
    if not key:
        raise RestError(401, MISSING_KEY)
    account = gateway().account_for_key(key)
    if account is None:
        raise RestError(401, UNKNOWN_KEY)
    return account


def _peek_json(call: Call) -> Any:
    """The body parsed as JSON, or ``None`` when it is not JSON (parsed once per request)."""
    if call.parsed is None:
        try:
            raw = request.get_data(cache=True)
        except RequestEntityTooLarge:
            raise _too_large() from None
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
    data = _peek_json(call)
    assert call.parsed is not None
    if not call.parsed[0]:
        raise RestError(400, BAD_JSON)
    return data


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _too_large() -> RestError:
    limit = state().config.rest_max_body_bytes
    size = request.content_length or 0
    return RestError(
        413,
        f"Request POST data is: {(size + 1023) // 1024}kb. "
        f"The maximum POST size allowed is {limit // 1024}kb.",
    )


def _validate(call: Call, schema: str, data: Any, message: str | None = None) -> None:
    errors = openapi().check(schema, data)
    if not errors:
        return
    violations = tuple(_describe(e) for e in errors[:20])
    best = best_match(errors)
    raise RestError(422, message or _describe(best), violations)


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


def operation(
    name: str, *, reads_body: bool = False, dialect: str | None = None
) -> Callable[[Callable[[Call], dict[str, Any]]], Callable[[], Response]]:
    """Run a REST operation through the pipeline and the journal.

    ``dialect`` fixes the shape (operations only the current document has);
    otherwise the account's ``rest_dialect`` decides, or the body of a send.
    """

    def decorate(handler: Callable[[Call], dict[str, Any]]) -> Callable[[], Response]:
        def view() -> Response:
            started = time.perf_counter()
            call = Call(name, dialect or gateway().default_rest_dialect)
            outcome = "ok"
            try:
                if (
                    reads_body
                    and (request.content_length or 0) > state().config.rest_max_body_bytes
                ):
                    raise _too_large()
                # a send's own shape decides, even for a 401, so peek at its body first
                sniffed = _send_dialect(_peek_json(call)) if name == "send" else None
                call.dialect = sniffed or call.dialect
                call.account = _authenticate(call)
                if dialect is None and sniffed is None:
                    call.dialect = gateway().rest_dialect_of(call.account)
                if reads_body:
                    call.body = _read_json(call)
                response = _json(200, _envelope(call, handler(call)))
            except RestError as exc:
                call.violations = exc.violations
                response = _error_response(call, exc)
                outcome = f"{response.status_code} {exc.message}"
            journal_request(
                api="rest",
                operation=name,
                account=call.account.username if call.account else None,
                response=response,
                outcome=outcome,
                started=started,
                violations=call.violations,
                detail=call.detail,
            )
            return response

        view.__name__ = handler.__name__
        return view

    return decorate


def _send_dialect(body: Any) -> str | None:
    if isinstance(body, dict):
        if "recipients" in body:
            return CURRENT
        if "mobileNumbers" in body:
            return SEED
    return None


# -- value formats --------------------------------------------------------------------------


def credits(amount: Decimal) -> float:
    """A balance as the API reports it: one decimal place."""
    return float(amount.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def money(amount: Decimal) -> float:
    return float(amount)


def seed_minutes(moment: datetime | None) -> int:
    return int(minute_stamp(moment)) if moment is not None else 0


def _paging(call: Call) -> tuple[int, int | None]:
    """``offset`` and ``limit`` of a current-shape listing (the seed shape returns all)."""
    if call.dialect == SEED:
        return 0, None
    offset = _query_int("offset", 0)
    limit = _query_int("limit", 100)
    if offset is None or offset < 0:
        raise RestError(422, "The offset parameter must be a number greater than or equal to 0.")
    if limit is None or not 1 <= limit <= 1000:
        raise RestError(422, "The limit parameter must be a number between 1 and 1000.")
    return offset, limit


def _query_int(name: str, default: int) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return default
    text = raw.strip()
    if not text.lstrip("-").isdigit() or not text.isascii() or len(text) > 12:
        return None
    return int(text)


def _page_fields(offset: int, limit: int | None, total: int) -> dict[str, Any]:
    return {"resultsLimit": limit, "resultsOffset": offset, "resultsTotalAvailable": total}


# -- sending -------------------------------------------------------------------------------


def _scheduled(value: Any) -> datetime | None:
    if value in (None, "", 0):
        return None
    moment = parse_minute_stamp(str(value))
    if moment is None:
        raise RestError(
            422,
            f"There is an error in the 'scheduledTime' field: {value!r} is not a date "
            "and time in the format YYYYMMDDHHmm (SAST).",
        )
    return moment


def _outgoing(data: dict[str, Any], dialect: str) -> OutgoingMessage:
    key = "recipients" if dialect == CURRENT else "mobileNumbers"
    recipients = [
        Recipient(item["mobileNumber"], item.get("clientMessageId")) for item in data[key]
    ]
    max_parts = int(data.get("maxSegments") or 1) if dialect == CURRENT else MAX_PARTS
    return OutgoingMessage(
        data["message"],
        recipients,
        max_parts=max_parts,
        scheduled_for=_scheduled(data.get("scheduledTime")),
    )


def _send(call: Call, messages: list[OutgoingMessage]) -> list[MessageResult]:
    try:
        return gateway().send(call.username, messages, api="rest")
    except TooManyRecipients as exc:
        raise RestError(
            422,
            "There is an error in the 'recipients' array of one or more messageDetails "
            f"objects: {exc.message}",
        ) from None


def current_recipient(result: RecipientResult, scheduled: bool) -> dict[str, Any]:
    """One recipient in the current shape: refused ones have nulls; ``scheduledTime`` is
    null too when the request gave none."""
    accepted = result.accepted
    when = result.dispatch_at if accepted and scheduled else None
    return {
        "acceptError": result.outcome.rest_error,
        "accepted": accepted,
        "apiMessageId": result.message_id,
        "clientMessageId": result.client_message_id,
        "creditCost": money(result.cost) if accepted else None,
        "mobileNumber": result.number,
        "newCreditBalance": credits(result.balance_after),
        "scheduledTime": minute_stamp(when) if when is not None else None,
    }


def seed_recipient(result: RecipientResult) -> dict[str, Any]:
    """One recipient in the seed shape: ``scheduledTime`` is when an accepted message is
    (or was) sent, and a refused one has 0 for its ID, time and cost."""
    return {
        "clientMessageId": result.client_message_id or "",
        "mobileNumber": result.number,
        "accepted": result.accepted,
        "acceptError": result.outcome.rest_error,
        "serverMessageId": result.message_id or 0,
        "scheduledTime": seed_minutes(result.dispatch_at),
        "creditCost": money(result.cost),
    }


@blueprint.post("/sms/outgoing/send")
@operation("send", reads_body=True)
def send(call: Call) -> dict[str, Any]:
    schema = "CurrentSendRequest" if call.dialect == CURRENT else "SeedSendRequest"
    _validate(call, schema, call.body)
    message = _outgoing(call.body, call.dialect)
    (result,) = _send(call, [message])
    scheduled = message.scheduled_for is not None
    if call.dialect == CURRENT:
        return {"recipients": [current_recipient(r, scheduled) for r in result.recipients]}
    return {"messages": [seed_recipient(r) for r in result.recipients]}


@blueprint.post("/sms/outgoing/sendmulti")
@operation("sendmulti", reads_body=True, dialect=CURRENT)
def send_multi(call: Call) -> dict[str, Any]:
    _validate(call, "CurrentSendMultiRequest", call.body)
    outgoing = [_outgoing(item, CURRENT) for item in call.body["messages"]]
    results = _send(call, outgoing)
    return {
        "messages": [
            {
                "message": item["message"],
                "recipients": [
                    current_recipient(r, message.scheduled_for is not None)
                    for r in result.recipients
                ],
            }
            for item, message, result in zip(call.body["messages"], outgoing, results, strict=True)
        ]
    }


# -- status, the queue, deleting ---------------------------------------------------------------


def _ids(call: Call, schema: str) -> list[int]:
    _validate(call, schema, call.body, BAD_IDS if call.dialect == CURRENT else None)
    return [int(i) for i in call.body]


@blueprint.post("/sms/outgoing/status")
@operation("status", reads_body=True)
def status(call: Call) -> dict[str, Any]:
    schema = "ApiMessageIds" if call.dialect == CURRENT else "SeedMessageIds"
    results = gateway().status(call.username, _ids(call, schema))
    if call.dialect == CURRENT:
        return {
            "messageStatuses": [
                {
                    "apiMessageId": r.message_id,
                    "creditCost": money(r.cost),
                    "mobileNumber": r.number,
                    "statusDelivered": r.state.status.is_delivered,
                    "statusErrorCode": rest_status_error(r.state.status, r.state.code),
                    "statusTime": minute_stamp(r.state.at),
                }
                for r in results
            ]
        }
    return {
        "messages": [
            {
                "serverMessageId": r.message_id,
                "mobileNumber": r.number or "",
                "statusDelivered": r.state.status.is_delivered,
                "statusErrorCode": int(r.state.code),
                "statusTime": seed_minutes(r.state.at),
                "creditCost": money(r.cost),
            }
            for r in results
        ]
    }


@blueprint.get("/sms/scheduled")
@operation("scheduled")
def scheduled(call: Call) -> dict[str, Any]:
    offset, limit = _paging(call)
    queued = gateway().scheduled_messages(call.username)
    page = queued[offset:] if limit is None else queued[offset : offset + limit]
    if call.dialect == CURRENT:
        return {
            **_page_fields(offset, limit, len(queued)),
            "scheduledMessages": [
                {
                    "apiMessageId": m.id,
                    "creditCost": money(m.cost),
                    "mobileNumber": m.number,
                    "scheduledSendTime": minute_stamp(m.dispatch_at),
                    "submitTime": minute_stamp(m.submitted_at),
                }
                for m in page
            ],
        }
    return {
        "messages": [
            {
                "serverMessageId": m.id,
                "mobileNumber": m.number,
                "statusDelivered": False,
                "statusErrorCode": int(StatusCode.IN_QUEUE),
                "statusTime": seed_minutes(m.dispatch_at),
                "creditCost": money(m.cost),
            }
            for m in page
        ]
    }


@blueprint.post("/sms/scheduled/delete")
@operation("delete_scheduled", reads_body=True)
def delete_scheduled(call: Call) -> dict[str, Any]:
    if call.dialect == CURRENT:
        ids = _ids(call, "ApiMessageIds")
    else:
        _validate(call, "SeedDeleteRequest", call.body)
        body = call.body
        items = body["messages"] if isinstance(body, dict) else body
        ids = [int(i["serverMessageId"]) if isinstance(i, dict) else int(i) for i in items]
    reports = gateway().delete_scheduled(call.username, ids)
    if call.dialect == CURRENT:
        return {
            "deletedMessageStatuses": [
                {
                    "apiMessageId": r.message_id,
                    "creditCost": money(r.cost),
                    "deleteError": "" if r.result is DeleteResult.DELETED else r.result.value,
                    "deleted": r.result is DeleteResult.DELETED,
                    "mobileNumber": r.number,
                }
                for r in reports
            ]
        }
    return {
        "messages": [
            {
                "serverMessageId": r.message_id,
                "mobileNumber": r.number or "",
                "statusDelivered": r.state.status is DeliveryStatus.DELIVERED,
                "statusErrorCode": int(SEED_DELETE_CODES.get(r.result, r.state.code)),
                "statusTime": seed_minutes(call.now),
                "creditCost": money(r.cost),
            }
            for r in reports
        ]
    }


# -- incoming ---------------------------------------------------------------------------------


@blueprint.get("/sms/incoming")
@operation("incoming")
def incoming(call: Call) -> dict[str, Any]:
    offset, limit = _paging(call)
    replies, total = gateway().fetch_replies_page(call.username, offset, limit)
    if call.dialect == CURRENT:
        return {
            **_page_fields(offset, limit, total),
            "incomingMessages": [
                {
                    "incomingApiMessageId": r.id,
                    "messageText": r.message,
                    "mobileNumber": r.number,
                    "outgoingApiMessageId": r.sent_message_id,
                    "receiveTime": minute_stamp(r.received_at),
                }
                for r in replies
            ],
        }
    return {
        "messages": [
            {
                "serverMessageId": r.sent_message_id,
                "mobileNumber": r.number,
                "statusDelivered": True,
                "statusErrorCode": int(StatusCode.DELIVERED),
                "statusTime": seed_minutes(r.received_at),
                "creditCost": 0.0,
                "incomingMessageId": r.id,
                "messageText": r.message,
            }
            for r in replies
        ]
    }


@blueprint.get("/sms/incoming/optout")
@operation("optouts", dialect=CURRENT)
def optouts(call: Call) -> dict[str, Any]:
    return {
        "incomingOptoutMessages": [
            {
                "incomingApiMessageId": o.reply_id,
                "messageText": o.message if o.message is not None else MANUAL_OPT_OUT_TEXT,
                "mobileNumber": o.number,
                "receiveTime": minute_stamp(o.at),
            }
            for o in gateway().opt_outs(call.username)
        ]
    }


@blueprint.get("/shortcode/incoming")
@operation("shortcode_incoming", dialect=CURRENT)
def shortcode_incoming(call: Call) -> dict[str, Any]:
    offset, limit = _paging(call)
    messages, total = gateway().fetch_short_code_page(call.username, offset, limit)
    return {
        **_page_fields(offset, limit, total),
        "shortcodeMessages": [
            {
                "incomingApiMessageId": m.id,
                "messageText": m.message,
                "mobileNumber": m.number,
                "receiveTime": minute_stamp(m.received_at),
            }
            for m in messages
        ],
    }


# -- credits and sub-accounts ---------------------------------------------------------------------


@blueprint.get("/credits/balance")
@operation("balance")
def balance(call: Call) -> dict[str, Any]:
    return {"creditBalance": credits(gateway().balance(call.username))}


@blueprint.post("/credits/transfer")
@operation("transfer", reads_body=True, dialect=CURRENT)
def transfer(call: Call) -> dict[str, Any]:
    _validate(call, "CreditTransferRequest", call.body)
    body = call.body
    try:
        moved = gateway().transfer_credits(
            call.username,
            int(body["sendingAccountNumber"]),
            int(body["receivingAccountNumber"]),
            Decimal(int(body["transferQuantity"])),
        )
    except GatewayError as exc:
        raise RestError(422, exc.message) from None
    if not moved:
        call.detail = "the sending account has too few credits"
    return {"transferSuccessful": moved}


@blueprint.get("/subaccounts")
@operation("subaccounts", dialect=CURRENT)
def subaccounts(call: Call) -> dict[str, Any]:
    return {
        "subAccounts": [
            {
                "accountNumber": a.account_number,
                "creditBalance": credits(a.credits),
                "firstName": a.first_name,
                "loginName": a.username,
                "surname": a.surname,
            }
            for a in gateway().sub_accounts(call.username)
        ]
    }


@blueprint.get("/openapi.json")
def openapi_document() -> Response:
    """The emulator's OpenAPI 3.1 description of REST v1 in both shapes (no key needed)."""
    return _json(200, openapi().document)
