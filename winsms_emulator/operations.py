"""What an API surface is and what one of its operations is: declared once, read by
routing, the fault layer, the request journal and the documents.

Each surface adapter (``adapters/xml_api.py``, ``adapters/rest/``,
``adapters/http_api.py``) declares its :class:`Surface` with its :class:`Operation`
entries; :mod:`winsms_emulator.registry` lists the surfaces. Each operation also
declares what the coverage report needs: its universe (every documented outcome it can
show, per published shape of its surface) and how to read the facts of its results; the
surface turns a whole answered request into facts (:class:`Answered`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from winsms_emulator.outcomes import Universe

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
    (its request schema, its document roots, ...). ``universe`` is every documented
    outcome it can show, per published shape of its surface (``""`` on a surface with
    one); ``facts`` reads, from the results its handler left and the shape it answered
    in, which of them an answer showed.
    """

    surface: str
    name: str
    paths: tuple[str, ...]
    methods: tuple[str, ...]
    handler: Callable[..., Any]
    spec: Any = None
    summary: str = ""
    universe: Mapping[str, Universe] = field(default_factory=lambda: {"": Universe()})
    facts: Callable[[Any, str], Iterable[str]] = field(default=lambda results, shape: ())

    @property
    def endpoint(self) -> str:
        return f"{self.surface}.{self.name}"


@dataclass(frozen=True, slots=True)
class Answered:
    """One answered request, as its surface reads its facts: the shape it was answered
    in, its HTTP status, the whole-request error answered instead of the operation's own
    answer (``None`` when there was none) and the results the handler left (``None`` when
    it did not finish)."""

    operation: Operation
    shape: str
    http_status: int
    error: str | None
    results: Any


def operation_facts(answered: Answered) -> tuple[str, ...]:
    """The facts of the operation's own results (none when its handler did not finish)."""
    if answered.results is None:
        return ()
    return tuple(answered.operation.facts(answered.results, answered.shape))


@dataclass(frozen=True)
class Surface:
    """An API surface: its operations and how it answers.

    ``run`` answers one request for an operation; ``error`` answers an app-level HTTP
    error (404, 405, 413) in the surface's format; ``injected_error`` and
    ``truncated`` are what the fault layer sends; ``who`` names the asking account
    without changing anything; ``claims`` says whether an unknown path looks like one
    of this surface's; ``prepare`` runs first on each of its requests (before the fault
    layer). ``title`` is how people name it, ``shapes`` its published shapes
    (one, ``""``, for most), and ``facts`` turns an answered request into the documented
    outcomes it showed.
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
    prepare: Callable[[], None] | None = None  # before the fault layer, on its requests
    title: str = ""
    shapes: tuple[str, ...] = ("",)
    facts: Callable[[Answered], tuple[str, ...]] = operation_facts

    def section(self, shape: str) -> str:
        """How people name one shape of the surface: ``XML``, ``REST current``."""
        return f"{self.title or self.name.upper()} {shape}".strip()
