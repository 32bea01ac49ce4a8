"""Get Replies and Get Short Code Messages: each inbound message returned once, in SAST."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import XmlApi

REPLIES = "/api/xmlgetreplies.asp"
SC_MESSAGES = "/api/xmlgetscmessages.asp"

HARRY = "27825550101"
RON = "27835550505"
HERMIONE = "27845550909"
NINETY_DAYS = 90 * 24 * 3600


def reply(xml: XmlApi, number: str, message: str) -> None:
    xml.control("POST", "/replies", {"from": number, "message": message})


def text_code(xml: XmlApi, code: str, number: str, message: str) -> None:
    xml.control("POST", f"/short-codes/{code}/messages", {"from": number, "message": message})


def test_a_reply_is_returned_once_then_the_list_is_empty(xml: XmlApi) -> None:
    xml.set_clock("2025-03-01T09:03:00+00:00")  # 11:03 SAST
    assert xml.send_one("Where are you?", HARRY) == ["1"]
    reply(xml, HARRY, "Send one from Diagon Alley")

    assert xml.replies() == [(HARRY, "202503011103", "Send one from Diagon Alley", "1")]

    root = xml.post(REPLIES, xml.login_doc("WinSMS_Replies"))
    assert (root.tag, len(root), (root.text or "").strip()) == ("XMLGateway_Replies", 0, "")


def test_an_account_with_no_replies_gets_an_empty_list(xml: XmlApi) -> None:
    assert xml.replies() == []


def test_datereceived_is_the_sast_minute_even_across_midnight_utc(xml: XmlApi) -> None:
    xml.set_clock("2025-03-01T22:30:59+00:00")  # 00:30 SAST on 2 March
    xml.send_one("Late", HARRY)

    reply(xml, HARRY, "Go to sleep")

    assert xml.replies() == [(HARRY, "202503020030", "Go to sleep", "1")]


def test_sentmessageid_is_the_most_recent_message_sent_to_that_number(xml: XmlApi) -> None:
    assert xml.send_one("First", HARRY, RON) == ["1", "2"]
    assert xml.send_one("Second", HARRY) == ["3"]
    assert xml.send_one("Third", RON) == ["4"]

    reply(xml, HARRY, "Got both")
    reply(xml, RON, "Me too")

    assert xml.replies() == [
        (HARRY, "202501010800", "Got both", "3"),
        (RON, "202501010800", "Me too", "4"),
    ]


def test_replies_are_returned_in_the_order_received_with_children_in_documented_order(
    xml: XmlApi,
) -> None:
    xml.send_one("Hello", HARRY, RON)
    xml.set_clock("2025-01-01T08:10:00+02:00")
    reply(xml, RON, "One")
    xml.set_clock("2025-01-01T08:20:00+02:00")
    reply(xml, HARRY, "Two")

    root = xml.post(REPLIES, xml.login_doc("WinSMS_Replies"))

    assert [[(child.tag, child.text) for child in item] for item in root] == [
        [
            ("CLI", RON),
            ("DateReceived", "202501010810"),
            ("Message", "One"),
            ("SentMessageID", "2"),
        ],
        [
            ("CLI", HARRY),
            ("DateReceived", "202501010820"),
            ("Message", "Two"),
            ("SentMessageID", "1"),
        ],
    ]


def test_a_reply_goes_only_to_the_account_that_last_sent_to_the_number(xml: XmlApi) -> None:
    xml.add_account("rweasley", "Scabbers")
    xml.send_one("From Harry", HERMIONE)
    xml.post(
        "/api/xmlsendsmsmulti.asp",
        xml.send_doc([("From Ron", [HERMIONE])], user="rweasley", password="Scabbers"),
    )

    reply(xml, HERMIONE, "Honestly, Ron")

    assert xml.replies() == []
    assert xml.replies(user="rweasley", password="Scabbers") == [
        (HERMIONE, "202501010800", "Honestly, Ron", "2")
    ]


def test_a_reply_older_than_90_days_is_not_returned(xml: XmlApi) -> None:
    xml.send_one("Hello", HARRY)
    reply(xml, HARRY, "Old news")
    xml.advance(NINETY_DAYS + 60)

    assert xml.replies() == []


def test_a_reply_with_special_characters_comes_back_intact(xml: XmlApi) -> None:
    xml.send_one("Hello", HARRY)
    reply(xml, HARRY, "Tom & Jerry <3 \u00e9\u20ac\nline two")

    assert xml.replies() == [(HARRY, "202501010800", "Tom & Jerry <3 \u00e9\u20ac\nline two", "1")]


@pytest.mark.parametrize("trigger", ["STOP", " stop ", "Unsubscribe", "Opt-out please"])
def test_a_stop_reply_opts_the_number_out_so_the_next_send_is_fail_optedout(
    xml: XmlApi, trigger: str
) -> None:
    assert xml.send_one("Offer!", HARRY, RON) == ["1", "2"]
    reply(xml, HARRY, trigger)

    assert xml.send_one("Another offer!", HARRY, RON) == ["FAIL:OPTEDOUT", "4"]
    assert xml.replies() == [(HARRY, "202501010800", trigger, "1")]


def test_a_stop_reply_sends_a_free_confirmation_to_the_number(xml: XmlApi) -> None:
    xml.send_one("Offer!", HARRY)
    reply(xml, HARRY, "STOP")

    confirmations = [
        (m["id"], m["number"], m["api"], m["cost"])
        for m in xml.messages()
        if m["api"] == "optout-confirmation"
    ]
    assert confirmations == [(2, HARRY, "optout-confirmation", 0.0)]
    assert xml.credits() == 999.0


def test_a_reply_that_only_mentions_stop_does_not_opt_out(xml: XmlApi) -> None:
    xml.send_one("Offer!", HARRY)
    reply(xml, HARRY, "Please don't stop")

    assert xml.send_one("Another", HARRY) == ["2"]


def test_short_code_messages_are_returned_once_to_the_owning_account(xml: XmlApi) -> None:
    xml.patch_account(short_codes=["12345"])
    xml.set_clock("2025-03-01T09:03:00+00:00")
    text_code(xml, "12345", HARRY, "Please enroll me at Hogwarts")
    xml.set_clock("2025-03-01T09:16:00+00:00")
    text_code(xml, "12345", RON, "Add me")

    assert xml.sc_messages() == [
        ("12345", HARRY, "202503011103", "Please enroll me at Hogwarts"),
        ("12345", RON, "202503011116", "Add me"),
    ]

    root = xml.post(SC_MESSAGES, xml.login_doc("WinSMS_SCmessages"))
    assert (root.tag, len(root)) == ("XMLGateway_SCmessages", 0)


def test_an_account_with_no_short_code_gets_an_empty_list(xml: XmlApi) -> None:
    xml.add_account("rweasley", "Scabbers")
    xml.patch_account(short_codes=["12345"])
    text_code(xml, "12345", HARRY, "For hpotter")

    assert xml.sc_messages(user="rweasley", password="Scabbers") == []
    assert xml.sc_messages() == [("12345", HARRY, "202501010800", "For hpotter")]


def test_each_code_reaches_its_own_account(xml: XmlApi) -> None:
    xml.add_account("rweasley", "Scabbers")
    xml.patch_account(short_codes=["12345", "27820000000"])
    xml.patch_account("rweasley", short_codes=["54321"])
    text_code(xml, "54321", HARRY, "To Ron")
    text_code(xml, "27820000000", RON, "To Harry's long code")

    assert xml.sc_messages() == [("27820000000", RON, "202501010800", "To Harry's long code")]
    assert xml.sc_messages(user="rweasley", password="Scabbers") == [
        ("54321", HARRY, "202501010800", "To Ron")
    ]


def test_short_code_messages_are_not_replies(xml: XmlApi) -> None:
    xml.patch_account(short_codes=["12345"])
    xml.send_one("Hello", HARRY)
    text_code(xml, "12345", HARRY, "STOP")

    assert xml.replies() == []
    assert xml.send_one("Still allowed", HARRY) == ["2"]
    assert xml.sc_messages() == [("12345", HARRY, "202501010800", "STOP")]


def test_a_short_code_message_older_than_90_days_is_not_returned(xml: XmlApi) -> None:
    xml.patch_account(short_codes=["12345"])
    text_code(xml, "12345", HARRY, "Old")
    xml.advance(NINETY_DAYS + 60)

    assert xml.sc_messages() == []
