"""Gateway.send: what each recipient gets, in document order, and what it costs."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pytest

from winsms_emulator.clock import ManualClock
from winsms_emulator.domain.accounts import Account
from winsms_emulator.domain.encoding import Encoding
from winsms_emulator.domain.results import RecipientResult
from winsms_emulator.domain.sast import SAST
from winsms_emulator.domain.sending import OutgoingMessage, Recipient, TooManyRecipients
from winsms_emulator.errors import SendOutcome
from winsms_emulator.services import Gateway

START = datetime(2025, 3, 1, 10, 0, tzinfo=SAST)
NUMBER = "27821234567"
OWN_NUMBER = "27825550101"
OTHER = "27835550505"
TOO_LONG = "a" * 919
ALICE = Account("alice", "pw", "alice-key", credits=Decimal("100.0"), own_numbers=(OWN_NUMBER,))


def make_gateway(*accounts: Account, first_message_id: int = 1) -> Gateway:
    return Gateway(accounts or [ALICE], ManualClock(START), first_message_id=first_message_id)


def message(text: str | None, *numbers: str | None) -> OutgoingMessage:
    return OutgoingMessage(text, [Recipient(n) for n in numbers])


def send_one(gw: Gateway, text: str | None, number: str | None) -> RecipientResult:
    [result] = gw.sms.send("alice", [message(text, number)])
    [recipient] = result.recipients
    return recipient


def outcomes(gw: Gateway, messages: list[OutgoingMessage]) -> list[list[SendOutcome]]:
    return [[r.outcome for r in m.recipients] for m in gw.sms.send("alice", messages)]


def gateway_where(
    *,
    locked: bool = False,
    trial: bool = False,
    broke: bool = False,
    blacklisted: str | None = None,
    opted_out: str | None = None,
    dnc: str | None = None,
) -> Gateway:
    """A gateway whose account ``alice`` breaks the rules asked for."""
    account = replace(
        ALICE,
        locked=locked,
        trial=trial,
        credits=Decimal(0) if broke else ALICE.credits,
    )
    gw = make_gateway(account)
    if blacklisted:
        gw.network.add_blacklist(blacklisted)
    if opted_out:
        gw.accounts.add_opt_out("alice", opted_out)
    if dnc:
        gw.network.add_dnc(dnc)
    return gw


# -- the rules, each with the later rules it must win over ---------------------------------


def test_locked_account_wins_over_every_other_rule() -> None:
    gw = gateway_where(locked=True, trial=True, broke=True, opted_out=NUMBER, dnc=NUMBER)
    assert outcomes(
        gw,
        [
            message("  ", ""),
            message(None, NUMBER),
            OutgoingMessage(TOO_LONG, []),
            message(TOO_LONG, "0821234567", NUMBER),
        ],
    ) == [
        [SendOutcome.ACCOUNT_LOCKED],
        [SendOutcome.ACCOUNT_LOCKED],
        [SendOutcome.ACCOUNT_LOCKED],
        [SendOutcome.ACCOUNT_LOCKED] * 2,
    ]
    blacklisting = gateway_where(
        locked=True, trial=True, broke=True, blacklisted=NUMBER, opted_out=NUMBER, dnc=NUMBER
    )
    assert send_one(blacklisting, "Hi", NUMBER).outcome is SendOutcome.ACCOUNT_LOCKED
    assert blacklisting.sms.balance("alice") == Decimal(0)


def test_missing_or_blank_message_text_wins_over_every_rule_after_locked() -> None:
    gw = gateway_where(trial=True, broke=True, blacklisted=NUMBER, opted_out=NUMBER, dnc=NUMBER)
    assert (
        outcomes(
            gw,
            [
                message(None, NUMBER),
                message("", NUMBER),
                message(" \n\t ", NUMBER),
                message(None, ""),
                OutgoingMessage("", None),
                message("", "0821234567"),
            ],
        )
        == [[SendOutcome.NO_MESSAGE]] * 6
    )


def test_missing_numbers_or_a_blank_number_wins_over_too_long_and_later_rules() -> None:
    gw = gateway_where(trial=True, broke=True)
    assert (
        outcomes(
            gw,
            [
                OutgoingMessage(TOO_LONG, None),
                OutgoingMessage(TOO_LONG, []),
                message(TOO_LONG, None),
                message(TOO_LONG, ""),
                message(TOO_LONG, "   "),
            ],
        )
        == [[SendOutcome.NO_NUMBER]] * 5
    )


def test_too_long_wins_over_a_bad_destination_and_later_rules() -> None:
    gw = gateway_where(trial=True, broke=True, blacklisted=NUMBER, opted_out=NUMBER, dnc=NUMBER)
    assert outcomes(gw, [message(TOO_LONG, NUMBER, "0821234567", "+27821234567")]) == [
        [SendOutcome.TOO_LONG] * 3
    ]


def test_an_invalid_number_is_a_bad_destination_before_trial_and_later_rules() -> None:
    gw = gateway_where(trial=True, broke=True, opted_out="2712", dnc="2712")
    assert outcomes(
        gw, [message("Hi", "0821234567", "+27821234567", "27 82 123 4567", "2712", "2782x")]
    ) == [[SendOutcome.BAD_DEST] * 5]


def test_a_blacklisted_number_is_a_bad_destination_before_trial_and_later_rules() -> None:
    gw = gateway_where(trial=True, broke=True, blacklisted=NUMBER, opted_out=NUMBER, dnc=NUMBER)
    assert send_one(gw, "Hi", NUMBER).outcome is SendOutcome.BAD_DEST


def test_a_trial_account_texting_another_number_wins_over_opt_out_dnc_and_credits() -> None:
    gw = gateway_where(trial=True, broke=True, opted_out=NUMBER, dnc=NUMBER)
    assert send_one(gw, "Hi", NUMBER).outcome is SendOutcome.TRIAL_NOT_TO_SELF


def test_an_opted_out_number_wins_over_dnc_and_credits() -> None:
    gw = gateway_where(broke=True, opted_out=NUMBER, dnc=NUMBER)
    assert send_one(gw, "Hi", NUMBER).outcome is SendOutcome.OPTED_OUT


def test_a_dnc_number_without_bypass_wins_over_credits() -> None:
    gw = gateway_where(broke=True, dnc=NUMBER)
    assert send_one(gw, "Hi", NUMBER).outcome is SendOutcome.WASPA_DNC


def test_a_balance_below_the_cost_is_nocredits() -> None:
    gw = make_gateway(replace(ALICE, credits=Decimal("1.9")))
    result = send_one(gw, "a" * 161, NUMBER)
    assert (result.outcome, result.message_id, result.cost) == (
        SendOutcome.NO_CREDITS,
        None,
        Decimal(0),
    )
    assert gw.sms.balance("alice") == Decimal("1.9")


def test_an_accepted_recipient_gets_a_new_id_and_pays_at_once() -> None:
    gw = make_gateway()
    result = send_one(gw, "Hello", NUMBER)
    assert (result.outcome, result.message_id, result.cost, result.balance_after) == (
        SendOutcome.ACCEPTED,
        1,
        Decimal("1.0"),
        Decimal("99.0"),
    )
    assert gw.sms.balance("alice") == Decimal("99.0")


# -- the rules' exceptions -------------------------------------------------------------------


def test_a_trial_account_may_text_its_own_number() -> None:
    gw = gateway_where(trial=True)
    assert send_one(gw, "Hi", OWN_NUMBER).outcome is SendOutcome.ACCEPTED


def test_a_dnc_bypass_account_may_text_a_dnc_number() -> None:
    gw = make_gateway(replace(ALICE, dnc_bypass=True))
    gw.network.add_dnc(NUMBER)
    assert send_one(gw, "Hi", NUMBER).outcome is SendOutcome.ACCEPTED


def test_a_number_taken_off_the_blacklist_may_be_texted_again() -> None:
    gw = gateway_where(blacklisted=NUMBER)
    gw.network.remove_blacklist(NUMBER)
    assert send_one(gw, "Hi", NUMBER).outcome is SendOutcome.ACCEPTED


def test_the_guides_example_number_27555555555_is_accepted() -> None:
    gw = make_gateway()
    assert send_one(gw, "Hi", "27555555555").outcome is SendOutcome.ACCEPTED


def test_a_number_with_white_space_around_it_is_trimmed() -> None:
    gw = make_gateway()
    result = send_one(gw, "Hi", f"  {NUMBER}\n")
    assert (result.outcome, result.number) == (SendOutcome.ACCEPTED, NUMBER)


# -- a batch -----------------------------------------------------------------------------------


def test_a_batch_runs_out_of_credits_part_way_in_document_order() -> None:
    # The guide's example: 2 messages x 3 numbers, credits for 5, IDs 374...
    gw = make_gateway(replace(ALICE, credits=Decimal("5.0")), first_message_id=374)
    numbers = ("27825550101", "27835550505", "27845550909")
    results = gw.sms.send("alice", [message("First", *numbers), message("Second", *numbers)])
    assert [[(r.number, r.message_id, r.outcome) for r in m.recipients] for m in results] == [
        [
            ("27825550101", 374, SendOutcome.ACCEPTED),
            ("27835550505", 375, SendOutcome.ACCEPTED),
            ("27845550909", 376, SendOutcome.ACCEPTED),
        ],
        [
            ("27825550101", 377, SendOutcome.ACCEPTED),
            ("27835550505", 378, SendOutcome.ACCEPTED),
            ("27845550909", None, SendOutcome.NO_CREDITS),
        ],
    ]
    assert gw.sms.balance("alice") == Decimal("0.0")


def test_a_cheaper_later_message_is_still_sent_after_a_dearer_one_ran_out() -> None:
    gw = make_gateway(replace(ALICE, credits=Decimal("2.0")))
    results = gw.sms.send("alice", [message("a" * 161, NUMBER, NUMBER), message("short", NUMBER)])
    assert [[r.outcome for r in m.recipients] for m in results] == [
        [SendOutcome.ACCEPTED, SendOutcome.NO_CREDITS],
        [SendOutcome.NO_CREDITS],
    ]
    assert gw.sms.balance("alice") == Decimal("0.0")


def test_one_recipients_failure_does_not_stop_the_next() -> None:
    gw = make_gateway()
    gw.network.add_dnc(OTHER)
    assert outcomes(gw, [message("Hi", "0821234567", OTHER, NUMBER)]) == [
        [SendOutcome.BAD_DEST, SendOutcome.WASPA_DNC, SendOutcome.ACCEPTED]
    ]


def test_the_same_number_twice_in_one_message_gets_two_ids_and_pays_twice() -> None:
    gw = make_gateway()
    [result] = gw.sms.send("alice", [message("Hi", NUMBER, NUMBER)])
    assert [(r.message_id, r.cost) for r in result.recipients] == [
        (1, Decimal("1.0")),
        (2, Decimal("1.0")),
    ]
    assert gw.sms.balance("alice") == Decimal("98.0")
    assert [rec.message.number for rec in gw.accounts.outbox("alice")] == [NUMBER, NUMBER]


def test_the_same_number_in_two_messages_of_one_request_gets_two_ids() -> None:
    gw = make_gateway()
    results = gw.sms.send("alice", [message("One", NUMBER), message("Two", NUMBER)])
    assert [m.recipients[0].message_id for m in results] == [1, 2]
    assert gw.sms.balance("alice") == Decimal("98.0")


# -- IDs ------------------------------------------------------------------------------------------


def test_ids_are_positive_unique_and_increasing_across_accounts() -> None:
    bob = Account("bob", "pw", "bob-key")
    gw = make_gateway(ALICE, bob)
    ids = []
    for username in ("alice", "bob", "alice", "bob"):
        [result] = gw.sms.send(username, [message("Hi", NUMBER, OTHER)])
        ids += [r.message_id for r in result.recipients]
    assert ids == [1, 2, 3, 4, 5, 6, 7, 8]


def test_refused_recipients_use_up_no_id() -> None:
    gw = make_gateway()
    [result] = gw.sms.send("alice", [message("Hi", NUMBER, "0821234567", OTHER)])
    assert [r.message_id for r in result.recipients] == [1, None, 2]


def test_ids_are_the_same_after_a_reset() -> None:
    gw = make_gateway(first_message_id=1000)

    def run() -> list[int | None]:
        results = gw.sms.send("alice", [message("Hi", NUMBER, OTHER), message("Yo", NUMBER)])
        return [r.message_id for m in results for r in m.recipients]

    first = run()
    gw.control.reset()
    assert run() == first == [1000, 1001, 1002]


# -- the recipient limit -------------------------------------------------------------------------


def test_1000_recipients_in_one_request_are_accepted() -> None:
    gw = make_gateway(replace(ALICE, credits=Decimal("1000.0")))
    numbers = [NUMBER] * 500
    results = gw.sms.send("alice", [message("One", *numbers), message("Two", *numbers)])
    accepted = [r for m in results for r in m.recipients if r.accepted]
    assert len(accepted) == 1000
    assert [r.message_id for r in accepted] == list(range(1, 1001))
    assert gw.sms.balance("alice") == Decimal("0.0")


def test_1001_recipients_in_one_request_raise_too_many_recipients_and_change_nothing() -> None:
    gw = make_gateway()
    with pytest.raises(TooManyRecipients) as raised:
        gw.sms.send("alice", [message("One", *[NUMBER] * 500), message("Two", *[NUMBER] * 501)])
    assert raised.value.count == 1001
    assert gw.sms.balance("alice") == Decimal("100.0")
    assert gw.accounts.outbox("alice") == []
    assert send_one(gw, "Hi", NUMBER).message_id == 1


# -- text, parts, cost --------------------------------------------------------------------------


def test_cost_is_parts_times_the_accounts_price_per_part() -> None:
    gw = make_gateway(replace(ALICE, price_per_part=Decimal("0.3"), credits=Decimal("10")))
    result = send_one(gw, "a" * 307, NUMBER)
    assert result.cost == Decimal("0.9")
    assert gw.sms.balance("alice") == Decimal("9.1")


def test_a_ucs2_message_is_counted_in_utf16_units_for_its_cost() -> None:
    gw = make_gateway()
    [result] = gw.sms.send("alice", [message("ç" * 71, NUMBER)])
    assert result.info is not None
    assert (result.info.encoding, result.info.parts) == (Encoding.UCS2, 2)
    assert result.recipients[0].cost == Decimal("2.0")


def test_credits_are_exact_decimals_with_no_float_drift() -> None:
    gw = make_gateway(replace(ALICE, price_per_part=Decimal("0.3"), credits=Decimal("3.0")))
    for _ in range(10):
        assert send_one(gw, "Hi", NUMBER).outcome is SendOutcome.ACCEPTED
    assert gw.sms.balance("alice") == Decimal("0")
    assert isinstance(gw.sms.balance("alice"), Decimal)
    assert send_one(gw, "Hi", NUMBER).outcome is SendOutcome.NO_CREDITS


def test_many_sends_at_0_3_leave_an_exact_balance() -> None:
    gw = make_gateway(replace(ALICE, price_per_part=Decimal("0.3"), credits=Decimal("100")))
    for _ in range(333):
        send_one(gw, "Hi", NUMBER)
    assert gw.sms.balance("alice") == Decimal("0.1")
    assert send_one(gw, "Hi", NUMBER).outcome is SendOutcome.NO_CREDITS


def test_the_account_ledger_records_every_charge() -> None:
    gw = make_gateway(replace(ALICE, price_per_part=Decimal("0.3")))
    send_one(gw, "Hi", NUMBER)
    send_one(gw, "a" * 161, NUMBER)
    ledger = gw.accounts.ledger("alice")
    assert [(e.amount, e.reason, e.message_id) for e in ledger] == [
        (Decimal("100.0"), "opening", None),
        (Decimal("-0.3"), "send", 1),
        (Decimal("-0.6"), "send", 2),
    ]
