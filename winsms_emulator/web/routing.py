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

from flask import Flask, Response
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
from winsms_emulator.web.context import app as current_app
from winsms_emulator.web.context import request, state


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
    for surface in surfaces:
        surface.setup(app)
        for operation in surface.operations:
            view = view_for(surface, operation)
            for path in operation.paths:
                app.add_url_rule(
                    path, endpoint=operation.endpoint, view_func=view, methods=operation.methods
                )
            by_endpoint[operation.endpoint] = operation
    app.register_error_handler(HTTPException, http_error)
    return by_endpoint


def http_error(exc: HTTPException) -> Response:
    """An app-level error (404, 405, 413, 500) in the format of the surface it is on."""
    found = exchange.current().operation if exchange.begun() else None
    surfaces = state().surfaces
    if isinstance(exc, NotFound) and request.url_rule is None and exchange.begun():
        return unknown_paths.answer(surfaces.values())
    surface = surfaces[found.surface] if found is not None else _claimant(surfaces.values())
    if surface is not None:
        record = exchange.current()
        record.outcome = record.outcome or f"{exc.code} {exc.name}"
        record.detail = record.detail or _cause(exc)
        return surface.error(exc)
    return control_answer(exc)


#: The whole path an any-case rule (``/<anycase("name"):path>``) stands for.
_ANY_CASE = re.compile(r'^/<anycase\("([^"]+)"\):\w+>$')


def any_case_names(rule: str) -> tuple[str, ...] | None:
    """The lower-case names an any-case rule matches (with or without ``api/`` and a
    trailing slash); ``None`` for any other rule."""
    found = _ANY_CASE.match(rule)
    return (found.group(1).lower(),) if found else None


#: How a gateway refusal a surface did not answer itself reaches the client.
_REFUSALS: dict[str, type[HTTPException]] = {
    "not_found": NotFound,
    "conflict": Conflict,
}


def view_for(surface: Surface, operation: Operation) -> Any:
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
        limit = current_app().config.get("MAX_CONTENT_LENGTH") or 0
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
