"""Fault injection: make chosen API requests slow, fail, break or hang up.

A test adds a :class:`Fault` with a match (API, path, operation, account; all
optional) and a kind; the next matching WinSMS API requests get the fault
instead of (or, for ``latency``, before) their normal answer. A fault fires a
given number of ``times``, with a seeded ``probability``, or, with neither,
on every match until cleared. A request that gets a fault other than
latency has no effect on the emulator's state.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from winsms_emulator.operations import SURFACE_NAMES

FAULT_KINDS = ("latency", "http_error", "drop_connection", "malformed_body")
#: Not WinSMS APIs: the emulator's outgoing webhook notifications and its built-in
#: receiver. A fault reaches them only when its ``match.api`` names them.
WEBHOOK_APIS = ("webhook", "sink")
APIS = (*SURFACE_NAMES, *WEBHOOK_APIS)
#: The operations of the webhook "APIs": the events, and the sink's one.
WEBHOOK_OPERATIONS = {"webhook": ("reply", "delivery"), "sink": ("receive",)}
#: The longest latency a fault may add, so a typo cannot hang a test run.
MAX_LATENCY_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class FaultMatch:
    """Which requests a fault applies to; ``None`` matches anything."""

    api: str | None = None
    path: str | None = None
    operation: str | None = None
    account: str | None = None

    def matches(self, api: str, path: str, operation: str, account: str | None) -> bool:
        return (
            (self.api == api if api in WEBHOOK_APIS else self.api in (None, api))
            and (self.path is None or self.path.lower() == path.lower())
            and (self.operation is None or self.operation == operation)
            and (self.account is None or self.account == account)
        )


def fault_problem(fault: Fault) -> str | None:
    """What is wrong with a fault's settings, or ``None`` when it can be used."""
    if fault.kind not in FAULT_KINDS:
        return f"kind must be one of {', '.join(FAULT_KINDS)}"
    if fault.match.api not in (None, *APIS):
        return f"match.api must be one of {', '.join(APIS)}"
    if fault.kind == "malformed_body" and fault.match.api == "webhook":
        return "malformed_body applies to answers: use it on an API or the sink"
    if fault.kind == "latency" and not 0 < fault.seconds <= MAX_LATENCY_SECONDS:
        return f"a latency fault needs seconds between 0 and {MAX_LATENCY_SECONDS}"
    if not 400 <= fault.status <= 599:
        return "status must be an HTTP error code (400-599)"
    if fault.times is not None and fault.times < 0:
        return "times must be 1 or more"
    if fault.probability is not None and not 0 < fault.probability <= 1:
        return "probability must be more than 0 and at most 1"
    if fault.times is not None and fault.probability is not None:
        return "give times or probability, not both"
    return None


@dataclass(slots=True)
class Fault:
    """One injected fault and how often it has fired."""

    id: int
    kind: str
    match: FaultMatch
    seconds: float = 0.0  # latency
    status: int = 503  # http_error
    times: int | None = None  # fires this many more times; None: no limit
    probability: float | None = None  # fires with this chance (seeded)
    hits: int = 0

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.times <= 0


@dataclass
class FaultBook:
    """The faults in force, with the seeded random source their probabilities use."""

    seed: int = 0
    faults: list[Fault] = field(default_factory=list)
    next_id: int = 1
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def reseed(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)

    def add(self, fault: Fault) -> Fault:
        fault.id = self.next_id
        self.next_id += 1
        self.faults.append(fault)
        return fault

    def take(self, api: str, path: str, operation: str, account: str | None) -> Fault | None:
        """The first fault that fires for this request (counting it), or ``None``."""
        for fault in self.faults:
            if fault.exhausted or not fault.match.matches(api, path, operation, account):
                continue
            if fault.probability is not None and self.rng.random() >= fault.probability:
                continue
            fault.hits += 1
            if fault.times is not None:
                fault.times -= 1
            return fault
        return None

    def needs_account(self) -> bool:
        return any(f.match.account is not None and not f.exhausted for f in self.faults)

    def clear(self) -> None:
        self.faults.clear()


def wait_out(fault: Fault) -> None:
    """A latency fault's delay, in real time, for the one request or attempt it hit."""
    time.sleep(fault.seconds)
