"""Where the running application keeps its emulator: ``app.extensions``, never a module."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from winsms_emulator.config import EmulatorConfig
from winsms_emulator.operations import Operation, Surface
from winsms_emulator.services import Gateway

EXTENSION = "winsms_emulator"


@dataclass
class EmulatorState:
    """What one application instance holds: its gateway, its settings, its surfaces."""

    gateway: Gateway
    config: EmulatorConfig
    surfaces: dict[str, Surface]
    operations: dict[str, Operation]  # by endpoint


def state() -> EmulatorState:
    """The running application's emulator state."""
    found: EmulatorState = current_app.extensions[EXTENSION]
    return found


def gateway() -> Gateway:
    return state().gateway


def config() -> EmulatorConfig:
    return state().config
