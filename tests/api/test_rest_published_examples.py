"""The published REST documents' own examples, posted as they are printed.

The seed (apidocs) examples come from ``/work/shared/seeds/000_*.txt``; the
current document's error examples from its ``responses``: each documented
``errorMessage`` must be what the emulator answers in that situation.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rest_helpers import (
    DOC,
    MISSING_KEY,
    N1,
    N2,
    N3,
    START,
    START_STAMP,
    Rest,
    make_current,
    make_rest,
)

from winsms_emulator import Gateway, ManualClock, create_app
from winsms_emulator.forms.accounts import default_accounts

SEND = "/sms/outgoing/send"
STATUS = "/sms/outgoing/status"
DELETE = "/sms/scheduled/delete"

SEED_SEND_EXAMPLE = {
    "message": "message",
    "mobileNumbers": [{"mobileNumber": "mobileNumber", "clientMessageId": "clientMessageId"}],
    "scheduledTime": 119,
}
SEED_STATUS_EXAMPLE = [1892, 1893, 1894]
SEED_DELETE_EXAMPLE = {
    "authResult": True,
    "authError": "",
    "validationResult": True,
    "validationError": "",
    "messages": [
        {
            "serverMessageId": 1892,
            "mobileNumber": "27444444444",
            "statusDelivered": True,
            "statusErrorCode": 0,
            "statusTime": 201503241546,
            "creditCost": 1.4,
        },
        {
            "serverMessageId": 1893,
            "mobileNumber": "27555555555",
            "statusDelivered": True,
            "statusErrorCode": 0,
            "statusTime": 201503241556,
            "creditCost": 1.0,
        },
        {
            "serverMessageId": 1894,
            "mobileNumber": "27666666666",
            "statusDelivered": False,
            "statusErrorCode": 201,
            "statusTime": 201503241545,
            "creditCost": 0.0,
        },
    ],
}
SWAGGER_FILE = Path("/work/shared/reference/winsms-rest-v1.swagger.json")


def not_found_item(message_id: int) -> dict[str, Any]:
    return {
        "serverMessageId": message_id,
        "mobileNumber": "",
        "statusDelivered": False,
        "statusErrorCode": -2,
        "statusTime": 202501010800,
        "creditCost": 0.0,
    }


def seed_world(first_message_id: int) -> Rest:
    gateway = Gateway(default_accounts(), ManualClock(START), first_message_id=first_message_id)
    app = create_app(gateway=gateway)
    return Rest(app, app.test_client())


# -- the seed's examples --------------------------------------------------------------------


def test_the_seed_status_example_on_a_fresh_emulator_is_notfound_for_each_id() -> None:
    rest = make_rest()

    answer = rest.post(STATUS, SEED_STATUS_EXAMPLE, status=200, schema="SeedStatusResponse")

    assert answer.body["messages"] == [not_found_item(i) for i in SEED_STATUS_EXAMPLE]


def test_the_seed_status_example_on_a_current_account_is_notfound_for_each_id() -> None:
    rest = make_current()

    answer = rest.post(STATUS, SEED_STATUS_EXAMPLE, status=200, schema="CurrentStatusResponse")

    assert [(s["apiMessageId"], s["statusErrorCode"]) for s in answer.body["messageStatuses"]] == [
        (1892, "NOTFOUND"),
        (1893, "NOTFOUND"),
        (1894, "NOTFOUND"),
    ]


def test_the_seed_status_example_reads_the_seeds_story_when_the_ids_exist() -> None:
    rest = seed_world(1892)
    rest.patch_account(delivery_delay_seconds=60)
    ids = rest.send_ids("Hi", "27444444444", "27555555555", "27666666666")
    rest.advance(60)

    statuses = rest.post(STATUS, SEED_STATUS_EXAMPLE, status=200).body["messages"]

    assert ids == SEED_STATUS_EXAMPLE
    assert [
        (s["serverMessageId"], s["statusDelivered"], s["statusErrorCode"]) for s in statuses
    ] == [
        (1892, True, 0),
        (1893, True, 0),
        (1894, True, 0),
    ]


def test_the_seed_delete_example_on_a_fresh_emulator_is_notfound_for_each_id() -> None:
    rest = make_rest()

    answer = rest.post(DELETE, SEED_DELETE_EXAMPLE, status=200, schema="SeedStatusResponse")

    assert answer.body["messages"] == [not_found_item(i) for i in SEED_STATUS_EXAMPLE]


def test_the_seed_delete_example_deletes_the_ids_it_names_and_refunds_them() -> None:
    rest = seed_world(1892)
    ids = rest.send_ids("Later", N1, N2, N3, scheduledTime="202501011000")
    assert rest.balance() == 997.0

    answer = rest.post(DELETE, SEED_DELETE_EXAMPLE, status=200, schema="SeedStatusResponse")

    assert ids == SEED_STATUS_EXAMPLE
    assert [
        (m["serverMessageId"], m["statusErrorCode"], m["creditCost"])
        for m in answer.body["messages"]
    ] == [(1892, 102, 1.0), (1893, 102, 1.0), (1894, 102, 1.0)]
    assert rest.balance() == 1000.0


def test_the_seed_send_example_is_refused_400_for_its_scheduled_time_of_119() -> None:
    """Decision: 119 is no ccyymmddhhmm time, so the request is refused (ResponseError2)."""
    rest = make_rest()

    answer = rest.post(SEND, SEED_SEND_EXAMPLE, status=400, schema="ErrorDetails")

    assert answer.body == {
        "timeStamp": START_STAMP,
        "version": "1.0",
        "statusCode": 400,
        "errorMessage": "There is an error in the 'scheduledTime' field.",
    }
    assert answer.detail == "scheduledTime: 119 is not a date and time YYYYMMDDHHmm (SAST)"
    assert rest.account()["credits"] == 1000.0
    assert rest.control("GET", "/accounts/hpotter/messages")["messages"] == []
    assert rest.journal()[-1]["http_status"] == 400


def test_the_seed_send_example_without_its_scheduled_time_refuses_its_number() -> None:
    rest = make_rest()
    body = {k: v for k, v in SEED_SEND_EXAMPLE.items() if k != "scheduledTime"}

    answer = rest.post(SEND, body, status=200, schema="SeedSendResponse")

    assert answer.body["messages"] == [
        {
            "clientMessageId": "clientMessageId",
            "mobileNumber": "mobileNumber",
            "accepted": False,
            "acceptError": "BADDEST",
            "serverMessageId": 0,
            "scheduledTime": 0,
            "creditCost": 0.0,
        }
    ]


def test_seed_bodies_keep_the_seeds_field_order() -> None:
    rest = make_rest()

    send = rest.send_seed("Hi", N1)[0]
    status = rest.post(STATUS, [1], status=200).body
    balance = rest.get("/credits/balance", status=200).body
    unauthorised = rest.get("/credits/balance", key=None, status=401).body
    invalid = rest.post(STATUS, ["a"], valid_request=False, status=400).body

    envelope = ["timeStamp", "version", "statusCode", "authResult", "authError"]
    envelope += ["validationResult", "validationError"]
    assert list(send) == [
        "clientMessageId",
        "mobileNumber",
        "accepted",
        "acceptError",
        "serverMessageId",
        "scheduledTime",
        "creditCost",
    ]
    assert list(status) == [*envelope, "messages"]
    assert list(status["messages"][0]) == [
        "serverMessageId",
        "mobileNumber",
        "statusDelivered",
        "statusErrorCode",
        "statusTime",
        "creditCost",
    ]
    assert list(balance) == [*envelope, "creditBalance"]
    assert list(unauthorised) == envelope[:5]
    assert list(invalid) == ["timeStamp", "version", "statusCode", "errorMessage"]


# -- the current document's documented error messages -----------------------------------------


def swagger() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SWAGGER_FILE.read_text(encoding="utf-8"))
    return data


def documented_errors() -> list[tuple[str, str, int, str]]:
    """(method, path, status, errorMessage) of every error example of the current document."""
    found = []
    for path, item in swagger()["paths"].items():
        for method, op in item.items():
            for code, response in op["responses"].items():
                example = response.get("examples", {}).get("application/json", {})
                if isinstance(example, dict) and "errorMessage" in example and code != "500":
                    found.append((method.upper(), path, int(code), example["errorMessage"]))
    return found


def provoke(rest: Rest, method: str, path: str, status: int, message: str) -> Any:
    """Cause the documented situation of one error example."""
    if status == 400:
        return rest.call(method, path, data=b"{oops", content_type="application/json")
    if status == 401:
        return rest.call(method, path, key=None)
    if status == 404:
        return rest.call(method, path + "/nope")
    if status == 405:
        wrong = message.split("not '")[1].rstrip("'.")
        return rest.call(wrong, path)
    if status == 413:
        return rest.call(method, path, data=b" " * (205 * 1024), content_type="application/json")
    if status == 415:
        return rest.call(method, path, data=b"{}", content_type="text/plain")
    assert status == 422
    if method == "GET":
        return rest.call(method, path, query="offset=-1")
    if path in (STATUS, DELETE):
        return rest.post(path, [1, "a"], valid_request=False)
    details = {"message": "Hi", "recipients": []}
    if path == SEND:
        return rest.post(path, details, valid_request=False)
    return rest.post(path, {"messages": [details]}, valid_request=False)


DOCUMENTED = [e for e in documented_errors() if e[1] != "/credits/transfer" or e[2] != 422]


@pytest.mark.parametrize(
    ("method", "path", "status", "message"),
    DOCUMENTED,
    ids=[f"{m} {p} {s}" for m, p, s, _ in DOCUMENTED],
)
def test_each_documented_error_example_is_what_the_emulator_answers(
    method: str, path: str, status: int, message: str
) -> None:
    rest = make_current()

    answer = provoke(rest, method, path, status, message)

    assert (answer.status, answer.schema) == (status, "ErrorDetails")
    if status == 422 and path in (SEND, "/sms/outgoing/sendmulti"):
        # the document's message ends where the emulator adds the detail
        assert answer.message.startswith(message.rstrip(".")), answer.message
    else:
        assert answer.message == message


def test_the_documents_401_message_is_the_missing_key_message() -> None:
    assert {m for _, _, s, m in documented_errors() if s == 401} == {MISSING_KEY}


def test_the_emulator_document_lists_every_operation_of_the_current_document() -> None:
    published = {(method, path) for path, item in swagger()["paths"].items() for method in item}
    ours = {(method, path) for path, item in DOC["paths"].items() for method in item}

    assert ours == published


def test_the_emulator_document_lists_every_documented_status_but_500() -> None:
    for path, item in swagger()["paths"].items():
        for method, op in item.items():
            published = set(op["responses"]) - {"500"}
            assert set(DOC["paths"][path][method]["responses"]) == published, (method, path)
