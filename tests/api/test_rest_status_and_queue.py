"""REST v1 status, the scheduled queue and deleting from it, in both shapes."""

from __future__ import annotations

from typing import Any

import pytest
from rest_helpers import (
    BAD_IDS,
    BAD_LIMIT,
    BAD_OFFSET,
    N1,
    N2,
    N3,
    START_STAMP,
    Rest,
    make_current,
    make_rest,
)

STATUS = "/sms/outgoing/status"
SCHEDULED = "/sms/scheduled"
DELETE = "/sms/scheduled/delete"
LATER = "202501011000"


def current_status(rest: Rest, ids: list[int]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = rest.post(
        STATUS, ids, status=200, schema="CurrentStatusResponse"
    ).body["messageStatuses"]
    return found


def seed_status(rest: Rest, ids: list[int]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = rest.post(
        STATUS, ids, status=200, schema="SeedStatusResponse"
    ).body["messages"]
    return found


# -- status ---------------------------------------------------------------------------------------


def test_current_status_follows_a_message_from_sent_to_delivered() -> None:
    rest = make_current()
    rest.patch_account(delivery_delay_seconds=120)
    (message_id,) = rest.send_ids("Hi", N1)

    sent = current_status(rest, [message_id])
    rest.advance(119)
    still_sent = current_status(rest, [message_id])
    rest.advance(1)
    delivered = current_status(rest, [message_id])

    assert sent == still_sent
    assert sent == [
        {
            "apiMessageId": message_id,
            "creditCost": 1.0,
            "mobileNumber": N1,
            "statusDelivered": False,
            "statusErrorCode": "SENT",
            "statusTime": "202501010800",
        }
    ]
    assert delivered == [
        {
            "apiMessageId": message_id,
            "creditCost": 1.0,
            "mobileNumber": N1,
            "statusDelivered": True,
            "statusErrorCode": "",
            "statusTime": "202501010802",
        }
    ]


def test_seed_status_follows_a_message_with_appendix_b_codes_and_numeric_times() -> None:
    rest = make_rest()
    rest.patch_account(delivery_delay_seconds=120, price_per_part=0.5)
    (message_id,) = rest.send_ids("Hi", N1)

    sent = seed_status(rest, [message_id])
    rest.advance(120)
    delivered = rest.post(STATUS, [message_id], status=200, schema="SeedStatusResponse").body

    assert sent == [
        {
            "serverMessageId": message_id,
            "mobileNumber": N1,
            "statusDelivered": False,
            "statusErrorCode": 105,
            "statusTime": 202501010800,
            "creditCost": 0.5,
        }
    ]
    assert delivered == {
        "timeStamp": "20250101080200000",
        "version": "1.0",
        "statusCode": 200,
        "authResult": True,
        "authError": "",
        "validationResult": True,
        "validationError": "",
        "messages": [
            {
                "serverMessageId": message_id,
                "mobileNumber": N1,
                "statusDelivered": True,
                "statusErrorCode": 0,
                "statusTime": 202501010802,
                "creditCost": 0.5,
            }
        ],
    }


@pytest.mark.parametrize(
    ("status", "code", "current_code"),
    [
        ("SENDINGFAILED", 111, "SENDINGFAILED"),  # could not be sent
        ("SENDINGFAILED", 214, "SENDINGFAILED"),  # blacklisted
        ("SENDINGFAILED", 201, "SENDINGFAILED"),  # insufficient credits
        # sent, but not delivered: the current document's FAILED ("The message was sent but
        # could not be delivered to the recipient due to e.g. no such subscriber, subscriber's
        # phone offline"), not SENDINGFAILED ("The message was not transmitted")
        ("SENDINGFAILED", 101, "FAILED"),  # expired in transit
        ("SENDINGFAILED", 103, "FAILED"),  # could not be delivered
    ],
)
def test_a_scripted_failure_has_its_appendix_b_code_and_the_current_documents_word(
    status: str, code: int, current_code: str
) -> None:
    rest = make_rest()
    rest.control(
        "POST",
        "/outcomes",
        {"number": N1, "status": status, "status_code": code, "after_seconds": 60},
    )
    (message_id,) = rest.send_ids("Hi", N1)
    rest.advance(60)

    (seed,) = seed_status(rest, [message_id])
    rest.patch_account(rest_dialect="current")
    (current,) = current_status(rest, [message_id])

    assert (seed["statusDelivered"], seed["statusErrorCode"], seed["statusTime"]) == (
        False,
        code,
        202501010801,
    )
    assert (current["statusDelivered"], current["statusErrorCode"], current["statusTime"]) == (
        False,
        current_code,
        "202501010801",
    )


def test_a_message_whose_report_never_comes_stays_sent_with_code_106() -> None:
    rest = make_rest()
    rest.control(
        "POST",
        "/outcomes",
        {"number": N1, "status": "SENT", "status_code": 106, "after_seconds": 5},
    )
    (message_id,) = rest.send_ids("Hi", N1)
    rest.advance(3600)

    (seed,) = seed_status(rest, [message_id])
    rest.patch_account(rest_dialect="current")
    (current,) = current_status(rest, [message_id])

    assert (seed["statusErrorCode"], seed["statusTime"]) == (106, 202501010800)
    assert (current["statusErrorCode"], current["statusDelivered"]) == ("SENT", False)


def test_an_unknown_id_is_notfound_with_no_number_in_both_shapes() -> None:
    rest = make_rest()

    seed = seed_status(rest, [999])
    rest.patch_account(rest_dialect="current")
    current = current_status(rest, [999])

    assert seed == [
        {
            "serverMessageId": 999,
            "mobileNumber": "",
            "statusDelivered": False,
            "statusErrorCode": -2,
            "statusTime": 202501010800,
            "creditCost": 0.0,
        }
    ]
    assert current == [
        {
            "apiMessageId": 999,
            "creditCost": 0.0,
            "mobileNumber": None,
            "statusDelivered": False,
            "statusErrorCode": "NOTFOUND",
            "statusTime": "202501010800",
        }
    ]


def test_another_accounts_message_is_notfound() -> None:
    rest = make_current()
    rest.add_account("other", credits=10)
    (theirs,) = rest.send_ids("Hi", N1)

    (status,) = rest.post(STATUS, [theirs], key="other-key", status=200).body["messageStatuses"]

    assert (status["statusErrorCode"], status["mobileNumber"], status["creditCost"]) == (
        "NOTFOUND",
        None,
        0.0,
    )


def test_a_message_older_than_90_days_is_notfound() -> None:
    rest = make_current()
    (message_id,) = rest.send_ids("Hi", N1)

    rest.advance(90 * 86400)
    on_the_day = current_status(rest, [message_id])[0]["statusErrorCode"]
    rest.advance(60)
    after = current_status(rest, [message_id])[0]["statusErrorCode"]

    assert (on_the_day, after) == ("", "NOTFOUND")


def test_statuses_come_in_request_order_repeats_included() -> None:
    rest = make_current()
    first, second = rest.send_ids("Hi", N1, N2)

    statuses = current_status(rest, [second, 77, first, second])

    assert [(s["apiMessageId"], s["mobileNumber"]) for s in statuses] == [
        (second, N2),
        (77, None),
        (first, N1),
        (second, N2),
    ]


def test_a_queued_message_is_inqueue_then_sent_at_its_time() -> None:
    rest = make_current()
    (message_id,) = rest.send_ids("Later", N1, scheduledTime=LATER)

    queued = current_status(rest, [message_id])
    rest.advance(2 * 3600)
    sent = current_status(rest, [message_id])

    assert queued == [
        {
            "apiMessageId": message_id,
            "creditCost": 1.0,
            "mobileNumber": N1,
            "statusDelivered": False,
            "statusErrorCode": "INQUEUE",
            "statusTime": "202501010800",
        }
    ]
    assert (sent[0]["statusErrorCode"], sent[0]["statusTime"]) == ("SENT", LATER)


def test_a_queued_message_is_minus_one_in_the_seed_shape() -> None:
    rest = make_rest()
    (message_id,) = rest.send_ids("Later", N1, scheduledTime=LATER)

    (status,) = seed_status(rest, [message_id])

    assert (status["statusErrorCode"], status["statusDelivered"], status["mobileNumber"]) == (
        -1,
        False,
        N1,
    )


def test_current_status_takes_1000_ids_and_refuses_1001() -> None:
    rest = make_current()

    statuses = current_status(rest, list(range(1, 1001)))
    answer = rest.post(STATUS, list(range(1, 1002)), valid_request=False, status=422)

    assert len(statuses) == 1000
    assert answer.schema == "ErrorDetails"


def test_seed_status_answers_ids_after_the_1000th_as_skipped_108() -> None:
    rest = make_rest()
    (message_id,) = rest.send_ids("Hi", N1)

    statuses = seed_status(rest, [*range(2, 1001), message_id, message_id])

    assert len(statuses) == 1001
    assert statuses[998]["statusErrorCode"] == -2
    assert statuses[999]["statusErrorCode"] == 105
    assert statuses[1000] == {
        "serverMessageId": message_id,
        "mobileNumber": "",
        "statusDelivered": False,
        "statusErrorCode": 108,
        "statusTime": 202501010800,
        "creditCost": 0.0,
    }


@pytest.mark.parametrize(
    "body",
    [[1, "a"], ["1"], [1.5], [None], [-1], [[1]], [{"id": 1}], [], {"ids": [1]}, "1", 1, True],
)
def test_current_status_with_an_id_that_is_not_a_whole_number_is_422(body: Any) -> None:
    rest = make_current()

    answer = rest.post(STATUS, body, valid_request=False, status=422, schema="ErrorDetails")

    assert answer.message == BAD_IDS


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ([1, "a"], '[1]: "a" is not of type integer'),
        (["1"], '[0]: "1" is not of type integer'),
        ([], "the body: 0 items; at least 1 are allowed"),
        ({"a": 1}, "the body: "),
    ],
)
def test_seed_status_with_a_bad_id_is_400_and_the_detail_names_it(body: Any, named: str) -> None:
    rest = make_rest()

    answer = rest.post(STATUS, body, valid_request=False, status=400, schema="ErrorDetails")

    assert answer.message == "There is an error in the request body."
    assert answer.detail.startswith(named), answer.detail


# -- the scheduled queue ----------------------------------------------------------------------


def queue_three(rest: Rest) -> list[int]:
    """Three queued messages for 10:00 and one sent at once; the queued IDs."""
    ids = rest.send_ids("Later", N1, N2, N3, scheduledTime=LATER)
    rest.send_ids("Now", N1)
    return ids


def test_current_scheduled_lists_the_queue_with_paging_fields() -> None:
    rest = make_current()
    rest.patch_account(price_per_part=0.5)
    ids = queue_three(rest)

    answer = rest.get(SCHEDULED, status=200, schema="CurrentScheduledResponse")

    assert answer.body == {
        "timeStamp": START_STAMP,
        "version": "1.0",
        "statusCode": 200,
        "resultsLimit": 100,
        "resultsOffset": 0,
        "resultsTotalAvailable": 3,
        "scheduledMessages": [
            {
                "apiMessageId": message_id,
                "creditCost": 0.5,
                "mobileNumber": number,
                "scheduledSendTime": LATER,
                "submitTime": "202501010800",
            }
            for message_id, number in zip(ids, [N1, N2, N3], strict=True)
        ],
    }


@pytest.mark.parametrize(
    ("query", "offset", "limit", "picked"),
    [
        ("offset=1&limit=1", 1, 1, [1]),
        ("offset=0&limit=2", 0, 2, [0, 1]),
        ("offset=2", 2, 100, [2]),
        ("limit=1000", 0, 1000, [0, 1, 2]),
        ("offset=3", 3, 100, []),
        ("offset=500&limit=1", 500, 1, []),
    ],
)
def test_current_scheduled_pages_with_offset_and_limit(
    query: str, offset: int, limit: int, picked: list[int]
) -> None:
    rest = make_current()
    ids = queue_three(rest)

    answer = rest.get(SCHEDULED, query=query, status=200)

    assert (
        answer.body["resultsOffset"],
        answer.body["resultsLimit"],
        answer.body["resultsTotalAvailable"],
    ) == (offset, limit, 3)
    assert [m["apiMessageId"] for m in answer.body["scheduledMessages"]] == [ids[i] for i in picked]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("limit=0", BAD_LIMIT),
        ("limit=1001", BAD_LIMIT),
        ("limit=-5", BAD_LIMIT),
        ("limit=abc", BAD_LIMIT),
        ("limit=", BAD_LIMIT),
        ("limit=1.5", BAD_LIMIT),
        ("offset=-1", BAD_OFFSET),
        ("offset=abc", BAD_OFFSET),
        ("offset=", BAD_OFFSET),
        ("offset=1e3", BAD_OFFSET),
        ("offset=%D9%A3", BAD_OFFSET),
    ],
)
@pytest.mark.parametrize("path", [SCHEDULED, "/sms/incoming", "/shortcode/incoming"])
def test_bad_paging_parameters_are_422_with_the_documented_message(
    path: str, query: str, message: str
) -> None:
    rest = make_current()

    answer = rest.get(path, query=query, status=422, schema="ErrorDetails")

    assert answer.message == message


def test_a_dispatched_message_leaves_the_queue() -> None:
    rest = make_current()
    queue_three(rest)

    rest.advance(2 * 3600)

    answer = rest.get(SCHEDULED, status=200)
    assert (answer.body["resultsTotalAvailable"], answer.body["scheduledMessages"]) == (0, [])


def test_seed_scheduled_lists_the_whole_queue_as_status_items_without_paging() -> None:
    rest = make_rest()
    ids = queue_three(rest)

    answer = rest.get(SCHEDULED, query="limit=0&offset=-1", status=200, schema="SeedStatusResponse")

    assert answer.body["messages"] == [
        {
            "serverMessageId": message_id,
            "mobileNumber": number,
            "statusDelivered": False,
            "statusErrorCode": -1,
            "statusTime": 202501011000,
            "creditCost": 1.0,
        }
        for message_id, number in zip(ids, [N1, N2, N3], strict=True)
    ]


def test_the_queue_shows_only_the_callers_messages() -> None:
    rest = make_current()
    rest.add_account("other", credits=10, rest_dialect="current")
    queue_three(rest)

    answer = rest.get(SCHEDULED, key="other-key", status=200)

    assert (answer.body["resultsTotalAvailable"], answer.body["scheduledMessages"]) == (0, [])


# -- deleting --------------------------------------------------------------------------------


def test_current_delete_refunds_a_queued_message_and_reports_each_id() -> None:
    rest = make_current()
    rest.patch_account(price_per_part=0.25)
    queued, other = rest.send_ids("x" * 200, N1, N2, scheduledTime=LATER, maxSegments=2)
    (sent,) = rest.send_ids("Now", N3)
    assert rest.balance() == 998.8  # 1000 - 0.5 - 0.5 - 0.25 = 998.75

    answer = rest.post(DELETE, [queued, sent, 4242], status=200, schema="CurrentDeleteResponse")

    assert answer.body == {
        "timeStamp": START_STAMP,
        "version": "1.0",
        "statusCode": 200,
        "deletedMessageStatuses": [
            {
                "apiMessageId": queued,
                "creditCost": 0.5,
                "deleteError": "",
                "deleted": True,
                "mobileNumber": N1,
            },
            {
                "apiMessageId": sent,
                "creditCost": 0.0,
                "deleteError": "SENT",
                "deleted": False,
                "mobileNumber": N3,
            },
            {
                "apiMessageId": 4242,
                "creditCost": 0.0,
                "deleteError": "NOTFOUND",
                "deleted": False,
                "mobileNumber": None,
            },
        ],
    }
    assert rest.account()["credits"] == 999.25
    assert [m["apiMessageId"] for m in rest.get(SCHEDULED).body["scheduledMessages"]] == [other]
    (status,) = current_status(rest, [queued])
    assert (status["statusErrorCode"], status["mobileNumber"]) == ("NOTFOUND", N1)


def test_deleting_twice_refunds_once() -> None:
    rest = make_current()
    (queued,) = rest.send_ids("Later", N1, scheduledTime=LATER)

    first = rest.post(DELETE, [queued], status=200).body["deletedMessageStatuses"]
    second = rest.post(DELETE, [queued], status=200).body["deletedMessageStatuses"]

    assert [(d["deleted"], d["deleteError"], d["creditCost"]) for d in first + second] == [
        (True, "", 1.0),
        (False, "NOTFOUND", 0.0),
    ]
    assert rest.balance() == 1000.0


def test_a_deleted_message_is_never_sent() -> None:
    rest = make_current()
    (queued,) = rest.send_ids("Later", N1, scheduledTime=LATER)
    rest.post(DELETE, [queued], status=200)

    rest.advance(3 * 3600)

    (status,) = current_status(rest, [queued])
    assert status["statusErrorCode"] == "NOTFOUND"
    assert rest.balance() == 1000.0


def test_another_accounts_queued_message_cannot_be_deleted() -> None:
    rest = make_current()
    rest.add_account("other", credits=10, rest_dialect="current")
    (queued,) = rest.send_ids("Later", N1, scheduledTime=LATER)

    answer = rest.post(DELETE, [queued], key="other-key", status=200)

    assert answer.body["deletedMessageStatuses"] == [
        {
            "apiMessageId": queued,
            "creditCost": 0.0,
            "deleteError": "NOTFOUND",
            "deleted": False,
            "mobileNumber": None,
        }
    ]
    assert rest.get(SCHEDULED).body["resultsTotalAvailable"] == 1


def test_seed_delete_takes_a_bare_array_and_answers_status_items() -> None:
    rest = make_rest()
    (queued,) = rest.send_ids("Later", N1, scheduledTime=LATER)
    rest.send_ids("Now", N2)
    rest.advance(11 * 60)

    answer = rest.post(DELETE, [queued, 31337], status=200, schema="SeedStatusResponse")

    assert answer.body["messages"] == [
        {
            "serverMessageId": queued,
            "mobileNumber": N1,
            "statusDelivered": False,
            "statusErrorCode": 102,
            "statusTime": 202501010811,
            "creditCost": 1.0,
        },
        {
            "serverMessageId": 31337,
            "mobileNumber": "",
            "statusDelivered": False,
            "statusErrorCode": -2,
            "statusTime": 202501010811,
            "creditCost": 0.0,
        },
    ]
    assert rest.balance() == 999.0


def test_seed_delete_of_a_sent_message_answers_its_current_code() -> None:
    rest = make_rest()
    rest.patch_account(delivery_delay_seconds=120)
    sent, delivered = rest.send_ids("Now", N1, N2)

    rest.advance(60)
    (still_sent,) = rest.post(DELETE, [sent], status=200).body["messages"]
    rest.advance(60)
    (now_delivered,) = rest.post(DELETE, [delivered], status=200).body["messages"]

    assert (still_sent["statusErrorCode"], still_sent["statusDelivered"]) == (105, False)
    assert (still_sent["creditCost"], still_sent["mobileNumber"]) == (0.0, N1)
    assert (now_delivered["statusErrorCode"], now_delivered["statusDelivered"]) == (0, True)
    assert rest.balance() == 998.0


@pytest.mark.parametrize("body", [[1, "a"], [None], [1.5], [], {"messages": [1]}, "1"])
def test_current_delete_with_an_id_that_is_not_a_whole_number_is_422(body: Any) -> None:
    rest = make_current()

    answer = rest.post(DELETE, body, valid_request=False, status=422, schema="ErrorDetails")

    assert answer.message == BAD_IDS


def test_current_delete_refuses_1001_ids() -> None:
    rest = make_current()

    rest.post(DELETE, list(range(1, 1002)), valid_request=False, status=422, schema="ErrorDetails")


@pytest.mark.parametrize(
    "body",
    [["a"], {"messages": []}, {"messages": [{"serverMessageId": "1"}]}, {"messages": [{}]}, {}],
)
def test_seed_delete_with_a_bad_body_is_400(body: Any) -> None:
    rest = make_rest()

    rest.post(DELETE, body, valid_request=False, status=400, schema="ErrorDetails")
