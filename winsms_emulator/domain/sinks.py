"""The built-in webhook receiver's memory: per sink name, the requests it received, so a
test with no server of its own can point an account at the emulator and read what came.

Bounded: each sink keeps its last :data:`MAX_REQUESTS` requests and each body its first
:data:`MAX_BODY` characters; the emulator keeps at most :data:`MAX_SINKS` sinks (the
least recently used one is forgotten first).
"""

from __future__ import annotations

import re
from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import datetime

from winsms_emulator.errors import Invalid

MAX_REQUESTS = 1000
MAX_BODY = 64 * 1024
MAX_SINKS = 1000
_NAME = re.compile(r"[A-Za-z0-9._~-]{1,100}")


def check_sink_name(name: str) -> str:
    """A sink name: 1 to 100 letters, digits, ``.``, ``_``, ``~`` or ``-``."""
    if not _NAME.fullmatch(name):
        raise Invalid(
            f"a sink name is 1 to 100 letters, digits, '.', '_', '~' or '-' (not {name[:120]!r})"
        )
    return name


@dataclass(frozen=True, slots=True)
class SinkRequest:
    """One request a sink received, and what it answered (``fault``: the injected fault
    that shaped the answer, if any)."""

    id: int
    sink: str
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: tuple[tuple[str, str], ...]
    body: str
    at: datetime
    answered: int
    fault: str | None = None


class Sinks:
    """Every sink's requests, oldest first (guarded by the gateway's lock)."""

    def __init__(self) -> None:
        self._sinks: OrderedDict[str, deque[SinkRequest]] = OrderedDict()
        self._next_id = 1

    def new_id(self) -> int:
        found = self._next_id
        self._next_id += 1
        return found

    def record(self, request: SinkRequest) -> None:
        kept = self._sinks.get(request.sink)
        if kept is None:
            kept = self._sinks[request.sink] = deque(maxlen=MAX_REQUESTS)
            while len(self._sinks) > MAX_SINKS:
                self._sinks.popitem(last=False)
        self._sinks.move_to_end(request.sink)
        kept.append(request)

    def requests(self, name: str) -> list[SinkRequest]:
        return list(self._sinks.get(name, ()))

    def clear(self) -> None:
        self._sinks.clear()
        self._next_id = 1
