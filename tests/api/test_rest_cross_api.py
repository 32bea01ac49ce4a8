"""One gateway behind both APIs: what one API does, the other sees."""

from __future__ import annotations

from rest_helpers import N1, N2, make_current, make_rest

from conftest import XmlApi

STATUS = "/sms/outgoing/status"
DELETE = "/sms/scheduled/delete"
SCHEDULED = "/sms/scheduled"


def test_a_message_sent_over_xml_has_a_status_over_rest_in_both_shapes() -> None:
    rest = make_rest()
    xml = XmlApi(rest.app, rest.client)
    (message_id,) = xml.send_one("Hello", N1)

    (seed,) = rest.post(STATUS, [int(message_id)], status=200).body["messages"]
    rest.patch_account(rest_dialect="current")
    (current,) = rest.post(STATUS, [int(message_id)], status=200).body["messageStatuses"]

    assert seed == {
        "serverMessageId": int(message_id),
        "mobileNumber": N1,
        "statusDelivered": False,
        "statusErrorCode": 105,
        "statusTime": 202501010800,
        "creditCost": 1.0,
    }
    assert current == {
        "apiMessageId": int(message_id),
        "creditCost": 1.0,
        "mobileNumber": N1,
        "statusDelivered": False,
        "statusErrorCode": "SENT",
        "statusTime": "202501010800",
    }


def test_a_message_sent_over_rest_has_a_status_over_xml() -> None:
    rest = make_current()
    xml = XmlApi(rest.app, rest.client)
    (message_id,) = rest.send_ids("Hello", N1)

    sent = xml.status([message_id])
    rest.advance(2)
    delivered = xml.status([message_id])

    assert sent == [(str(message_id), f"cli{message_id}", "SENT", "2025/01/01 08:00:00", "105")]
    assert delivered == [
        (str(message_id), f"cli{message_id}", "DELIVERED", "2025/01/01 08:00:02", "0")
    ]


def test_the_next_id_is_shared_by_both_apis() -> None:
    rest = make_current()
    xml = XmlApi(rest.app, rest.client)

    (first,) = rest.send_ids("Hi", N1)
    (second,) = xml.send_one("Hi", N2)
    (third,) = rest.send_ids("Hi", N1)

    assert (first, int(second), third) == (1, 2, 3)


def test_a_message_queued_over_rest_is_deleted_over_xml_and_the_refund_shows_over_rest() -> None:
    rest = make_current()
    xml = XmlApi(rest.app, rest.client)
    (message_id,) = rest.send_ids("Later", N1, scheduledTime="202501011000")
    assert rest.balance() == 999.0

    deleted = xml.delete([message_id])

    assert deleted == [(str(message_id), f"cli{message_id}", "DELETED")]
    assert rest.balance() == 1000.0
    assert rest.get(SCHEDULED, status=200).body["scheduledMessages"] == []
    (status,) = rest.post(STATUS, [message_id], status=200).body["messageStatuses"]
    assert status["statusErrorCode"] == "NOTFOUND"


def test_a_message_queued_over_xml_is_listed_and_deleted_over_rest() -> None:
    rest = make_current()
    xml = XmlApi(rest.app, rest.client)
    (message_id,) = xml.send_one("Later", N1, scheduled="202501011000")

    listed = rest.get(SCHEDULED, status=200).body["scheduledMessages"]
    (deleted,) = rest.post(DELETE, [int(message_id)], status=200).body["deletedMessageStatuses"]

    assert [m["apiMessageId"] for m in listed] == [int(message_id)]
    assert (deleted["deleted"], deleted["creditCost"]) == (True, 1.0)
    assert xml.status([message_id])[0][2:] == ("NOTFOUND", "2025/01/01 08:00:00", "-2")
    assert rest.balance() == 1000.0
