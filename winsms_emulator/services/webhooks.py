"""Webhooks as tests see them: send a test notification, read every delivery attempt and
what waits to be delivered, and the built-in receiver (the sink); and wait, server-side,
until enough attempts or sink requests are there.

Waiting follows the control plane's rule: with the manual clock, a wait whose condition
cannot hold until emulator time passes (the next attempt is a retry due later, or a
delivery report not yet due) is answered at once (:class:`NeedsTime`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar
from urllib.parse import urlsplit

from winsms_emulator.domain.notify import notify_test
from winsms_emulator.domain.sinks import SinkRequest, check_sink_name
from winsms_emulator.domain.webhooks import DELIVERY, EVENTS, Attempt, Notification
from winsms_emulator.domain.world import World
from winsms_emulator.errors import Conflict, Invalid
from winsms_emulator.faults import Fault
from winsms_emulator.services.core import Core
from winsms_emulator.services.webhook_worker import Deliverer

T = TypeVar("T")
#: Where the built-in receiver listens; a sink's name follows.
SINK_PATH = "/_emulator/webhook-sink"
#: The longest a reader may ask to wait (real seconds).
MAX_WAIT_SECONDS = 60.0


class NeedsTime(Conflict):
    """What a wait asks for cannot happen until the (manual) clock moves."""


def check_event(event: str | None) -> str | None:
    if event is not None and event not in EVENTS:
        raise Invalid(f"event must be one of {', '.join(EVENTS)}")
    return event


def check_wait(seconds: float, count: int) -> None:
    if not 0 <= seconds <= MAX_WAIT_SECONDS:
        raise Invalid(f"wait must be between 0 and {MAX_WAIT_SECONDS:g} seconds")
    if count < 1:
        raise Invalid("count must be 1 or more")


#: Which notifications a wait is about: (account, event, URL) -> whether it counts.
Wanted = Callable[[str, str, str], bool]


def needs_time(world: World, now: datetime, wanted: Wanted) -> bool:
    """Whether none of the ``wanted`` notifications can go out until emulator time passes:
    none is in flight or due now, yet one waits for a retry, or a delivery report for
    one is not yet due."""
    book = world.webhooks
    later = False
    for queue in book.queues.values():
        if any(wanted(n.account, n.event, n.url) for n in queue):
            if queue[0].next_at <= now:
                return False  # its account's queue moves now
            later = True
    if later:
        return True
    for at, _, message_id in book.reports:
        message = world.messages.get(message_id)
        account = world.accounts.get(message.account) if message is not None else None
        if at > now and account is not None:
            url = account.webhooks.url_for(DELIVERY)
            if url is not None and wanted(account.username, DELIVERY, url):
                return True
    return False


class Webhooks:
    """Test notifications, attempts, pending notifications and the sink."""

    def __init__(self, core: Core, deliverer: Deliverer) -> None:
        self._core = core
        self.deliverer = deliverer

    def send_test(self, username: str, event: str) -> Notification:
        """Queue a test notification of ``event`` for the account's URL, due now."""
        with self._core.session() as (world, now):
            return dataclasses.replace(notify_test(world, username, event, now))

    def attempts(self, account: str | None = None, event: str | None = None) -> list[Attempt]:
        """Every attempt, oldest first, of one account or event, or all."""
        check_event(event)
        with self._core.session() as (world, _):
            return _matching(world, account, event)

    def pending(self, account: str | None = None) -> list[Notification]:
        """The notifications waiting to be delivered (or retried), in order per account."""
        with self._core.session() as (world, _):
            return [
                dataclasses.replace(n)
                for queue in world.webhooks.queues.values()
                for n in queue
                if account is None or n.account == account
            ]

    def wait_attempts(
        self, account: str | None, event: str | None, count: int, seconds: float
    ) -> list[Attempt] | None:
        """The attempts once there are ``count`` of them (``None`` when the time is up)."""
        check_event(event)
        check_wait(seconds, count)

        def enough(world: World, now: datetime) -> list[Attempt] | None:
            found = _matching(world, account, event)
            return found if len(found) >= count else None

        def wanted(name: str, kind: str, url: str) -> bool:
            return account in (None, name) and event in (None, kind)

        return self._wait(enough, wanted, seconds, "webhook attempts")

    # -- the sink ----------------------------------------------------------------------------

    def take_sink_fault(self, path: str) -> Fault | None:
        with self._core.session() as (world, _):
            fault = world.faults.take("sink", path, "receive", None)
            return dataclasses.replace(fault) if fault is not None else None

    def receive(
        self,
        name: str,
        method: str,
        path: str,
        query: Sequence[tuple[str, str]],
        headers: Sequence[tuple[str, str]],
        body: str,
        answered: int,
        fault: str | None,
    ) -> SinkRequest:
        """Record what sink ``name`` received (and what it answered)."""
        check_sink_name(name)
        with self._core.session() as (_, now):
            sinks = self._core.sinks
            request = SinkRequest(
                sinks.new_id(),
                name,
                method,
                path,
                tuple(query),
                tuple(headers),
                body,
                now,
                answered,
                fault,
            )
            sinks.record(request)
            return request

    def sink_requests(self, name: str) -> list[SinkRequest]:
        check_sink_name(name)
        with self._core.session():
            return self._core.sinks.requests(name)

    def wait_sink(self, name: str, count: int, seconds: float) -> list[SinkRequest] | None:
        """The sink's requests once there are ``count`` (``None`` when the time is up)."""
        check_sink_name(name)
        check_wait(seconds, count)

        def enough(world: World, now: datetime) -> list[SinkRequest] | None:
            found = self._core.sinks.requests(name)
            return found if len(found) >= count else None

        def wanted(_: str, kind: str, url: str) -> bool:
            return urlsplit(url).path == f"{SINK_PATH}/{name}"

        return self._wait(enough, wanted, seconds, f"requests to sink {name!r}")

    def _wait(
        self,
        check: Callable[[World, datetime], T | None],
        wanted: Wanted,
        seconds: float,
        what: str,
    ) -> T | None:
        manual = self._core.clock.mode == "manual"

        def condition(world: World, now: datetime) -> tuple[T | None] | None:
            found = check(world, now)
            if found is not None:
                return (found,)
            if manual and needs_time(world, now, wanted):
                return (None,)  # answered at once: waiting longer changes nothing
            return None

        outcome = self._core.wait_for(condition, seconds)
        if outcome is None:
            return None
        if outcome[0] is None:
            raise NeedsTime(
                f"not enough {what} yet, and the next one waits for emulator time to pass: "
                "advance the clock (POST /_emulator/clock)"
            )
        return outcome[0]


def _matching(world: World, account: str | None, event: str | None) -> list[Attempt]:
    return [
        a
        for a in world.webhooks.attempts
        if (account is None or a.account == account) and (event is None or a.event == event)
    ]
