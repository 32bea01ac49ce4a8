"""A request to a path no endpoint has: journalled, and answered 404 naming the path and
the nearest endpoint there is, in the format of the API the path looks like.

The API is the one whose endpoints the path is nearest to: ``/api/xmlsendsms.asp`` is
the XML API's (an ``<Error>`` document), ``/api/credit.asp`` the HTTP API's (an
``Error=`` pair), ``/api/rest/...`` REST's (its documented 404 body, the detail in the
``X-Emulator-Detail`` header), ``/_emulator/...`` the control plane's (``{"error"}``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import NotFound

from winsms_emulator.operations import Surface
from winsms_emulator.web import exchange
from winsms_emulator.web.answers import control_error

#: The control plane's paths (and the web inbox's) belong to no WinSMS API.
CONTROL = "control"
#: The API of an endpoint by the first part of its name (the APIs' own documents too).
_API_OF_BLUEPRINT = {
    "xml": "xml",
    "rest": "rest",
    "rest_v1": "rest",
    "http": "http",
    "http_api": "http",
}
_ANYCASE = re.compile(r"<anycase\(\"([^\"]+)\"\):[a-z_]+>")
_PLACEHOLDER = re.compile(r"<(?:[a-z]+:)?[a-z_]+>")


def known_paths(app: Flask) -> dict[str, str]:
    """Every endpoint's path as a person writes it, by the API it belongs to: an XML or
    HTTP API rule ``/<anycase("xmlgetstatus.asp"):path>`` is ``/api/xmlgetstatus.asp``."""
    found: dict[str, str] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = _ANYCASE.sub(lambda m: "api/" + m.group(1), rule.rule)
        api = _API_OF_BLUEPRINT.get(rule.endpoint.split(".", 1)[0], CONTROL)
        found.setdefault(path, api)
    return found


def _filled(template: str, segments: list[str]) -> str:
    """``template`` with each ``<name>`` replaced by the asked path's segment there."""
    parts = template.split("/")
    return "/".join(
        segments[i] if _PLACEHOLDER.fullmatch(p) and i < len(segments) else p
        for i, p in enumerate(parts)
    )


def nearest(path: str, known: dict[str, str]) -> tuple[str, str] | None:
    """The known path most like ``path`` (placeholders filled from it), and its API."""
    asked = path.lower()
    segments = path.split("/")
    candidates = {_filled(template, segments): api for template, api in known.items()}
    lowered = {c.lower(): c for c in candidates}
    close = difflib.get_close_matches(asked, list(lowered), n=1, cutoff=0.5)
    if not close:
        return None
    best = lowered[close[0]]
    return best, candidates[best]


def answer(surfaces: Iterable[Surface]) -> Response:
    """The 404 of a path no endpoint has, in the format of the API it looks like."""
    path = request.path
    found = nearest(path, known_paths(current_app))
    by_name = {s.name: s for s in surfaces}
    api = CONTROL if path.startswith("/_emulator") else found[1] if found else "unknown"
    hint = f"; the nearest endpoint is {found[0]}" if found is not None else ""
    detail = f"no endpoint at {path}{hint}"
    record = exchange.current()
    record.unknown_path_api = api
    surface = by_name.get(api)
    response = control_error(404, detail) if surface is None else surface.error(NotFound(detail))
    record.outcome = "404 Not Found"  # whatever the surface's error said
    record.detail = detail
    return response
