"""The record of one request on its way through: timed from its first hook, filled in by
the surface that answers it, written to the request journal (with the documented outcomes
the answer showed, which the coverage tallies count) and the access log once the answer
is ready, whichever surface (or error handler) made it."""

from __future__ import annotations

import contextlib
import logging
import re
import time
from dataclasses import dataclass
from typing import Any

from flask import Response, current_app, g, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import RoutingException

from winsms_emulator.journal import JournalEntry
from winsms_emulator.operations import Answered, Operation
from winsms_emulator.web.context import gateway, state

#: One line per request: method, path, status, account, duration (INFO).
ACCESS_LOG = logging.getLogger("winsms_emulator.access")


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
    request_id: int | None = None  # the journal entry's number, for a WinSMS API request


def current() -> Exchange:
    found: Exchange = g.winsms_exchange
    return found


def begin() -> None:
    """The first hook of every request: start its clock and find its operation (also for
    a method the operation does not take, which is answered 405 in its surface's format)."""
    started = time.perf_counter()
    endpoint = request.endpoint
    refused = request.routing_exception
    if endpoint is None and isinstance(refused, MethodNotAllowed) and refused.valid_methods:
        adapter = current_app.create_url_adapter(request)
        with contextlib.suppress(HTTPException, RoutingException):
            if adapter is not None:
                endpoint = adapter.match(request.path, method=next(iter(refused.valid_methods)))[0]
    operation = state().operations.get(str(endpoint))
    exchange = Exchange(started, operation)
    if operation is not None:
        exchange.request_id = gateway().journal.new_id()
    g.winsms_exchange = exchange


def finish(response: Response) -> Response:
    """The last hook: journal a WinSMS API request and log one line for every request."""
    exchange: Exchange | None = g.get("winsms_exchange")
    if exchange is None:  # an answer made before the first hook ran
        return response
    took = (time.perf_counter() - exchange.started) * 1000
    operation = exchange.operation
    if operation is not None:
        gw = gateway()
        outcome = exchange.outcome or _outcome_of(response.status_code)
        surface = state().surfaces[operation.surface]
        shape = exchange.shape if exchange.shape is not None else surface.shapes[0]
        facts: tuple[str, ...] = ()
        if not exchange.injected:
            error = None if outcome == "ok" else outcome
            answered = Answered(operation, shape, response.status_code, error, exchange.results)
            facts = surface.facts(answered)
        entry = JournalEntry(
            at=gw.now(),
            method=request.method,
            path=request.path,
            api=operation.surface,
            operation=operation.name,
            account=exchange.account,
            http_status=response.status_code,
            outcome=outcome,
            violations=exchange.violations,
            violation_count=exchange.violation_count,
            detail=exchange.detail,
            duration_ms=round(took, 3),
            parameters=exchange.parameters,
            shape="" if exchange.injected else shape,
            facts=facts,
            id=exchange.request_id or gw.journal.new_id(),
        )
        gw.journal.record(entry)
        if not exchange.injected:
            gw.coverage.record(entry)
    if ACCESS_LOG.isEnabledFor(logging.INFO):
        ACCESS_LOG.info(
            "%s %s %s account=%s %.1fms",
            request.method,
            _masked(request.full_path.rstrip("?")),
            response.status_code,
            exchange.account or "-",
            took,
        )
    return response


#: A ``password=`` parameter in a logged address (any case), up to the next ``&``.
_PASSWORD = re.compile(r"(?i)([?&]password=)[^&]*")


def _masked(path: str) -> str:
    """The address with any password in its query string masked (the HTTP API's)."""
    return _PASSWORD.sub(r"\g<1>***", path) if "=" in path else path


def _outcome_of(status: int) -> str:
    return "ok" if status < 400 else str(status)
