"""How a request reaches its answer: the steps every request takes, and a fast lane that
takes WinSMS API requests through them straight from WSGI.

Every request: a :class:`~winsms_emulator.web.context.Lane` is entered; its exchange
begins (timed from here); the surface prepares (the HTTP API reads its parameters);
an injected fault may answer instead; the surface answers; the exchange finishes
(journal, coverage, access log). Through Flask these are its request hooks. A request
for a WinSMS operation on its exact path and method takes the same steps without
Flask's request and application contexts, URL adapters, signals and hook lists, which
cost more than the emulator's own work on a send. Everything else (the control plane,
the inbox, unknown paths, ``HEAD``, ``OPTIONS``, odd spellings of a path) goes through
Flask, and so does every request when a fault is waiting, so faults keep one way in.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, current_app, g, got_request_exception, request
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed
from werkzeug.routing import RoutingException, Rule

from winsms_emulator.adapters import faults
from winsms_emulator.operations import Operation, Surface
from winsms_emulator.web import exchange, routing
from winsms_emulator.web.context import EXTENSION, EmulatorState, Lane, enter, leave
from winsms_emulator.web.context import request as current_request

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
#: Where Flask keeps the lane's token between the first hook and the teardown.
_TOKEN = "winsms_lane"


def install(app: Flask, state: EmulatorState) -> None:
    """Register the steps as Flask hooks and put the fast lane in front of Flask."""
    app.before_request(_flask_before)
    app.after_request(exchange.finish)
    app.teardown_request(_flask_teardown)
    app.wsgi_app = FastLane(app, state, app.wsgi_app)  # type: ignore[method-assign]


def prepare(current: Lane, operation: Operation | None, routed: bool) -> Response | None:
    """The steps before the surface answers; a response when a fault answers instead.
    ``routed``: the path and method are the operation's (not a 405)."""
    exchange.begin(current, operation)
    if operation is None or not routed:
        return None
    surface = current.state.surfaces[operation.surface]
    if surface.prepare is not None:
        surface.prepare()
    return faults.maybe_fault(operation, surface)


def _flask_before() -> Response | None:
    found: EmulatorState = current_app.extensions[EXTENSION]
    current = Lane(current_app._get_current_object(), found, request._get_current_object())  # type: ignore[attr-defined]
    setattr(g, _TOKEN, enter(current))
    endpoint = request.endpoint
    refused = request.routing_exception
    if endpoint is None and isinstance(refused, MethodNotAllowed) and refused.valid_methods:
        # a method the operation does not take: answered 405 in its surface's format
        adapter = current_app.create_url_adapter(request)
        with contextlib.suppress(HTTPException, RoutingException):
            if adapter is not None:
                endpoint = adapter.match(request.path, method=next(iter(refused.valid_methods)))[0]
    operation = found.operations.get(str(endpoint))
    return prepare(current, operation, request.url_rule is not None)


def _flask_teardown(_: BaseException | None) -> None:
    token = g.pop(_TOKEN, None)
    if token is not None:
        leave(token)


class FastLane:
    """WSGI: a WinSMS operation's exact path and method straight to its surface; every
    other request to ``fallback`` (Flask)."""

    def __init__(self, app: Flask, state: EmulatorState, fallback: WsgiApp) -> None:
        self.app = app
        self.state = state
        self.fallback = fallback
        self.exact: dict[tuple[str, str], tuple[Operation, Rule]] = {}
        self.any_case: dict[tuple[str, str], tuple[Operation, Rule]] = {}
        for surface in state.surfaces.values():
            for operation in surface.operations:
                self._add(surface, operation)

    def _add(self, surface: Surface, operation: Operation) -> None:
        rules = self.app.url_map._rules_by_endpoint.get(operation.endpoint, [])
        for rule in rules:
            names = routing.any_case_names(rule.rule)
            for method in operation.methods:
                if names is None:
                    self.exact[(method, rule.rule)] = (operation, rule)
                    continue
                for name in names:  # as the any-case rule reads them (routing.AnyCase)
                    for path in (f"/{name}", f"/api/{name}", f"/{name}/", f"/api/{name}/"):
                        self.any_case[(method, path)] = (operation, rule)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        method = environ.get("REQUEST_METHOD", "")
        path = environ.get("PATH_INFO", "")
        found = self.exact.get((method, path)) or self.any_case.get((method, path.lower()))
        if found is None or self.state.gateway.control.faults_waiting():
            return self.fallback(environ, start_response)
        operation, rule = found
        app = self.app
        req = app.request_class(environ)
        req.max_content_length = app.config["MAX_CONTENT_LENGTH"]
        req.url_rule = rule
        req.view_args = {}
        current = Lane(app, self.state, req)
        token = enter(current)
        try:
            response = self._answer(current, operation)
            response = exchange.finish(response)
        finally:
            leave(token)
        return response(environ, start_response)

    def _answer(self, current: Lane, operation: Operation) -> Response:
        """The steps before, then the surface's answer; or the error either raised, as
        Flask's error handling would answer it."""
        try:
            injected = prepare(current, operation, True)
            if injected is not None:
                return injected
            surface = self.state.surfaces[operation.surface]
            response: Response = routing.view_for(surface, operation)()
            return response
        except HTTPException as exc:
            return routing.http_error(exc)
        except Exception as exc:  # what Flask does with an unexpected error: signal, log, 500
            got_request_exception.send(self.app, _async_wrapper=self.app.ensure_sync, exception=exc)
            if self.app.config["PROPAGATE_EXCEPTIONS"] or (
                self.app.config["PROPAGATE_EXCEPTIONS"] is None
                and (self.app.testing or self.app.debug)
            ):
                raise
            req = current_request
            self.app.logger.error("Exception on %s [%s]", req.path, req.method, exc_info=exc)
            return routing.http_error(InternalServerError(original_exception=exc))
