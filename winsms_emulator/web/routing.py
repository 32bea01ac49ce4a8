"""Every surface's operations in the application's URL map, and app-level errors (404,
405, 413) answered in the format of the surface a path belongs to.

XML API paths match without regard to case and with or without ``/api`` (the gateway
runs on IIS): the rule ``/<anycase("xmlgetstatus.asp"):path>`` matches
``/API/XMLGetStatus.ASP`` and ``/xmlgetstatus.asp`` alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import (
    BadRequest,
    Conflict,
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
)
from werkzeug.routing import BaseConverter, Map, Rule

from winsms_emulator.errors import GatewayError
from winsms_emulator.operations import Operation, Surface
from winsms_emulator.web import exchange, unknown_paths
from winsms_emulator.web.answers import control_error


class AnyCase(BaseConverter):
    """A whole path matched in any case, with or without a leading ``api/`` and a
    trailing slash."""

    part_isolating = False

    def __init__(self, url_map: Map, name: str) -> None:
        super().__init__(url_map)
        self.regex = r"(?i:(?:api/)?" + re.escape(name) + r")/?"


def install(app: Flask, surfaces: Iterable[Surface]) -> dict[str, Operation]:
    """Route every operation of every surface; answer app-level errors by surface.
    Returns the operations by endpoint."""
    app.url_map.converters["anycase"] = AnyCase
    by_endpoint: dict[str, Operation] = {}
    by_name: dict[str, Surface] = {}
    for surface in surfaces:
        by_name[surface.name] = surface
        surface.setup(app)
        for operation in surface.operations:
            view = _view(surface, operation)
            for path in operation.paths:
                app.add_url_rule(
                    path, endpoint=operation.endpoint, view_func=view, methods=operation.methods
                )
            by_endpoint[operation.endpoint] = operation

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        found = exchange.current().operation if _has_exchange() else None
        if isinstance(exc, NotFound) and request.url_rule is None and _has_exchange():
            return unknown_paths.answer(by_name.values())
        surface = by_name[found.surface] if found is not None else _claimant(by_name.values())
        if surface is not None:
            record = exchange.current()
            record.outcome = record.outcome or f"{exc.code} {exc.name}"
            record.detail = record.detail or _cause(exc)
            return surface.error(exc)
        return control_answer(exc)

    return by_endpoint


#: How a gateway refusal a surface did not answer itself reaches the client.
_REFUSALS: dict[str, type[HTTPException]] = {
    "not_found": NotFound,
    "conflict": Conflict,
}


def _view(surface: Surface, operation: Operation) -> Any:
    def view(**_: Any) -> Response:
        try:
            return surface.run(operation)
        except GatewayError as exc:
            # The gateway refuses before it changes anything; a surface that lets the
            # refusal through still answers a 4xx in its own format, never a 500.
            exchange.current().detail = exc.message
            raise _REFUSALS.get(exc.kind, BadRequest)(exc.message) from None

    return view


def _cause(exc: HTTPException) -> str:
    """What the journal says of an error: for a 500, the exception behind it."""
    original = getattr(exc, "original_exception", None)
    if isinstance(exc, InternalServerError) and original is not None:
        return f"internal error: {type(original).__name__}: {original}"[:2000]
    return exc.description or ""


def _has_exchange() -> bool:
    return "winsms_exchange" in g


def _claimant(surfaces: Iterable[Surface]) -> Surface | None:
    return next((s for s in surfaces if s.claims(request.path)), None)


def control_answer(exc: HTTPException) -> Response:
    """An app-level error on a control-plane (or unknown) path."""
    status = exc.code or 500
    path, method = request.path, request.method
    if status == 405 and isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        allowed = ", ".join(m for m in exc.valid_methods if m not in ("HEAD", "OPTIONS"))
        return control_error(405, f"{method} is not allowed on {path}; use {allowed}")
    if status == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        return control_error(413, f"the request body is larger than {limit} bytes")
    return control_error(status, f"{exc.name}: {path}")


class LazyRule(Rule):
    """A URL rule whose URL builder (``url_for``) is compiled when first used rather than
    when the rule is added: compiling builders is most of the cost of building an app,
    and the emulator builds URLs for a handful of its rules only (the web inbox's)."""

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        compiled: list[Callable[..., tuple[str, str]]] = []
        eager = super()._compile_builder

        def build(rule: Rule, *args: Any, **kwargs: Any) -> tuple[str, str]:
            if not compiled:
                compiled.append(eager(append_unknown).__get__(rule, None))
            return compiled[0](*args, **kwargs)

        return build
