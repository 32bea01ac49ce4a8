"""The REST v1 operations: each reads its request, calls the gateway once and hands the
result to the call's shape to write. Operations only the current document has answer in
the current shape whatever the account's setting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from winsms_emulator.adapters.rest.current import outgoing as current_outgoing
from winsms_emulator.adapters.rest.current import recipient
from winsms_emulator.adapters.rest.dialect import Dialect, RestError, credits, page_fields
from winsms_emulator.adapters.rest.pipeline import DIALECTS, REST_PREFIX, Call, RestSpec
from winsms_emulator.adapters.rest.universe import ONLY_HTTP, SENT, http, sent, status_facts
from winsms_emulator.adapters.rest.validation import field_error, show
from winsms_emulator.domain.credits import TransferRefused
from winsms_emulator.domain.results import MessageResult
from winsms_emulator.domain.sast import minute_stamp, parse_minute_stamp
from winsms_emulator.domain.sending import OutgoingMessage, TooManyRecipients
from winsms_emulator.operations import Operation
from winsms_emulator.outcomes import (
    Reader,
    Universe,
    delete_facts,
    delete_results,
    listing,
    listing_facts,
    opt_out_facts,
    opt_outs,
    reading,
    transfer_facts,
    transfers,
)
from winsms_emulator.web import exchange
from winsms_emulator.web.context import gateway, request

BAD_IDS = "At least one non-numeric api Id was supplied in the apiIds array."
#: The most IDs a status or delete request may list (the current document's limit).
MAX_IDS = 1000
#: The most IDs a seed-shape status request may list: those past the 1000th are answered
#: SKIPPED, and a list ten times longer than the limit is refused whole.
MAX_SKIPPED_IDS = 10_000
MANUAL_OPT_OUT_TEXT = "* MANUALLY ADDED BY USER *"


# -- reading ---------------------------------------------------------------------------------


def _scheduled(value: Any, nested: bool = False) -> datetime | None:
    """A send's ``scheduledTime``: a string, or an integer as the 2019 document typed it."""
    if value in (None, "", 0):
        return None
    moment = parse_minute_stamp(str(value))
    if moment is None:
        raise RestError(
            422,
            field_error("scheduledTime", nested),
            detail=f"scheduledTime: {show(value)} is not a date and time YYYYMMDDHHmm (SAST)",
        )
    return moment


def _query_int(name: str, default: int) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return default
    text = raw.strip()
    if not text.lstrip("-").isdigit() or not text.isascii() or len(text) > 12:
        return None
    return int(text)


def _paging(call: Call) -> tuple[int, int | None]:
    """``offset`` and ``limit`` of a listing (everything, in a shape that does not page)."""
    if not call.dialect.pages:
        return 0, None
    offset = _query_int("offset", 0)
    limit = _query_int("limit", 100)
    if offset is None or offset < 0:
        raise RestError(422, "The offset parameter must be a number greater than or equal to 0.")
    if limit is None or not 1 <= limit <= 1000:
        raise RestError(422, "The limit parameter must be a number between 1 and 1000.")
    return offset, limit


def _send(call: Call, messages: list[OutgoingMessage], nested: bool) -> list[MessageResult]:
    try:
        call.results = gateway().sms.send(
            call.username, messages, api="rest", request_id=exchange.current().request_id
        )
    except TooManyRecipients as exc:
        raise RestError(422, field_error("recipients", nested), detail=exc.message) from None
    results: list[MessageResult] = call.results
    return results


# -- the operations ----------------------------------------------------------------------------


def send(call: Call) -> dict[str, Any]:
    message = call.dialect.outgoing(call.body, _scheduled(call.body.get("scheduledTime")))
    (result,) = _send(call, [message], nested=False)
    return call.dialect.sent(result, message.scheduled_for is not None)


def send_multi(call: Call) -> dict[str, Any]:
    items = call.body["messages"]
    outgoing = [
        current_outgoing(item, _scheduled(item.get("scheduledTime"), nested=True)) for item in items
    ]
    results = _send(call, outgoing, nested=True)
    return {
        "messages": [
            {
                "message": item["message"],
                "recipients": [
                    recipient(r, message.scheduled_for is not None) for r in result.recipients
                ],
            }
            for item, message, result in zip(items, outgoing, results, strict=True)
        ]
    }


def status(call: Call) -> dict[str, Any]:
    ids = [int(i) for i in call.body]
    call.results = gateway().sms.status(call.username, ids)
    return call.dialect.statuses(call.results)


def scheduled(call: Call) -> dict[str, Any]:
    offset, limit = _paging(call)
    queued = gateway().sms.scheduled(call.username)
    page = queued[offset:] if limit is None else queued[offset : offset + limit]
    call.results = page
    return call.dialect.scheduled(page, offset, limit, len(queued))


def delete_scheduled(call: Call) -> dict[str, Any]:
    ids = call.dialect.delete_ids(call.body)
    reports = call.results = gateway().sms.delete_scheduled(call.username, ids)
    return call.dialect.deleted(reports, call.now)


def incoming(call: Call) -> dict[str, Any]:
    offset, limit = _paging(call)
    replies, total = gateway().sms.list_replies(call.username, offset, limit)
    call.results = replies
    return call.dialect.incoming(replies, offset, limit, total)


def optouts(call: Call) -> dict[str, Any]:
    call.results = gateway().sms.opt_outs(call.username)
    return {
        "incomingOptoutMessages": [
            {
                "incomingApiMessageId": o.reply_id,
                "messageText": o.message if o.message is not None else MANUAL_OPT_OUT_TEXT,
                "mobileNumber": o.number,
                "receiveTime": minute_stamp(o.at),
            }
            for o in call.results
        ]
    }


def shortcode_incoming(call: Call) -> dict[str, Any]:
    offset, limit = _paging(call)
    messages, total = gateway().sms.list_short_code_messages(call.username, offset, limit)
    call.results = messages
    return {
        **page_fields(offset, limit, total),
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


def balance(call: Call) -> dict[str, Any]:
    return {"creditBalance": credits(gateway().sms.balance(call.username))}


def transfer(call: Call) -> dict[str, Any]:
    body = call.body
    try:
        moved = gateway().sms.transfer_credits(
            call.username,
            int(body["sendingAccountNumber"]),
            int(body["receivingAccountNumber"]),
            Decimal(int(body["transferQuantity"])),
        )
    except TransferRefused as exc:
        raise RestError(422, field_error(exc.field), detail=exc.message) from None
    if not moved:
        call.detail = "the sending account has too few credits"
    call.results = moved
    return {"transferSuccessful": moved}


def subaccounts(call: Call) -> dict[str, Any]:
    call.results = gateway().sms.sub_accounts(call.username)
    return {
        "subAccounts": [
            {
                "accountNumber": a.account_number,
                "creditBalance": credits(a.credits),
                "firstName": a.first_name,
                "loginName": a.username,
                "surname": a.surname,
            }
            for a in call.results
        ]
    }


def _op(
    name: str,
    method: str,
    path: str,
    handler: Any,
    spec: RestSpec,
    summary: str,
    universe: Callable[[Dialect], Universe] = lambda dialect: Universe(),
    read: Reader = ONLY_HTTP,
) -> Operation:
    """A registry entry: the operation exists in its fixed shape, or in both; in each,
    its universe is the HTTP statuses the pipeline answers it with and ``universe``."""
    shapes = (spec.dialect,) if spec.dialect else tuple(DIALECTS)
    return Operation(
        "rest",
        name,
        (REST_PREFIX + path,),
        (method,),
        handler,
        spec,
        summary,
        universe={s: http(spec, DIALECTS[s]) + universe(DIALECTS[s]) for s in shapes},
        facts=read,
    )


_BOTH_IDS = {"seed": "SeedMessageIds", "current": "ApiMessageIds"}

OPERATIONS = (
    _op(
        "send",
        "POST",
        "/sms/outgoing/send",
        send,
        RestSpec({"seed": "SeedSendRequest", "current": "CurrentSendRequest"}, sniff=True),
        "Send one message to up to 1000 recipients",
        sent,
        SENT,
    ),
    _op(
        "sendmulti",
        "POST",
        "/sms/outgoing/sendmulti",
        send_multi,
        RestSpec({"current": "CurrentSendMultiRequest"}, dialect="current"),
        "Send several messages in one request",
        sent,
        SENT,
    ),
    _op(
        "status",
        "POST",
        "/sms/outgoing/status",
        status,
        # the current document allows 1000 IDs; the seed shape answers those past the
        # 1000th SKIPPED (108), as the XML guide says, up to a list far beyond any need
        RestSpec(
            _BOTH_IDS,
            invalid={"current": BAD_IDS},
            max_items={"seed": MAX_SKIPPED_IDS, "current": MAX_IDS},
        ),
        "Status of sent messages",
        lambda dialect: dialect.status_universe(),
        status_facts,
    ),
    _op(
        "scheduled",
        "GET",
        "/sms/scheduled",
        scheduled,
        RestSpec(pages=True),
        "Messages waiting in the queue",
        lambda dialect: listing(),
        reading(listing_facts),
    ),
    _op(
        "delete_scheduled",
        "POST",
        "/sms/scheduled/delete",
        delete_scheduled,
        # both shapes allow 1000 IDs (the current document's limit; nothing is deleted
        # from a longer list)
        RestSpec(
            {"seed": "SeedDeleteRequest", "current": "ApiMessageIds"},
            invalid={"current": BAD_IDS},
            max_items={"seed": MAX_IDS, "current": MAX_IDS},
        ),
        "Delete scheduled messages",
        lambda dialect: delete_results(),
        reading(delete_facts),
    ),
    _op(
        "incoming",
        "GET",
        "/sms/incoming",
        incoming,
        RestSpec(pages=True),
        "Replies received",
        lambda dialect: listing() + opt_outs(),
        reading(listing_facts, opt_out_facts),
    ),
    _op(
        "optouts",
        "GET",
        "/sms/incoming/optout",
        optouts,
        RestSpec(dialect="current"),
        "Numbers that opted out",
        lambda dialect: listing() + opt_outs(by_hand=True),
        reading(listing_facts, opt_out_facts),
    ),
    _op(
        "shortcode_incoming",
        "GET",
        "/shortcode/incoming",
        shortcode_incoming,
        RestSpec(dialect="current", pages=True),
        "Messages to the account's short and long codes",
        lambda dialect: listing(),
        reading(listing_facts),
    ),
    _op("balance", "GET", "/credits/balance", balance, RestSpec(), "The credit balance"),
    _op(
        "transfer",
        "POST",
        "/credits/transfer",
        transfer,
        RestSpec({"current": "CreditTransferRequest"}, dialect="current"),
        "Move credits between a main account and its sub-accounts",
        lambda dialect: transfers(),
        reading(transfer_facts),
    ),
    _op(
        "subaccounts",
        "GET",
        "/subaccounts",
        subaccounts,
        RestSpec(dialect="current"),
        "The account's sub-accounts",
        lambda dialect: listing(),
        reading(listing_facts),
    ),
)
