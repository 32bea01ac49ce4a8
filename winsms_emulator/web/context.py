"""Where the running application keeps its emulator (``app.extensions``, never a module),
and what a request being answered can reach: its :class:`Lane`.

A WinSMS API request is answered either through Flask (the control plane, the inbox,
errors) or by :mod:`winsms_emulator.web.fastlane` straight from WSGI; either way the
surfaces read the request, the application and the request's own values from the lane,
so they need no framework context and behave the same on both ways.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app
from werkzeug.local import LocalProxy

from winsms_emulator.config import EmulatorConfig
from winsms_emulator.operations import Operation, Surface
from winsms_emulator.services import Gateway

if TYPE_CHECKING:
    from flask import Request

EXTENSION = "winsms_emulator"


@dataclass
class EmulatorState:
    """What one application instance holds: its gateway, its settings, its surfaces."""

    gateway: Gateway
    config: EmulatorConfig
    surfaces: dict[str, Surface]
    operations: dict[str, Operation]  # by endpoint


@dataclass
class Lane:
    """One request being answered: its application, emulator state and request, and
    what the steps of answering it leave for each other (``values``)."""

    app: Flask
    state: EmulatorState
    request: Request
    exchange: Any = None  # its journal record (web.exchange.Exchange), once begun
    values: dict[str, Any] = field(default_factory=dict)


_LANE: ContextVar[Lane | None] = ContextVar("winsms_emulator.lane", default=None)

#: The request being answered (Flask's ``request`` object, whichever way it came in).
request: Request = LocalProxy(_LANE, "request")  # type: ignore[assignment]


def enter(lane: Lane) -> Any:
    """Make ``lane`` the current request's; returns what :func:`leave` takes."""
    return _LANE.set(lane)


def leave(token: Any) -> None:
    _LANE.reset(token)


def lane() -> Lane | None:
    """The request being answered, if one is."""
    return _LANE.get()


def app() -> Flask:
    found = _LANE.get()
    if found is not None:
        return found.app
    return current_app._get_current_object()  # type: ignore[attr-defined, no-any-return]


def state() -> EmulatorState:
    """The running application's emulator state."""
    found = _LANE.get()
    if found is not None:
        return found.state
    return current_app.extensions[EXTENSION]  # type: ignore[no-any-return]


def gateway() -> Gateway:
    return state().gateway


def config() -> EmulatorConfig:
    return state().config


def values() -> dict[str, Any]:
    """What the steps of answering the current request leave for each other."""
    found = _LANE.get()
    if found is None:
        raise RuntimeError("no WinSMS request is being answered")
    return found.values
