"""Text no encoding can carry (a lone UTF-16 surrogate, which JSON's ``\\ud800`` escape can
smuggle in) is refused before anything changes, on every path text comes in by, with
each surface's documented error; nothing the emulator keeps can then break an answer."""

from __future__ import annotations

import json
from typing import Any

import pytest
from control_helpers import N1, N2, Control, make_control
from rest_helpers import make_current, make_rest

from winsms_emulator import Emulator
from winsms_emulator.errors import Invalid

LONE = ("\ud800", "\udfff", "a\ud800b", "\udc00\ud83d")

SEND = "/sms/outgoing/send"


def _raw(body: Any) -> str:
    """The JSON a client sends: lone surrogates written as ``\\uXXXX`` escapes."""
    text = json.dumps(body)
    assert "\\ud" in text
    return text


@pytest.mark.parametrize("lone", LONE)
@pytest.mark.parametrize(
    ("shape", "field"),
    [
        ("seed", "message"),
        ("seed", "clientMessageId"),
        ("seed", "mobileNumber"),
        ("current", "message"),
        ("current", "clientMessageId"),
        ("current", "mobileNumber"),
    ],
)
def test_a_rest_send_with_a_lone_surrogate_is_refused_and_changes_nothing(
    shape: str, field: str, lone: str
) -> None:
    rest = make_rest()
    before = rest.control("GET", "/state")
    recipient = {"mobileNumber": N1, "clientMessageId": "c1"}
    body: dict[str, Any] = {"message": "Hello"}
    if field == "message":
        body["message"] = lone
    else:
        recipient[field] = lone
    body["mobileNumbers" if shape == "seed" else "recipients"] = [recipient]

    answer = rest.call("POST", SEND, data=_raw(body), content_type="application/json")

    assert answer.status == (400 if shape == "seed" else 422)
    assert "surrogate" in answer.message
    assert rest.control("GET", "/state") == before
    [entry] = rest.journal()
    assert entry["http_status"] == answer.status
    assert "surrogate" in entry["detail"]


def test_a_sendmulti_with_a_lone_surrogate_in_its_second_message_sends_none() -> None:
    rest = make_current()
    before = rest.control("GET", "/state")
    body = {
        "messages": [
            {"message": "fine", "recipients": [{"mobileNumber": N1}]},
            {"message": "a\ud800b", "recipients": [{"mobileNumber": N2}]},
        ]
    }

    answer = rest.call(
        "POST", "/sms/outgoing/sendmulti", data=_raw(body), content_type="application/json"
    )

    assert answer.status == 422
    assert rest.control("GET", "/state") == before
    assert rest.balance() == 1000.0


def test_a_status_request_with_a_lone_surrogate_in_place_of_an_id_is_the_documented_422() -> None:
    rest = make_current()

    answer = rest.call(
        "POST", "/sms/outgoing/status", data=_raw(["\udfff"]), content_type="application/json"
    )

    assert (answer.status, answer.message) == (
        422,
        "At least one non-numeric api Id was supplied in the apiIds array.",
    )


# -- the control plane --------------------------------------------------------------------------


def _sent(control: Control) -> None:
    control.rest_send("Hi", N1)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/replies", {"from": N1, "message": "x\ud800"}),
        ("POST", "/short-codes/40001/messages", {"from": N1, "message": "\udfff"}),
        ("POST", "/accounts", {"username": "u\ud800", "password": "p", "api_key": "k"}),
        ("POST", "/accounts", {"username": "u", "password": "p", "api_key": "k\udfff"}),
        (
            "POST",
            "/accounts",
            {"username": "u", "password": "p", "api_key": "k", "surname": "\ud800"},
        ),
        ("PATCH", "/accounts/hpotter", {"first_name": "\ud800"}),
        ("PATCH", "/accounts/hpotter", {"short_codes": ["\ud800"]}),
        ("POST", "/quote", {"message": "a\ud800"}),
        ("POST", "/faults", {"kind": "http_error", "match": {"account": "\ud800"}}),
        ("POST", "/dnc", {"number": "\ud800"}),
        ("POST", "/outcomes", {"number": N1, "status": "\ud800", "status_code": 0}),
    ],
)
def test_the_control_plane_refuses_a_lone_surrogate_with_400_and_changes_nothing(
    method: str, path: str, body: dict[str, Any]
) -> None:
    control = make_control()
    control.patch("/accounts/hpotter", {"short_codes": ["40001"]})
    _sent(control)
    before = control.state()

    error = control.error(
        method, path, data=_raw(body), content_type="application/json", status=400
    )

    assert error
    assert control.state() == before


def test_a_reply_refused_for_its_text_leaves_the_replies_readable_over_rest() -> None:
    control = make_control()
    _sent(control)

    control.error(
        "POST",
        "/replies",
        data=_raw({"from": N1, "message": "Stop\ud800"}),
        content_type="application/json",
        status=400,
    )
    control.reply(N1, "Thanks")

    status, answer = control.rest("GET", "/sms/incoming")
    assert status == 200
    assert [m["messageText"] for m in answer["messages"]] == ["Thanks"]
    assert control.get("/accounts/hpotter/opt-outs")["opt_outs"] == []


def test_a_state_document_holding_a_lone_surrogate_is_refused_whole() -> None:
    control = make_control()
    _sent(control)
    document = control.state()
    broken = json.loads(json.dumps(document))
    broken["messages"][0]["text"] = "a\ud800b"
    control.reset()
    before = control.state()

    error = control.error(
        "PUT", "/state", data=_raw(broken), content_type="application/json", status=400
    )

    assert "surrogate" in error
    assert control.state() == before


def test_the_python_api_refuses_the_same_text_and_changes_nothing() -> None:
    emulator = Emulator()
    emulator.client().post(
        "/api/rest/v1/sms/outgoing/send",
        json={"message": "Hi", "mobileNumbers": [{"mobileNumber": N1}]},
        headers={"Authorization": "hpotter-api-key"},
    )
    before = emulator.state()

    with pytest.raises(Invalid, match="surrogate"):
        emulator.inject_reply(N1, "Stop\udfff")
    with pytest.raises(Invalid, match="surrogate"):
        emulator.create_account(username="x", password="p", api_key="k\ud800")
    with pytest.raises(Invalid, match="surrogate"):
        emulator.quote("\ud800")

    assert emulator.state() == before


def test_the_xml_api_cannot_carry_a_surrogate_at_all() -> None:
    control = make_control()
    document = (
        "<WinSMS_Multi_Message><User>hpotter</User><Password>w1Zard</Password>"
        "<Messages><Message><MessageText>a&#xD800;b</MessageText><Numbers>"
        f"<Number>{N1}</Number></Numbers></Message></Messages></WinSMS_Multi_Message>"
    )
    before = control.state()

    assert control.xml_whole_error("/api/xmlsendsmsmulti.asp", document) == (
        "Not Valid XML Document"
    )
    assert control.state() == before
