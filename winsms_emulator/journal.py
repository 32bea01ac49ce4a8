"""The request journal: what each API request was and what became of it.

It is the contract-testing report: a client library's test asks it whether its
requests broke any rule of the published schemas.

It is bounded twice: in entries (the last 10,000) and in bytes (64 MB by default), and
each entry keeps the first :data:`MAX_VIOLATIONS_KEPT` schema violations and their total
count, so no request, however hostile, makes it grow without bound.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime

#: How many entries the journal keeps before it forgets the oldest.
DEFAULT_JOURNAL_SIZE = 10_000
#: How many bytes (an estimate of the entries' size in memory) it keeps at most.
DEFAULT_JOURNAL_BYTES = 64 * 1024 * 1024
#: The schema violations one entry keeps (it counts them all).
MAX_VIOLATIONS_KEPT = 30
#: The mobile numbers one entry keeps (a send may name a thousand).
MAX_NUMBERS_KEPT = 1_000
#: The longest path, detail or violation text an entry keeps (longer ones are cut).
MAX_TEXT = 2_000
#: The operation a request to a path no endpoint has is journalled under.
UNKNOWN_OPERATION = "unknown"
#: What an entry costs besides its texts: the object, its time, its tuple.
ENTRY_OVERHEAD = 512


def _cut(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One request to one of the WinSMS APIs.

    ``violations`` are the first schema violations (at most :data:`MAX_VIOLATIONS_KEPT`
    once journalled) and ``violation_count`` how many there were in all (``None``:
    as many as listed).
    ``shape`` is the published shape of the API its answer was written in (``""`` for
    an API with one, or when an injected fault answered first); ``facts`` are the
    documented outcomes the answer showed (:mod:`winsms_emulator.outcomes`);
    ``numbers`` the mobile numbers it was about (its recipients, the messages it asked
    after), which the journal can be searched by.
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
    violation_count: int | None = None
    shape: str = ""
    facts: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()  # the mobile numbers the request was about
    #: the request's number (from :meth:`Journal.new_id`): messages and refused
    #: recipients name the request that sent them by it
    id: int = 0

    def bounded(self) -> JournalEntry:
        """This entry as the journal keeps it: a bounded number of bounded texts."""
        count = max(self.violation_count or 0, len(self.violations))
        if (
            count == self.violation_count
            and not self.violations
            and not self.parameters
            and len(self.numbers) <= MAX_NUMBERS_KEPT
            and max(len(self.path), len(self.outcome), len(self.detail)) <= MAX_TEXT
        ):
            return self  # already within every bound (most entries): nothing to copy
        return dataclasses.replace(
            self,
            path=_cut(self.path),
            outcome=_cut(self.outcome),
            detail=_cut(self.detail),
            violations=tuple(_cut(v) for v in self.violations[:MAX_VIOLATIONS_KEPT]),
            violation_count=count,
            parameters=tuple((_cut(k), _cut(v)) for k, v in self.parameters),
            numbers=self.numbers[:MAX_NUMBERS_KEPT],
        )

    @property
    def size(self) -> int:
        """An estimate of the bytes the entry holds."""
        texts = (self.method, self.path, self.api, self.operation, self.outcome, self.detail)
        return (
            ENTRY_OVERHEAD
            + sum(len(t) for t in texts)
            + len(self.account or "")
            + sum(len(v) + 64 for v in self.violations)
            + sum(len(k) + len(v) + 64 for k, v in self.parameters)
            + sum(len(f) + 64 for f in self.facts)
            + sum(len(n) + 64 for n in self.numbers)
        )


@dataclass
class Journal:
    """A bounded record of requests, oldest first, with a lock of its own (writing an
    entry never waits for the gateway's lock)."""

    size: int = DEFAULT_JOURNAL_SIZE
    max_bytes: int = DEFAULT_JOURNAL_BYTES
    _entries: deque[tuple[JournalEntry, int]] = field(init=False, default_factory=deque)
    _bytes: int = field(init=False, default=0)
    _last_id: int = field(init=False, default=0)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.size < 1 or self.max_bytes < 1:
            raise ValueError("a journal keeps at least one entry and one byte")

    @property
    def bytes(self) -> int:
        """The estimated size of what the journal holds now."""
        with self._lock:
            return self._bytes

    def new_id(self) -> int:
        """A number for a request about to be journalled: it grows with every request
        and is not given twice while anything names the request (a clear keeps the
        numbering; only a reset of the emulator, which forgets every message that named
        a request since the start, starts it again), so a message's link to its request
        cannot come to name another one."""
        with self._lock:
            self._last_id += 1
            return self._last_id

    def number_past(self, entry_id: int) -> None:
        """Give only numbers above ``entry_id`` from now on (a restored state names
        requests up to it, which this journal never saw)."""
        with self._lock:
            self._last_id = max(self._last_id, entry_id)

    def renumber_after(self, entry_id: int) -> None:
        """Give numbers from ``entry_id + 1`` on (the emulator was reset to a start whose
        messages name requests up to ``entry_id``)."""
        with self._lock:
            self._last_id = entry_id

    def entry(self, entry_id: int) -> JournalEntry | None:
        """The entry numbered ``entry_id``, while the journal still holds it."""
        with self._lock:
            return next((e for e, _ in reversed(self._entries) if e.id == entry_id), None)

    def record(self, entry: JournalEntry) -> None:
        kept = entry.bounded()
        cost = kept.size
        with self._lock:
            self._entries.append((kept, cost))
            self._bytes += cost
            while len(self._entries) > self.size or (
                self._bytes > self.max_bytes and len(self._entries) > 1
            ):
                self._bytes -= self._entries.popleft()[1]

    def entries(self, account: str | None = None, api: str | None = None) -> list[JournalEntry]:
        with self._lock:
            return [
                e
                for e, _ in self._entries
                if (account is None or e.account == account) and (api is None or e.api == api)
            ]

    def clear(self, account: str | None = None) -> None:
        with self._lock:
            if account is None:
                self._entries.clear()
                self._bytes = 0
                return
            self._entries = deque((e, c) for e, c in self._entries if e.account != account)
            self._bytes = sum(c for _, c in self._entries)
