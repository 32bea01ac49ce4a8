"""Outgoing messages and their delivery timeline.

A message stores only what happened to it (submitted, maybe deleted) and what
its delivery will end in. Its status at any moment is derived from those facts
and the time asked about: nothing runs in the background.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from winsms_emulator.domain.encoding import TextInfo
from winsms_emulator.errors import SCRIPTABLE_FINAL_STATES, DeliveryStatus, Invalid, StatusCode

#: Statuses can be read for 90 days after dispatch; then NOTFOUND/-2.
STATUS_WINDOW = timedelta(days=90)
#: The longest a delivery report may take (an account's delay or a scripted one): a year.
MAX_DELAY_SECONDS = 365 * 24 * 3600


@dataclass(frozen=True, slots=True)
class FinalOutcome:
    """What delivery ends in, and how long after dispatch."""

    status: DeliveryStatus
    code: StatusCode
    after: timedelta


def scripted_outcome(
    status: DeliveryStatus, code: StatusCode, after_seconds: float
) -> FinalOutcome:
    """A final state a test may script: a final status, an Appendix B code that goes with
    it, and a delay of at most a year."""
    allowed = SCRIPTABLE_FINAL_STATES.get(status)
    if allowed is None:
        raise Invalid(
            f"{status.value} is not a final state: use one of "
            + ", ".join(s.value for s in SCRIPTABLE_FINAL_STATES)
        )
    if code not in allowed:
        raise Invalid(
            f"status code {int(code)} does not go with {status.value}: use one of "
            + ", ".join(str(int(c)) for c in sorted(allowed))
        )
    if not 0 <= after_seconds <= MAX_DELAY_SECONDS:
        raise Invalid(f"after_seconds must be between 0 and {MAX_DELAY_SECONDS}")
    return FinalOutcome(status, code, timedelta(seconds=after_seconds))


@dataclass(frozen=True, slots=True)
class MessageState:
    """A message's status as the status call reports it."""

    status: DeliveryStatus
    code: StatusCode
    at: datetime

    @property
    def in_queue(self) -> bool:
        return self.code is StatusCode.IN_QUEUE


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    at: datetime
    event: str  # submitted, queued, dispatched, delivered, failed, deleted, ...
    status: DeliveryStatus
    code: StatusCode


@dataclass(slots=True, eq=False)
class Message:
    """One message to one recipient, with its own ID and cost."""

    id: int
    account: str
    number: str
    text: str
    info: TextInfo
    cost: Decimal
    submitted_at: datetime
    dispatch_at: datetime
    scheduled: bool
    outcome: FinalOutcome
    client_message_id: str | None = None
    api: str = "service"  # which API sent it: xml, rest, http, service, optout-confirmation
    deleted_at: datetime | None = None
    #: the Appendix B code a queued message was refused with at its dispatch time
    refused: StatusCode | None = None
    #: the request journal's entry of the request that sent it (None: no API request)
    request_id: int | None = None

    def copy(self) -> Message:
        """A copy a caller may keep: later changes to the message do not show in it."""
        return dataclasses.replace(self)

    @property
    def final_at(self) -> datetime:
        return self.dispatch_at + self.outcome.after

    def is_queued(self, now: datetime) -> bool:
        return self.deleted_at is None and now < self.dispatch_at

    def was_dispatched(self, now: datetime) -> bool:
        """Whether the message went out (it was not deleted, nor refused at dispatch)."""
        return self.deleted_at is None and self.refused is None and now >= self.dispatch_at

    def state_at(self, now: datetime) -> MessageState:
        """The status the gateway reports for this message at ``now``."""
        if self.deleted_at is not None:
            return MessageState(DeliveryStatus.NOTFOUND, StatusCode.NOT_FOUND, now)
        if now < self.dispatch_at:
            return MessageState(DeliveryStatus.NOTFOUND, StatusCode.IN_QUEUE, now)
        if now - self.dispatch_at > STATUS_WINDOW:
            return MessageState(DeliveryStatus.NOTFOUND, StatusCode.NOT_FOUND, now)
        if self.refused is not None:
            return MessageState(DeliveryStatus.SENDINGFAILED, self.refused, self.dispatch_at)
        if now >= self.final_at:
            final = self.outcome
            at = self.dispatch_at if final.status is DeliveryStatus.SENT else self.final_at
            return MessageState(final.status, final.code, at)
        return MessageState(DeliveryStatus.SENT, StatusCode.ACCEPTED_FOR_DELIVERY, self.dispatch_at)

    def changes(self) -> tuple[datetime, ...]:
        """The moments at which time alone changes this message's status: its dispatch,
        its delivery report, and the end of the 90 days its status can be read."""
        if self.deleted_at is not None:
            return ()
        expiry = self.dispatch_at + STATUS_WINDOW + timedelta(microseconds=1)
        return (self.dispatch_at, self.final_at, expiry)

    def timeline(self, now: datetime) -> list[TimelineEvent]:
        """Every event of this message that has happened by ``now``, oldest first."""
        events: list[TimelineEvent] = []
        if self.scheduled:
            events.append(
                TimelineEvent(
                    self.submitted_at, "queued", DeliveryStatus.NOTFOUND, StatusCode.IN_QUEUE
                )
            )
        if self.deleted_at is not None:
            events.append(
                TimelineEvent(
                    self.deleted_at, "deleted", DeliveryStatus.NOTFOUND, StatusCode.NOT_FOUND
                )
            )
            return events
        if now < self.dispatch_at:
            return events
        if self.refused is not None:
            events.append(
                TimelineEvent(
                    self.dispatch_at, "refused", DeliveryStatus.SENDINGFAILED, self.refused
                )
            )
            return events + self._expiry(now)
        events.append(
            TimelineEvent(
                self.dispatch_at,
                "dispatched",
                DeliveryStatus.SENT,
                StatusCode.ACCEPTED_FOR_DELIVERY,
            )
        )
        final = self.outcome
        if now >= self.final_at and (final.status, final.code) != (
            DeliveryStatus.SENT,
            StatusCode.ACCEPTED_FOR_DELIVERY,
        ):
            name = {
                DeliveryStatus.DELIVERED: "delivered",
                DeliveryStatus.SENDINGFAILED: "failed",
            }.get(final.status, "report")
            events.append(TimelineEvent(self.final_at, name, final.status, final.code))
        return events + self._expiry(now)

    def _expiry(self, now: datetime) -> list[TimelineEvent]:
        if now - self.dispatch_at <= STATUS_WINDOW:
            return []
        return [
            TimelineEvent(
                self.dispatch_at + STATUS_WINDOW,
                "expired",
                DeliveryStatus.NOTFOUND,
                StatusCode.NOT_FOUND,
            )
        ]
