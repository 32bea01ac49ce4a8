"""REST v1 incoming replies, opt-outs and short-code messages."""

from __future__ import annotations

from typing import Any

import pytest
from rest_helpers import (
    N1,
    N2,
    N3,
    START_STAMP,
    USER,
    Rest,
    make_current,
    make_rest,
)

from conftest import XmlApi

INCOMING = "/sms/incoming"
OPTOUT = "/sms/incoming/optout"
SHORTCODE = "/shortcode/incoming"
MANUAL = "* MANUALLY ADDED BY USER *"


def incoming(rest: Rest, query: str = "", key: str | None = None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {} if key is None else {"key": key}
    body: dict[str, Any] = rest.get(
        INCOMING, query=query, status=200, schema="CurrentIncomingResponse", **kwargs
    ).body
    return body


def three_replies(rest: Rest) -> tuple[list[int], list[int]]:
    """Messages to N1..N3, a reply from each a minute apart; (sent IDs, reply IDs)."""
    sent = rest.send_ids("Hi", N1, N2, N3)
    replies = []
    for number, text in ((N1, "one"), (N2, "two"), (N3, "three")):
        rest.advance(60)
        replies.append(rest.reply(number, text)["id"])
    return sent, replies


# -- replies -------------------------------------------------------------------------------------


def test_current_incoming_lists_every_reply_with_the_message_it_answers_and_consumes_none() -> None:
    rest = make_current()
    sent, replies = three_replies(rest)

    first = rest.get(INCOMING, status=200, schema="CurrentIncomingResponse").body
    again = incoming(rest)

    assert first == {
        "timeStamp": "20250101080300000",
        "version": "1.0",
        "statusCode": 200,
        "resultsLimit": 100,
        "resultsOffset": 0,
        "resultsTotalAvailable": 3,
        "incomingMessages": [
            {
                "incomingApiMessageId": reply_id,
                "messageText": text,
                "mobileNumber": number,
                "outgoingApiMessageId": sent_id,
                "receiveTime": f"2025010108{minute:02d}",
            }
            for reply_id, text, number, sent_id, minute in zip(
                replies, ["one", "two", "three"], [N1, N2, N3], sent, [1, 2, 3], strict=True
            )
        ],
    }
    assert again == first  # a listing: reading it consumes nothing


def test_a_reply_answers_the_latest_message_to_its_number() -> None:
    rest = make_current()
    rest.send_ids("first", N1)
    (latest,) = rest.send_ids("second", N1)
    rest.reply(N1, "ok")

    (reply,) = incoming(rest)["incomingMessages"]

    assert reply["outgoingApiMessageId"] == latest


def test_a_reply_goes_to_the_account_that_texted_the_number_last() -> None:
    rest = make_current()
    rest.add_account("other", credits=10, rest_dialect="current")
    rest.send_ids("from hpotter", N1)
    rest.send_current("from other", N1, key="other-key")
    rest.reply(N1, "who is this?")

    mine = incoming(rest)
    theirs = incoming(rest, key="other-key")

    assert mine["incomingMessages"] == []
    assert [m["messageText"] for m in theirs["incomingMessages"]] == ["who is this?"]


def test_the_documents_paging_loop_reads_every_reply_once_and_the_total_stays_put() -> None:
    rest = make_current()
    for number in (N1, N2, N3, "27825550104", "27825550105"):
        rest.send_ids("Hi", number)
    replies = [rest.reply(n, "r")["id"] for n in (N1, N2, N3, "27825550104", "27825550105")]

    pages = [incoming(rest, f"offset={offset}&limit=2") for offset in (0, 2, 4)]

    assert [m["incomingApiMessageId"] for p in pages for m in p["incomingMessages"]] == replies
    assert [p["resultsTotalAvailable"] for p in pages] == [5, 5, 5]
    assert [(p["resultsOffset"], p["resultsLimit"]) for p in pages] == [(0, 2), (2, 2), (4, 2)]


def test_limit_caps_the_replies_listed() -> None:
    rest = make_current()
    _, replies = three_replies(rest)

    first = incoming(rest, "limit=2")
    second = incoming(rest, "limit=2")

    assert [m["incomingApiMessageId"] for m in first["incomingMessages"]] == replies[:2]
    assert second == first
    assert first["resultsTotalAvailable"] == 3


def test_seed_incoming_lists_every_reply_as_status_items_with_the_reply_id_and_text() -> None:
    rest = make_rest()
    sent, replies = three_replies(rest)

    answer = rest.get(INCOMING, query="limit=1", status=200, schema="SeedIncomingResponse")
    again = rest.get(INCOMING, status=200, schema="SeedIncomingResponse")

    assert answer.body["messages"] == [
        {
            "serverMessageId": sent_id,
            "mobileNumber": number,
            "statusDelivered": True,
            "statusErrorCode": 0,
            "statusTime": 202501010800 + minute,
            "creditCost": 0.0,
            "incomingMessageId": reply_id,
            "messageText": text,
        }
        for reply_id, text, number, sent_id, minute in zip(
            replies, ["one", "two", "three"], [N1, N2, N3], sent, [1, 2, 3], strict=True
        )
    ]  # the seed shape does not page: every reply, whatever the query
    assert again.body["messages"] == answer.body["messages"]


def test_listing_replies_over_rest_leaves_them_for_the_xml_api_to_return_once() -> None:
    rest = make_current()
    xml = XmlApi(rest.app, rest.client)
    three_replies(rest)

    over_rest = incoming(rest, "limit=1")["incomingMessages"]
    over_xml = xml.replies()
    xml_again = xml.replies()

    assert [m["messageText"] for m in over_rest] == ["one"]
    assert [r[2] for r in over_xml] == ["one", "two", "three"]
    assert xml_again == []


def test_replies_returned_by_the_xml_api_are_still_listed_over_rest() -> None:
    rest = make_rest()
    xml = XmlApi(rest.app, rest.client)
    three_replies(rest)

    assert len(xml.replies()) == 3

    listed = rest.get(INCOMING, status=200).body["messages"]
    assert [m["messageText"] for m in listed] == ["one", "two", "three"]


def test_replies_older_than_90_days_are_not_returned() -> None:
    rest = make_current()
    three_replies(rest)

    rest.advance(91 * 86400)

    assert incoming(rest)["incomingMessages"] == []


# -- opt-outs ------------------------------------------------------------------------------------


def test_optout_lists_reply_opt_outs_and_manual_ones_in_the_current_shape() -> None:
    rest = make_rest()  # a seed account: the operation is only in the current document
    rest.send_ids("Hi", N1)
    rest.advance(120)
    stop = rest.reply(N1, "STOP")
    rest.advance(60)
    rest.control("POST", f"/accounts/{USER}/opt-outs", {"number": N2})

    answer = rest.get(OPTOUT, status=200, schema="CurrentOptoutResponse")

    assert answer.body == {
        "timeStamp": "20250101080300000",
        "version": "1.0",
        "statusCode": 200,
        "incomingOptoutMessages": [
            {
                "incomingApiMessageId": stop["id"],
                "messageText": "STOP",
                "mobileNumber": N1,
                "receiveTime": "202501010802",
            },
            {
                "incomingApiMessageId": None,
                "messageText": MANUAL,
                "mobileNumber": N2,
                "receiveTime": "202501010803",
            },
        ],
    }


@pytest.mark.parametrize("text", ["  stop ", "Unsubscribe", "opt-out please", "Stop sending"])
def test_an_opt_out_reply_keeps_its_own_text_and_blocks_later_sends(text: str) -> None:
    rest = make_current()
    rest.send_ids("Hi", N1)
    rest.reply(N1, text)

    (opt_out,) = rest.get(OPTOUT, status=200).body["incomingOptoutMessages"]
    (again,) = rest.send_current("Hi again", N1)

    assert (opt_out["messageText"], opt_out["mobileNumber"]) == (text, N1)
    assert again["acceptError"] == "OPTEDOUT"


def test_a_reply_that_is_not_a_trigger_is_no_opt_out() -> None:
    rest = make_current()
    rest.send_ids("Hi", N1)
    rest.reply(N1, "Please don't stop")

    assert rest.get(OPTOUT, status=200).body["incomingOptoutMessages"] == []


def test_optout_is_per_account() -> None:
    rest = make_current()
    rest.add_account("other", credits=10)
    rest.control("POST", f"/accounts/{USER}/opt-outs", {"number": N1})

    assert rest.get(OPTOUT, key="other-key", status=200).body["incomingOptoutMessages"] == []


# -- short codes ---------------------------------------------------------------------------------


def test_shortcode_incoming_lists_the_codes_messages_and_consumes_none() -> None:
    rest = make_rest()
    rest.add_account("shop", short_codes=["31337", "42424"])
    first = rest.short_code_message("31337", N1, "Win Big")
    rest.advance(60)
    second = rest.short_code_message("42424", N2, "Savings for me")

    answer = rest.get(SHORTCODE, key="shop-key", status=200, schema="CurrentShortCodeResponse")
    again = rest.get(SHORTCODE, key="shop-key", status=200).body

    assert answer.body == {
        "timeStamp": "20250101080100000",
        "version": "1.0",
        "statusCode": 200,
        "resultsLimit": 100,
        "resultsOffset": 0,
        "resultsTotalAvailable": 2,
        "shortcodeMessages": [
            {
                "incomingApiMessageId": first["id"],
                "messageText": "Win Big",
                "mobileNumber": N1,
                "receiveTime": "202501010800",
            },
            {
                "incomingApiMessageId": second["id"],
                "messageText": "Savings for me",
                "mobileNumber": N2,
                "receiveTime": "202501010801",
            },
        ],
    }
    assert again["shortcodeMessages"] == answer.body["shortcodeMessages"]


def test_shortcode_incoming_pages_like_incoming() -> None:
    rest = make_rest()
    rest.add_account("shop", short_codes=["31337"])
    ids = [rest.short_code_message("31337", N1, f"m{i}")["id"] for i in range(3)]

    page = rest.get(SHORTCODE, key="shop-key", query="offset=1&limit=1", status=200).body
    whole = rest.get(SHORTCODE, key="shop-key", status=200).body

    assert [m["incomingApiMessageId"] for m in page["shortcodeMessages"]] == [ids[1]]
    assert (page["resultsOffset"], page["resultsLimit"], page["resultsTotalAvailable"]) == (1, 1, 3)
    assert [m["incomingApiMessageId"] for m in whole["shortcodeMessages"]] == ids


def test_an_account_without_a_short_code_gets_an_empty_list() -> None:
    rest = make_rest()
    rest.add_account("shop", short_codes=["31337"])
    rest.short_code_message("31337", N1, "Win Big")

    answer = rest.get(SHORTCODE, status=200, schema="CurrentShortCodeResponse")

    assert answer.body == {
        "timeStamp": START_STAMP,
        "version": "1.0",
        "statusCode": 200,
        "resultsLimit": 100,
        "resultsOffset": 0,
        "resultsTotalAvailable": 0,
        "shortcodeMessages": [],
    }


def test_short_code_messages_listed_over_rest_are_still_returned_once_by_xml() -> None:
    rest = make_rest()
    rest.add_account("shop", password="pw", short_codes=["31337"])
    rest.short_code_message("31337", N1, "Win Big")
    rest.short_code_message("31337", N2, "Me too")
    xml = XmlApi(rest.app, rest.client)

    page = rest.get(SHORTCODE, key="shop-key", query="limit=1", status=200).body
    over_xml = xml.sc_messages(user="shop", password="pw")

    assert [m["messageText"] for m in page["shortcodeMessages"]] == ["Win Big"]
    assert [m[3] for m in over_xml] == ["Win Big", "Me too"]
    assert xml.sc_messages(user="shop", password="pw") == []
