"""Event webhooks: where an account wants its replies and delivery reports pushed, the
notifications waiting to go out, and every attempt made to deliver one.

WinSMS sends each event as an HTTP GET to a URL set per account. The emulator keeps, per
account, a queue of notifications in the order their events happened; only the head of
an account's queue may be attempted (so order per account is kept), and a failed attempt
is retried after a backoff measured on the emulator's clock, up to a limit.

Pure Python: what is due when, never a socket or a thread (see
:mod:`winsms_emulator.services.webhook_worker`).
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from winsms_emulator.domain.messages import FinalOutcome, Message
from winsms_emulator.errors import DeliveryStatus, Invalid

REPLY = "reply"
DELIVERY = "delivery"
#: The events an account can be notified of.
EVENTS = (REPLY, DELIVERY)
#: The longest webhook URL the emulator keeps.
MAX_URL_LENGTH = 2000
#: The attempts the emulator remembers (the oldest are forgotten first).
MAX_ATTEMPTS_KEPT = 10_000


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    """An account's webhooks, as its Client Zone's Developers panel sets them: a URL for
    reply notifications, one for delivery reports (``None``: not set), and whether they
    are sent at all."""

    reply_url: str | None = None
    delivery_url: str | None = None
    enabled: bool = True

    def url_for(self, event: str) -> str | None:
        """Where ``event`` goes, or ``None`` when it is not sent."""
        if not self.enabled:
            return None
        return self.reply_url if event == REPLY else self.delivery_url

    @property
    def active(self) -> bool:
        return self.enabled and (self.reply_url is not None or self.delivery_url is not None)


def check_url(value: object, name: str) -> str:
    """A webhook URL: absolute ``http`` or ``https`` with a host, no fragment."""
    if not isinstance(value, str) or not value:
        raise Invalid(f"{name} must be an http or https URL, or null")
    if len(value) > MAX_URL_LENGTH:
        raise Invalid(f"{name} is longer than {MAX_URL_LENGTH} characters")
    if any(c.isspace() or ord(c) < 32 for c in value):
        raise Invalid(f"{name} must not contain spaces or control characters")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise Invalid(f"{name} is not a URL: {exc}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise Invalid(f"{name} must be an http or https URL, not {parts.scheme or 'no'} scheme")
    if not parts.hostname:
        raise Invalid(f"{name} must name a host")
    if port == 0:
        raise Invalid(f"{name} must not use port 0")
    if parts.fragment:
        raise Invalid(f"{name} must not have a #fragment")
    return value


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """How notifications are delivered: the HTTP timeout (real seconds), how many
    attempts one gets in all, and the first retry's delay (emulator seconds; each next
    one waits twice as long)."""

    timeout_seconds: float = 5.0
    max_attempts: int = 5
    first_retry_seconds: float = 1.0

    def __post_init__(self) -> None:
        if not 0 < self.timeout_seconds <= 300:
            raise Invalid("the webhook timeout must be more than 0 and at most 300 seconds")
        if isinstance(self.max_attempts, bool) or not 1 <= self.max_attempts <= 100:
            raise Invalid("webhook attempts must be between 1 and 100")
        if not 0 <= self.first_retry_seconds <= 3600:
            raise Invalid("the first webhook retry must come within 3600 seconds")

    def backoff(self, attempt: int) -> timedelta:
        """How long after failed attempt number ``attempt`` (1, 2, ...) the next one is due."""
        return timedelta(seconds=self.first_retry_seconds * 2 ** (attempt - 1))


@dataclass(slots=True, eq=False)
class Notification:
    """One event to push to one URL: its parameters, when its next attempt is due, and
    how many attempts it had."""

    id: int
    account: str
    event: str
    url: str
    parameters: tuple[tuple[str, str], ...]
    happened_at: datetime
    next_at: datetime
    attempts: int = 0
    test: bool = False

    @property
    def queue(self) -> tuple[str, bool]:
        """The queue it waits in: its account's (test notifications have their own, so a
        test goes out now even while the account's events wait for a retry)."""
        return (self.account, self.test)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One try at delivering a notification, and what became of it: ``outcome`` is
    ``delivered``, ``retrying`` (``next_at`` says when) or ``gave_up``."""

    notification: int
    account: str
    event: str
    url: str  # with the query string, as requested
    attempt: int
    at: datetime
    http_status: int | None
    latency_ms: float
    error: str | None
    outcome: str
    next_at: datetime | None
    test: bool = False

    @property
    def ok(self) -> bool:
        return self.outcome == "delivered"


#: A message's report events: its dispatch (a refusal there) and its final state.
DISPATCH, FINAL = 0, 1
#: The final states a delivery report is sent for.
REPORTED = (DeliveryStatus.DELIVERED, DeliveryStatus.SENDINGFAILED)


@dataclass
class WebhookBook:
    """The world's webhook state: report events not yet due (a heap of (time, kind,
    message ID)), each account's queue of notifications, the one being attempted, and
    every attempt made."""

    reports: list[tuple[datetime, int, int]] = field(default_factory=list)
    queues: dict[tuple[str, bool], deque[Notification]] = field(default_factory=dict)
    in_flight: Notification | None = None
    attempts: deque[Attempt] = field(default_factory=lambda: deque(maxlen=MAX_ATTEMPTS_KEPT))
    next_id: int = 1

    def watch(self, message: Message) -> None:
        """Remember when a new message's report events fall due: its dispatch time when it
        is queued (it may be refused then), and its final state's time when that state is
        one a delivery report is sent for."""
        if message.deleted_at is not None or message.refused is not None:
            return
        self.watch_sent(message.id, message.scheduled, message.dispatch_at, message.outcome)

    def watch_sent(
        self, message_id: int, scheduled: bool, dispatch_at: datetime, outcome: FinalOutcome
    ) -> None:
        """:meth:`watch` for a message just sent, by its parts."""
        if scheduled:
            heapq.heappush(self.reports, (dispatch_at, DISPATCH, message_id))
        if outcome.status in REPORTED:
            heapq.heappush(self.reports, (dispatch_at + outcome.after, FINAL, message_id))

    def due_reports(self, now: datetime) -> Iterator[tuple[datetime, int, int]]:
        """Take the report events due by ``now`` off the heap, in time order."""
        while self.reports and self.reports[0][0] <= now:
            yield heapq.heappop(self.reports)

    def forget_reports(self, now: datetime) -> None:
        """Drop report events due by ``now`` (a restored world: they happened before)."""
        self.reports = [entry for entry in self.reports if entry[0] > now]
        heapq.heapify(self.reports)

    def add(
        self,
        account: str,
        event: str,
        url: str,
        parameters: tuple[tuple[str, str], ...],
        at: datetime,
        *,
        test: bool = False,
    ) -> Notification:
        notification = Notification(
            self.next_id, account, event, url, parameters, at, at, test=test
        )
        self.next_id += 1
        self.queues.setdefault(notification.queue, deque()).append(notification)
        return notification

    @property
    def pending(self) -> bool:
        return bool(self.queues)

    def ready(self, now: datetime) -> Notification | None:
        """The head of an account's queue that is due by ``now``, the earliest first; none
        while another attempt is in flight (one attempt at a time)."""
        if self.in_flight is not None:
            return None
        heads = [queue[0] for queue in self.queues.values() if queue[0].next_at <= now]
        return min(heads, key=lambda n: (n.next_at, n.id), default=None)

    def next_due(self) -> datetime | None:
        """When the next head of a queue, or the next report event, falls due."""
        times = [queue[0].next_at for queue in self.queues.values()]
        if self.reports:
            times.append(self.reports[0][0])
        return min(times, default=None)

    def finish(self, notification: Notification, attempt: Attempt) -> None:
        """Record ``attempt`` of the notification in flight; a delivered or given-up one
        leaves its queue, a failed one waits for its retry at its head."""
        self.in_flight = None
        self.attempts.append(attempt)
        if attempt.outcome == "retrying" and attempt.next_at is not None:
            notification.next_at = attempt.next_at
            return
        queue = self.queues.get(notification.queue)
        if queue and queue[0] is notification:
            queue.popleft()
            if not queue:
                del self.queues[notification.queue]

    def drop(self, account: str | None = None) -> None:
        """Drop pending notifications and attempts (of one account, or all)."""
        if account is None:
            self.queues.clear()
            self.attempts.clear()
            self.in_flight = None
            return
        self.queues.pop((account, False), None)
        self.queues.pop((account, True), None)
        if self.in_flight is not None and self.in_flight.account == account:
            self.in_flight = None
        kept = [a for a in self.attempts if a.account != account]
        self.attempts = deque(kept, maxlen=MAX_ATTEMPTS_KEPT)


def attempt_outcome(
    policy: DeliveryPolicy, notification: Notification, ok: bool, now: datetime
) -> tuple[str, datetime | None]:
    """What an attempt that succeeded (``ok``) or failed leads to: ``delivered``; else a
    retry after the backoff, until the policy's attempts are spent (``gave_up``)."""
    if ok:
        return "delivered", None
    if notification.attempts >= policy.max_attempts:
        return "gave_up", None
    return "retrying", now + policy.backoff(notification.attempts)
