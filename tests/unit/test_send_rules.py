"""The send rules in plain Python: for one recipient, the first rule that applies wins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pytest

from winsms_emulator.domain.accounts import Account, OptOut
from winsms_emulator.domain.encoding import analyse
from winsms_emulator.domain.sast import SAST
from winsms_emulator.domain.sending import OutgoingMessage, Recipient, recipient_outcome
from winsms_emulator.errors import SendOutcome

NUMBER = "27821234567"
OWN_NUMBER = "27825550101"
TOO_LONG = "a" * 919
AT = datetime(2025, 3, 1, 10, 0, tzinfo=SAST)


@dataclass(frozen=True)
class Case:
    """A recipient that breaks some of the rules (every flag breaks one)."""

    locked: bool = False
    no_text: bool = False
    no_number: bool = False
    too_long: bool = False
    invalid_number: bool = False
    blacklisted: bool = False
    trial: bool = False
    opted_out: bool = False
    dnc: bool = False
    broke: bool = False


def outcome_of(case: Case) -> SendOutcome:
    account = Account(
        "alice",
        "pw",
        "key",
        credits=Decimal(0) if case.broke else Decimal(10),
        trial=case.trial,
        own_numbers=(OWN_NUMBER,),
        locked=case.locked,
    )
    number = "" if case.no_number else ("0821234567" if case.invalid_number else NUMBER)
    if case.opted_out:
        account.opt_outs[number] = OptOut(number, AT, "manual")
    text = "   " if case.no_text else (TOO_LONG if case.too_long else "Hello")
    message = OutgoingMessage(text, [Recipient(number)])
    info = analyse(text)
    cost = info.cost(account.price_per_part)
    return recipient_outcome(
        account,
        message,
        info,
        number,
        cost,
        blacklist={number} if case.blacklisted else set(),
        dnc={number} if case.dnc else set(),
    )


# Every case breaks the rule it is named for and as many later rules as can go
# with it, so the test fails if that rule is dropped or moved later.
PRECEDENCE = [
    pytest.param(
        Case(
            locked=True,
            no_text=True,
            no_number=True,
            trial=True,
            opted_out=True,
            dnc=True,
            broke=True,
        ),
        SendOutcome.ACCOUNT_LOCKED,
        id="1-locked-with-no-text-no-number",
    ),
    pytest.param(
        Case(
            locked=True,
            too_long=True,
            blacklisted=True,
            trial=True,
            opted_out=True,
            dnc=True,
            broke=True,
        ),
        SendOutcome.ACCOUNT_LOCKED,
        id="1-locked-with-too-long-blacklisted-trial-opted-out-dnc-broke",
    ),
    pytest.param(
        Case(no_text=True, no_number=True, trial=True, broke=True),
        SendOutcome.NO_MESSAGE,
        id="2-no-text-with-no-number",
    ),
    pytest.param(
        Case(no_text=True, blacklisted=True, trial=True, opted_out=True, dnc=True, broke=True),
        SendOutcome.NO_MESSAGE,
        id="2-no-text-with-blacklisted-trial-opted-out-dnc-broke",
    ),
    pytest.param(
        Case(no_number=True, too_long=True, trial=True, broke=True),
        SendOutcome.NO_NUMBER,
        id="3-no-number-with-too-long-trial-broke",
    ),
    pytest.param(
        Case(too_long=True, invalid_number=True, trial=True, broke=True),
        SendOutcome.TOO_LONG,
        id="4-too-long-with-invalid-number-trial-broke",
    ),
    pytest.param(
        Case(too_long=True, blacklisted=True, trial=True, opted_out=True, dnc=True, broke=True),
        SendOutcome.TOO_LONG,
        id="4-too-long-with-blacklisted-trial-opted-out-dnc-broke",
    ),
    pytest.param(
        Case(invalid_number=True, trial=True, opted_out=True, dnc=True, broke=True),
        SendOutcome.BAD_DEST,
        id="5-invalid-number-with-trial-opted-out-dnc-broke",
    ),
    pytest.param(
        Case(blacklisted=True, trial=True, opted_out=True, dnc=True, broke=True),
        SendOutcome.BAD_DEST,
        id="5-blacklisted-with-trial-opted-out-dnc-broke",
    ),
    pytest.param(
        Case(trial=True, opted_out=True, dnc=True, broke=True),
        SendOutcome.TRIAL_NOT_TO_SELF,
        id="6-trial-with-opted-out-dnc-broke",
    ),
    pytest.param(
        Case(opted_out=True, dnc=True, broke=True),
        SendOutcome.OPTED_OUT,
        id="7-opted-out-with-dnc-broke",
    ),
    pytest.param(Case(dnc=True, broke=True), SendOutcome.WASPA_DNC, id="8-dnc-with-broke"),
    pytest.param(Case(broke=True), SendOutcome.NO_CREDITS, id="9-broke"),
    pytest.param(Case(), SendOutcome.ACCEPTED, id="10-nothing-wrong"),
]


@pytest.mark.parametrize(("case", "expected"), PRECEDENCE)
def test_the_first_send_rule_that_applies_wins(case: Case, expected: SendOutcome) -> None:
    assert outcome_of(case) is expected


def test_a_trial_account_may_text_its_own_number() -> None:
    account = Account("t", "pw", "k", trial=True, own_numbers=(OWN_NUMBER,))
    message = OutgoingMessage("Hi", [Recipient(OWN_NUMBER)])
    info = analyse("Hi")
    outcome = recipient_outcome(
        account, message, info, OWN_NUMBER, Decimal(1), blacklist=set(), dnc=set()
    )
    assert outcome is SendOutcome.ACCEPTED


def test_a_dnc_number_is_accepted_from_an_account_with_dnc_bypass() -> None:
    account = Account("t", "pw", "k", dnc_bypass=True)
    message = OutgoingMessage("Hi", [Recipient(NUMBER)])
    outcome = recipient_outcome(
        account, message, analyse("Hi"), NUMBER, Decimal(1), blacklist=set(), dnc={NUMBER}
    )
    assert outcome is SendOutcome.ACCEPTED


def test_a_balance_exactly_equal_to_the_cost_is_enough() -> None:
    account = Account("t", "pw", "k", credits=Decimal("0.6"))
    text = "a" * 161
    message = OutgoingMessage(text, [Recipient(NUMBER)])
    info = analyse(text)
    assert info.cost(Decimal("0.3")) == Decimal("0.6")
    ok = recipient_outcome(
        account, message, info, NUMBER, Decimal("0.6"), blacklist=set(), dnc=set()
    )
    short = recipient_outcome(
        account, message, info, NUMBER, Decimal("0.61"), blacklist=set(), dnc=set()
    )
    assert (ok, short) == (SendOutcome.ACCEPTED, SendOutcome.NO_CREDITS)


def test_a_lower_max_parts_makes_a_two_part_text_too_long() -> None:
    account = Account("t", "pw", "k")
    text = "a" * 161
    message = OutgoingMessage(text, [Recipient(NUMBER)], max_parts=1)
    outcome = recipient_outcome(
        account, message, analyse(text), NUMBER, Decimal(2), blacklist=set(), dnc=set()
    )
    assert outcome is SendOutcome.TOO_LONG


def test_each_outcome_carries_its_documented_xml_code() -> None:
    assert {o: o.xml_code for o in SendOutcome} == {
        SendOutcome.ACCEPTED: "",
        SendOutcome.ACCOUNT_LOCKED: "ACCOUNTLOCKED",
        SendOutcome.NO_MESSAGE: "FAIL:NO MESSAGE",
        SendOutcome.NO_NUMBER: "FAIL:NO NUMBER",
        SendOutcome.TOO_LONG: "FAIL:TOOLONG",
        SendOutcome.BAD_DEST: "FAIL:BADDEST",
        SendOutcome.TRIAL_NOT_TO_SELF: "FAIL:TRIALNOT2SELF",
        SendOutcome.OPTED_OUT: "FAIL:OPTEDOUT",
        SendOutcome.WASPA_DNC: "FAIL:WASPADNC",
        SendOutcome.NO_CREDITS: "NOCREDITS",
    }
