"""REST v1: the API key, the two shapes, the order of the request checks, app-level errors."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from rest_helpers import (
    BAD_JSON,
    CURRENT_ONLY,
    KEY,
    MISSING_KEY,
    N1,
    NOT_FOUND,
    OPERATIONS,
    PREFIX,
    START_STAMP,
    USER,
    make_current,
    make_rest,
)

from winsms_emulator import EmulatorConfig, create_app

UNKNOWN_KEY = (
    "The API Key in the 'AUTHORIZATION' header is not valid. "
    "Set the 'AUTHORIZATION' request header to your WinSMS API Key"
)
POSTS = [path for method, path in OPERATIONS if method == "POST"]
GETS = [path for method, path in OPERATIONS if method == "GET"]
SEED_OPERATIONS = [op for op in OPERATIONS if op not in CURRENT_ONLY]
SEND = "/sms/outgoing/send"
A_CURRENT_SEND = {"message": "hi", "recipients": [{"mobileNumber": N1}]}
A_SEED_SEND = {"message": "hi", "mobileNumbers": [{"mobileNumber": N1}]}


# -- the API key ----------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["Authorization", "authorization", "AUTHORIZATION"])
def test_the_api_key_is_read_from_the_authorization_header_in_any_case(header: str) -> None:
    rest = make_rest()

    answer = rest.get("/credits/balance", key=None, headers={header: KEY}, status=200)

    assert answer.body["creditBalance"] == 1000.0


@pytest.mark.parametrize("value", [f"Bearer {KEY}", f"{KEY} ", KEY.upper(), "w1Zard", USER])
def test_the_whole_header_is_the_key_so_anything_else_is_an_unknown_key(value: str) -> None:
    rest = make_rest()

    answer = rest.get("/credits/balance", key=value, status=401, schema="SeedAuthError")

    assert answer.body == {
        "timeStamp": START_STAMP,
        "version": "1.0",
        "statusCode": 401,
        "authResult": False,
        "authError": UNKNOWN_KEY,
    }


@pytest.mark.parametrize(("method", "path"), SEED_OPERATIONS)
def test_a_missing_key_on_a_seed_server_is_the_seed_response_error3(method: str, path: str) -> None:
    rest = make_rest()

    answer = rest.call(method, path, key=None, status=401, schema="SeedAuthError")

    assert answer.body == {
        "timeStamp": START_STAMP,
        "version": "1.0",
        "statusCode": 401,
        "authResult": False,
        "authError": MISSING_KEY,
    }


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_a_missing_key_on_a_current_server_is_the_documented_error_details(
    method: str, path: str
) -> None:
    rest = make_current()

    answer = rest.call(method, path, key=None, status=401, schema="ErrorDetails")

    assert answer.body == {
        "timeStamp": START_STAMP,
        "version": "1.0",
        "statusCode": 401,
        "errorMessage": MISSING_KEY,
    }


@pytest.mark.parametrize(("method", "path"), CURRENT_ONLY)
def test_current_only_operations_answer_a_401_in_the_current_shape_on_a_seed_server(
    method: str, path: str
) -> None:
    rest = make_rest()

    missing = rest.call(method, path, key=None, status=401, schema="ErrorDetails")
    unknown = rest.call(method, path, key="nope", status=401, schema="ErrorDetails")

    assert missing.message == MISSING_KEY
    assert unknown.message == UNKNOWN_KEY


def test_an_unknown_key_on_a_current_server_is_error_details() -> None:
    rest = make_current()

    answer = rest.get("/sms/scheduled", key="nope", status=401, schema="ErrorDetails")

    assert answer.message == UNKNOWN_KEY


def test_a_send_with_recipients_gets_a_current_shape_401_on_a_seed_server() -> None:
    rest = make_rest()

    missing = rest.post(SEND, A_CURRENT_SEND, key=None, status=401, schema="ErrorDetails")
    unknown = rest.post(SEND, A_CURRENT_SEND, key="nope", status=401, schema="ErrorDetails")

    assert (missing.message, unknown.message) == (MISSING_KEY, UNKNOWN_KEY)


def test_a_send_with_mobile_numbers_gets_a_seed_shape_401_on_a_current_server() -> None:
    rest = make_current()

    missing = rest.post(SEND, A_SEED_SEND, key=None, status=401, schema="SeedAuthError")
    unknown = rest.post(SEND, A_SEED_SEND, key="nope", status=401, schema="SeedAuthError")

    assert (missing.message, unknown.message) == (MISSING_KEY, UNKNOWN_KEY)


# -- which shape --------------------------------------------------------------------------------


def test_the_default_account_on_a_default_server_speaks_the_seed_shape() -> None:
    rest = make_rest()

    answer = rest.get("/credits/balance", status=200, schema="SeedBalanceResponse")

    assert answer.body == {
        "timeStamp": START_STAMP,
        "version": "1.0",
        "statusCode": 200,
        "authResult": True,
        "authError": "",
        "validationResult": True,
        "validationError": "",
        "creditBalance": 1000.0,
    }


def test_a_current_server_speaks_the_current_shape() -> None:
    rest = make_current()

    answer = rest.get("/credits/balance", status=200, schema="CurrentBalanceResponse")

    assert answer.body == {
        "timeStamp": START_STAMP,
        "version": "1.0",
        "statusCode": 200,
        "creditBalance": 1000.0,
    }


def test_an_accounts_rest_dialect_overrides_the_server_default() -> None:
    seed_server = make_rest()
    seed_server.add_account("modern", credits=5, rest_dialect="current")
    current_server = make_current()
    current_server.add_account("classic", credits=5, rest_dialect="seed")

    seed_server.get("/credits/balance", key="modern-key", schema="CurrentBalanceResponse")
    seed_server.get("/credits/balance", schema="SeedBalanceResponse")
    current_server.get("/credits/balance", key="classic-key", schema="SeedBalanceResponse")
    current_server.get("/credits/balance", schema="CurrentBalanceResponse")


def test_changing_an_accounts_rest_dialect_changes_its_next_answer() -> None:
    rest = make_rest()
    rest.get("/sms/scheduled", schema="SeedStatusResponse")

    rest.patch_account(rest_dialect="current")

    rest.get("/sms/scheduled", schema="CurrentScheduledResponse")


def test_the_send_body_picks_the_shape_whatever_the_accounts_setting() -> None:
    seed_server = make_rest()
    current_server = make_current()

    seed_server.post(SEND, A_CURRENT_SEND, status=200, schema="CurrentSendResponse")
    seed_server.post(SEND, A_SEED_SEND, status=200, schema="SeedSendResponse")
    current_server.post(SEND, A_SEED_SEND, status=200, schema="SeedSendResponse")
    current_server.post(SEND, A_CURRENT_SEND, status=200, schema="CurrentSendResponse")


def test_the_time_stamp_is_the_request_time_in_sast_to_the_millisecond() -> None:
    rest = make_rest()

    rest.advance(1.5)
    first = rest.get("/credits/balance").body["timeStamp"]
    rest.advance(17 * 3600)  # 2025-01-02 01:00:01.5 SAST is still 2025-01-01 in UTC
    second = rest.get("/credits/balance").body["timeStamp"]

    assert (first, second) == ("20250101080001500", "20250102010001500")


# -- the order of the checks of a POST ---------------------------------------------------------


@pytest.mark.parametrize("path", POSTS)
def test_a_body_over_200kb_is_413_before_the_key_and_content_type_are_looked_at(
    path: str,
) -> None:
    rest = make_rest()

    answer = rest.call(
        "POST",
        path,
        data=b"x" * (205 * 1024),
        key=None,
        content_type="text/plain",
        status=413,
        schema="ErrorDetails",
    )

    assert answer.message == "Request POST data is: 205kb. The maximum POST size allowed is 200kb."


def test_the_413_names_the_size_rounded_up_to_the_next_kb() -> None:
    rest = make_rest()

    answer = rest.call("POST", SEND, data=b" " * (200 * 1024 + 1), content_type="application/json")

    assert answer.status == 413
    assert answer.message == "Request POST data is: 201kb. The maximum POST size allowed is 200kb."


def test_a_body_of_exactly_200kb_is_not_too_large() -> None:
    rest = make_rest()
    body = b'{"message": "hi", "recipients": []}'
    body += b" " * (200 * 1024 - len(body))

    answer = rest.call("POST", SEND, data=body, content_type="application/json")

    assert answer.status == 422
    assert answer.message.startswith("There is an error in the 'recipients' array")


def test_a_body_over_8mb_is_a_rest_413_too() -> None:
    rest = make_rest()

    answer = rest.call("POST", SEND, data=b"x" * (9 * 1024 * 1024), status=413)

    assert answer.message == "Request POST data is: 9216kb. The maximum POST size allowed is 200kb."


def test_a_body_without_a_content_length_over_200kb_is_413_too() -> None:
    """A chunked request has no Content-Length; the server reads it to the end."""
    rest = make_rest()
    body = json.dumps(
        {"message": "x", "mobileNumbers": [{"mobileNumber": N1, "clientMessageId": "y" * 300000}]}
    ).encode()

    response = rest.client.post(
        f"{PREFIX}{SEND}",
        input_stream=io.BytesIO(body),
        headers={"Authorization": KEY, "Content-Type": "application/json"},
        environ_overrides={"wsgi.input_terminated": True},
    )

    answer = rest.check("POST", SEND, response, status=413, schema="ErrorDetails")
    assert answer.message == "Request POST data is: 294kb. The maximum POST size allowed is 200kb."
    assert rest.balance() == 1000.0


@pytest.mark.parametrize("path", POSTS)
def test_a_missing_key_is_401_before_the_content_type_is_looked_at(path: str) -> None:
    rest = make_current()

    answer = rest.call(
        "POST", path, data=b"not json", key=None, content_type="text/plain", status=401
    )

    assert answer.message == MISSING_KEY


@pytest.mark.parametrize("path", POSTS)
@pytest.mark.parametrize("content_type", ["text/plain", "application/xml"])
def test_a_body_not_declared_json_is_415_before_it_is_parsed(path: str, content_type: str) -> None:
    rest = make_rest()

    answer = rest.call(
        "POST",
        path,
        data=b"{not json",
        content_type=content_type,
        status=415,
        schema="ErrorDetails",
    )

    assert answer.message == (
        f"Request content-type should be set to 'application/json', not '{content_type}'."
    )


def test_a_body_with_no_content_type_is_415() -> None:
    rest = make_rest()

    rest.call("POST", SEND, data=b"{}", status=415, schema="ErrorDetails")


def test_json_with_a_charset_parameter_is_json() -> None:
    rest = make_rest()

    rest.call(
        "POST",
        SEND,
        data=b'{"message": "hi", "mobileNumbers": [{"mobileNumber": "27825550101"}]}',
        content_type="application/json; charset=utf-8",
        status=200,
        schema="SeedSendResponse",
    )


@pytest.mark.parametrize("path", POSTS)
@pytest.mark.parametrize("raw", [b"{", b"", b"[1, 2,]", b"{'a': 1}", b"NaN", b"[Infinity]"])
def test_a_json_body_that_does_not_parse_is_400_before_its_fields_are_checked(
    path: str, raw: bytes
) -> None:
    rest = make_current()

    answer = rest.call(
        "POST", path, data=raw, content_type="application/json", status=400, schema="ErrorDetails"
    )

    assert answer.message == BAD_JSON


def test_an_invalid_field_is_422_in_the_current_shape_naming_the_field() -> None:
    rest = make_rest()

    answer = rest.post(
        SEND,
        {"message": 5, "recipients": [{"mobileNumber": N1}]},
        valid_request=False,
        status=422,
        schema="ErrorDetails",
    )

    assert answer.message.startswith("There is an error in the 'message' field")


def test_an_invalid_field_is_400_in_the_seed_shape_with_the_same_fields() -> None:
    rest = make_rest()

    answer = rest.post(
        SEND,
        {"message": 5, "mobileNumbers": [{"mobileNumber": N1}]},
        valid_request=False,
        status=400,
        schema="ErrorDetails",
    )

    assert answer.body["timeStamp"] == START_STAMP
    assert answer.message.startswith("There is an error in the 'message' field")


# -- GETs ignore what a body says ---------------------------------------------------------------


@pytest.mark.parametrize("path", GETS)
def test_a_gets_body_and_content_type_are_ignored(path: str) -> None:
    rest = make_current()

    rest.get(path, data=b"{not json", content_type="text/plain", status=200)
    rest.get(path, data=b"x" * (300 * 1024), content_type="application/json", status=200)


# -- 404 and 405 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/sms/outgoing/sned", "/Credits/Balance", "/credits", "/", "/sms/outgoing/send/1"]
)
@pytest.mark.parametrize("key", [KEY, None])
def test_an_unknown_path_is_404_with_the_documented_message(path: str, key: str | None) -> None:
    rest = make_rest()

    answer = rest.get(path, key=key, status=404, schema="ErrorDetails")

    assert answer.body == {
        "timeStamp": START_STAMP,
        "version": "1.0",
        "statusCode": 404,
        "errorMessage": NOT_FOUND,
    }


@pytest.mark.parametrize(
    ("method", "path", "wrong"),
    [
        (method, path, wrong)
        for method, path in OPERATIONS
        for wrong in ("GET", "POST", "PUT", "DELETE", "PATCH")
        if wrong != method
    ],
)
def test_a_wrong_method_is_405_naming_the_right_one(method: str, path: str, wrong: str) -> None:
    rest = make_rest()

    answer = rest.call(wrong, path, status=405, schema="ErrorDetails")

    assert answer.message == f"Request method should be set to '{method}', not '{wrong}'."


# -- the journal --------------------------------------------------------------------------------


def test_a_refused_rest_request_is_journaled_with_its_status_and_reason() -> None:
    rest = make_current()

    rest.post(SEND, {"message": "hi", "recipients": []}, valid_request=False, status=422)

    entry = rest.journal()[-1]
    assert (entry["api"], entry["operation"], entry["account"], entry["http_status"]) == (
        "rest",
        "send",
        USER,
        422,
    )
    assert entry["outcome"].startswith("422 There is an error in the 'recipients' array")


# -- an unknown key is answered in the shape the request implies ------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/sms/incoming?offset=0&limit=10", None),
        ("GET", "/sms/scheduled?limit=5", None),
        ("POST", "/sms/outgoing/send", {"message": "Hi", "recipients": [{"mobileNumber": N1}]}),
        ("POST", "/sms/outgoing/send", {"message": "Hi", "maxSegments": 2}),
        ("GET", "/subaccounts", None),
    ],
)
def test_on_a_seed_server_a_plainly_current_request_gets_the_current_401(
    method: str, path: str, body: Any
) -> None:
    client = create_app().test_client()  # the server's default shape is seed
    answer = client.open(
        f"/api/rest/v1{path}", method=method, json=body, headers={"Authorization": "nope"}
    )
    assert answer.status_code == 401
    assert "errorMessage" in answer.get_json() and "authResult" not in answer.get_json()


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/sms/outgoing/send", {"message": "Hi", "mobileNumbers": [{"mobileNumber": N1}]}),
        ("POST", "/sms/scheduled/delete", {"messages": [{"serverMessageId": 1}]}),
    ],
)
def test_on_a_current_server_a_plainly_seed_request_gets_the_seed_401(
    method: str, path: str, body: Any
) -> None:
    client = create_app(config=EmulatorConfig(rest_dialect="current")).test_client()
    answer = client.open(
        f"/api/rest/v1{path}", method=method, json=body, headers={"Authorization": "nope"}
    )
    assert answer.status_code == 401
    assert answer.get_json()["authResult"] is False and "errorMessage" not in answer.get_json()
