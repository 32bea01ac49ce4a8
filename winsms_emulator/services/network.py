"""The mobile network around the gateway, as tests arrange it: handsets that reply or text
a short code, the WASPA Do Not Contact list, the blacklist, and how delivery to a number
ends."""

from __future__ import annotations

from winsms_emulator.domain.handsets import receive_reply, receive_short_code_message
from winsms_emulator.domain.inbound import Reply, ShortCodeMessage
from winsms_emulator.domain.messages import FinalOutcome
from winsms_emulator.domain.notify import notify_reply, notify_short_code
from winsms_emulator.domain.numbers import require_digits
from winsms_emulator.errors import NotFound
from winsms_emulator.services.core import Core


class Network:
    """Handsets, number lists and scripted delivery outcomes."""

    def __init__(self, core: Core) -> None:
        self._core = core

    def inject_reply(self, number: str, text: str) -> Reply:
        """A handset replies (:func:`~winsms_emulator.domain.handsets.receive_reply`); its
        account's reply webhook is notified."""
        require_digits(number)
        with self._core.session() as (world, now):
            reply = receive_reply(world, number, text, now)
            notify_reply(world, reply)
            return reply.copy()

    def inject_short_code_message(self, code: str, number: str, text: str) -> ShortCodeMessage:
        """A handset texts a short/long code; it goes to the account that owns the code."""
        require_digits(number)
        with self._core.session() as (world, now):
            message = receive_short_code_message(world, code, number, text, now)
            notify_short_code(world, message)
            return message.copy()

    def dnc(self) -> list[str]:
        with self._core.session() as (world, _):
            return sorted(world.dnc)

    def add_dnc(self, number: str) -> None:
        require_digits(number)
        with self._core.session() as (world, _):
            world.dnc.add(number)

    def remove_dnc(self, number: str) -> None:
        with self._core.session() as (world, _):
            if number not in world.dnc:
                raise NotFound(f"{number} is not on the DNC list")
            world.dnc.discard(number)

    def blacklist(self) -> list[str]:
        with self._core.session() as (world, _):
            return sorted(world.blacklist)

    def add_blacklist(self, number: str) -> None:
        require_digits(number)
        with self._core.session() as (world, _):
            world.blacklist.add(number)

    def remove_blacklist(self, number: str) -> None:
        with self._core.session() as (world, _):
            if number not in world.blacklist:
                raise NotFound(f"{number} is not on the blacklist")
            world.blacklist.discard(number)

    def script_outcome(self, number: str, outcome: FinalOutcome) -> FinalOutcome:
        """Script what delivery to ``number`` ends in, for messages submitted from now on
        (:func:`~winsms_emulator.forms.control.outcome_from_json` checks one)."""
        require_digits(number)
        with self._core.session() as (world, _):
            world.outcomes[number] = outcome
        return outcome

    def outcomes(self) -> dict[str, FinalOutcome]:
        with self._core.session() as (world, _):
            return dict(world.outcomes)

    def clear_outcome(self, number: str) -> None:
        with self._core.session() as (world, _):
            if world.outcomes.pop(number, None) is None:
                raise NotFound(f"no outcome is scripted for {number}")
