"""Refused recipients: every recipient a send did not turn into a message, and every queued
message refused at its dispatch time, with why, by which API and in which request.

A client that says "my SMS never went" finds here what the gateway answered for that
number, without reading the raw request journal. Each account keeps its newest
:data:`MAX_REFUSALS_PER_ACCOUNT`; a reset of the emulator or of the account forgets them,
as it forgets the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from winsms_emulator.domain.messages import Message
from winsms_emulator.errors import SendOutcome, StatusCode

#: How many refused recipients one account keeps; the oldest go first.
MAX_REFUSALS_PER_ACCOUNT = 10_000

#: The stages a recipient can be refused at.
STAGES = ("send", "dispatch")

#: The gateway's word for each code a queued message is refused with at dispatch (the
#: send rule that refuses the same thing at once, or the code's own name).
DISPATCH_REASONS = {
    StatusCode.ACCOUNT_LOCKED: "ACCOUNTLOCKED",
    StatusCode.OPTED_OUT: "OPTEDOUT",
    StatusCode.BLACKLISTED: "BADDEST",
    StatusCode.UNKNOWN_FAILURE: "WASPADNC",
}


def reason_of(outcome: SendOutcome) -> str:
    """The XML API's word for a refused recipient without its ``FAIL:`` prefix:
    ``BADDEST``, ``OPTEDOUT``, ``NOCREDITS``, ``NO MESSAGE``..."""
    return outcome.xml_code.removeprefix("FAIL:")


#: Every reason a refusal can carry, in the precedence of the send rules.
REASONS = tuple(reason_of(o) for o in SendOutcome if not o.accepted)
#: Each refusing outcome's reason and Appendix B code, worked out once (a send to a
#: thousand numbers records a thousand refusals).
_SEND_REFUSALS = {
    o: (reason_of(o), int(o.status_code) if o.status_code is not None else None)
    for o in SendOutcome
}


@dataclass(frozen=True, slots=True)
class Refusal:
    """One refused recipient.

    ``number`` is as the client sent it (``""`` when it named none) and ``text`` the
    message's text (``None`` when it sent none). ``stage`` is ``send`` (the send
    answered the refusal) or ``dispatch`` (a queued message, accepted at first, was
    refused when it fell due: ``message_id`` names it and ``status_code`` is the
    Appendix B code its status reports). ``request_id`` is the request journal's
    entry of the request that sent it (``None`` for a send that came by no API request).
    """

    account: str
    number: str
    text: str | None
    reason: str
    status_code: int | None
    api: str
    request_id: int | None
    at: datetime
    stage: str = "send"
    message_id: int | None = None
    client_message_id: str | None = None

    @property
    def description(self) -> str:
        """What the reason means, in the gateway's words."""
        for outcome in SendOutcome:
            if reason_of(outcome) == self.reason:
                return outcome.description
        return self.reason


def refused_at_send(
    account: str,
    number: str,
    text: str | None,
    outcome: SendOutcome,
    api: str,
    request_id: int | None,
    at: datetime,
    client_message_id: str | None,
) -> Refusal:
    """A recipient the send rules refused as the request came in."""
    reason, code = _SEND_REFUSALS[outcome]
    return Refusal(
        account, number, text, reason, code, api, request_id, at, "send", None, client_message_id
    )


def refused_at_dispatch(message: Message, code: StatusCode) -> Refusal:
    """A queued message refused when it fell due (it stays in the outbox too)."""
    return Refusal(
        message.account,
        message.number,
        message.text,
        DISPATCH_REASONS.get(code, code.name),
        int(code),
        message.api,
        message.request_id,
        message.dispatch_at,
        stage="dispatch",
        message_id=message.id,
        client_message_id=message.client_message_id,
    )
