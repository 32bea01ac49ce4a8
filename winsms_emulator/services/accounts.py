"""The control plane's accounts: create, change, reset, and look at what each one did."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from winsms_emulator.domain.accounts import (
    DEFAULT_PRICE_PER_PART,
    Account,
    LedgerEntry,
    OptOut,
    copy_account,
)
from winsms_emulator.domain.encoding import MAX_PARTS, analyse
from winsms_emulator.domain.inbound import Reply, ShortCodeMessage
from winsms_emulator.domain.numbers import require_digits
from winsms_emulator.domain.refusals import Refusal
from winsms_emulator.domain.results import MessageRecord, Quote
from winsms_emulator.domain.text import require_text
from winsms_emulator.errors import Invalid, NotFound
from winsms_emulator.services.core import Core


class Accounts:
    """Accounts and everything that belongs to one: opt-outs, ledger, outbox, inbox."""

    def __init__(self, core: Core) -> None:
        self._core = core

    def all(self) -> list[Account]:
        with self._core.session() as (world, _):
            return [copy_account(a, ledger=False) for a in world.accounts.values()]

    def get(self, username: str) -> Account:
        with self._core.session() as (world, _):
            return copy_account(world.account(username), ledger=False)

    def create(self, account: Account) -> Account:
        """Add an account; refused when its username, API key, number or a short code is
        taken, or its parent is not a main account."""
        with self._core.session() as (world, now):
            added = copy_account(world.add_account(copy_account(account), now), ledger=False)
        if added.webhooks.active:
            self._core.wake_webhooks()
        return added

    def update(self, username: str, changes: Mapping[str, Any]) -> Account:
        """Change some fields of an account. Setting ``credits`` is written in its ledger."""
        with self._core.session() as (world, now):
            changed = copy_account(world.update_account(username, changes, now), ledger=False)
        if changed.webhooks.active:
            self._core.wake_webhooks()
        return changed

    def reset(self, username: str) -> Account:
        """Clear one account's messages, replies, short-code messages and journal entries
        (and its requests since the last reset, for the coverage report), and put the
        account back as it was created; other accounts are untouched."""
        with self._core.session() as (world, now):
            account = copy_account(world.reset_account(username, now), ledger=False)
            self._core.journal.clear(username)
            self._core.coverage.reset(now, username)
            return account

    def ledger(self, username: str) -> list[LedgerEntry]:
        """Every movement of the account's credits, oldest first (opening, sends, refunds...)."""
        with self._core.session() as (world, _):
            return list(world.account(username).ledger)

    def outbox(self, username: str) -> list[MessageRecord]:
        """Every message the account sent, with its state and timeline now."""
        with self._core.session() as (world, now):
            return [MessageRecord.of(m, now) for m in world.outbox(username)]

    def message(self, message_id: int) -> MessageRecord:
        with self._core.session() as (world, now):
            found = world.messages.get(message_id)
            if found is None:
                raise NotFound(f"no message with ID {message_id}")
            return MessageRecord.of(found, now)

    def refused(self, username: str) -> list[Refusal]:
        """The account's refused recipients (its newest 10,000), oldest first."""
        with self._core.session() as (world, _):
            return world.refusals_of(username)

    def replies(self, username: str) -> list[Reply]:
        """Every reply the account received, returned or not."""
        with self._core.session() as (world, _):
            return [r.copy() for r in world.replies_of(username)]

    def short_code_messages(self, username: str) -> list[ShortCodeMessage]:
        with self._core.session() as (world, _):
            return [m.copy() for m in world.short_code_messages_of(username)]

    def opt_outs(self, username: str) -> list[OptOut]:
        with self._core.session() as (world, _):
            return list(world.account(username).opt_outs.values())

    def add_opt_out(self, username: str, number: str) -> OptOut:
        """Opt a number out by hand: no confirmation message is sent."""
        require_digits(number)
        with self._core.session() as (world, now):
            account = world.account(username)
            existing = account.opt_outs.get(number)
            if existing is not None:
                return existing
            opt_out = OptOut(number, now, "manual")
            account.opt_outs[number] = opt_out
            return opt_out

    def remove_opt_out(self, username: str, number: str) -> None:
        with self._core.session() as (world, _):
            if world.account(username).opt_outs.pop(number, None) is None:
                raise NotFound(f"{number} has not opted out of {username!r}")

    def quote(
        self,
        text: str,
        username: str | None = None,
        max_parts: int = MAX_PARTS,
        number: str | None = None,
    ) -> Quote:
        """Encoding, parts (where each ends) and cost of ``text``: at the account's price for
        ``number`` (its default price with no number; 1.0 with no account)."""
        if not 1 <= max_parts <= MAX_PARTS:
            raise Invalid(f"max_parts must be between 1 and {MAX_PARTS}")
        if number is not None:
            require_digits(number)
        require_text(text, "message")
        info = analyse(text)
        with self._core.session() as (world, _):
            if username is None:
                table = {"": DEFAULT_PRICE_PER_PART}
                price = DEFAULT_PRICE_PER_PART
            else:
                account = world.account(username)
                table = account.price_table()
                price = account.price_for(number) if number else account.price_per_part
        return Quote(text, info, price, info.cost(price), max_parts, number, table)
