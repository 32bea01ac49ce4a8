"""Deviations from the published request schemas: tolerated and journalled, refused under strict.

Each case is a document that the documented behaviour accepts but the
published request schema does not. Plain, it is answered by the documented
meaning of its known elements and the journal entry lists the schema's own
messages; under ``strict=True`` it is answered ``Not Valid XML Document``
and nothing happens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from lxml import etree

if TYPE_CHECKING:
    from conftest import XmlApi

DELETE = "/api/xmldeletescheduled.asp"
REPLIES = "/api/xmlgetreplies.asp"
SC_MESSAGES = "/api/xmlgetscmessages.asp"
SEND = "/api/xmlsendsmsmulti.asp"
STATUS = "/api/xmlgetstatus.asp"

HARRY = "27825550101"
RON = "27835550505"
LOGIN = "<User>hpotter</User><Password>w1Zard</Password>"
MESSAGE = (
    f"<Message><MessageText>Hi</MessageText><Numbers><Number>{RON}</Number></Numbers></Message>"
)


def send_body(inner: str) -> str:
    return f"<WinSMS_Multi_Message>{inner}</WinSMS_Multi_Message>"


def ids_body(root: str, message_ids: str) -> str:
    return f"<{root}>{LOGIN}<MessageIDs>{message_ids}</MessageIDs></{root}>"


def send_results(root: etree._Element) -> list[list[tuple[str, str]]]:
    return [
        [(n.findtext("Number") or "", n.findtext("ID") or "") for n in block.findall("NumberID")]
        for block in root
    ]


def children(element: etree._Element) -> list[tuple[str, str | None]]:
    return [(child.tag, child.text) for child in element]


@dataclass(frozen=True)
class Deviation:
    path: str
    body: str
    violations: list[str]
    answer: Callable[[etree._Element], object]
    expected_answer: object


# Before every case hpotter has message 1 to HARRY queued for 2030 (so status and delete
# have something to find, and a strict refusal visibly leaves it alone).
DEVIATIONS = {
    "send-absent-scheduled": Deviation(
        SEND,
        send_body(f"{LOGIN}<Messages>{MESSAGE}</Messages>"),
        ["line 1: Element 'Messages': This element is not expected. Expected is ( Scheduled )."],
        send_results,
        [[(RON, "2")]],
    ),
    "send-blank-scheduled": Deviation(
        SEND,
        send_body(f"{LOGIN}<Scheduled></Scheduled><Messages>{MESSAGE}</Messages>"),
        ["line 1: Element 'Scheduled': '' is not a valid value of the atomic type 'xs:integer'."],
        send_results,
        [[(RON, "2")]],
    ),
    "send-blank-number": Deviation(
        SEND,
        send_body(
            f"{LOGIN}<Scheduled>201811141025</Scheduled><Messages><Message>"
            f"<MessageText>Hi</MessageText><Numbers><Number></Number><Number>{RON}</Number>"
            "</Numbers></Message></Messages>"
        ),
        ["line 1: Element 'Number': '' is not a valid value of the atomic type 'xs:integer'."],
        send_results,
        [[("", "FAIL:NO NUMBER"), (RON, "2")]],
    ),
    "send-missing-messagetext": Deviation(
        SEND,
        send_body(
            f"{LOGIN}<Scheduled>201811141025</Scheduled><Messages><Message>"
            f"<Numbers><Number>{RON}</Number></Numbers></Message>{MESSAGE}</Messages>"
        ),
        ["line 1: Element 'Numbers': This element is not expected. Expected is ( MessageText )."],
        send_results,
        [[(RON, "FAIL:NO MESSAGE")], [(RON, "2")]],
    ),
    "send-misspelt-schedule": Deviation(
        # <Schedule> means nothing: the message is not scheduled for 2030 but sent at once.
        SEND,
        send_body(f"{LOGIN}<Schedule>203001010000</Schedule><Messages>{MESSAGE}</Messages>"),
        ["line 1: Element 'Schedule': This element is not expected. Expected is ( Scheduled )."],
        send_results,
        [[(RON, "2")]],
    ),
    "send-password-before-user": Deviation(
        SEND,
        send_body(
            "<Password>w1Zard</Password><User>hpotter</User>"
            f"<Scheduled>201811141025</Scheduled><Messages>{MESSAGE}</Messages>"
        ),
        ["line 1: Element 'Password': This element is not expected. Expected is ( User )."],
        send_results,
        [[(RON, "2")]],
    ),
    "send-repeated-messages": Deviation(
        SEND,
        send_body(
            f"{LOGIN}<Scheduled>201811141025</Scheduled><Messages>{MESSAGE}</Messages>"
            f"<Messages>{MESSAGE.replace(RON, HARRY)}</Messages>"
        ),
        ["line 1: Element 'Messages': This element is not expected."],
        send_results,
        [[(RON, "2")], [(HARRY, "3")]],
    ),
    "status-absent-cli": Deviation(
        STATUS,
        ids_body("WinSMS_StatusRequest", "<MessageID><ID>1</ID></MessageID>"),
        ["line 1: Element 'MessageID': Missing child element(s). Expected is ( CLI )."],
        lambda root: [children(item) for item in root],
        [
            [
                ("MessageID", "1"),
                ("CLI", None),
                ("Status", "NOTFOUND"),
                ("StatusDateTime", "2025/01/01 08:00:00"),
                ("StatusCode", "-1"),
            ]
        ],
    ),
    "status-password-before-user": Deviation(
        STATUS,
        "<WinSMS_StatusRequest><Password>w1Zard</Password><User>hpotter</User><MessageIDs>"
        "<MessageID><ID>1</ID><CLI>x</CLI></MessageID></MessageIDs></WinSMS_StatusRequest>",
        ["line 1: Element 'Password': This element is not expected. Expected is ( User )."],
        lambda root: [children(item)[:3] for item in root],
        [[("MessageID", "1"), ("CLI", "x"), ("Status", "NOTFOUND")]],
    ),
    "delete-absent-cli": Deviation(
        DELETE,
        ids_body("WinSMS_DeleteScheduled", "<MessageID><ID>1</ID></MessageID>"),
        ["line 1: Element 'MessageID': Missing child element(s). Expected is ( CLI )."],
        lambda root: [children(item) for item in root],
        [[("MessageID", "1"), ("CLI", None), ("Status", "DELETED")]],
    ),
    "delete-cli-before-id": Deviation(
        DELETE,
        ids_body("WinSMS_DeleteScheduled", "<MessageID><CLI>x</CLI><ID>1</ID></MessageID>"),
        ["line 1: Element 'CLI': This element is not expected. Expected is ( ID )."],
        lambda root: [children(item) for item in root],
        [[("MessageID", "1"), ("CLI", "x"), ("Status", "DELETED")]],
    ),
    # behaviour.md names an empty <CLI/> a deviation, though the schema's xs:string allows it.
    "status-empty-cli": Deviation(
        STATUS,
        ids_body("WinSMS_StatusRequest", "<MessageID><ID>1</ID><CLI/></MessageID>"),
        ["line 1: Element 'CLI': empty; leave the optional CLI out instead"],
        lambda root: [children(item)[:3] for item in root],
        [[("MessageID", "1"), ("CLI", None), ("Status", "NOTFOUND")]],
    ),
    "delete-empty-cli": Deviation(
        DELETE,
        ids_body("WinSMS_DeleteScheduled", "<MessageID><ID>1</ID><CLI></CLI></MessageID>"),
        ["line 1: Element 'CLI': empty; leave the optional CLI out instead"],
        lambda root: [children(item) for item in root],
        [[("MessageID", "1"), ("CLI", None), ("Status", "DELETED")]],
    ),
    "replies-unknown-element": Deviation(
        REPLIES,
        f"<WinSMS_Replies>{LOGIN}<Since>201811141025</Since></WinSMS_Replies>",
        ["line 1: Element 'Since': This element is not expected."],
        children,
        [],
    ),
    "scmessages-password-before-user": Deviation(
        SC_MESSAGES,
        "<WinSMS_SCmessages><Password>w1Zard</Password><User>hpotter</User></WinSMS_SCmessages>",
        ["line 1: Element 'Password': This element is not expected. Expected is ( User )."],
        children,
        [],
    ),
}


def queue_message_1(xml: XmlApi) -> None:
    assert xml.send_one("Later", HARRY, scheduled="203001010000") == ["1"]


@pytest.mark.parametrize("case", list(DEVIATIONS))
def test_a_tolerated_deviation_is_answered_and_journalled_with_the_schemas_message(
    xml: XmlApi, case: str
) -> None:
    deviation = DEVIATIONS[case]
    queue_message_1(xml)

    root = xml.post(deviation.path, deviation.body)

    assert deviation.answer(root) == deviation.expected_answer
    entry = xml.last_request()
    assert (entry["outcome"], entry["account"], entry["violations"]) == (
        "ok",
        "hpotter",
        deviation.violations,
    )


@pytest.mark.parametrize("case", list(DEVIATIONS))
def test_under_strict_a_deviation_answers_not_valid_xml_document_and_changes_nothing(
    strict_xml: XmlApi, case: str
) -> None:
    deviation = DEVIATIONS[case]
    queue_message_1(strict_xml)

    assert strict_xml.error_of(deviation.path, deviation.body) == "Not Valid XML Document"

    entry = strict_xml.last_request()
    assert (entry["outcome"], entry["detail"], entry["violations"]) == (
        "Not Valid XML Document",
        "the document breaks the published schema",
        deviation.violations,
    )
    assert [(m["id"], m["status_code"]) for m in strict_xml.messages()] == [(1, -1)]
    assert strict_xml.credits() == 999.0


def test_a_tolerated_deviation_still_meets_every_other_check(xml: XmlApi) -> None:
    # Absent Scheduled is tolerated, but wrong credentials are still refused.
    body = send_body(f"<User>hpotter</User><Password>x</Password><Messages>{MESSAGE}</Messages>")

    assert xml.error_of(SEND, body) == "Invalid Username or Password"


# -- fully valid documents ------------------------------------------------------------------

VALID = {
    SEND: send_body(f"{LOGIN}<Scheduled>201811141025</Scheduled><Messages>{MESSAGE}</Messages>"),
    STATUS: ids_body(
        "WinSMS_StatusRequest", "<MessageID><ID>1</ID><CLI>27825550101</CLI></MessageID>"
    ),
    DELETE: ids_body(
        "WinSMS_DeleteScheduled", "<MessageID><ID>1</ID><CLI>27825550101</CLI></MessageID>"
    ),
    REPLIES: f"<WinSMS_Replies>{LOGIN}</WinSMS_Replies>",
    SC_MESSAGES: f"<WinSMS_SCmessages>{LOGIN}</WinSMS_SCmessages>",
}
VALID_FIRST_CHILD = {
    SEND: "SendResult",
    STATUS: "StatusID",
    DELETE: "DeleteStatus",
    REPLIES: None,
    SC_MESSAGES: None,
}


@pytest.mark.parametrize("strict", [False, True], ids=["plain", "strict"])
@pytest.mark.parametrize("path", list(VALID))
def test_a_fully_valid_document_has_no_violations_plain_or_strict(
    xml: XmlApi, strict_xml: XmlApi, path: str, strict: bool
) -> None:
    api = strict_xml if strict else xml
    queue_message_1(api)

    root = api.post(path, VALID[path])

    first = root[0].tag if len(root) else None
    assert first == VALID_FIRST_CHILD[path]
    entry = api.last_request()
    assert (entry["outcome"], entry["violations"], entry["detail"]) == ("ok", [], "")


def test_the_guide_send_example_is_accepted_under_strict(strict_xml: XmlApi) -> None:
    body = (Path(__file__).parent / "xml_examples" / "sendsmsmulti.request.xml").read_bytes()

    root = strict_xml.post(SEND, body)

    assert send_results(root) == [
        [(HARRY, "1"), (RON, "2"), ("27845550909", "3")],
        [(HARRY, "4"), (RON, "5"), ("27845550909", "6")],
    ]
    assert strict_xml.last_request()["violations"] == []
