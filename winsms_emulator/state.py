"""Saved states and the start state.

:func:`dump` writes a world and the clock's time as one JSON-ready document;
:func:`load` reads such a document back into a new world (refusing, whole, any
document that is not a complete and consistent state). ``load(dump(world, now))`` is
the same world at the same time.

:class:`Start` is the one place that remembers what a reset goes back to: the start
world and the clock's start time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from winsms_emulator.domain.accounts import Account
from winsms_emulator.domain.world import World
from winsms_emulator.errors import GatewayError, Invalid
from winsms_emulator.faults import FaultBook
from winsms_emulator.forms.refusals import refusal_from_state, refusal_to_state
from winsms_emulator.forms.statefile import (
    Reader,
    account_from_state,
    account_to_state,
    fault_from_state,
    fault_to_state,
    message_from_state,
    message_to_state,
    outcome_from_state,
    outcome_to_state,
    reply_from_state,
    reply_to_state,
    short_code_from_state,
    short_code_to_state,
)

FORMAT = "winsms-emulator-state"
VERSION = 1

_DOCUMENT = frozenset(
    {"format", "version", "clock", "accounts", "origins", "messages", "replies"}
    | {"short_code_messages", "dnc", "blacklist", "outcomes", "faults"}
    | {"next_message_id", "next_incoming_id", "next_account_number", "refused"}
)
#: Every field but these must be in a document (0.1 wrote ``origins`` only sometimes;
#: ``refused``, the refused recipients, came later).
_OPTIONAL = frozenset({"origins", "refused"})
_CLOCK = frozenset({"mode", "now", "start"})
_FAULTS = frozenset({"seed", "next_id", "rules"})


def dump(world: World, now: datetime, mode: str, start: datetime | None) -> dict[str, Any]:
    """Everything ``world`` holds, and the clock's time, mode and start (for a reader:
    loading takes the world and ``now``), as JSON-ready data. The request journal is not
    saved: a message names the request that sent it by a number the journal of a
    restored emulator does not hold (see :meth:`World.last_request_id`)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "clock": {
            "mode": mode,
            "now": now.isoformat(),
            "start": start.isoformat() if start is not None else None,
        },
        "accounts": [account_to_state(a) for a in world.accounts.values()],
        "origins": [account_to_state(a) for a in world.origins.values()],
        "messages": [message_to_state(m) for m in world.messages.values()],
        "replies": [reply_to_state(r) for r in world.all_replies()],
        "short_code_messages": [short_code_to_state(m) for m in world.all_short_code_messages()],
        "refused": [refusal_to_state(r) for r in world.all_refusals()],
        "dnc": sorted(world.dnc),
        "blacklist": sorted(world.blacklist),
        "outcomes": {n: outcome_to_state(n, o) for n, o in sorted(world.outcomes.items())},
        "faults": {
            "seed": world.faults.seed,
            "next_id": world.faults.next_id,
            "rules": [fault_to_state(f) for f in world.faults.faults],
        },
        "next_message_id": world.next_message_id,
        "next_incoming_id": world.next_incoming_id,
        "next_account_number": world.next_account_number,
    }


@dataclass(frozen=True)
class Loaded:
    """A world read from a document, and the time its clock read."""

    world: World
    now: datetime


def load(document: Any) -> Loaded:
    """Read a state document; :class:`Invalid` (naming what is wrong) unless it is a whole,
    consistent state."""
    r = Reader(document, "state", _DOCUMENT)
    missing = sorted(_DOCUMENT - _OPTIONAL - set(r.data))
    if missing:
        raise Invalid(f"state: not a whole state document: no {', '.join(missing)}")
    if r.text("format") != FORMAT or r.whole("version") != VERSION:
        raise Invalid(f"state: not a {FORMAT} document of version {VERSION}")
    clock = Reader(r.get("clock"), "state.clock", _CLOCK)
    now = clock.time("now")
    clock.time("start", None)
    try:
        return Loaded(_world(r, now), now)
    except GatewayError as exc:  # the world's own checks, said as the document's fault
        message = exc.message if exc.message.startswith("state:") else f"state: {exc.message}"
        raise Invalid(message) from None


def _world(r: Reader, now: datetime) -> World:
    outcomes = Reader(r.get("outcomes"), "state.outcomes")
    if not all(n.isascii() and n.isdigit() for n in outcomes.data):
        raise Invalid("state: state.outcomes must be keyed by numbers written as digits")
    faults = Reader(r.get("faults"), "state.faults", _FAULTS)
    book = FaultBook(seed=faults.whole("seed"))
    book.faults = faults.each("rules", fault_from_state)
    book.next_id = faults.whole("next_id")
    if any(f.id >= book.next_id for f in book.faults):
        raise Invalid("state: state.faults.next_id must be above every fault's id")
    world = World(
        dnc=set(r.numbers("dnc")),
        blacklist=set(r.numbers("blacklist")),
        outcomes={
            n: outcome_from_state(v, f"state.outcomes.{n}") for n, v in outcomes.data.items()
        },
        faults=book,
        next_message_id=r.whole("next_message_id"),
        next_incoming_id=r.whole("next_incoming_id"),
        next_account_number=r.whole("next_account_number"),
    )
    accounts = r.each("accounts", account_from_state)
    origins: dict[str, Account] = {}
    if "origins" in r.data:
        origins = {a.username: a for a in r.each("origins", account_from_state)}
        strangers = sorted(set(origins) - {a.username for a in accounts})
        if strangers:
            raise Invalid(f"state: origins of accounts that do not exist: {', '.join(strangers)}")
    # in the document's order (a main account comes before its sub-accounts)
    for account in accounts:
        world.add_account(account, now, origin=origins.get(account.username))
    for message in sorted(r.each("messages", message_from_state), key=lambda m: m.id):
        world.add_message(message)
    world.forget_dispatched(now)  # a saved world had dispatched what was due by then
    for reply in r.each("replies", reply_from_state):
        world.add_reply(reply)
    for sc in r.each("short_code_messages", short_code_from_state):
        world.add_short_code_message(sc)
    if "refused" in r.data:
        for refusal in r.each("refused", refusal_from_state):
            world.add_refusal(refusal)
    return world


class Start:
    """What a reset goes back to: the start world and the clock's start time.

    It keeps its own fork of the world it is given, so nothing the live world does
    reaches it; each reset forks it again (:meth:`World.fork`: the accounts and stored
    messages are shared until changed, so a reset costs what changed, not what is kept).
    """

    def __init__(self, world: World, now: datetime) -> None:
        self._world = world.fork()
        self.now = now

    def world(self) -> World:
        """A fresh world as the start was."""
        return self._world.fork()
