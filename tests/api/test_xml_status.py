"""Batch Status: the delivery timeline on the manual clock, in SAST."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import XmlApi

DELETE = "/api/xmldeletescheduled.asp"
STATUS = "/api/xmlgetstatus.asp"

HARRY = "27825550101"
RON = "27835550505"

# 10:00 UTC is 12:00 SAST (UTC+2, no daylight saving).
NOON_SAST = "2025-03-01T10:00:00+00:00"
NINETY_DAYS = 90 * 24 * 3600


def test_right_after_the_send_the_status_is_sent_105_at_the_send_time_in_sast(
    xml: XmlApi,
) -> None:
    xml.set_clock(NOON_SAST)
    assert xml.send_one("Hi", HARRY) == ["1"]

    assert xml.status([1]) == [("1", "cli1", "SENT", "2025/03/01 12:00:00", "105")]


def test_two_seconds_after_the_send_the_status_is_delivered_0_at_the_delivery_time(
    xml: XmlApi,
) -> None:
    xml.set_clock(NOON_SAST)
    xml.send_one("Hi", HARRY)
    xml.advance(1.5)
    assert xml.status([1]) == [("1", "cli1", "SENT", "2025/03/01 12:00:00", "105")]

    xml.advance(0.5)

    assert xml.status([1]) == [("1", "cli1", "DELIVERED", "2025/03/01 12:00:02", "0")]
    xml.advance(3600)
    assert xml.status([1]) == [("1", "cli1", "DELIVERED", "2025/03/01 12:00:02", "0")]


def test_the_accounts_delivery_delay_sets_when_the_message_is_delivered(xml: XmlApi) -> None:
    xml.set_clock(NOON_SAST)
    xml.patch_account(delivery_delay_seconds=30)
    xml.send_one("Hi", HARRY)
    xml.advance(29)
    assert xml.status([1])[0][2:] == ("SENT", "2025/03/01 12:00:00", "105")

    xml.advance(1)

    assert xml.status([1])[0][2:] == ("DELIVERED", "2025/03/01 12:00:30", "0")


def test_a_scripted_sendingfailed_101_is_reported_at_its_time(xml: XmlApi) -> None:
    xml.set_clock(NOON_SAST)
    xml.control(
        "POST",
        "/outcomes",
        {"number": RON, "status": "SENDINGFAILED", "status_code": 101, "after_seconds": 5},
    )
    assert xml.send_one("Hi", HARRY, RON) == ["1", "2"]
    xml.advance(4)
    assert [row[2:] for row in xml.status([1, 2])] == [
        ("DELIVERED", "2025/03/01 12:00:02", "0"),
        ("SENT", "2025/03/01 12:00:00", "105"),
    ]

    xml.advance(1)

    assert xml.status([1, 2]) == [
        ("1", "cli1", "DELIVERED", "2025/03/01 12:00:02", "0"),
        ("2", "cli2", "SENDINGFAILED", "2025/03/01 12:00:05", "101"),
    ]


def test_a_scripted_sent_106_stays_sent_at_the_dispatch_time(xml: XmlApi) -> None:
    xml.set_clock(NOON_SAST)
    xml.control(
        "POST",
        "/outcomes",
        {"number": HARRY, "status": "SENT", "status_code": 106, "after_seconds": 10},
    )
    xml.send_one("Hi", HARRY)

    xml.advance(3600)

    assert xml.status([1]) == [("1", "cli1", "SENT", "2025/03/01 12:00:00", "106")]


def test_a_message_scheduled_in_the_future_is_notfound_minus_1_until_it_goes(
    xml: XmlApi,
) -> None:
    xml.set_clock(NOON_SAST)
    assert xml.send_one("Later", HARRY, scheduled="202503011230") == ["1"]
    assert xml.credits() == 999.0

    assert xml.status([1]) == [("1", "cli1", "NOTFOUND", "2025/03/01 12:00:00", "-1")]
    xml.advance(30 * 60 - 1)
    assert xml.status([1]) == [("1", "cli1", "NOTFOUND", "2025/03/01 12:29:59", "-1")]

    xml.advance(1)
    assert xml.status([1]) == [("1", "cli1", "SENT", "2025/03/01 12:30:00", "105")]
    xml.advance(2)
    assert xml.status([1]) == [("1", "cli1", "DELIVERED", "2025/03/01 12:30:02", "0")]


def test_scheduled_is_read_as_sast_so_a_minute_ago_in_sast_goes_at_once(xml: XmlApi) -> None:
    # 11:59 SAST is 09:59 UTC, before now (10:00 UTC); read as UTC it would be two hours ahead.
    xml.set_clock(NOON_SAST)

    assert xml.send_one("Hi", HARRY, scheduled="202503011159") == ["1"]

    assert xml.status([1]) == [("1", "cli1", "SENT", "2025/03/01 12:00:00", "105")]


def test_scheduled_for_exactly_now_goes_at_once(xml: XmlApi) -> None:
    xml.set_clock(NOON_SAST)

    xml.send_one("Hi", HARRY, scheduled="202503011200")

    assert xml.status([1])[0][2:] == ("SENT", "2025/03/01 12:00:00", "105")


def test_scheduled_one_minute_ahead_in_sast_is_queued(xml: XmlApi) -> None:
    xml.set_clock(NOON_SAST)

    xml.send_one("Hi", HARRY, scheduled="202503011201")

    assert xml.status([1])[0][2:] == ("NOTFOUND", "2025/03/01 12:00:00", "-1")
    [message] = xml.messages()
    assert message["scheduled_for"] == "2025-03-01T12:01:00+02:00"


def test_an_unknown_id_is_notfound_minus_2_at_the_current_time(xml: XmlApi) -> None:
    xml.set_clock(NOON_SAST)
    xml.send_one("Hi", HARRY)
    xml.advance(7)

    assert xml.status([999_999, 0]) == [
        ("999999", "cli999999", "NOTFOUND", "2025/03/01 12:00:07", "-2"),
        ("0", "cli0", "NOTFOUND", "2025/03/01 12:00:07", "-2"),
    ]


def test_another_accounts_id_is_notfound_minus_2(xml: XmlApi) -> None:
    xml.set_clock(NOON_SAST)
    xml.add_account("rweasley", "Scabbers")
    xml.send_one("Mine", HARRY)
    xml.advance(5)

    assert xml.status([1], user="rweasley", password="Scabbers") == [
        ("1", "cli1", "NOTFOUND", "2025/03/01 12:00:05", "-2")
    ]
    assert xml.status([1]) == [("1", "cli1", "DELIVERED", "2025/03/01 12:00:02", "0")]


def test_a_message_sent_more_than_90_days_ago_is_notfound_minus_2(xml: XmlApi) -> None:
    xml.set_clock(NOON_SAST)
    xml.send_one("Old", HARRY)
    xml.advance(NINETY_DAYS)
    assert xml.status([1]) == [("1", "cli1", "DELIVERED", "2025/03/01 12:00:02", "0")]

    xml.advance(1)

    assert xml.status([1]) == [("1", "cli1", "NOTFOUND", "2025/05/30 12:00:01", "-2")]


def test_ids_after_the_1000th_in_one_request_are_skipped_108(xml: XmlApi) -> None:
    xml.set_clock(NOON_SAST)
    xml.send_one("Hi", HARRY)
    ids = [1] * 999 + [2, 1]

    rows = xml.status(ids)

    assert len(rows) == 1001
    assert rows[0] == ("1", "cli1", "SENT", "2025/03/01 12:00:00", "105")
    assert rows[998] == ("1", "cli1", "SENT", "2025/03/01 12:00:00", "105")
    assert rows[999] == ("2", "cli2", "NOTFOUND", "2025/03/01 12:00:00", "-2")
    assert rows[1000] == ("1", "cli1", "SKIPPED", "2025/03/01 12:00:00", "108")


def test_exactly_1000_ids_are_all_answered(xml: XmlApi) -> None:
    xml.send_one("Hi", HARRY)

    rows = xml.status([1] * 1000)

    assert {row[2:] for row in rows} == {("SENT", "2025/01/01 08:00:00", "105")}


def test_each_statusid_answers_its_messageid_in_request_order_with_its_cli(xml: XmlApi) -> None:
    xml.set_clock(NOON_SAST)
    assert xml.send_one("Hi", HARRY, RON) == ["1", "2"]
    body = xml.status_doc([2, 1, 2], clis=["Ron's phone", "", "anything <goes> & more"])

    root = xml.post(STATUS, body)

    assert [
        (item.findtext("MessageID"), item.findtext("CLI"), item.findtext("Status")) for item in root
    ] == [
        ("2", "Ron's phone", "SENT"),
        ("1", "", "SENT"),
        ("2", "anything <goes> & more", "SENT"),
    ]


def test_an_id_with_leading_zeros_or_surrounding_spaces_is_that_message(xml: XmlApi) -> None:
    xml.send_one("Hi", HARRY)

    rows = xml.status(["0001", " 1 "])

    assert [row[2:] for row in rows] == [("SENT", "2025/01/01 08:00:00", "105")] * 2


def test_a_status_request_changes_nothing(xml: XmlApi) -> None:
    xml.send_one("Hi", HARRY)
    before = xml.messages()

    xml.status([1, 2])

    assert xml.messages() == before
    assert xml.credits() == 999.0


@pytest.mark.parametrize("path", [STATUS, DELETE])
def test_the_cli_is_reflected_exactly_as_supplied_white_space_included(
    xml: XmlApi, path: str
) -> None:
    # "It can contain any value. If supplied, that value will be reflected in the response XML"
    root_name = "WinSMS_StatusRequest" if path == STATUS else "WinSMS_DeleteScheduled"
    body = xml.ids_doc(root_name, [1], clis=["  Ron's phone\t"])

    root = xml.post(path, body)

    assert [item.findtext("CLI") for item in root] == ["  Ron's phone\t"]
