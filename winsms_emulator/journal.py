"""The request journal: what each API request was and what became of it.

It is the contract-testing report: a client library's test asks it whether its
requests broke any rule of the published schemas.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

#: How many entries the journal keeps before it forgets the oldest.
DEFAULT_JOURNAL_SIZE = 10_000


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One request to one of the WinSMS APIs.

    ``shape`` is the published shape of the API its answer was written in (``""`` for
    an API with one, or when an injected fault answered first); ``facts`` are the
    documented outcomes the answer showed (:mod:`winsms_emulator.outcomes`).
    """

    at: datetime
    method: str
    path: str
    api: str  # a surface: "xml", "rest" or "http"
    operation: str  # e.g. "send", "status"
    account: str | None
    http_status: int
    outcome: str  # "ok", or the whole-request error
    violations: tuple[str, ...] = ()
    detail: str = ""
    duration_ms: float = 0.0
    parameters: tuple[tuple[str, str], ...] = ()  # the HTTP API's, password masked
    shape: str = ""
    facts: tuple[str, ...] = ()


@dataclass
class Journal:
    """A bounded record of requests, oldest first, with a lock of its own (writing an
    entry never waits for the gateway's lock)."""

    size: int = DEFAULT_JOURNAL_SIZE
    _entries: deque[JournalEntry] = field(init=False)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._entries = deque(maxlen=self.size)

    def record(self, entry: JournalEntry) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self, account: str | None = None, api: str | None = None) -> list[JournalEntry]:
        with self._lock:
            return [
                e
                for e in self._entries
                if (account is None or e.account == account) and (api is None or e.api == api)
            ]

    def clear(self, account: str | None = None) -> None:
        with self._lock:
            if account is None:
                self._entries.clear()
                return
            kept: Iterable[JournalEntry] = [e for e in self._entries if e.account != account]
            self._entries = deque(kept, maxlen=self.size)
