"""How XML requests reach the emulator: paths, methods, Content-Types, encodings, sizes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from winsms_emulator import EmulatorConfig

if TYPE_CHECKING:
    from conftest import MakeXml, XmlApi

DELETE = "/api/xmldeletescheduled.asp"
REPLIES = "/api/xmlgetreplies.asp"
SC_MESSAGES = "/api/xmlgetscmessages.asp"
SEND = "/api/xmlsendsmsmulti.asp"
STATUS = "/api/xmlgetstatus.asp"

XML_EXAMPLES = Path(__file__).parent / "xml_examples"
ALL_ENDPOINTS = [SEND, STATUS, DELETE, REPLIES, SC_MESSAGES]
RESPONSE_ROOTS = {
    SEND: "XMLGateway_Response",
    STATUS: "XMLGatewayStatus_Response",
    DELETE: "XMLGatewayDeleteScheduled_Response",
    REPLIES: "XMLGateway_Replies",
    SC_MESSAGES: "XMLGateway_SCmessages",
}
OPERATIONS = {
    SEND: "send",
    STATUS: "status",
    DELETE: "delete_scheduled",
    REPLIES: "replies",
    SC_MESSAGES: "short_code_messages",
}


def one_id(xml: XmlApi, path: str) -> str:
    root = xml.post(path, xml.send_doc([("Hi", ["27825550101"])]))
    return root.findtext("SendResult/NumberID/ID") or ""


@pytest.mark.parametrize(
    "path",
    [
        "/api/xmlsendsmsmulti.asp",
        "/api/XMLSendSMSMulti.asp",
        "/API/XMLSENDSMSMULTI.ASP",
        "/xmlsendsmsmulti.asp",
        "/XMLSendSMSMulti.asp",
    ],
)
def test_send_is_answered_on_any_case_of_the_path_with_or_without_the_api_prefix(
    xml: XmlApi, path: str
) -> None:
    assert one_id(xml, path) == "1"
    entry = xml.last_request()
    assert (entry["path"], entry["api"], entry["operation"], entry["outcome"]) == (
        path,
        "xml",
        "send",
        "ok",
    )


@pytest.mark.parametrize("path", ALL_ENDPOINTS)
@pytest.mark.parametrize("variant", ["upper", "no_prefix"])
def test_every_endpoint_is_matched_without_case_and_without_the_api_prefix(
    xml: XmlApi, path: str, variant: str
) -> None:
    name = path.removeprefix("/api")
    variant_path = f"/API{name.upper()}" if variant == "upper" else name
    stem = {
        SEND: "sendsmsmulti",
        STATUS: "getstatus",
        DELETE: "deletescheduled",
        REPLIES: "getreplies",
        SC_MESSAGES: "getscmessages",
    }[path]

    root = xml.post(variant_path, (XML_EXAMPLES / f"{stem}.request.xml").read_bytes())

    assert root.tag == RESPONSE_ROOTS[path]
    assert [child.tag for child in root][:1] != ["Error"]
    assert xml.last_request()["operation"] == OPERATIONS[path]


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        "application/x-www-form-urlencoded",
        "text/xml; charset=utf-8",
        "application/json",
        "multipart/form-data; boundary=xyz",
    ],
)
def test_the_body_is_the_document_whatever_the_content_type(
    xml: XmlApi, content_type: str | None
) -> None:
    root = xml.post(SEND, xml.send_doc([("Hi there", ["27825550101"])]), content_type=content_type)

    assert root.findtext("SendResult/NumberID/ID") == "1"
    assert [m["message"] for m in xml.messages()] == ["Hi there"]


def test_a_document_with_an_iso_8859_1_declaration_is_read_in_that_encoding(
    xml: XmlApi,
) -> None:
    body = '<?xml version="1.0" encoding="ISO-8859-1"?>' + xml.send_doc(
        [("Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e", ["27825550101"])]
    )

    root = xml.post(SEND, body.encode("iso-8859-1"), content_type="text/plain")

    assert root.findtext("SendResult/NumberID/ID") == "1"
    assert [m["message"] for m in xml.messages()] == ["Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e"]


def test_a_utf_16_document_with_a_byte_order_mark_is_read(xml: XmlApi) -> None:
    body = '<?xml version="1.0" encoding="UTF-16"?>' + xml.send_doc(
        [("Caf\u00e9 \u20ac5, \u041f\u0440\u0438\u0432\u0435\u0442", ["27825550101"])]
    )
    data = body.encode("utf-16")
    assert data[:2] in (b"\xff\xfe", b"\xfe\xff")

    root = xml.post(SEND, data)

    assert root.findtext("SendResult/NumberID/ID") == "1"
    [message] = xml.messages()
    assert message["message"] == "Caf\u00e9 \u20ac5, \u041f\u0440\u0438\u0432\u0435\u0442"
    assert message["encoding"] == "UCS2"


def test_a_utf_16_document_with_a_bom_and_no_declaration_is_read(xml: XmlApi) -> None:
    data = xml.send_doc([("Hello", ["27825550101"])]).encode("utf-16")

    root = xml.post(SEND, data)

    assert root.findtext("SendResult/NumberID/ID") == "1"
    assert [m["message"] for m in xml.messages()] == ["Hello"]


def test_a_document_with_comments_and_surrounding_white_space_is_read(xml: XmlApi) -> None:
    document = xml.send_doc([("Hi", ["27825550101"])])
    body = (
        '<?xml version="1.0"?>\n<!-- a client comment -->\n'
        + document.replace("<Messages>", "<!-- the batch -->\n<Messages>")
        + "\n\n"
    )

    root = xml.post(SEND, body)

    assert root.findtext("SendResult/NumberID/ID") == "1"


def test_answers_are_utf_8_xml_documents_with_a_declaration(xml: XmlApi) -> None:
    response = xml.client.post(SEND, data=xml.send_doc([("Hi", ["27825550101"])]))

    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    assert response.get_data().startswith(b"<?xml version='1.0' encoding='utf-8'?>")


@pytest.mark.parametrize("path", ALL_ENDPOINTS)
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_a_method_other_than_post_gets_405_with_the_xml_error_document(
    xml: XmlApi, path: str, method: str
) -> None:
    root = xml.call(method, path, status=405)

    assert root.tag == RESPONSE_ROOTS[path]
    assert [(child.tag, child.text) for child in root] == [("Error", "Not Valid XML Document")]
    entry = xml.last_request()
    assert (entry["method"], entry["http_status"], entry["outcome"]) == (
        method,
        405,
        "Not Valid XML Document",
    )


@pytest.mark.parametrize("path", ALL_ENDPOINTS)
def test_a_body_over_the_size_limit_gets_413_with_the_xml_error_document(
    make_xml: MakeXml, path: str
) -> None:
    xml = make_xml(config=EmulatorConfig(max_body_bytes=10_000))
    body = xml.send_doc([("x" * 20_000, ["27825550101"])])
    assert len(body) > 20_000

    root = xml.post(path, body, status=413)

    assert root.tag == RESPONSE_ROOTS[path]
    assert [(child.tag, child.text) for child in root] == [("Error", "Not Valid XML Document")]
    entry = xml.last_request()
    assert (entry["http_status"], entry["outcome"], entry["detail"]) == (
        413,
        "Not Valid XML Document",
        "the request body is too large",
    )
    assert xml.messages() == []
    assert xml.credits() == 1000.0


def test_a_body_just_under_the_size_limit_is_accepted(make_xml: MakeXml) -> None:
    xml = make_xml(config=EmulatorConfig(max_body_bytes=10_000))
    body = xml.send_doc([("x" * 900, ["27825550101"])])
    assert len(body) < 10_000

    root = xml.post(SEND, body)

    assert root.findtext("SendResult/NumberID/ID") == "1"
