"""Send Batch: what each recipient gets (one test per documented Error Code)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import XmlApi

SEND = "/api/xmlsendsmsmulti.asp"

HARRY = "27825550101"
RON = "27835550505"
HERMIONE = "27845550909"


def test_accepted_recipients_get_positive_increasing_integer_ids(xml: XmlApi) -> None:
    first = xml.send([("One", [HARRY, RON]), ("Two", [HERMIONE])])
    second = xml.send_one("Three", HARRY, RON)

    assert first == [[(HARRY, "1"), (RON, "2")], [(HERMIONE, "3")]]
    assert second == ["4", "5"]
    assert [m["id"] for m in xml.messages()] == [1, 2, 3, 4, 5]
    assert xml.credits() == 995.0


def test_the_same_number_twice_in_one_message_gets_two_ids_and_two_costs(xml: XmlApi) -> None:
    assert xml.send_one("Twice", HARRY, HARRY) == ["1", "2"]
    assert xml.credits() == 998.0


def test_a_trial_account_sending_to_a_number_not_its_own_gets_fail_trialnot2self(
    xml: XmlApi,
) -> None:
    xml.patch_account(trial=True, own_numbers=[HARRY])

    assert xml.send_one("Trial", HARRY, RON) == ["1", "FAIL:TRIALNOT2SELF"]
    assert [m["number"] for m in xml.messages()] == [HARRY]
    assert xml.credits() == 999.0


def test_a_message_of_919_gsm_septets_gets_fail_toolong(xml: XmlApi) -> None:
    assert xml.send_one("a" * 919, HARRY, RON) == ["FAIL:TOOLONG", "FAIL:TOOLONG"]
    assert xml.messages() == []
    assert xml.credits() == 1000.0


def test_919_septets_counting_an_extension_character_as_two_gets_fail_toolong(
    xml: XmlApi,
) -> None:
    assert xml.send_one("a" * 917 + "\u20ac", HARRY) == ["FAIL:TOOLONG"]


def test_a_message_of_918_gsm_septets_is_accepted_as_six_parts(xml: XmlApi) -> None:
    assert xml.send_one("a" * 918, HARRY) == ["1"]
    [message] = xml.messages()
    assert (message["length"], message["parts"], message["cost"]) == (918, 6, 6.0)
    assert xml.credits() == 994.0


def test_a_ucs2_message_of_403_units_gets_fail_toolong(xml: XmlApi) -> None:
    assert xml.send_one("\u0416" * 403, HARRY) == ["FAIL:TOOLONG"]
    assert xml.send_one("\u0416" * 402, HARRY) == ["1"]


def test_send_to_an_opted_out_number_answers_fail_optedout(xml: XmlApi) -> None:
    xml.control("POST", "/accounts/hpotter/opt-outs", {"number": RON})

    assert xml.send_one("Hi", HARRY, RON) == ["1", "FAIL:OPTEDOUT"]
    assert xml.credits() == 999.0


def test_an_opt_out_from_another_account_does_not_stop_this_one(xml: XmlApi) -> None:
    xml.add_account("rweasley", "Scabbers")
    xml.control("POST", "/accounts/rweasley/opt-outs", {"number": RON})

    assert xml.send_one("Hi", RON) == ["1"]


def test_send_to_a_number_on_the_waspa_dnc_list_answers_fail_waspadnc(xml: XmlApi) -> None:
    xml.control("POST", "/dnc", {"number": RON})

    assert xml.send_one("Hi", HARRY, RON) == ["1", "FAIL:WASPADNC"]
    assert xml.credits() == 999.0


def test_an_account_with_dnc_bypass_may_send_to_a_dnc_number(xml: XmlApi) -> None:
    xml.control("POST", "/dnc", {"number": RON})
    xml.patch_account(dnc_bypass=True)

    assert xml.send_one("Your OTP is 1234", RON) == ["1"]


def test_credits_for_five_of_six_recipients_give_the_sixth_nocredits_in_document_order(
    xml: XmlApi,
) -> None:
    xml.patch_account(credits=5)

    results = xml.send([("First", [HARRY, RON, HERMIONE]), ("Second", [HARRY, RON, HERMIONE])])

    assert results == [
        [(HARRY, "1"), (RON, "2"), (HERMIONE, "3")],
        [(HARRY, "4"), (RON, "5"), (HERMIONE, "NOCREDITS")],
    ]
    assert xml.credits() == 0.0
    assert len(xml.messages()) == 5


def test_nocredits_is_judged_per_message_cost_so_a_cheaper_later_message_still_goes(
    xml: XmlApi,
) -> None:
    xml.patch_account(credits=1)

    results = xml.send([("b" * 161, [HARRY]), ("short", [RON])])

    assert results == [[(HARRY, "NOCREDITS")], [(RON, "1")]]
    assert xml.credits() == 0.0


def test_a_locked_account_gets_accountlocked_for_every_recipient(xml: XmlApi) -> None:
    xml.patch_account(locked=True)

    results = xml.send([("Hi", [HARRY, "0825550101"]), (None, [RON]), ("Hi", None)])

    assert results == [
        [(HARRY, "ACCOUNTLOCKED"), ("0825550101", "ACCOUNTLOCKED")],
        [(RON, "ACCOUNTLOCKED")],
        [("", "ACCOUNTLOCKED")],
    ]
    assert xml.messages() == []
    assert xml.credits() == 1000.0


@pytest.mark.parametrize(
    "number",
    [
        pytest.param("2782", id="too-short-to-be-possible"),
        pytest.param("0825550101", id="starts-with-0"),
        pytest.param("27abc5550101", id="letters"),
        pytest.param("+27825550101", id="plus-sign"),
        pytest.param("27 82 555 0101", id="spaces-inside"),
        pytest.param("999999999999999999", id="18-digits"),
    ],
)
def test_send_to_an_invalid_number_answers_fail_baddest(xml: XmlApi, number: str) -> None:
    assert xml.send_one("Hi", number, HARRY) == ["FAIL:BADDEST", "1"]
    assert [m["number"] for m in xml.messages()] == [HARRY]


def test_send_to_a_blacklisted_number_answers_fail_baddest(xml: XmlApi) -> None:
    xml.control("POST", "/blacklist", {"number": RON})

    assert xml.send_one("Hi", HARRY, RON) == ["1", "FAIL:BADDEST"]


def test_the_guides_own_example_numbers_are_valid_recipients(xml: XmlApi) -> None:
    assert xml.send_one("Hi", "27555555555", HARRY, RON, HERMIONE) == ["1", "2", "3", "4"]


def test_a_message_without_messagetext_answers_fail_no_message(xml: XmlApi) -> None:
    assert xml.send([(None, [HARRY, RON]), ("Hi", [HERMIONE])]) == [
        [(HARRY, "FAIL:NO MESSAGE"), (RON, "FAIL:NO MESSAGE")],
        [(HERMIONE, "1")],
    ]


@pytest.mark.parametrize("text", ["", "   ", "\t\n", "+", "%20%20", "%0A"])
def test_a_blank_messagetext_answers_fail_no_message(xml: XmlApi, text: str) -> None:
    assert xml.send_one(text, HARRY) == ["FAIL:NO MESSAGE"]
    assert xml.messages() == []


def test_no_message_is_reported_before_no_number(xml: XmlApi) -> None:
    assert xml.send([(None, None)]) == [[("", "FAIL:NO MESSAGE")]]


def test_a_message_without_numbers_answers_fail_no_number_once(xml: XmlApi) -> None:
    assert xml.send([("Hi", None), ("Hi", [HARRY])]) == [
        [("", "FAIL:NO NUMBER")],
        [(HARRY, "1")],
    ]


def test_an_empty_numbers_element_answers_fail_no_number_once(xml: XmlApi) -> None:
    assert xml.send([("Hi", [])]) == [[("", "FAIL:NO NUMBER")]]


@pytest.mark.parametrize("blank", ["", " ", "\t"])
def test_a_blank_number_answers_fail_no_number_for_that_number_only(
    xml: XmlApi, blank: str
) -> None:
    assert xml.send([("Hi", [HARRY, blank, RON])]) == [
        [(HARRY, "1"), ("", "FAIL:NO NUMBER"), (RON, "2")]
    ]


def test_failed_recipients_take_no_credits_and_store_no_message(xml: XmlApi) -> None:
    xml.control("POST", "/blacklist", {"number": HERMIONE})

    assert xml.send_one("Hi", "0825550101", HERMIONE, "", HARRY) == [
        "FAIL:BADDEST",
        "FAIL:BADDEST",
        "FAIL:NO NUMBER",
        "1",
    ]
    assert [m["number"] for m in xml.messages()] == [HARRY]
    assert xml.credits() == 999.0


def test_the_answer_has_one_sendresult_per_message_and_one_numberid_per_number(
    xml: XmlApi,
) -> None:
    root = xml.post(SEND, xml.send_doc([("A", [HARRY]), ("B", [RON, HERMIONE]), ("C", [RON])]))

    assert [
        (block.findtext("MessageNumber"), len(block.findall("NumberID"))) for block in root
    ] == [
        ("1", 1),
        ("2", 2),
        ("3", 1),
    ]
    assert [[child.tag for child in block] for block in root] == [
        ["MessageNumber", "NumberID"],
        ["MessageNumber", "NumberID", "NumberID"],
        ["MessageNumber", "NumberID"],
    ]


def test_the_first_send_rule_that_applies_wins(xml: XmlApi) -> None:
    # behaviour.md order: locked, no message, no number, too long, bad destination,
    # trial, opted out, DNC, no credits.
    xml.control("POST", "/blacklist", {"number": HERMIONE})
    xml.control("POST", "/accounts/hpotter/opt-outs", {"number": HERMIONE})
    xml.control("POST", "/accounts/hpotter/opt-outs", {"number": RON})
    xml.control("POST", "/dnc", {"number": RON})
    xml.control("POST", "/dnc", {"number": HARRY})
    xml.patch_account(credits=0)

    results = xml.send(
        [
            ("a" * 919, ["0825550101", ""]),  # too long beats bad destination; no number first
            ("Hi", [HERMIONE, RON, HARRY]),  # blacklist > opt-out > DNC > credits
        ]
    )

    assert results == [
        [("0825550101", "FAIL:TOOLONG"), ("", "FAIL:NO NUMBER")],
        [(HERMIONE, "FAIL:BADDEST"), (RON, "FAIL:OPTEDOUT"), (HARRY, "FAIL:WASPADNC")],
    ]


def test_trial_restriction_comes_before_opt_out_dnc_and_credits(xml: XmlApi) -> None:
    xml.patch_account(trial=True, own_numbers=[HARRY], credits=0)
    xml.control("POST", "/accounts/hpotter/opt-outs", {"number": RON})
    xml.control("POST", "/dnc", {"number": HERMIONE})

    assert xml.send_one("Hi", RON, HERMIONE, HARRY) == [
        "FAIL:TRIALNOT2SELF",
        "FAIL:TRIALNOT2SELF",
        "NOCREDITS",
    ]


def test_the_cost_is_parts_times_the_accounts_price_per_part(xml: XmlApi) -> None:
    xml.patch_account(price_per_part=0.5, credits=1)

    results = xml.send([("c" * 307, [HARRY]), ("c" * 306, [RON])])  # 3 parts, then 2 parts

    assert results == [[(HARRY, "NOCREDITS")], [(RON, "1")]]
    assert xml.credits() == 0.0
    assert [m["cost"] for m in xml.messages()] == [1.0]
