"""What an API surface is and what one of its operations is: declared once, read by
routing, the fault layer, the request journal and the documents.

Each surface adapter (``adapters/xml_api.py``, ``adapters/rest/``,
``adapters/http_api.py``) declares its :class:`Surface` with its :class:`Operation`
entries; :mod:`winsms_emulator.registry` lists the surfaces.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # no web framework at run time: the fault rules read SURFACE_NAMES
    from flask import Flask, Response
    from werkzeug.exceptions import HTTPException

#: The API surfaces clients use (a fault's ``match.api`` names one of them).
SURFACE_NAMES = ("xml", "rest", "http")


@dataclass(frozen=True)
class Operation:
    """One WinSMS operation on one surface.

    ``name`` is the operation's one name everywhere (journal, faults, documents);
    ``paths`` are URL rules; ``spec`` is what the surface's pipeline needs to know of it
    (its request schema, its document roots, ...).
    """

    surface: str
    name: str
    paths: tuple[str, ...]
    methods: tuple[str, ...]
    handler: Callable[..., Any]
    spec: Any = None
    summary: str = ""

    @property
    def endpoint(self) -> str:
        return f"{self.surface}.{self.name}"


@dataclass(frozen=True)
class Surface:
    """An API surface: its operations and how it answers.

    ``run`` answers one request for an operation; ``error`` answers an app-level HTTP
    error (404, 405, 413) in the surface's format; ``injected_error`` and
    ``truncated`` are what the fault layer sends; ``who`` names the asking account
    without changing anything; ``claims`` says whether an unknown path looks like one
    of this surface's.
    """

    name: str
    operations: tuple[Operation, ...]
    run: Callable[[Operation], Response]
    error: Callable[[HTTPException], Response]
    injected_error: Callable[[int, str], Response]
    truncated: tuple[str, str]  # (body, mimetype) of a malformed answer
    who: Callable[[], str | None]
    claims: Callable[[str], bool]
    setup: Callable[[Flask], None] = field(default=lambda app: None)
