"""A REST v1 shape: how one published version of the document writes each answer.

WinSMS published REST v1 twice (see the package's docstring). A :class:`Dialect` holds
everything that differs between the two: the envelope of every answer, the 401 and
invalid-field answers, how a send body names its recipients, whether listings page, and
one renderer per operation. Handlers call the dialect and never ask which one it is.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from winsms_emulator.domain.inbound import Reply
from winsms_emulator.domain.messages import Message
from winsms_emulator.domain.results import DeleteReport, MessageResult, StatusResult
from winsms_emulator.domain.sast import millisecond_stamp
from winsms_emulator.domain.sending import OutgoingMessage
from winsms_emulator.outcomes import Universe

REST_VERSION = "1.0"


class RestError(Exception):
    """An error answer: ``status`` and the documented message; ``detail`` says exactly
    what was wrong (for the journal and the ``X-Emulator-Detail`` header, never the body)."""

    def __init__(
        self,
        status: int,
        message: str,
        violations: tuple[str, ...] = (),
        detail: str = "",
        violation_count: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.violations = violations
        self.detail = detail
        self.violation_count = violation_count


def credits(amount: Decimal) -> float:
    """A balance as the API reports it: one decimal place."""
    return float(amount.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def money(amount: Decimal) -> float:
    return float(amount)


def stamp_fields(now: datetime, status: int) -> dict[str, Any]:
    return {"timeStamp": millisecond_stamp(now), "version": REST_VERSION, "statusCode": status}


def error_details(now: datetime, status: int, message: str) -> dict[str, Any]:
    """The ``errorDetails`` body (the seed shape's ResponseError2 has the same fields)."""
    return {**stamp_fields(now, status), "errorMessage": message}


class Dialect(ABC):
    """One published shape of REST v1."""

    name: str
    #: The HTTP status an invalid field is answered with.
    invalid_status: int

    @abstractmethod
    def envelope(self, now: datetime) -> dict[str, Any]:
        """The fields every successful answer starts with."""

    @abstractmethod
    def unauthorised(self, now: datetime, message: str) -> dict[str, Any]:
        """The body of a 401."""

    def error(self, now: datetime, status: int, message: str) -> dict[str, Any]:
        """The body of any other error."""
        return error_details(now, status, message)

    @abstractmethod
    def outgoing(self, data: Mapping[str, Any], scheduled_for: datetime | None) -> OutgoingMessage:
        """One message of a send body."""

    #: Whether listings page with ``offset`` and ``limit`` (else they answer everything).
    pages: bool

    @abstractmethod
    def sent(self, result: MessageResult, scheduled: bool) -> dict[str, Any]:
        """The answer to a send of one message."""

    @abstractmethod
    def statuses(self, results: Sequence[StatusResult]) -> dict[str, Any]: ...

    @abstractmethod
    def status_universe(self) -> Universe:
        """What a status answer can show in this shape (the coverage report's universe)."""

    @abstractmethod
    def status_facts(self, results: Sequence[StatusResult]) -> list[str]:
        """What a status answer written from ``results`` showed."""

    @abstractmethod
    def scheduled(
        self, page: Sequence[Message], offset: int, limit: int | None, total: int
    ) -> dict[str, Any]: ...

    @abstractmethod
    def delete_ids(self, body: Any) -> list[int]:
        """The IDs a (validated) delete body names."""

    @abstractmethod
    def deleted(self, reports: Sequence[DeleteReport], now: datetime) -> dict[str, Any]: ...

    @abstractmethod
    def incoming(
        self, replies: Sequence[Reply], offset: int, limit: int | None, total: int
    ) -> dict[str, Any]: ...


def page_fields(offset: int, limit: int | None, total: int) -> dict[str, Any]:
    return {"resultsLimit": limit, "resultsOffset": offset, "resultsTotalAvailable": total}
