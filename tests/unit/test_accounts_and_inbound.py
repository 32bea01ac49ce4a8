"""Accounts keep credits exactly; inbound messages are returned once, within 90 days."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from winsms_emulator.domain.accounts import (
    DEFAULT_CREDITS,
    DEFAULT_DELIVERY_DELAY_SECONDS,
    DEFAULT_PRICE_PER_PART,
    Account,
    LedgerEntry,
    OptOut,
)
from winsms_emulator.domain.inbound import INBOUND_WINDOW, Reply, ShortCodeMessage
from winsms_emulator.domain.sast import SAST

AT = datetime(2025, 3, 1, 10, 0, tzinfo=SAST)


def account(**fields: object) -> Account:
    return Account("alice", "pw", "alice-key", **fields)  # type: ignore[arg-type]


def test_an_account_defaults_to_1000_credits_at_1_per_part_and_a_2_second_delay() -> None:
    acc = account()
    assert acc.credits == Decimal("1000.0")
    assert Decimal("1000.0") == DEFAULT_CREDITS
    assert acc.price_per_part == DEFAULT_PRICE_PER_PART == Decimal("1.0")
    assert acc.delivery_delay_seconds == DEFAULT_DELIVERY_DELAY_SECONDS == 2.0


def test_charge_moves_credits_exactly_and_writes_the_ledger() -> None:
    acc = account(credits=Decimal("1.0"))
    for message_id in range(1, 4):
        acc.charge(Decimal("-0.1"), AT, "send", message_id)
    assert acc.credits == Decimal("0.7")
    assert acc.ledger == [
        LedgerEntry(AT, Decimal("-0.1"), "send", 1),
        LedgerEntry(AT, Decimal("-0.1"), "send", 2),
        LedgerEntry(AT, Decimal("-0.1"), "send", 3),
    ]


def test_can_afford_is_balance_at_least_the_cost() -> None:
    acc = account(credits=Decimal("0.3"))
    assert acc.can_afford(Decimal("0.3")) is True
    assert acc.can_afford(Decimal("0.30001")) is False


def test_a_trial_account_may_text_only_its_own_numbers() -> None:
    acc = account(trial=True, own_numbers=("27825550101",))
    assert acc.may_text("27825550101") is True
    assert acc.may_text("27821234567") is False


def test_a_full_account_may_text_any_number() -> None:
    assert account().may_text("27821234567") is True


def test_an_opted_out_number_is_known_to_its_account() -> None:
    acc = account()
    acc.opt_outs["27821234567"] = OptOut("27821234567", AT, "manual")
    assert acc.has_opted_out("27821234567") is True
    assert acc.has_opted_out("27825550101") is False


def reply(received_at: datetime) -> Reply:
    return Reply(1, "alice", "27821234567", "Hi", received_at, sent_message_id=5)


def test_a_reply_is_pending_until_returned() -> None:
    r = reply(AT)
    assert r.is_pending(AT) is True
    r.returned_at = AT
    assert r.is_pending(AT + timedelta(seconds=1)) is False


def test_a_reply_is_pending_for_90_days_and_no_longer() -> None:
    r = reply(AT)
    assert timedelta(days=90) == INBOUND_WINDOW
    assert r.is_pending(AT + timedelta(days=90)) is True
    assert r.is_pending(AT + timedelta(days=90, seconds=1)) is False


def test_a_short_code_message_is_pending_for_90_days_until_returned() -> None:
    m = ShortCodeMessage(1, "alice", "31234", "27821234567", "JOIN", AT)
    assert m.is_pending(AT + timedelta(days=89)) is True
    assert m.is_pending(AT + timedelta(days=91)) is False
    m.returned_at = AT
    assert m.is_pending(AT) is False
