"""Messages that handsets send in: replies, and texts to short/long codes."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

#: Replies and short-code messages are returned once, within 90 days.
INBOUND_WINDOW = timedelta(days=90)


@dataclass(slots=True, eq=False)
class Reply:
    """A handset's reply, routed to the account that last sent to it."""

    id: int
    account: str
    number: str
    message: str
    received_at: datetime
    sent_message_id: int
    opt_out: bool = False
    returned_at: datetime | None = None

    def is_recent(self, now: datetime) -> bool:
        return now - self.received_at <= INBOUND_WINDOW

    def is_pending(self, now: datetime) -> bool:
        return self.returned_at is None and self.is_recent(now)

    def copy(self) -> Reply:
        return dataclasses.replace(self)


@dataclass(slots=True, eq=False)
class ShortCodeMessage:
    """A handset's text to a short or long code, for the account that owns the code."""

    id: int
    account: str
    code: str
    number: str
    message: str
    received_at: datetime
    returned_at: datetime | None = None

    def is_recent(self, now: datetime) -> bool:
        return now - self.received_at <= INBOUND_WINDOW

    def is_pending(self, now: datetime) -> bool:
        return self.returned_at is None and self.is_recent(now)

    def copy(self) -> ShortCodeMessage:
        return dataclasses.replace(self)
