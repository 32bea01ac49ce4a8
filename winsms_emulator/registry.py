"""Every API surface the emulator serves, and so every WinSMS operation, in one list.

Routing, the fault layer, the request journal and the documents all read this; adding
an operation is a handler and its :class:`~winsms_emulator.operations.Operation` entry
in its surface's adapter, and a new surface is one adapter and one line here.
"""

from __future__ import annotations

from winsms_emulator.adapters import http_api, rest, xml_api
from winsms_emulator.operations import Operation, Surface

SURFACES: tuple[Surface, ...] = (xml_api.SURFACE, rest.SURFACE, http_api.SURFACE)
OPERATIONS: tuple[Operation, ...] = tuple(op for s in SURFACES for op in s.operations)
