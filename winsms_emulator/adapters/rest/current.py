"""The current shape: the later OpenAPI document the official SDKs speak (``recipients``,
``apiMessageId``, string times, ``maxSegments``, paging)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import Enum
from typing import Any

from winsms_emulator.adapters.rest.dialect import (
    Dialect,
    credits,
    error_details,
    money,
    page_fields,
    stamp_fields,
)
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
from winsms_emulator.errors import DeleteResult, DeliveryStatus, rest_status_error
from winsms_emulator.outcomes import Universe, rest_status_facts, rest_statuses

#: The current document takes at most 1000 IDs, so no ID is ever SKIPPED.
NO_SKIPPED: Mapping[Enum, str] = {
    DeliveryStatus.SKIPPED: "a status request takes at most 1000 IDs in this shape"
}


def recipient(result: RecipientResult, scheduled: bool) -> dict[str, Any]:
    """One recipient: refused ones have nulls; ``scheduledTime`` is null too when the
    request gave none."""
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


def outgoing(data: Mapping[str, Any], scheduled_for: datetime | None) -> OutgoingMessage:
    return OutgoingMessage(
        data["message"],
        [Recipient(r["mobileNumber"], r.get("clientMessageId")) for r in data["recipients"]],
        max_parts=int(data.get("maxSegments") or 1),
        scheduled_for=scheduled_for,
    )


class Current(Dialect):
    name = "current"
    invalid_status = 422
    pages = True

    def envelope(self, now: datetime) -> dict[str, Any]:
        return stamp_fields(now, 200)

    def unauthorised(self, now: datetime, message: str) -> dict[str, Any]:
        return error_details(now, 401, message)

    def outgoing(self, data: Mapping[str, Any], scheduled_for: datetime | None) -> OutgoingMessage:
        return outgoing(data, scheduled_for)

    def sent(self, result: MessageResult, scheduled: bool) -> dict[str, Any]:
        return {"recipients": [recipient(r, scheduled) for r in result.recipients]}

    def statuses(self, results: Sequence[StatusResult]) -> dict[str, Any]:
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

    def status_universe(self) -> Universe:
        return rest_statuses(NO_SKIPPED)

    def status_facts(self, results: Sequence[StatusResult]) -> list[str]:
        return rest_status_facts(results)

    def scheduled(
        self, page: Sequence[Message], offset: int, limit: int | None, total: int
    ) -> dict[str, Any]:
        return {
            **page_fields(offset, limit, total),
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

    def delete_ids(self, body: Any) -> list[int]:
        return [int(i) for i in body]

    def deleted(self, reports: Sequence[DeleteReport], now: datetime) -> dict[str, Any]:
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

    def incoming(
        self, replies: Sequence[Reply], offset: int, limit: int | None, total: int
    ) -> dict[str, Any]:
        return {
            **page_fields(offset, limit, total),
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
