"""winsms-emulator: an offline emulator of the WinSMS SMS gateway for testing SMS clients.

Public API: :class:`Emulator` (drive it from Python), :func:`create_app`,
:class:`Gateway`, the clocks, the outcome table of :mod:`winsms_emulator.errors`, and
:class:`DeliveryPolicy` (how webhook notifications are delivered and retried).
"""

from __future__ import annotations

from winsms_emulator.app import create_app
from winsms_emulator.clock import Clock, ClockError, ManualClock, SystemClock
from winsms_emulator.config import EmulatorConfig
from winsms_emulator.domain.webhooks import DeliveryPolicy
from winsms_emulator.emulator import Emulator
from winsms_emulator.errors import (
    DeleteResult,
    DeliveryStatus,
    GatewayError,
    NeedsEmulatorTime,
    RequestError,
    SendOutcome,
    StatusCode,
    WaitTimedOut,
)
from winsms_emulator.services import Gateway
from winsms_emulator.version import __version__

__all__ = [
    "Clock",
    "ClockError",
    "DeleteResult",
    "DeliveryPolicy",
    "DeliveryStatus",
    "Emulator",
    "EmulatorConfig",
    "Gateway",
    "GatewayError",
    "ManualClock",
    "NeedsEmulatorTime",
    "RequestError",
    "SendOutcome",
    "StatusCode",
    "SystemClock",
    "WaitTimedOut",
    "__version__",
    "create_app",
]
