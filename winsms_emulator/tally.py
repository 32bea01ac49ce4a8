"""What the API requests showed, counted: the figures of the coverage report.

Every journaled request (but one an injected fault answered, which is not WinSMS's
behaviour) is counted here as well, by account, API, shape and operation: how many
requests, how many showed each fact, how many broke a published schema and with which
messages. Unlike the journal, nothing is forgotten for age: what is kept grows with the
accounts, operations and distinct facts seen, never with the number of requests.

Three scopes are counted side by side: since the emulator started (``start``), since the
last reset (``reset``; an account's own reset drops that account from it) and since the
mark (``mark``; the start until a mark is set).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from winsms_emulator.journal import JournalEntry

#: (API, shape, operation): one operation as one published shape of its surface serves it.
Key = tuple[str, str, str]

#: The scopes a report can cover, and the one it covers unless asked.
SCOPES = ("start", "reset", "mark")
DEFAULT_SCOPE = "mark"

#: Distinct schema-violation messages kept per account and operation (more are counted).
MAX_VIOLATION_MESSAGES = 20


@dataclass
class OperationTally:
    """One operation's requests: how many, how many showed each fact, how many broke a
    published schema, and the schema's messages (at most :data:`MAX_VIOLATION_MESSAGES`)."""

    requests: int = 0
    facts: Counter[str] = field(default_factory=Counter)
    violating: int = 0
    violations: Counter[str] = field(default_factory=Counter)

    def add(self, facts: Iterable[str], violations: Iterable[str]) -> None:
        self.requests += 1
        self.facts.update(facts)
        seen = list(violations)
        if seen:
            self.violating += 1
            for message in seen:
                if message in self.violations or len(self.violations) < MAX_VIOLATION_MESSAGES:
                    self.violations[message] += 1

    def merge(self, other: OperationTally) -> None:
        self.requests += other.requests
        self.facts.update(other.facts)
        self.violating += other.violating
        for message, count in other.violations.items():
            if message in self.violations or len(self.violations) < MAX_VIOLATION_MESSAGES:
                self.violations[message] += count

    def copy(self) -> OperationTally:
        return OperationTally(
            self.requests, Counter(self.facts), self.violating, Counter(self.violations)
        )


@dataclass
class Tally:
    """The requests of one scope, by account (``None``: no account was found for them)
    and operation. ``since`` is the emulator time the scope began."""

    since: datetime
    accounts: dict[str | None, dict[Key, OperationTally]] = field(default_factory=dict)

    def add(
        self, account: str | None, key: Key, facts: Iterable[str], violations: Iterable[str]
    ) -> None:
        operations = self.accounts.setdefault(account, {})
        found = operations.get(key)
        if found is None:
            found = operations[key] = OperationTally()
        found.add(facts, violations)

    def merge(self, other: Tally) -> None:
        """Add ``other``'s counts (another pytest-xdist worker's, say) to these."""
        self.since = min(self.since, other.since)
        for account, operations in other.accounts.items():
            mine = self.accounts.setdefault(account, {})
            for key, counted in operations.items():
                mine.setdefault(key, OperationTally()).merge(counted)

    def whole(self) -> dict[Key, OperationTally]:
        """Every account's requests together."""
        total: dict[Key, OperationTally] = {}
        for operations in self.accounts.values():
            for key, counted in operations.items():
                total.setdefault(key, OperationTally()).merge(counted)
        return total

    def of(self, account: str) -> dict[Key, OperationTally]:
        """One account's requests."""
        return {k: t.copy() for k, t in self.accounts.get(account, {}).items()}

    def copy(self) -> Tally:
        return Tally(
            self.since,
            {a: {k: t.copy() for k, t in ops.items()} for a, ops in self.accounts.items()},
        )


class Tallies:
    """The three scopes, counted as requests are journaled, with a lock of their own
    (like the journal's: counting a request never waits for the gateway's lock)."""

    def __init__(self, now: datetime) -> None:
        self._lock = threading.Lock()
        self._scopes = {scope: Tally(now) for scope in SCOPES}
        #: Whether a mark was ever set (until then the ``mark`` scope is the start's).
        self.marked = False

    def record(self, entry: JournalEntry) -> None:
        """Count one journaled request in every scope."""
        key = (entry.api, entry.shape, entry.operation)
        with self._lock:
            for tally in self._scopes.values():
                tally.add(entry.account, key, entry.facts, entry.violations)

    def reset(self, now: datetime, account: str | None = None) -> None:
        """A reset: of everything (the ``reset`` scope begins again) or of one account
        (whose requests leave the ``reset`` scope)."""
        with self._lock:
            if account is None:
                self._scopes["reset"] = Tally(now)
            else:
                self._scopes["reset"].accounts.pop(account, None)

    def mark(self, now: datetime) -> None:
        """Begin the ``mark`` scope again, now."""
        with self._lock:
            self._scopes["mark"] = Tally(now)
            self.marked = True

    def tally(self, scope: str) -> Tally:
        """A copy of one scope's counts (``scope`` is one of :data:`SCOPES`)."""
        with self._lock:
            return self._scopes[scope].copy()

    def accounts(self) -> set[str]:
        """Every account any request since the start was counted for."""
        with self._lock:
            return {a for a in self._scopes["start"].accounts if a is not None}
