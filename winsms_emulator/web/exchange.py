"""The record of one request on its way through: timed from its first hook, filled in by
the surface that answers it, written to the request journal (with the documented outcomes
the answer showed, which the coverage tallies count) and the access log once the answer
is ready, whichever surface (or error handler) made it."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from typing import Any

from flask import Response

from winsms_emulator.journal import UNKNOWN_OPERATION, JournalEntry
from winsms_emulator.operations import Answered, Operation
from winsms_emulator.web import debug_log
from winsms_emulator.web.context import Lane, gateway, lane, request

#: One line per request: method, path, status, account, duration (INFO; health and
#: readiness probes, which come every few seconds, at DEBUG).
ACCESS_LOG = logging.getLogger("winsms_emulator.access")
QUIET_ENDPOINTS = frozenset({"control.health", "control.ready"})


@dataclass
class Exchange:
    """What the journal will say of one request: ``shape`` is the published shape the
    surface answered in (``None`` until it chose one), ``results`` what its handler had
    the gateway do (read for the answer's facts), ``injected`` whether an injected fault
    answered instead of the surface."""

    started: float
    operation: Operation | None
    account: str | None = None
    outcome: str | None = None
    violations: tuple[str, ...] = ()
    violation_count: int | None = None  # None: as many as listed
    detail: str = ""
    parameters: tuple[tuple[str, str], ...] = ()  # as sent, password masked (HTTP API)
    shape: str | None = None
    results: Any = None
    injected: bool = False
    unknown_path_api: str | None = None  # a path no endpoint has: the API it looks like
    request_id: int | None = None  # the journal entry's number, for a WinSMS API request


def current() -> Exchange:
    found = lane()
    assert found is not None and found.exchange is not None, "no request is being answered"
    record: Exchange = found.exchange
    return record


def begun() -> bool:
    """Whether the request being answered (if any) has its record yet."""
    found = lane()
    return found is not None and found.exchange is not None


def begin(current: Lane, operation: Operation | None) -> Exchange:
    """The first step of every request: start its clock, note its operation."""
    record = Exchange(time.perf_counter(), operation)
    if operation is not None:
        record.request_id = current.state.gateway.journal.new_id()
    current.exchange = record
    debug_log.keep_body()
    return record


def finish(response: Response) -> Response:
    """The last step: journal a WinSMS API request (or one to a path no endpoint has),
    wake the readers waiting for it, and log one line for every request."""
    current = lane()
    exchange: Exchange | None = current.exchange if current is not None else None
    if current is None or exchange is None:  # an answer made before the first step ran
        return response
    req = current.request
    took = (time.perf_counter() - exchange.started) * 1000
    operation = exchange.operation
    if operation is not None:
        gw = current.state.gateway
        outcome = exchange.outcome or _outcome_of(response.status_code)
        surface = current.state.surfaces[operation.surface]
        shape = exchange.shape if exchange.shape is not None else surface.shapes[0]
        facts: tuple[str, ...] = ()
        if not exchange.injected:
            error = None if outcome == "ok" else outcome
            answered = Answered(operation, shape, response.status_code, error, exchange.results)
            facts = surface.facts(answered)
        entry = JournalEntry(
            at=gw.now(),
            method=req.method,
            path=req.path,
            api=operation.surface,
            operation=operation.name,
            account=exchange.account,
            http_status=response.status_code,
            outcome=outcome,
            violations=exchange.violations,
            violation_count=max(exchange.violation_count or 0, len(exchange.violations)),
            detail=exchange.detail,
            duration_ms=round(took, 3),
            parameters=exchange.parameters,
            shape="" if exchange.injected else shape,
            facts=facts,
            numbers=numbers_in(exchange.results),
            id=exchange.request_id or gw.journal.new_id(),
        )
        gw.journal.record(entry)
        if not exchange.injected:
            gw.coverage.record(entry)
        gw.core.signal()  # a reader may be waiting for this entry
    elif exchange.unknown_path_api is not None:
        _journal_unknown_path(exchange, response, took)
    debug_log.request_done(exchange.account, exchange.results, response)
    level = logging.DEBUG if req.endpoint in QUIET_ENDPOINTS else logging.INFO
    if ACCESS_LOG.isEnabledFor(level):
        ACCESS_LOG.log(
            level,
            "%s %s %s account=%s %.1fms",
            req.method,
            _masked(req.full_path.rstrip("?")),
            response.status_code,
            exchange.account or "-",
            took,
        )
    return response


def _journal_unknown_path(exchange: Exchange, response: Response, took: float) -> None:
    """A request to a path no endpoint has is journalled too, under the API it looks like
    (``control`` for ``/_emulator/...``, ``unknown`` for none) as operation ``unknown``."""
    gw = gateway()
    gw.journal.record(
        JournalEntry(
            at=gw.now(),
            method=request.method,
            path=request.path,
            api=str(exchange.unknown_path_api),
            operation=UNKNOWN_OPERATION,
            account=exchange.account,
            http_status=response.status_code,
            outcome=exchange.outcome or _outcome_of(response.status_code),
            detail=exchange.detail,
            duration_ms=round(took, 3),
        )
    )
    gw.core.signal()


def numbers_in(results: Any) -> tuple[str, ...]:
    """The mobile numbers in what a handler had the gateway do, in order, each once: every
    result with a ``number`` (a recipient, a status, a reply), in lists and in the
    ``recipients`` of a message's results."""
    found: dict[str, None] = {}
    pending = [results]
    while pending:
        item = pending.pop()
        number = getattr(item, "number", None)
        recipients = getattr(item, "recipients", None)
        if number is None and recipients is None and isinstance(item, list | tuple):
            pending.extend(reversed(item))  # a list of results (a result may be a tuple)
            continue
        if isinstance(number, str) and number:
            found.setdefault(number)
        if isinstance(recipients, tuple):
            pending.extend(reversed(recipients))
    return tuple(found)


#: A ``password=`` parameter in a logged address (any case), up to the next ``&``.
_PASSWORD = re.compile(r"(?i)([?&]password=)[^&]*")


def _masked(path: str) -> str:
    """The address with any password in its query string masked (the HTTP API's)."""
    return _PASSWORD.sub(r"\g<1>***", path) if "=" in path else path


def _outcome_of(status: int) -> str:
    return "ok" if status < 400 else str(status)
