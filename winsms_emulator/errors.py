"""Every gateway outcome, once: its XML form, its REST form, its Appendix B code.

The adapters never spell an outcome themselves; they look it up here, so the
XML API and both REST shapes cannot drift apart.
"""

from __future__ import annotations

from enum import Enum, IntEnum
from typing import Any


class StatusCode(IntEnum):
    """Appendix B: SMS delivery status codes, with the guide's descriptions."""

    description: str

    def __new__(cls, value: int, description: str) -> StatusCode:
        member = int.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member

    @classmethod
    def lookup(cls, value: object) -> StatusCode | None:
        """The member with this value, or ``None``."""
        found = cls._value2member_map_.get(value)
        return found if isinstance(found, StatusCode) else None

    BAD_CREDENTIALS = -3, "Invalid username or password in requesting document"
    NOT_FOUND = -2, "Message not found"
    IN_QUEUE = -1, "Message in queue"
    DELIVERED = 0, "DELIVERED"
    SENT_NO_REPORT = 100, "Sent; no delivery report received"
    EXPIRED = 101, "Undelivered: expired in transit"
    CANCELLED = 102, "Undelivered: message was cancelled before being delivered"
    UNDELIVERABLE = 103, "Message could not be delivered"
    ACCEPTED_FOR_DELIVERY = 105, "Not yet delivered, but accepted for delivery"
    SENT_STATUS_UNKNOWN = 106, "Sent; delivery status not known"
    REJECTED = 107, "Undelivered: message was rejected"
    SKIPPED = 108, "SKIPPED"
    NOT_SENT = 111, "Message could not be sent"
    INSUFFICIENT_CREDITS = 201, "WinSMS account has insufficient credits"
    ACCOUNT_LOCKED = 202, "WinSMS account is locked"
    TOO_LONG = 211, "Message is too long to send by SMS"
    OPTED_OUT = 212, "Recipient has opted out of receiving messages"
    UNKNOWN_FAILURE = 213, "Sending or delivery failed for an unknown reason"
    BLACKLISTED = 214, "Number is blacklisted"


class DeliveryStatus(Enum):
    """Appendix A status values (plus SKIPPED, which the status call can answer)."""

    rest_error: str  # the current REST shape's statusErrorCode

    def __new__(cls, value: str, rest_error: str) -> DeliveryStatus:
        member = object.__new__(cls)
        member._value_ = value
        member.rest_error = rest_error
        return member

    @classmethod
    def lookup(cls, value: object) -> DeliveryStatus | None:
        """The member with this value, or ``None``."""
        found = cls._value2member_map_.get(value)
        return found if isinstance(found, DeliveryStatus) else None

    DELIVERED = "DELIVERED", ""
    SENT = "SENT", "SENT"
    NOTFOUND = "NOTFOUND", "NOTFOUND"
    SENDINGFAILED = "SENDINGFAILED", "SENDINGFAILED"
    SKIPPED = "SKIPPED", "SKIPPED"

    @property
    def is_delivered(self) -> bool:
        return self is DeliveryStatus.DELIVERED


#: The current REST shape names a message still in the queue ``INQUEUE``.
REST_IN_QUEUE = "INQUEUE"
#: The current REST shape's word for a message sent but not delivered.
REST_UNDELIVERED = "FAILED"
#: Failures the current REST shape calls ``FAILED`` ("sent but could not be delivered")
#: rather than ``SENDINGFAILED`` ("not transmitted").
UNDELIVERED_CODES = frozenset({101, 102, 103, 107})


def rest_status_error(status: DeliveryStatus, code: int) -> str:
    """The current REST shape's ``statusErrorCode`` for a status and its Appendix B code."""
    if code == StatusCode.IN_QUEUE:
        return REST_IN_QUEUE
    if status is DeliveryStatus.SENDINGFAILED and code in UNDELIVERED_CODES:
        return REST_UNDELIVERED
    return status.rest_error


#: Which Appendix B codes each final state may carry when a test scripts it.
SCRIPTABLE_FINAL_STATES: dict[DeliveryStatus, frozenset[StatusCode]] = {
    DeliveryStatus.DELIVERED: frozenset({StatusCode.DELIVERED}),
    DeliveryStatus.SENT: frozenset(
        {
            StatusCode.SENT_NO_REPORT,
            StatusCode.ACCEPTED_FOR_DELIVERY,
            StatusCode.SENT_STATUS_UNKNOWN,
        }
    ),
    DeliveryStatus.SENDINGFAILED: frozenset(
        {
            StatusCode.EXPIRED,
            StatusCode.CANCELLED,
            StatusCode.UNDELIVERABLE,
            StatusCode.REJECTED,
            StatusCode.NOT_SENT,
            StatusCode.INSUFFICIENT_CREDITS,
            StatusCode.ACCOUNT_LOCKED,
            StatusCode.TOO_LONG,
            StatusCode.OPTED_OUT,
            StatusCode.UNKNOWN_FAILURE,
            StatusCode.BLACKLISTED,
        }
    ),
}


class SendOutcome(Enum):
    """What one recipient of a send gets, in the precedence of the send rules.

    Each member carries its XML ``NumberID/ID`` code, the REST ``acceptError``
    value (the current OpenAPI document's words, used by both REST shapes) and
    the Appendix B code that names the same failure, where there is one.
    """

    xml_code: str
    rest_error: str
    status_code: StatusCode | None
    description: str

    def __new__(
        cls,
        value: str,
        xml_code: str,
        rest_error: str,
        status_code: StatusCode | None,
        description: str,
    ) -> SendOutcome:
        member = object.__new__(cls)
        member._value_ = value
        member.xml_code = xml_code
        member.rest_error = rest_error
        member.status_code = status_code
        member.description = description
        return member

    ACCEPTED = "accepted", "", "", None, "Accepted: the message has an ID and its cost was taken"
    ACCOUNT_LOCKED = (
        "account_locked",
        "ACCOUNTLOCKED",
        "ACCOUNTLOCKED",
        StatusCode.ACCOUNT_LOCKED,
        "The specified account is locked",
    )
    NO_MESSAGE = (
        "no_message",
        "FAIL:NO MESSAGE",
        "NO MESSAGE",
        None,
        "The MessageText node was not present or contained a blank string",
    )
    NO_NUMBER = (
        "no_number",
        "FAIL:NO NUMBER",
        "NO NUMBER",
        None,
        "No Numbers node, no Number nodes in it, or a blank Number",
    )
    TOO_LONG = (
        "too_long",
        "FAIL:TOOLONG",
        "TOOLONG",
        StatusCode.TOO_LONG,
        "The message needs more parts than allowed",
    )
    BAD_DEST = (
        "bad_dest",
        "FAIL:BADDEST",
        "BADDEST",
        StatusCode.BLACKLISTED,
        "An invalid mobile number, or a blacklisted recipient",
    )
    TRIAL_NOT_TO_SELF = (
        "trial_not_to_self",
        "FAIL:TRIALNOT2SELF",
        "TRIALNOT2SELF",
        None,
        "Trial account restriction: message not to one of the account's own numbers",
    )
    OPTED_OUT = (
        "opted_out",
        "FAIL:OPTEDOUT",
        "OPTEDOUT",
        StatusCode.OPTED_OUT,
        "The recipient has opted out of messages from this account",
    )
    WASPA_DNC = (
        "waspa_dnc",
        "FAIL:WASPADNC",
        "WASPADNC",
        None,
        "The number is on the WASPA Do Not Contact list",
    )
    NO_CREDITS = (
        "no_credits",
        "NOCREDITS",
        "INSUFFICIENT CREDITS",
        StatusCode.INSUFFICIENT_CREDITS,
        "The account has insufficient credits to send the message",
    )

    @property
    def accepted(self) -> bool:
        return self is SendOutcome.ACCEPTED


class RequestError(Enum):
    """Whole-request errors of the XML API (the documented ``<Error>`` values)."""

    NOT_VALID_XML = "Not Valid XML Document"
    BAD_CREDENTIALS = "Invalid Username or Password"
    INVALID_DATE = "Invalid Date"


class HttpRequestError(Enum):
    """Whole-request errors of the HTTP (GET) API, each answered as the one pair
    ``Error=<value>``. WinSMS's page names only ``Invalid Date``; the others are the
    emulator's reading, for what the page leaves open. (A bad login is the page's own
    ``Login=FAIL``, or ``Credits=FAIL`` on ``credits.asp``.)"""

    INVALID_PARAMETERS = "Invalid Parameters"  # --strict: unknown, repeated, missing, not UTF-8
    INVALID_DATE = "Invalid Date"
    TOO_MANY_NUMBERS = "Too Many Numbers"
    METHOD_NOT_ALLOWED = "Method Not Allowed"
    TOO_LARGE = "Request Too Large"

    @property
    def answer(self) -> str:
        return f"Error={self.value}"


class DeleteResult(Enum):
    """Appendix C: what deleting one scheduled message did."""

    DELETED = "DELETED"
    NOTFOUND = "NOTFOUND"
    SENT = "SENT"


class GatewayError(Exception):
    """A request the gateway refuses as a whole; ``kind`` says which and why."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class NotFound(GatewayError):
    def __init__(self, message: str) -> None:
        super().__init__("not_found", message)


class Conflict(GatewayError):
    def __init__(self, message: str) -> None:
        super().__init__("conflict", message)


class Invalid(GatewayError):
    def __init__(self, message: str) -> None:
        super().__init__("invalid", message)


class WaitTimedOut(GatewayError):
    """A wait whose condition did not hold before its time was up (HTTP 408); ``state``
    is what the read saw last, in the form it answers (``{"messages": [...]}``, ...)."""

    def __init__(self, message: str, state: dict[str, Any]) -> None:
        super().__init__("timeout", message)
        self.state = state


class NeedsEmulatorTime(Conflict):
    """A wait that only emulator time can satisfy while the clock is manual (HTTP 409,
    answered at once); ``state`` is what the read saw."""

    def __init__(self, message: str, state: dict[str, Any]) -> None:
        super().__init__(message)
        self.state = state
