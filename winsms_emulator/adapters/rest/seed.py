"""The seed shape: the apidocs reference (``mobileNumbers``, ``serverMessageId``, numeric
times, ``authResult``/``validationResult`` in every body, status items everywhere)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from winsms_emulator.adapters.rest.dialect import Dialect, money, stamp_fields
from winsms_emulator.domain.encoding import MAX_PARTS
from winsms_emulator.domain.inbound import Reply
from winsms_emulator.domain.messages import Message
from winsms_emulator.domain.results import (
    DeleteReport,
    MessageResult,
    RecipientResult,
    StatusResult,
)
from winsms_emulator.domain.sast import minute_stamp
from winsms_emulator.domain.sending import OutgoingMessage, Recipient
from winsms_emulator.errors import DeleteResult, DeliveryStatus, StatusCode
from winsms_emulator.outcomes import Universe, code_facts, status_codes

#: A deleted scheduled message reads, in the seed shape, as cancelled before delivery.
DELETE_CODES = {
    DeleteResult.DELETED: StatusCode.CANCELLED,
    DeleteResult.NOTFOUND: StatusCode.NOT_FOUND,
}


def minutes(moment: datetime | None) -> int:
    """``ccyymmddhhmm`` as a number (0 for no time)."""
    return int(minute_stamp(moment)) if moment is not None else 0


def status_item(
    message_id: int,
    number: str | None,
    delivered: bool,
    code: int,
    at: datetime | None,
    cost: Decimal,
) -> dict[str, Any]:
    """The seed document's one status row, which every listing answers with."""
    return {
        "serverMessageId": message_id,
        "mobileNumber": number or "",
        "statusDelivered": delivered,
        "statusErrorCode": code,
        "statusTime": minutes(at),
        "creditCost": money(cost),
    }


def recipient(result: RecipientResult) -> dict[str, Any]:
    """``scheduledTime`` is when an accepted message is (or was) sent; a refused one has 0
    for its ID, time and cost."""
    return {
        "clientMessageId": result.client_message_id or "",
        "mobileNumber": result.number,
        "accepted": result.accepted,
        "acceptError": result.outcome.rest_error,
        "serverMessageId": result.message_id or 0,
        "scheduledTime": minutes(result.dispatch_at),
        "creditCost": money(result.cost),
    }


class Seed(Dialect):
    name = "seed"
    invalid_status = 400  # the seed shape reports an invalid field as a bad request
    pages = False  # every item, every time

    def envelope(self, now: datetime) -> dict[str, Any]:
        return {
            **stamp_fields(now, 200),
            "authResult": True,
            "authError": "",
            "validationResult": True,
            "validationError": "",
        }

    def unauthorised(self, now: datetime, message: str) -> dict[str, Any]:
        return {**stamp_fields(now, 401), "authResult": False, "authError": message}

    def outgoing(self, data: Mapping[str, Any], scheduled_for: datetime | None) -> OutgoingMessage:
        return OutgoingMessage(
            data["message"],
            [Recipient(r["mobileNumber"], r.get("clientMessageId")) for r in data["mobileNumbers"]],
            max_parts=MAX_PARTS,
            scheduled_for=scheduled_for,
        )

    def sent(self, result: MessageResult, scheduled: bool) -> dict[str, Any]:
        return {"messages": [recipient(r) for r in result.recipients]}

    def statuses(self, results: Sequence[StatusResult]) -> dict[str, Any]:
        return {
            "messages": [
                status_item(
                    r.message_id,
                    r.number,
                    r.state.status.is_delivered,
                    int(r.state.code),
                    r.state.at,
                    r.cost,
                )
                for r in results
            ]
        }

    def status_universe(self) -> Universe:
        return status_codes()  # statusErrorCode is the Appendix B code

    def status_facts(self, results: Sequence[StatusResult]) -> list[str]:
        return code_facts(results)

    def scheduled(
        self, page: Sequence[Message], offset: int, limit: int | None, total: int
    ) -> dict[str, Any]:
        return {
            "messages": [
                status_item(m.id, m.number, False, int(StatusCode.IN_QUEUE), m.dispatch_at, m.cost)
                for m in page
            ]
        }

    def delete_ids(self, body: Any) -> list[int]:
        # the page's own example is a "messages" list; a bare array works too
        items = body["messages"] if isinstance(body, dict) else body
        return [int(i["serverMessageId"]) if isinstance(i, dict) else int(i) for i in items]

    def deleted(self, reports: Sequence[DeleteReport], now: datetime) -> dict[str, Any]:
        return {
            "messages": [
                status_item(
                    r.message_id,
                    r.number,
                    r.state.status is DeliveryStatus.DELIVERED,
                    int(DELETE_CODES.get(r.result, r.state.code)),
                    now,
                    r.cost,
                )
                for r in reports
            ]
        }

    def incoming(
        self, replies: Sequence[Reply], offset: int, limit: int | None, total: int
    ) -> dict[str, Any]:
        return {
            "messages": [
                {
                    **status_item(
                        r.sent_message_id,
                        r.number,
                        True,
                        int(StatusCode.DELIVERED),
                        r.received_at,
                        Decimal(0),
                    ),
                    "incomingMessageId": r.id,
                    "messageText": r.message,
                }
                for r in replies
            ]
        }
