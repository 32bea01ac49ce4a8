"""The webhook worker: one background thread per gateway that fires report events as they
fall due and delivers notifications over HTTP, never inside the request that caused them.
It runs while notifications wait (and, with the real clock, while an account has
webhooks), and ends when there is nothing left for it.

It waits on the gateway's change signal: a clock move, a reply, a reset wake it. With
the real clock it also wakes when the next event or retry falls due, so events are sent
on time with nobody asking. Each attempt is a real HTTP GET to the configured URL only
(no proxy, no redirect followed) with a timeout; the HTTP call runs outside the lock.
Injected faults with ``match.api`` ``webhook`` make an attempt slow, fail or drop.
"""

from __future__ import annotations

import dataclasses
import http.client
import logging
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime
from urllib.parse import urlencode, urlsplit

from winsms_emulator.domain.webhooks import (
    Attempt,
    DeliveryPolicy,
    Notification,
    WebhookBook,
    attempt_outcome,
)
from winsms_emulator.domain.world import World
from winsms_emulator.faults import Fault, wait_out
from winsms_emulator.journal import JournalEntry
from winsms_emulator.services.core import Core
from winsms_emulator.version import __version__

LOG = logging.getLogger("winsms_emulator.webhooks")
#: The longest a worker with a real clock sleeps before it looks again (real seconds).
MAX_SLEEP = 1.0
#: The most of an answer's body the worker reads.
MAX_ANSWER = 64 * 1024


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Outgoing calls go to the configured URL only: a redirect is an answer like any other
    non-2xx one."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def full_url(notification: Notification) -> str:
    """The notification's URL with its parameters in the query string."""
    joiner = "&" if urlsplit(notification.url).query else "?"
    return notification.url + joiner + urlencode(notification.parameters)


def http_get(url: str, timeout: float) -> tuple[int | None, str | None]:
    """GET ``url``: its HTTP status and an error (``None`` for a 2xx answer)."""
    headers = {"User-Agent": f"winsms-emulator/{__version__} webhooks"}
    try:
        request = urllib.request.Request(url, method="GET", headers=headers)
        with _OPENER.open(request, timeout=timeout) as answer:
            answer.read(MAX_ANSWER)
            status = int(answer.status)
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code, f"HTTP {exc.code}"
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            return None, f"timed out after {timeout:g} s"
        return None, f"connection failed: {reason}"
    except TimeoutError:
        return None, f"timed out after {timeout:g} s"
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return None, f"connection failed: {type(exc).__name__}: {exc}"
    if not 200 <= status <= 299:
        return status, f"HTTP {status}"
    return status, None


@dataclasses.dataclass(frozen=True)
class _Job:
    notification: Notification
    book: WebhookBook
    at: datetime
    fault: Fault | None


class Deliverer:
    """The gateway's one webhook thread, started when notifications wait or an account
    has webhooks, and gone again when neither is true."""

    def __init__(self, core: Core, policy: DeliveryPolicy) -> None:
        self.core = core
        self.policy = policy
        self._thread: threading.Thread | None = None
        self._stopping = False

    def wake(self) -> None:
        """Start the thread if it is not running (the caller's change signal wakes it)."""
        with self.core.lock:
            if self._stopping or (self._thread is not None and self._thread.is_alive()):
                return
            self._thread = threading.Thread(
                target=self._run, name="winsms-emulator-webhooks", daemon=True
            )
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread (an attempt in flight ends first, within its timeout)."""
        with self.core.lock:
            self._stopping = True
            thread = self._thread
            self.core.changed.notify_all()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    @property
    def running(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    def _run(self) -> None:
        while True:
            job = self._next()
            if job is None:
                return
            try:
                status, error, latency = self._attempt(job)
            except Exception as exc:  # never let the thread die on one attempt
                LOG.exception("webhook attempt failed")
                status, error, latency = None, f"internal error: {exc}", 0.0
            self._record(job, status, error, latency)

    def _next(self) -> _Job | None:
        """Wait for the next notification due (firing report events on the way), or
        ``None`` when the thread should end."""
        core = self.core
        quiet = True  # no change woke it: time to ask whether it is still needed
        with core.lock:
            while not self._stopping:
                world, now = core.world, core.clock.now()
                core.catch_up(world, now)
                book = world.webhooks
                found = book.ready(now)
                if found is not None:
                    book.in_flight = found
                    found.attempts += 1
                    fault = world.faults.take(
                        "webhook", urlsplit(found.url).path, found.event, found.account
                    )
                    return _Job(found, book, now, dataclasses.replace(fault) if fault else None)
                idle = not book.pending and book.in_flight is None
                manual = core.clock.mode != "real"
                if idle and (manual or quiet) and not self._watching(world):
                    self._thread = None
                    return None
                # a change wakes it early (each request's, for one): the accounts are only
                # looked through again once it woke up on its own
                quiet = not core.changed.wait(self._sleep(book, now))
            self._thread = None
            return None

    def _watching(self, world: World) -> bool:
        """Whether the thread must stay to fire events on time: with the real clock, while
        an account has webhooks (with a manual clock, moving it fires them)."""
        if self.core.clock.mode != "real":
            return False
        return any(a.webhooks.active for a in world.accounts.values())

    def _sleep(self, book: WebhookBook, now: datetime) -> float | None:
        """How long to wait for a change: with a manual clock until someone moves it; with
        the real clock until the next thing falls due (at most a second)."""
        if self.core.clock.mode != "real":
            return None
        due = book.next_due()
        if due is None:
            return MAX_SLEEP
        return min(MAX_SLEEP, max(0.001, (due - now).total_seconds()))

    def _attempt(self, job: _Job) -> tuple[int | None, str | None, float]:
        fault = job.fault
        url = full_url(job.notification)
        if fault is not None and fault.kind == "latency":
            wait_out(fault)  # in the worker: a slow delivery
        if fault is not None and fault.kind == "http_error":
            return fault.status, f"injected fault {fault.id}: HTTP {fault.status}", 0.0
        started = time.perf_counter()
        status, error = http_get(url, self.policy.timeout_seconds)
        latency = (time.perf_counter() - started) * 1000
        if fault is not None and fault.kind == "drop_connection":
            # sent and received, but the answer is lost: the receiver will see it again
            dropped = f"injected fault {fault.id}: the connection dropped before the answer"
            return None, dropped, latency
        return status, error, latency

    def _record(self, job: _Job, status: int | None, error: str | None, latency: float) -> None:
        notification = job.notification
        with self.core.session() as (world, now):
            if world.webhooks is not job.book or job.book.in_flight is not notification:
                return  # a reset dropped it while it was in flight
            outcome, next_at = attempt_outcome(self.policy, notification, error is None, now)
            attempt = Attempt(
                notification=notification.id,
                account=notification.account,
                event=notification.event,
                url=full_url(notification),
                attempt=notification.attempts,
                at=job.at,
                http_status=status,
                latency_ms=round(latency, 3),
                error=error,
                outcome=outcome,
                next_at=next_at,
                test=notification.test,
            )
            job.book.finish(notification, attempt)
        self.core.journal.record(
            JournalEntry(
                at=job.at,
                method="GET",
                path=attempt.url,
                api="webhook",
                operation=notification.event,
                account=notification.account,
                http_status=status or 0,
                outcome="ok" if error is None else error,
                detail=f"attempt {attempt.attempt}: {outcome}"
                + (f", next at {next_at.isoformat()}" if next_at else ""),
                duration_ms=attempt.latency_ms,
                parameters=notification.parameters,
                id=self.core.journal.new_id(),
            )
        )
