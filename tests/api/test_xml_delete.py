"""Delete Scheduled: DELETED with a refund, NOTFOUND, SENT (Appendix C), CLI echoed."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import XmlApi

HARRY = "27825550101"
RON = "27835550505"
FUTURE = "203001010000"


def test_deleting_a_scheduled_message_answers_deleted_and_refunds_its_credits(
    xml: XmlApi,
) -> None:
    assert xml.send_one("b" * 200, HARRY, RON, scheduled=FUTURE) == ["1", "2"]  # 2 parts each
    assert xml.credits() == 996.0

    assert xml.delete([1]) == [("1", "cli1", "DELETED")]

    assert xml.credits() == 998.0
    assert xml.status([1, 2]) == [
        ("1", "cli1", "NOTFOUND", "2025/01/01 08:00:00", "-2"),
        ("2", "cli2", "NOTFOUND", "2025/01/01 08:00:00", "-1"),
    ]
    deleted = xml.messages()[0]
    assert (deleted["id"], deleted["deleted_at"]) == (1, "2025-01-01T08:00:00+02:00")


def test_a_deleted_message_is_never_sent(xml: XmlApi) -> None:
    xml.send_one("Later", HARRY, scheduled=FUTURE)
    xml.delete([1])

    xml.set_clock("2030-01-01T00:05:00+02:00")

    assert xml.status([1])[0][2:] == ("NOTFOUND", "2030/01/01 00:05:00", "-2")
    assert xml.credits() == 1000.0


def test_deleting_an_already_deleted_message_answers_notfound_and_refunds_nothing(
    xml: XmlApi,
) -> None:
    xml.send_one("Later", HARRY, scheduled=FUTURE)
    assert xml.delete([1]) == [("1", "cli1", "DELETED")]

    assert xml.delete([1]) == [("1", "cli1", "NOTFOUND")]
    assert xml.credits() == 1000.0


def test_the_same_id_twice_in_one_request_is_deleted_then_notfound(xml: XmlApi) -> None:
    xml.send_one("Later", HARRY, scheduled=FUTURE)

    assert xml.delete([1, 1]) == [("1", "cli1", "DELETED"), ("1", "cli1", "NOTFOUND")]
    assert xml.credits() == 1000.0


def test_deleting_an_unknown_id_answers_notfound(xml: XmlApi) -> None:
    assert xml.delete([374, 0]) == [("374", "cli374", "NOTFOUND"), ("0", "cli0", "NOTFOUND")]


def test_deleting_another_accounts_message_answers_notfound_and_leaves_it_queued(
    xml: XmlApi,
) -> None:
    xml.add_account("rweasley", "Scabbers")
    xml.send_one("Mine", HARRY, scheduled=FUTURE)

    assert xml.delete([1], user="rweasley", password="Scabbers") == [("1", "cli1", "NOTFOUND")]

    assert [(m["id"], m["status_code"]) for m in xml.messages()] == [(1, -1)]
    assert xml.credits() == 999.0
    assert xml.credits("rweasley") == 1000.0


def test_deleting_a_message_already_dispatched_answers_sent_and_refunds_nothing(
    xml: XmlApi,
) -> None:
    xml.send_one("Now", HARRY)

    assert xml.delete([1]) == [("1", "cli1", "SENT")]

    assert xml.credits() == 999.0
    assert xml.status([1])[0][2:] == ("SENT", "2025/01/01 08:00:00", "105")


def test_a_scheduled_message_whose_time_has_come_answers_sent(xml: XmlApi) -> None:
    xml.send_one("Soon", HARRY, scheduled="202501010801")  # clock: 08:00 SAST
    xml.advance(60)

    assert xml.delete([1]) == [("1", "cli1", "SENT")]
    assert xml.credits() == 999.0


def test_a_delivered_message_answers_sent(xml: XmlApi) -> None:
    xml.send_one("Now", HARRY)
    xml.advance(10)

    assert xml.delete([1]) == [("1", "cli1", "SENT")]


def test_each_deletestatus_answers_its_messageid_in_order_and_echoes_any_cli(
    xml: XmlApi,
) -> None:
    xml.send_one("Later", HARRY, scheduled=FUTURE)
    xml.send_one("Now", RON)
    body = xml.delete_doc([2, 99, 1], clis=["Ron", "x", "tag <CLI> & all"])

    root = xml.post("/api/xmldeletescheduled.asp", body)

    assert [[(child.tag, child.text) for child in item] for item in root] == [
        [("MessageID", "2"), ("CLI", "Ron"), ("Status", "SENT")],
        [("MessageID", "99"), ("CLI", "x"), ("Status", "NOTFOUND")],
        [("MessageID", "1"), ("CLI", "tag <CLI> & all"), ("Status", "DELETED")],
    ]
    assert xml.credits() == 999.0
