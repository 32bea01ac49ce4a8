"""REST v1 send and sendmulti: results per recipient, acceptError, maxSegments, scheduling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_helpers import (
    KEY,
    N1,
    N2,
    N3,
    START_STAMP,
    USER,
    Rest,
    make_current,
    make_rest,
)

SEND = "/sms/outgoing/send"
MULTI = "/sms/outgoing/sendmulti"
SHAPES = ["current", "seed"]


def send_one(rest: Rest, shape: str, message: str, number: str, **extra: Any) -> dict[str, Any]:
    send = rest.send_current if shape == "current" else rest.send_seed
    (result,) = send(message, number, **extra)
    return result


def refused(shape: str, number: str, error: str, balance: float = 1000.0) -> dict[str, Any]:
    """What a refused recipient reads like: nulls in the current shape, 0 and "" in the seed."""
    if shape == "current":
        return {
            "acceptError": error,
            "accepted": False,
            "apiMessageId": None,
            "clientMessageId": None,
            "creditCost": None,
            "mobileNumber": number,
            "newCreditBalance": balance,
            "scheduledTime": None,
        }
    return {
        "clientMessageId": "",
        "mobileNumber": number,
        "accepted": False,
        "acceptError": error,
        "serverMessageId": 0,
        "scheduledTime": 0,
        "creditCost": 0.0,
    }


# -- accepted recipients --------------------------------------------------------------------


def test_a_current_send_answers_each_recipient_with_id_cost_and_new_balance() -> None:
    rest = make_rest()
    body = {
        "message": "Hello",
        "recipients": [
            {"mobileNumber": N1, "clientMessageId": "c-1"},
            {"mobileNumber": N2},
            {"mobileNumber": N3, "clientMessageId": None},
        ],
        "scheduledTime": "202501011000",
    }

    answer = rest.post(SEND, body, status=200, schema="CurrentSendResponse")

    assert answer.body == {
        "timeStamp": START_STAMP,
        "version": "1.0",
        "statusCode": 200,
        "recipients": [
            {
                "acceptError": "",
                "accepted": True,
                "apiMessageId": 1,
                "clientMessageId": "c-1",
                "creditCost": 1.0,
                "mobileNumber": N1,
                "newCreditBalance": 999.0,
                "scheduledTime": "202501011000",
            },
            {
                "acceptError": "",
                "accepted": True,
                "apiMessageId": 2,
                "clientMessageId": None,
                "creditCost": 1.0,
                "mobileNumber": N2,
                "newCreditBalance": 998.0,
                "scheduledTime": "202501011000",
            },
            {
                "acceptError": "",
                "accepted": True,
                "apiMessageId": 3,
                "clientMessageId": None,
                "creditCost": 1.0,
                "mobileNumber": N3,
                "newCreditBalance": 997.0,
                "scheduledTime": "202501011000",
            },
        ],
    }


def test_a_current_send_sent_at_once_is_accepted_with_an_id_and_cost() -> None:
    rest = make_rest()

    (result,) = rest.send_current("Hello", N1)

    assert {k: v for k, v in result.items() if k != "scheduledTime"} == {
        "acceptError": "",
        "accepted": True,
        "apiMessageId": 1,
        "clientMessageId": None,
        "creditCost": 1.0,
        "mobileNumber": N1,
        "newCreditBalance": 999.0,
    }


def test_a_current_send_without_scheduled_time_answers_a_null_scheduled_time() -> None:
    """The current document: "If no scheduledTime value was specified in the request, or the
    recipient was not accepted for delivery, this value will be null"."""
    rest = make_rest()

    (result,) = rest.send_current("Hello", N1)

    assert result["accepted"] is True
    assert result["scheduledTime"] is None


def test_a_seed_send_answers_each_recipient_with_server_id_and_numeric_scheduled_time() -> None:
    rest = make_rest()
    body = {
        "message": "Hello",
        "mobileNumbers": [{"mobileNumber": N1, "clientMessageId": "c-1"}, {"mobileNumber": N2}],
        "scheduledTime": 202501011000,
    }

    answer = rest.post(SEND, body, status=200, schema="SeedSendResponse")

    assert answer.body == {
        "timeStamp": START_STAMP,
        "version": "1.0",
        "statusCode": 200,
        "authResult": True,
        "authError": "",
        "validationResult": True,
        "validationError": "",
        "messages": [
            {
                "clientMessageId": "c-1",
                "mobileNumber": N1,
                "accepted": True,
                "acceptError": "",
                "serverMessageId": 1,
                "scheduledTime": 202501011000,
                "creditCost": 1.0,
            },
            {
                "clientMessageId": "",
                "mobileNumber": N2,
                "accepted": True,
                "acceptError": "",
                "serverMessageId": 2,
                "scheduledTime": 202501011000,
                "creditCost": 1.0,
            },
        ],
    }


def test_a_seed_send_sent_at_once_answers_its_dispatch_time_as_a_number() -> None:
    """Decision: the seed shape's ``scheduledTime`` is the dispatch time (0 only when refused)."""
    rest = make_rest()
    rest.advance(90)

    (result,) = rest.send_seed("Hello", N1)

    assert (result["accepted"], result["scheduledTime"]) == (True, 202501010801)


def test_the_same_number_twice_gets_two_ids_and_two_costs() -> None:
    rest = make_rest()

    results = rest.send_current("Hi", N1, N1)

    assert [(r["apiMessageId"], r["creditCost"], r["newCreditBalance"]) for r in results] == [
        (1, 1.0, 999.0),
        (2, 1.0, 998.0),
    ]


def test_ids_increase_across_shapes_and_sends() -> None:
    rest = make_rest()

    first = rest.send_current("Hi", N1)[0]["apiMessageId"]
    second = rest.send_seed("Hi", N2)[0]["serverMessageId"]
    third = rest.send_current("Hi", N3)[0]["apiMessageId"]

    assert (first, second, third) == (1, 2, 3)


def test_a_batch_runs_out_of_credits_part_way_in_document_order() -> None:
    rest = make_rest()
    rest.patch_account(credits=2)

    results = rest.send_current("Hi", N1, N2, N3)

    assert [(r["accepted"], r["acceptError"], r["newCreditBalance"]) for r in results] == [
        (True, "", 1.0),
        (True, "", 0.0),
        (False, "INSUFFICIENT CREDITS", 0.0),
    ]
    assert rest.balance() == 0.0


def test_cost_is_parts_times_the_price_and_balances_are_reported_to_one_decimal() -> None:
    rest = make_rest()
    rest.patch_account(credits=10, price_per_part=0.25)

    (current,) = rest.send_current("Hi", N1)
    (seed,) = rest.send_seed("x" * 161, N2)  # two parts

    assert (current["creditCost"], current["newCreditBalance"]) == (0.25, 9.8)
    assert seed["creditCost"] == 0.5
    assert rest.balance() == 9.3  # 9.25 rounded half up


# -- acceptError -----------------------------------------------------------------------------

Arrange = Callable[[Rest], None]


def _locked(rest: Rest) -> None:
    rest.patch_account(locked=True)


def _poor(rest: Rest) -> None:
    rest.patch_account(credits=0.5)


def _trial(rest: Rest) -> None:
    rest.patch_account(trial=True, own_numbers=[N2])


def _blacklisted(rest: Rest) -> None:
    rest.control("POST", "/blacklist", {"number": N1})


def _opted_out(rest: Rest) -> None:
    rest.control("POST", f"/accounts/{USER}/opt-outs", {"number": N1})


def _dnc(rest: Rest) -> None:
    rest.control("POST", "/dnc", {"number": N1})


def _nothing(rest: Rest) -> None:
    pass


REFUSALS: list[tuple[str, Arrange, str, str]] = [
    ("INSUFFICIENT CREDITS", _poor, "Hi", N1),
    ("ACCOUNTLOCKED", _locked, "Hi", N1),
    ("TRIALNOT2SELF", _trial, "Hi", N1),
    ("BADDEST", _nothing, "Hi", "0825550101"),
    ("BADDEST", _nothing, "Hi", "27abc"),
    ("BADDEST", _nothing, "Hi", "+27825550101"),
    ("BADDEST", _nothing, "Hi", "278255501011234567"),
    ("BADDEST", _blacklisted, "Hi", N1),
    ("OPTEDOUT", _opted_out, "Hi", N1),
    ("WASPADNC", _dnc, "Hi", N1),
]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(
    ("error", "arrange", "message", "number"),
    REFUSALS,
    ids=[f"{r[0]}-{r[3]}-{r[1].__name__}" for r in REFUSALS],
)
def test_each_refusal_has_its_accept_error_no_id_and_no_cost(
    shape: str, error: str, arrange: Arrange, message: str, number: str
) -> None:
    rest = make_rest()
    arrange(rest)
    balance = rest.balance()

    result = send_one(rest, shape, message, number)

    assert result == refused(shape, number, error, balance)
    assert rest.balance() == balance


@pytest.mark.parametrize("shape", SHAPES)
def test_too_long_is_toolong_in_both_shapes(shape: str) -> None:
    rest = make_rest()
    text = "x" * (161 if shape == "current" else 919)

    result = send_one(rest, shape, text, N1)

    assert result == refused(shape, N1, "TOOLONG")


def test_a_trial_account_may_text_its_own_numbers() -> None:
    rest = make_rest()
    _trial(rest)

    results = rest.send_current("Hi", N1, N2)

    assert [(r["accepted"], r["acceptError"]) for r in results] == [
        (False, "TRIALNOT2SELF"),
        (True, ""),
    ]


def test_a_dnc_bypass_account_may_text_a_dnc_number() -> None:
    rest = make_rest()
    _dnc(rest)
    rest.patch_account(dnc_bypass=True)

    (result,) = rest.send_current("Hi", N1)

    assert (result["accepted"], result["acceptError"]) == (True, "")


@pytest.mark.parametrize(
    ("arrange", "text", "number", "error"),
    [
        ((_locked, _dnc), "x" * 200, "0825550101", "ACCOUNTLOCKED"),
        ((_dnc,), "x" * 200, "0825550101", "TOOLONG"),
        ((_trial, _opted_out), "Hi", "0825550101", "BADDEST"),
        ((_trial, _opted_out, _dnc), "Hi", N1, "TRIALNOT2SELF"),
        ((_opted_out, _dnc, _poor), "Hi", N1, "OPTEDOUT"),
        ((_dnc, _poor), "Hi", N1, "WASPADNC"),
    ],
)
def test_the_first_rule_that_applies_wins(
    arrange: tuple[Arrange, ...], text: str, number: str, error: str
) -> None:
    rest = make_rest()
    for step in arrange:
        step(rest)

    (result,) = rest.send_current(text, number)

    assert result["acceptError"] == error


# -- maxSegments and message length --------------------------------------------------------------

GSM_CASES: list[tuple[int | None, str, bool, float | None]] = [
    (None, "x" * 160, True, 1.0),
    (None, "x" * 161, False, None),
    (1, "x" * 160, True, 1.0),
    (2, "x" * 161, True, 2.0),
    (2, "x" * 306, True, 2.0),
    (2, "x" * 307, False, None),
    (3, "x" * 459, True, 3.0),
    (6, "x" * 918, True, 6.0),
    (6, "x" * 919, False, None),
    (None, "€" * 80, True, 1.0),  # an extension character is 2 septets
    (None, "€" * 80 + "x", False, None),
    (None, "ж" * 70, True, 1.0),  # UCS-2
    (None, "ж" * 71, False, None),
    (2, "ж" * 134, True, 2.0),
    (2, "ж" * 135, False, None),
    (6, "ж" * 402, True, 6.0),
    (6, "ж" * 403, False, None),
]


@pytest.mark.parametrize(
    ("max_segments", "text", "accepted", "cost"),
    GSM_CASES,
    ids=[f"max{c[0]}-{c[1][0]}x{len(c[1])}" for c in GSM_CASES],
)
def test_max_segments_caps_the_parts_of_a_current_send(
    max_segments: int | None, text: str, accepted: bool, cost: float | None
) -> None:
    rest = make_rest()
    extra: dict[str, Any] = {} if max_segments is None else {"maxSegments": max_segments}

    (result,) = rest.send_current(text, N1, **extra)

    assert (result["accepted"], result["acceptError"], result["creditCost"]) == (
        accepted,
        "" if accepted else "TOOLONG",
        cost,
    )


@pytest.mark.parametrize("value", [0, 7, -1, "2", 1.5, None, True])
def test_max_segments_outside_1_to_6_is_422(value: Any) -> None:
    rest = make_rest()
    body = {"message": "Hi", "recipients": [{"mobileNumber": N1}], "maxSegments": value}

    answer = rest.post(SEND, body, valid_request=False, status=422, schema="ErrorDetails")

    assert answer.message.startswith("There is an error in the 'maxSegments' field")
    assert rest.balance() == 1000.0


@pytest.mark.parametrize(
    ("text", "accepted", "cost"),
    [("x" * 160, True, 1.0), ("x" * 161, True, 2.0), ("x" * 918, True, 6.0), ("x" * 919, False, 0)],
)
def test_the_seed_shape_allows_up_to_six_parts(text: str, accepted: bool, cost: float) -> None:
    rest = make_rest()

    (result,) = rest.send_seed(text, N1)

    assert (result["accepted"], result["creditCost"]) == (accepted, cost)


# -- invalid sends ------------------------------------------------------------------------------

INVALID_SENDS: list[tuple[str, dict[str, Any], str]] = [
    ("blank message", {"message": "", "R": [{"mobileNumber": N1}]}, "'message' field"),
    ("white space", {"message": " \t\n", "R": [{"mobileNumber": N1}]}, "'message' field"),
    ("no message", {"R": [{"mobileNumber": N1}]}, "'message' field"),
    ("empty list", {"message": "Hi", "R": []}, "array"),
    ("blank number", {"message": "Hi", "R": [{"mobileNumber": ""}]}, "array"),
    ("no number", {"message": "Hi", "R": [{"clientMessageId": "x"}]}, "array"),
    ("number as int", {"message": "Hi", "R": [{"mobileNumber": 27825550101}]}, "array"),
    ("string list", {"message": "Hi", "R": [N1]}, "array"),
    ("1001 recipients", {"message": "Hi", "R": [{"mobileNumber": N1}] * 1001}, "array"),
]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(
    ("body", "named"), [c[1:] for c in INVALID_SENDS], ids=[c[0] for c in INVALID_SENDS]
)
def test_an_invalid_send_is_422_current_or_400_seed_naming_the_field(
    shape: str, body: dict[str, Any], named: str
) -> None:
    rest = make_rest()
    key = "recipients" if shape == "current" else "mobileNumbers"
    sent = {(key if k == "R" else k): v for k, v in body.items()}
    if "R" not in body:
        sent[key] = [{"mobileNumber": N1}]

    answer = rest.post(SEND, sent, valid_request=False, status=422 if shape == "current" else 400)

    assert answer.schema == "ErrorDetails"
    expected = f"'{key}' array" if named == "array" else named
    assert expected in answer.message, answer.message
    assert rest.balance() == 1000.0
    assert rest.account()["credits"] == 1000.0


@pytest.mark.parametrize("body", [[], "hi", 5, None, {"message": "Hi"}])
def test_a_send_body_that_is_not_a_send_is_refused_as_an_invalid_field(body: Any) -> None:
    rest = make_current()

    answer = rest.post(SEND, body, valid_request=False)

    assert (answer.status, answer.schema) == (422, "ErrorDetails")


# -- scheduling ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["201813011200", "202502300900", "202501012460", "2025010110"])
def test_an_impossible_current_scheduled_time_is_422(value: str) -> None:
    rest = make_rest()
    body = {"message": "Hi", "recipients": [{"mobileNumber": N1}], "scheduledTime": value}

    answer = rest.post(SEND, body, valid_request=False, status=422, schema="ErrorDetails")

    assert answer.message.startswith("There is an error in the 'scheduledTime' field")
    assert rest.balance() == 1000.0


@pytest.mark.parametrize("value", [201813011200, 2025010110, 20250101100000])
def test_an_impossible_seed_scheduled_time_is_400(value: int) -> None:
    rest = make_rest()
    body = {"message": "Hi", "mobileNumbers": [{"mobileNumber": N1}], "scheduledTime": value}

    answer = rest.post(SEND, body, status=400, schema="ErrorDetails")

    assert answer.message == "There is an error in the 'scheduledTime' field."
    assert answer.detail == f"scheduledTime: {value} is not a date and time YYYYMMDDHHmm (SAST)"


def test_a_future_current_send_is_queued_and_charged_at_submit() -> None:
    rest = make_rest()

    (result,) = rest.send_current("Later", N1, scheduledTime="202501011000")

    assert (result["accepted"], result["scheduledTime"], result["newCreditBalance"]) == (
        True,
        "202501011000",
        999.0,
    )
    assert rest.balance() == 999.0
    status = rest.post("/sms/outgoing/status", [result["apiMessageId"]], key=KEY)
    assert status.body["messages"][0]["statusErrorCode"] == -1


def test_a_future_seed_send_is_queued_with_its_numeric_time() -> None:
    rest = make_rest()

    (result,) = rest.send_seed("Later", N1, scheduledTime=202501011000)

    assert (result["accepted"], result["scheduledTime"], result["creditCost"]) == (
        True,
        202501011000,
        1.0,
    )
    assert rest.balance() == 999.0


@pytest.mark.parametrize("value", ["202401010000", "202501010800", "", None])
def test_a_current_send_scheduled_now_in_the_past_or_blank_goes_at_once(value: str | None) -> None:
    rest = make_current()

    (message_id,) = rest.send_ids("Now", N1, scheduledTime=value)

    (status,) = rest.post("/sms/outgoing/status", [message_id]).body["messageStatuses"]
    assert status["statusErrorCode"] == "SENT"
    assert rest.get("/sms/scheduled").body["scheduledMessages"] == []


# -- sendmulti ----------------------------------------------------------------------------------


def test_sendmulti_answers_each_message_in_order_with_its_own_options() -> None:
    rest = make_rest()
    body = {
        "messages": [
            {
                "message": "x" * 200,
                "recipients": [{"mobileNumber": N1, "clientMessageId": "a"}],
                "maxSegments": 2,
                "scheduledTime": "202501011000",
            },
            {"message": "x" * 200, "recipients": [{"mobileNumber": N2}, {"mobileNumber": N3}]},
        ]
    }

    answer = rest.post(MULTI, body, status=200, schema="CurrentSendMultiResponse")

    assert answer.body["messages"][0] == {
        "message": "x" * 200,
        "recipients": [
            {
                "acceptError": "",
                "accepted": True,
                "apiMessageId": 1,
                "clientMessageId": "a",
                "creditCost": 2.0,
                "mobileNumber": N1,
                "newCreditBalance": 998.0,
                "scheduledTime": "202501011000",
            }
        ],
    }
    assert answer.body["messages"][1] == {
        "message": "x" * 200,
        "recipients": [
            refused("current", N2, "TOOLONG", 998.0),
            refused("current", N3, "TOOLONG", 998.0),
        ],
    }
    assert rest.balance() == 998.0


def test_sendmulti_answers_the_current_shape_on_a_seed_server() -> None:
    rest = make_rest()
    body = {"messages": [{"message": "Hi", "recipients": [{"mobileNumber": N1}]}]}

    answer = rest.post(MULTI, body, status=200, schema="CurrentSendMultiResponse")

    assert answer.body["timeStamp"] == START_STAMP
    assert "authResult" not in answer.body


def test_sendmulti_takes_1000_recipients_in_total() -> None:
    rest = make_rest()
    body = {
        "messages": [
            {"message": "Hi", "recipients": [{"mobileNumber": N1}] * 500},
            {"message": "Ho", "recipients": [{"mobileNumber": N2}] * 500},
        ]
    }

    answer = rest.post(MULTI, body, status=200)

    assert sum(len(m["recipients"]) for m in answer.body["messages"]) == 1000
    assert rest.balance() == 0.0


def test_sendmulti_with_more_than_1000_recipients_in_total_is_422_and_sends_nothing() -> None:
    rest = make_rest()
    body = {
        "messages": [
            {"message": "Hi", "recipients": [{"mobileNumber": N1}] * 600},
            {"message": "Ho", "recipients": [{"mobileNumber": N2}] * 401},
        ]
    }

    answer = rest.post(MULTI, body, status=422, schema="ErrorDetails")

    assert answer.message.startswith(
        "There is an error in the 'recipients' array of one or more messageDetails objects"
    )
    assert rest.balance() == 1000.0
    assert rest.control("GET", f"/accounts/{USER}/messages")["messages"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"messages": []},
        {"messages": [{"message": " ", "recipients": [{"mobileNumber": N1}]}]},
        {"messages": [{"message": "Hi", "recipients": []}]},
        {"messages": [{"message": "Hi", "recipients": [{"mobileNumber": N1}], "maxSegments": 7}]},
        {
            "messages": [
                {"message": "Hi", "recipients": [{"mobileNumber": N1}], "scheduledTime": "1"}
            ]
        },
        {
            "messages": [
                {"message": "Hi", "recipients": [{"mobileNumber": N1}]},
                {
                    "message": "Hi",
                    "recipients": [{"mobileNumber": N1}],
                    "scheduledTime": "201813011200",
                },
            ]
        },
        {"message": "Hi", "recipients": [{"mobileNumber": N1}]},
    ],
)
def test_an_invalid_sendmulti_is_422_and_sends_nothing(body: dict[str, Any]) -> None:
    rest = make_rest()

    rest.post(MULTI, body, valid_request=False, status=422, schema="ErrorDetails")

    assert rest.balance() == 1000.0


# -- the current document's own examples ---------------------------------------------------------


def test_the_current_documents_send_example_gets_its_example_results() -> None:
    rest = make_rest()
    body = {
        "maxSegments": 3,
        "message": "Happy holidays from all at TelAmeriCorp.",
        "recipients": [
            {"clientMessageId": "clientId-3023", "mobileNumber": "27444444444"},
            {"mobileNumber": "27555555555"},
            {"clientMessageId": "clientId-3024", "mobileNumber": "276666666666"},
        ],
        "scheduledTime": "201712251430",
    }

    results = rest.post(SEND, body, status=200, schema="CurrentSendResponse").body["recipients"]

    # The document's example refuses 276666666666 as BADDEST. The emulator's rule is
    # phonenumbers' is_possible_number (behaviour.md), and 10 national digits are possible
    # for South Africa, so that recipient is accepted here: a deliberate difference.
    assert [
        (r["acceptError"], r["accepted"], r["clientMessageId"], r["creditCost"]) for r in results
    ] == [
        ("", True, "clientId-3023", 1.0),
        ("", True, None, 1.0),
        ("", True, "clientId-3024", 1.0),
    ]
    assert [r["newCreditBalance"] for r in results] == [999.0, 998.0, 997.0]
    assert [r["apiMessageId"] is None for r in results] == [False, False, False]


def test_the_current_documents_sendmulti_example_gets_its_example_results() -> None:
    rest = make_rest()
    body = {
        "messages": [
            {
                "maxSegments": 3,
                "message": "Happy holidays from all at TelAmeriCorp.",
                "recipients": [
                    {"clientMessageId": "clientId-3023", "mobileNumber": "27444444444"},
                    {"mobileNumber": "27555555555"},
                    {"clientMessageId": "clientId-3024", "mobileNumber": "276666666666"},
                ],
                "scheduledTime": "201712251430",
            },
            {
                "maxSegments": 1,
                "message": "TelAmeriCorp flash sale - call now for details",
                "recipients": [
                    {"clientMessageId": "clientId-0015", "mobileNumber": "27333333333"},
                    {"mobileNumber": "27222222222"},
                ],
                "scheduledTime": "201801010900",
            },
        ]
    }

    answer = rest.post(MULTI, body, status=200, schema="CurrentSendMultiResponse")

    first, second = answer.body["messages"]
    assert first["message"] == "Happy holidays from all at TelAmeriCorp."
    assert [(r["clientMessageId"], r["mobileNumber"]) for r in first["recipients"]] == [
        ("clientId-3023", "27444444444"),
        (None, "27555555555"),
        ("clientId-3024", "276666666666"),
    ]
    assert second == {
        "message": "TelAmeriCorp flash sale - call now for details",
        "recipients": [
            {
                "acceptError": "",
                "accepted": True,
                "apiMessageId": second["recipients"][0]["apiMessageId"],
                "clientMessageId": "clientId-0015",
                "creditCost": 1.0,
                "mobileNumber": "27333333333",
                "newCreditBalance": second["recipients"][0]["newCreditBalance"],
                "scheduledTime": second["recipients"][0]["scheduledTime"],
            },
            {
                "acceptError": "",
                "accepted": True,
                "apiMessageId": second["recipients"][0]["apiMessageId"] + 1,
                "clientMessageId": None,
                "creditCost": 1.0,
                "mobileNumber": "27222222222",
                "newCreditBalance": second["recipients"][0]["newCreditBalance"] - 1,
                "scheduledTime": second["recipients"][0]["scheduledTime"],
            },
        ],
    }


@pytest.mark.parametrize("path", [SEND, MULTI])
def test_an_integer_scheduled_time_is_accepted_as_the_2019_document_typed_it(path: str) -> None:
    """The PHP SDK (its model types scheduledTime as int) and connectors built on WinSMS's
    2019 OpenAPI document send a JSON number."""
    rest = make_current()
    details = {
        "message": "Later",
        "recipients": [{"mobileNumber": N1}],
        "scheduledTime": 202501011000,
    }
    body = details if path == SEND else {"messages": [details]}

    answer = rest.post(path, body, valid_request=False, status=200)

    recipients = (
        answer.body["recipients"] if path == SEND else answer.body["messages"][0]["recipients"]
    )
    assert [(r["accepted"], r["scheduledTime"]) for r in recipients] == [(True, "202501011000")]
    [queued] = rest.control("GET", f"/accounts/{USER}/messages")["messages"]
    assert queued["scheduled_for"] == "2025-01-01T10:00:00+02:00"


@pytest.mark.parametrize("value", [202513011200, 20250101, -202501011000])
def test_an_impossible_integer_scheduled_time_is_422(value: int) -> None:
    rest = make_current()
    body = {"message": "Hi", "recipients": [{"mobileNumber": N1}], "scheduledTime": value}

    answer = rest.post(SEND, body, valid_request=False, status=422)

    assert answer.message == "There is an error in the 'scheduledTime' field."
    assert str(value) in answer.detail
    assert rest.balance() == 1000.0


# -- the document's words for an invalid request -------------------------------------------------


def test_1001_recipients_get_the_documents_words_and_the_detail_goes_to_a_header() -> None:
    rest = make_current()
    body = {"message": "Hi", "recipients": [{"mobileNumber": N1}] * 1001}

    answer = rest.post(SEND, body, valid_request=False, status=422)

    assert answer.message == "There is an error in the 'recipients' array."
    assert answer.detail == "recipients: 1001 items; at most 1000 are allowed"
    assert rest.journal()[-1]["detail"] == answer.detail


def test_1001_recipients_over_several_messages_name_the_message_details() -> None:
    rest = make_current()
    details = {"message": "Hi", "recipients": [{"mobileNumber": N1}] * 500}
    body = {"messages": [details, details, {**details, "recipients": [{"mobileNumber": N2}]}]}

    answer = rest.post(MULTI, body, valid_request=False, status=422)

    assert answer.message == (
        "There is an error in the 'recipients' array of one or more messageDetails objects."
    )
    assert "1001 recipients" in answer.detail


def test_a_null_max_segments_is_said_in_jsons_words() -> None:
    rest = make_current()
    body = {"message": "Hi", "recipients": [{"mobileNumber": N1}], "maxSegments": None}

    answer = rest.post(SEND, body, valid_request=False, status=422)

    assert answer.message == "There is an error in the 'maxSegments' field."
    assert answer.detail == "maxSegments: null is not of type integer"
    assert "None" not in str(rest.journal()[-1])


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"recipients": [{"mobileNumber": N1}]}, "'message' field"),
        ({"message": 5, "recipients": [{"mobileNumber": N1}]}, "'message' field"),
        ({"message": "Hi"}, "'recipients' array"),
        ({"message": "Hi", "recipients": [{"mobileNumber": ""}]}, "'recipients' array"),
        ({"message": "Hi", "recipients": "27825550101"}, "'recipients' array"),
        ({"message": "Hi", "recipients": [], "maxSegments": 9}, "'recipients' array"),
        ([], "request body"),
    ],
)
def test_every_invalid_send_answers_one_of_the_documents_sentences(body: Any, where: str) -> None:
    answer = make_current().post(SEND, body, valid_request=False, status=422)
    assert answer.message == f"There is an error in the {where}."
    assert answer.detail and answer.detail not in answer.message
