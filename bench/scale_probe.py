"""One scale point, in a fresh process: fill the store, then time what users do.

    python -m bench.scale_probe --stored 1000000 --sends 2000 --repeats 5

prints one JSON object. The store is filled through the service layer
(``gateway.sms.send``, 1000 one-recipient messages a call, each with its own
text, the clock one second later each call), as a test suite's REST sends
would leave it; the journal gets the entries those requests would have left
(at most its size). Memory per message is the growth of everything the gateway
holds (every object reachable from it, counted once), next to the same facts
kept as one tuple per message; the growth of the process's resident memory
(Linux) is reported too, though at small sizes it is lost in the allocator's
reuse of freed memory.

Then, with everything stored (``stored``), and again after a full reset has
emptied it (``empty``, the baseline): REST sends one at a time (median and
maximum), an XML status of 1000 IDs, the REST scheduled listing (10 queued),
per-account resets of a small account, and full resets (once when full).

Once warm, the heap is settled as the served process settles it at start-up
(:func:`winsms_emulator.heap.settle`: what start-up loaded is frozen out of the
garbage collector's sight), so pauses are those the stored messages cause.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import BuiltinFunctionType, FunctionType, MethodType, ModuleType
from typing import Any

from flask.testing import FlaskClient

from bench.load import SEND_BODY, SEND_PATH
from winsms_emulator import Emulator
from winsms_emulator.domain.sending import OutgoingMessage, Recipient
from winsms_emulator.heap import settle
from winsms_emulator.journal import JournalEntry

BATCH = 1000
QUEUED = 10
BULK = {"username": "bulk", "password": "pw", "api_key": "bulk-key", "credits": 10**12}
WORKER = {"username": "worker", "password": "pw", "api_key": "worker-key", "credits": 10**9}
JSON = {"Content-Type": "application/json"}
SHARED = (type, ModuleType, FunctionType, BuiltinFunctionType, MethodType)


def deep_size(root: object) -> int:
    """Bytes of every object reachable from ``root``, each once (classes, modules and
    functions left out: they are there whatever is stored)."""
    seen: set[int] = set()
    pending = [root]
    total = 0
    while pending:
        obj = pending.pop()
        if id(obj) in seen or isinstance(obj, SHARED):
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        pending.extend(gc.get_referents(obj))
    return total


def resident_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise OSError("no VmRSS in /proc/self/status")


class Pauses:
    """The longest garbage collection since :meth:`clear` (``gc.callbacks``)."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._started = 0.0
        gc.callbacks.append(self._note)

    def _note(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.longest = max(self.longest, time.perf_counter() - self._started)

    def clear(self) -> None:
        self.longest = 0.0


def number(i: int) -> str:
    return f"2782{5550000 + i % 1000:07d}"  # a thousand handsets, as a test suite's fixtures


def bare_facts(stored: int) -> dict[int, tuple[str, str, Decimal, Any]]:
    """What a stored message must remember at the least, one tuple each."""
    facts = {}
    for start in range(0, stored, BATCH):
        now = datetime.now(UTC)  # one time per batch, as the fill has
        for i in range(start, min(start + BATCH, stored)):
            facts[i + 1] = (number(i), f"Your code is {i:07d}", Decimal("1.0"), now)
    return facts


def fill(emulator: Emulator, stored: int) -> None:
    gateway = emulator.gateway
    for start in range(0, stored, BATCH):
        batch = [
            OutgoingMessage(f"Your code is {i:07d}", [Recipient(number(i))])
            for i in range(start, min(start + BATCH, stored))
        ]
        gateway.sms.send("bulk", batch, api="rest")
        gateway.control.advance_clock(1)
    journal = gateway.journal
    for _ in range(min(stored, journal.size)):
        journal.record(
            JournalEntry(
                at=gateway.now(),
                method="POST",
                path=SEND_PATH.encode().decode(),  # a string of its own, as a request's
                api="rest",
                operation="send",
                account="bulk",
                http_status=200,
                outcome="ok",
                duration_ms=0.3,
            )
        )


def _ok(answer: Any) -> None:
    assert answer.status_code == 200, answer.data


def _timed(action: Any) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def probe(emulator: Emulator, client: FlaskClient, sends: int, repeats: int) -> dict[str, Any]:
    """Time what users do, on the store as it is now (a few messages are added)."""
    gateway = emulator.gateway
    later = gateway.now() + timedelta(days=1)
    queued = [
        OutgoingMessage("Reminder", [Recipient(number(i))], scheduled_for=later)
        for i in range(QUEUED)
    ]
    gateway.sms.send("bulk", queued, api="rest")
    bulk = {**JSON, "Authorization": "bulk-key"}

    def send() -> None:
        answer = client.post(SEND_PATH, data=SEND_BODY, headers=bulk)
        assert answer.status_code == 200 and json.loads(answer.data)["recipients"][0]["accepted"], (
            answer.data
        )

    send_times = [_timed(send) for _ in range(sends)]
    latest = [OutgoingMessage(f"Code {i}", [Recipient(number(i))]) for i in range(1000)]
    answers = gateway.sms.send("bulk", latest, api="rest")
    ids = "".join(f"<MessageID><ID>{a.recipients[0].message_id}</ID></MessageID>" for a in answers)
    status_body = (
        "<WinSMS_StatusRequest><User>bulk</User><Password>pw</Password>"
        f"<MessageIDs>{ids}</MessageIDs></WinSMS_StatusRequest>"
    ).encode()

    def status() -> None:
        assert b"<StatusID>" in client.post("/api/xmlgetstatus.asp", data=status_body).data

    def listing() -> None:
        answer = client.get("/api/rest/v1/sms/scheduled", headers={"Authorization": "bulk-key"})
        assert answer.status_code == 200 and len(json.loads(answer.data)["messages"]) == QUEUED, (
            answer.data
        )

    def reset_worker() -> float:
        gateway.sms.send(
            "worker", [OutgoingMessage("hi", [Recipient(number(i)) for i in range(5)])]
        )
        return _timed(lambda: _ok(client.post("/_emulator/accounts/worker/reset")))

    return {
        "send_median": statistics.median(send_times),
        "send_max": max(send_times),
        "status": statistics.median(_timed(status) for _ in range(repeats)),
        "scheduled": statistics.median(_timed(listing) for _ in range(repeats)),
        "account_reset": statistics.median(reset_worker() for _ in range(repeats)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stored", type=int, required=True)
    parser.add_argument("--sends", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    emulator = Emulator([BULK, WORKER])
    client = emulator.client()
    pauses = Pauses()
    probe(emulator, client, 5, 1)  # first use: schemas compiled, caches warm
    _ok(client.post("/_emulator/reset"))
    settle()

    gc.collect()
    before, kept_before = resident_bytes(), deep_size(emulator.gateway.core)
    facts = bare_facts(args.stored)
    gc.collect()
    bare = resident_bytes()
    pauses.clear()
    started = time.perf_counter()
    fill(emulator, args.stored)
    fill_seconds = time.perf_counter() - started
    fill_pause = pauses.longest
    gc.collect()
    full = resident_bytes()
    memory = {
        "bytes_per_message": (deep_size(emulator.gateway.core) - kept_before) / args.stored,
        "bare_bytes_per_message": deep_size(facts) / args.stored,
        "resident_bytes_per_message": (full - bare) / args.stored,
        "bare_resident_bytes_per_message": (bare - before) / args.stored,
    }
    del facts

    stored = probe(emulator, client, args.sends, args.repeats)
    stored["reset"] = _timed(lambda: _ok(client.post("/_emulator/reset")))
    gc.collect()
    pauses.clear()
    empty = probe(emulator, client, args.sends, args.repeats)
    empty["pause"] = pauses.longest
    resets = []
    for _ in range(args.repeats):
        emulator.gateway.sms.send("bulk", [OutgoingMessage("hi", [Recipient(number(0))] * 5)])
        resets.append(_timed(lambda: _ok(client.post("/_emulator/reset"))))
    empty["reset"] = statistics.median(resets)
    stored["pause"] = fill_pause
    print(
        json.dumps(
            {
                "stored_messages": args.stored,
                "sends": args.sends,
                "fill_seconds": fill_seconds,
                **memory,
                "stored": stored,
                "empty": empty,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
