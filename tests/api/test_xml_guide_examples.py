"""The guide's own example documents, posted byte for byte as published.

Where the world can be arranged to match the guide's story (the same message
IDs, times and credits), the answer must be the guide's example answer
exactly, element for element; otherwise it must have the documented shape.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from lxml import etree

from winsms_emulator import Gateway, ManualClock
from winsms_emulator.domain.sast import SAST
from winsms_emulator.forms.accounts import default_accounts

if TYPE_CHECKING:
    from conftest import MakeXml, XmlApi

SEND = "/api/xmlsendsmsmulti.asp"
STATUS = "/api/xmlgetstatus.asp"
DELETE = "/api/xmldeletescheduled.asp"
REPLIES = "/api/xmlgetreplies.asp"
SC_MESSAGES = "/api/xmlgetscmessages.asp"

#: The stem of each example file (as under schemas/) and the endpoint it belongs to.
ENDPOINTS = {
    "sendsmsmulti": SEND,
    "getstatus": STATUS,
    "deletescheduled": DELETE,
    "getreplies": REPLIES,
    "getscmessages": SC_MESSAGES,
}
XML_EXAMPLES = Path(__file__).parent / "xml_examples"


def example(name: str) -> bytes:
    """One of the guide's example documents, byte for byte."""
    return (XML_EXAMPLES / name).read_bytes()


def example_root(name: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(example(name), parser)


def shape(element: etree._Element) -> tuple[Any, ...]:
    """A document as nested (tag, stripped text, children): white space between tags ignored."""
    return (element.tag, (element.text or "").strip(), tuple(shape(child) for child in element))


def guide_world(make_xml: MakeXml, start: datetime) -> XmlApi:
    """An emulator whose first message ID is the guide's 374 and whose clock starts at ``start``."""
    gateway = Gateway(default_accounts(), ManualClock(start), first_message_id=374)
    return make_xml(gateway=gateway)


def test_the_guide_send_example_gets_the_guide_send_answer_with_nocredits_for_the_sixth(
    make_xml: MakeXml,
) -> None:
    xml = guide_world(make_xml, datetime(2018, 11, 14, 10, 0, tzinfo=SAST))
    xml.patch_account(credits=5)

    root = xml.post(SEND, example("sendsmsmulti.request.xml"))

    assert shape(root) == shape(example_root("sendsmsmulti.response.xml"))
    assert xml.credits() == 0.0
    assert xml.last_request()["violations"] == []


def test_the_guide_send_example_with_enough_credits_gets_six_ids_in_document_order(
    xml: XmlApi,
) -> None:
    root = xml.post(SEND, example("sendsmsmulti.request.xml"))

    assert shape(root) == (
        "XMLGateway_Response",
        "",
        tuple(
            (
                "SendResult",
                "",
                (
                    ("MessageNumber", str(message_number), ()),
                    *(
                        ("NumberID", "", (("Number", number, ()), ("ID", str(first + offset), ())))
                        for offset, number in enumerate(
                            ["27825550101", "27835550505", "27845550909"]
                        )
                    ),
                ),
            )
            for message_number, first in ((1, 1), (2, 4))
        ),
    )
    stored = [(m["id"], m["number"], m["message"]) for m in xml.messages()]
    assert stored == [
        (1, "27825550101", "What? My - my mom and dad weren't famous, were they?"),
        (2, "27835550505", "What? My - my mom and dad weren't famous, were they?"),
        (3, "27845550909", "What? My - my mom and dad weren't famous, were they?"),
        (4, "27825550101", "What does it mean, they await my owl?"),
        (5, "27835550505", "What does it mean, they await my owl?"),
        (6, "27845550909", "What does it mean, they await my owl?"),
    ]


def test_the_guide_status_example_gets_the_guide_status_answer(make_xml: MakeXml) -> None:
    # 374 is hpotter's, delivered at 11:15:49; 375 is another account's, so NOTFOUND for hpotter.
    xml = guide_world(make_xml, datetime(2018, 3, 18, 11, 15, 47, tzinfo=SAST))
    xml.add_account("rweasley", "Scabbers")
    assert xml.send_one("Hello", "27825550101", scheduled="201803181100") == ["374"]
    xml.post(
        SEND,
        xml.send_doc(
            [("Hello", ["27835550505"])],
            user="rweasley",
            password="Scabbers",
            scheduled="201803181100",
        ),
    )
    xml.set_clock("2018-03-18T11:17:11+02:00")

    root = xml.post(STATUS, example("getstatus.request.xml"))

    assert shape(root) == shape(example_root("getstatus.response.xml"))


def test_the_guide_delete_example_gets_the_guide_delete_answer(make_xml: MakeXml) -> None:
    xml = guide_world(make_xml, datetime(2018, 11, 14, 10, 0, tzinfo=SAST))
    assert xml.send_one("Later", "27825550101", scheduled="201811141200") == ["374"]

    root = xml.post(DELETE, example("deletescheduled.request.xml"))

    assert shape(root) == shape(example_root("deletescheduled.response.xml"))
    assert xml.credits() == 1000.0


def test_the_guide_replies_example_gets_the_guide_replies_answer(make_xml: MakeXml) -> None:
    # The guide's send example, scheduled for 10:25, then two handsets answer.
    xml = guide_world(make_xml, datetime(2018, 11, 14, 10, 0, tzinfo=SAST))
    xml.post(SEND, example("sendsmsmulti.request.xml"))
    xml.set_clock("2018-11-14T11:03:00+02:00")
    xml.control(
        "POST", "/replies", {"from": "27825550101", "message": "Send one from Diagon Alley"}
    )
    xml.set_clock("2018-11-14T11:16:00+02:00")
    xml.control(
        "POST",
        "/replies",
        {
            "from": "27835550505",
            "message": "The post office, Harry! About two hundred owls, all sitting on shelves",
        },
    )

    root = xml.post(REPLIES, example("getreplies.request.xml"))

    assert shape(root) == shape(example_root("getreplies.response.xml"))


def test_the_guide_short_code_example_gets_the_guide_short_code_answer(
    make_xml: MakeXml,
) -> None:
    xml = guide_world(make_xml, datetime(2018, 11, 14, 11, 0, tzinfo=SAST))
    xml.patch_account(short_codes=["12345"])
    xml.set_clock("2018-11-14T11:03:00+02:00")
    xml.control(
        "POST",
        "/short-codes/12345/messages",
        {"from": "27825550101", "message": "Please enroll me at Hogwarts"},
    )
    xml.set_clock("2018-11-14T11:16:00+02:00")
    xml.control("POST", "/short-codes/12345/messages", {"from": "27835550505", "message": "Add me"})

    root = xml.post(SC_MESSAGES, example("getscmessages.request.xml"))

    assert shape(root) == shape(example_root("getscmessages.response.xml"))


@pytest.mark.parametrize(
    ("stem", "expected_children"),
    [
        ("getstatus", ["StatusID", "StatusID"]),
        ("deletescheduled", ["DeleteStatus", "DeleteStatus"]),
        ("getreplies", []),
        ("getscmessages", []),
    ],
)
def test_each_guide_request_example_is_answered_with_the_documented_root(
    xml: XmlApi, stem: str, expected_children: list[str]
) -> None:
    root = xml.post(ENDPOINTS[stem], example(f"{stem}.request.xml"))

    assert root.tag == example_root(f"{stem}.response.xml").tag
    assert [child.tag for child in root] == expected_children


def test_the_guide_status_example_on_a_fresh_emulator_is_notfound_for_both_ids(
    xml: XmlApi,
) -> None:
    root = xml.post(STATUS, example("getstatus.request.xml"))

    assert shape(root) == (
        "XMLGatewayStatus_Response",
        "",
        tuple(
            (
                "StatusID",
                "",
                (
                    ("MessageID", message_id, ()),
                    ("CLI", cli, ()),
                    ("Status", "NOTFOUND", ()),
                    ("StatusDateTime", "2025/01/01 08:00:00", ()),
                    ("StatusCode", "-2", ()),
                ),
            )
            for message_id, cli in (("375", "27835550505"), ("374", "27825550101"))
        ),
    )


def test_the_guide_delete_example_on_a_fresh_emulator_is_notfound_for_both_ids(
    xml: XmlApi,
) -> None:
    root = xml.post(DELETE, example("deletescheduled.request.xml"))

    assert shape(root) == (
        "XMLGatewayDeleteScheduled_Response",
        "",
        tuple(
            (
                "DeleteStatus",
                "",
                (("MessageID", message_id, ()), ("CLI", cli, ()), ("Status", "NOTFOUND", ())),
            )
            for message_id, cli in (("375", "27835550505"), ("374", "27825550101"))
        ),
    )


@pytest.mark.parametrize(
    ("stem", "body"),
    [
        (
            "sendsmsmulti",
            "<WinSMS_Multi_Message><User>hpotter</User><Password>w1Zard</Password>"
            "<Scheduled>abc</Scheduled><Messages><Message><MessageText>Hi</MessageText>"
            "<Numbers><Number>27825550101</Number></Numbers></Message></Messages>"
            "</WinSMS_Multi_Message>",
        ),
        ("getstatus", "<WinSMS_StatusRequest><User>hpotter</WinSMS_StatusRequest>"),
        ("deletescheduled", "<WinSMS_DeleteScheduled>"),
        ("getreplies", "not xml at all"),
        ("getscmessages", "<WinSMS_SCmessages><User>hpotter</User>"),
    ],
)
def test_each_guide_error_example_is_what_the_endpoint_answers(
    xml: XmlApi, stem: str, body: str
) -> None:
    # The send error example is "Invalid Date"; the other four are "Not Valid XML Document".
    root = xml.post(ENDPOINTS[stem], body)

    assert shape(root) == shape(example_root(f"{stem}.error.xml"))


@pytest.mark.parametrize("kind", ["response", "error"])
@pytest.mark.parametrize("stem", sorted(ENDPOINTS))
def test_each_guide_example_answer_is_valid_against_the_emulator_schema(
    xml: XmlApi, stem: str, kind: str
) -> None:
    validator = xml.app.extensions["xml_schemas"].responses[f"xml{stem}"]

    assert validator.violations(example_root(f"{stem}.{kind}.xml")) == []


@pytest.mark.parametrize("stem", sorted(ENDPOINTS))
def test_each_guide_request_example_is_valid_against_the_published_schema(
    xml: XmlApi, stem: str
) -> None:
    xml.post(ENDPOINTS[stem], example(f"{stem}.request.xml"))

    assert xml.last_request()["violations"] == []
    assert xml.last_request()["outcome"] == "ok"


def test_the_guide_examples_are_byte_for_byte_the_published_text() -> None:
    # A tab-indented send example whose closing tag has one leading space, as published.
    body = example("sendsmsmulti.request.xml")

    assert body.startswith(b"<WinSMS_Multi_Message>\n\t<User>hpotter</User>\n")
    assert body.endswith(b"\t</Messages>\n </WinSMS_Multi_Message>")
