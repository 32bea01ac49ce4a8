"""Whole-request errors: the one documented ``<Error>`` an endpoint answers, and their order."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import XmlApi

DELETE = "/api/xmldeletescheduled.asp"
REPLIES = "/api/xmlgetreplies.asp"
SC_MESSAGES = "/api/xmlgetscmessages.asp"
SEND = "/api/xmlsendsmsmulti.asp"
STATUS = "/api/xmlgetstatus.asp"

NOT_VALID = "Not Valid XML Document"
BAD_LOGIN = "Invalid Username or Password"
INVALID_DATE = "Invalid Date"

REQUEST_ROOTS = {
    SEND: "WinSMS_Multi_Message",
    STATUS: "WinSMS_StatusRequest",
    DELETE: "WinSMS_DeleteScheduled",
    REPLIES: "WinSMS_Replies",
    SC_MESSAGES: "WinSMS_SCmessages",
}
ALL_ENDPOINTS = list(REQUEST_ROOTS)


def valid_doc(xml: XmlApi, path: str, *, user: str = "hpotter", password: str = "w1Zard") -> str:
    """A schema-valid document for ``path`` with the given credentials."""
    if path == SEND:
        return xml.send_doc([("Hi", ["27825550101"])], user=user, password=password)
    if path == STATUS:
        return xml.status_doc([1], user=user, password=password)
    if path == DELETE:
        return xml.delete_doc([1], user=user, password=password)
    return xml.login_doc(REQUEST_ROOTS[path], user=user, password=password)


def assert_nothing_changed(xml: XmlApi) -> None:
    assert xml.messages() == []
    assert xml.credits() == 1000.0


@pytest.mark.parametrize("path", ALL_ENDPOINTS)
@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"<WinSMS_Replies><User>hpotter</User>", id="unclosed"),
        pytest.param(b"<a><b></a></b>", id="crossed-tags"),
        pytest.param(b"User=hpotter&Password=w1Zard", id="form-fields"),
        pytest.param(b'{"User": "hpotter"}', id="json"),
        pytest.param(b"<a>1</a><b>2</b>", id="two-roots"),
        pytest.param(b"\xff\xfe\xfa\x00garbage", id="binary"),
        pytest.param(b'<?xml version="1.0" encoding="utf-8"?><a>\xe9</a>', id="bad-utf-8"),
    ],
)
def test_a_body_that_is_not_well_formed_xml_answers_not_valid_xml_document(
    xml: XmlApi, path: str, body: bytes
) -> None:
    assert xml.error_of(path, body) == NOT_VALID
    entry = xml.last_request()
    assert (entry["outcome"], entry["account"], entry["http_status"]) == (NOT_VALID, None, 200)


@pytest.mark.parametrize("path", ALL_ENDPOINTS)
@pytest.mark.parametrize("body", [b"", b"   \r\n\t "], ids=["empty", "white-space"])
def test_an_empty_body_answers_not_valid_xml_document(xml: XmlApi, path: str, body: bytes) -> None:
    assert xml.error_of(path, body) == NOT_VALID
    assert xml.last_request()["detail"] == "the request body is empty"


@pytest.mark.parametrize("path", ALL_ENDPOINTS)
def test_another_endpoints_document_answers_not_valid_xml_document(xml: XmlApi, path: str) -> None:
    other = SEND if path != SEND else STATUS
    body = valid_doc(xml, other)

    assert xml.error_of(path, body) == NOT_VALID
    assert xml.last_request()["detail"] == (
        f"the document is <{REQUEST_ROOTS[other]}>, not <{REQUEST_ROOTS[path]}>"
    )
    assert_nothing_changed(xml)


@pytest.mark.parametrize("path", ALL_ENDPOINTS)
def test_a_namespaced_root_element_answers_not_valid_xml_document(xml: XmlApi, path: str) -> None:
    body = valid_doc(xml, path).replace(
        f"<{REQUEST_ROOTS[path]}>", f'<{REQUEST_ROOTS[path]} xmlns="urn:winsms">', 1
    )

    assert xml.error_of(path, body) == NOT_VALID


@pytest.mark.parametrize("path", [STATUS, DELETE])
@pytest.mark.parametrize("bad_id", ["abc", "37a", "3.5", "-5", "", "   ", "\uff13"])
def test_a_non_numeric_or_blank_id_answers_not_valid_xml_document(
    xml: XmlApi, path: str, bad_id: str
) -> None:
    assert xml.send_one("Later", "27825550101", scheduled="203001010000") == ["1"]
    root = "WinSMS_StatusRequest" if path == STATUS else "WinSMS_DeleteScheduled"

    assert xml.error_of(path, xml.ids_doc(root, [1, bad_id])) == NOT_VALID
    # the whole request is refused: the good ID 1 was not deleted either
    assert [m["status_code"] for m in xml.messages()] == [-1]
    assert xml.credits() == 999.0


@pytest.mark.parametrize("path", [STATUS, DELETE])
def test_status_or_delete_without_any_messageid_answers_not_valid_xml_document(
    xml: XmlApi, path: str
) -> None:
    root = REQUEST_ROOTS[path]
    body = f"<{root}><User>hpotter</User><Password>w1Zard</Password><MessageIDs/></{root}>"

    assert xml.error_of(path, body) == NOT_VALID


@pytest.mark.parametrize("path", ALL_ENDPOINTS)
@pytest.mark.parametrize(
    ("user", "password"),
    [
        pytest.param("dmalfoy", "w1Zard", id="unknown-user"),
        pytest.param("hpotter", "Muggle", id="wrong-password"),
        pytest.param("hpotter", "w1zard", id="password-of-another-case"),
        pytest.param("hpotter", "", id="blank-password"),
        pytest.param("", "", id="blank-both"),
    ],
)
def test_bad_credentials_answer_invalid_username_or_password(
    xml: XmlApi, path: str, user: str, password: str
) -> None:
    assert xml.error_of(path, valid_doc(xml, path, user=user, password=password)) == BAD_LOGIN
    entry = xml.last_request()
    assert (entry["outcome"], entry["account"], entry["http_status"]) == (BAD_LOGIN, None, 200)
    assert_nothing_changed(xml)


@pytest.mark.parametrize("path", ALL_ENDPOINTS)
def test_a_document_without_user_and_password_answers_invalid_username_or_password(
    xml: XmlApi, path: str
) -> None:
    body = (
        valid_doc(xml, path)
        .replace("<User>hpotter</User>", "")
        .replace("<Password>w1Zard</Password>", "")
    )

    assert xml.error_of(path, body) == BAD_LOGIN


@pytest.mark.parametrize(
    "scheduled",
    [
        "201813011200",  # month 13
        "2018-11-14",
        "abc",
        "201802301200",  # 30 February
        "201811142400",  # hour 24
        "201811141060",  # minute 60
        "20181114102",  # 11 digits
        "2018111410250",  # 13 digits
        "2018111410:25",
    ],
)
def test_a_scheduled_value_that_is_not_ccyymmddhhmm_answers_invalid_date(
    xml: XmlApi, scheduled: str
) -> None:
    body = xml.send_doc([("Hi", ["27825550101"])], scheduled=scheduled)

    assert xml.error_of(SEND, body) == INVALID_DATE
    entry = xml.last_request()
    assert (entry["outcome"], entry["account"], entry["detail"]) == (
        INVALID_DATE,
        "hpotter",
        f"Scheduled {scheduled!r} is not ccyymmddhhmm",
    )
    assert_nothing_changed(xml)


def test_bad_xml_beats_bad_login(xml: XmlApi) -> None:
    wrong_root = xml.status_doc([1], user="dmalfoy", password="x")
    unclosed = xml.send_doc([("Hi", ["27825550101"])], password="x")[:-5]

    assert xml.error_of(SEND, wrong_root) == NOT_VALID
    assert xml.error_of(SEND, unclosed) == NOT_VALID


def test_bad_login_beats_bad_date(xml: XmlApi) -> None:
    body = xml.send_doc([("Hi", ["27825550101"])], password="x", scheduled="abc")

    assert xml.error_of(SEND, body) == BAD_LOGIN


def test_bad_date_beats_more_than_1000_recipients(xml: XmlApi) -> None:
    body = xml.send_doc(
        [("Hi", ["27825550101"] * 500), ("Ho", ["27835550505"] * 501)], scheduled="abc"
    )

    assert xml.error_of(SEND, body) == INVALID_DATE


def test_bad_login_beats_more_than_1000_recipients(xml: XmlApi) -> None:
    body = xml.send_doc(
        [("Hi", ["27825550101"] * 500), ("Ho", ["27835550505"] * 501)], password="x"
    )

    assert xml.error_of(SEND, body) == BAD_LOGIN


def test_bad_xml_beats_more_than_1000_recipients(xml: XmlApi) -> None:
    body = xml.send_doc([("Hi", ["27825550101"] * 500), ("Ho", ["27835550505"] * 501)])

    assert xml.error_of(SEND, body.replace("</Messages>", "</Message>")) == NOT_VALID
    assert xml.last_request()["detail"].startswith("not well-formed XML")


def test_a_send_without_any_message_answers_not_valid_xml_document(xml: XmlApi) -> None:
    body = (
        "<WinSMS_Multi_Message><User>hpotter</User><Password>w1Zard</Password>"
        "<Scheduled>201811141025</Scheduled><Messages/></WinSMS_Multi_Message>"
    )

    assert xml.error_of(SEND, body) == NOT_VALID
    assert xml.last_request()["detail"] == "no Message in the request"
