"""No more than 1000 Number nodes in one Send Batch, across all its messages; documents far
beyond the documented limits refused before anything expensive reads them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from lxml import etree

from winsms_emulator.adapters.xml_documents import MAX_NODES
from winsms_emulator.xsd import Validator

if TYPE_CHECKING:
    from conftest import XmlApi

SEND = "/api/xmlsendsmsmulti.asp"


def numbers(start: int, count: int) -> list[str]:
    return [str(27825550000 + start + i) for i in range(count)]


def test_1000_recipients_across_several_messages_are_all_accepted(xml: XmlApi) -> None:
    batch = [(f"Message {n}", numbers(n * 250, 250)) for n in range(4)]

    results = xml.send(batch)

    assert [len(block) for block in results] == [250, 250, 250, 250]
    ids = [code for block in results for _, code in block]
    assert ids == [str(i) for i in range(1, 1001)]
    assert [number for block in results for number, _ in block] == numbers(0, 1000)
    assert xml.credits() == 0.0
    assert len(xml.messages()) == 1000
    assert xml.last_request()["violations"] == []


def test_1001_recipients_answer_not_valid_xml_document_and_change_nothing(xml: XmlApi) -> None:
    batch = [("One", numbers(0, 400)), ("Two", numbers(400, 400)), ("Three", numbers(800, 201))]

    assert xml.error_of(SEND, xml.send_doc(batch)) == "Not Valid XML Document"

    entry = xml.last_request()
    assert (entry["outcome"], entry["account"], entry["violations"], entry["detail"]) == (
        "Not Valid XML Document",
        "hpotter",
        [],
        "1001 recipients in one request; no more than 1000 are allowed",
    )
    assert xml.messages() == []
    assert xml.credits() == 1000.0


def test_after_a_refused_batch_the_next_message_id_is_still_1(xml: XmlApi) -> None:
    batch = [("One", numbers(0, 600)), ("Two", numbers(600, 401))]
    assert xml.error_of(SEND, xml.send_doc(batch)) == "Not Valid XML Document"

    assert xml.send_one("Hi", "27825550101") == ["1"]


def test_blank_numbers_count_towards_the_1000(xml: XmlApi) -> None:
    batch = [("One", numbers(0, 1000)), ("Two", [""])]

    assert xml.error_of(SEND, xml.send_doc(batch)) == "Not Valid XML Document"
    assert xml.last_request()["detail"] == (
        "1001 recipients in one request; no more than 1000 are allowed"
    )


def test_1001_numbers_in_one_message_are_refused_and_break_the_schema_too(xml: XmlApi) -> None:
    assert xml.error_of(SEND, xml.send_doc([("One", numbers(0, 1001))])) == (
        "Not Valid XML Document"
    )

    entry = xml.last_request()
    assert (entry["detail"], entry["violations"]) == (
        "1001 recipients in one request; no more than 1000 are allowed",
        ["line 1: Element 'Number': This element is not expected."],
    )
    assert xml.messages() == []


def test_under_strict_1001_recipients_are_refused_with_the_real_reason(
    strict_xml: XmlApi,
) -> None:
    batch = [("One", numbers(0, 500)), ("Two", numbers(500, 501))]

    assert strict_xml.error_of(SEND, strict_xml.send_doc(batch)) == "Not Valid XML Document"
    assert strict_xml.last_request()["detail"] == (
        "1001 recipients in one request; no more than 1000 are allowed"
    )
    assert strict_xml.messages() == []


# -- documents far beyond the limits ------------------------------------------------------------

STATUS = "/api/xmlgetstatus.asp"
DELETE = "/api/xmldeletescheduled.asp"


def _checked_passes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The documents (by root) the schemas check from now on."""
    passes: list[str] = []
    original = Validator.one_pass

    def counted(self: Validator, document: etree._Element) -> list[tuple[int, str, str]]:
        passes.append(document.tag)
        return original(self, document)

    monkeypatch.setattr(Validator, "one_pass", counted)
    return passes


@pytest.mark.parametrize("path", [STATUS, DELETE])
def test_48000_ids_are_refused_before_the_schema_check_and_the_login(
    xml: XmlApi, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    passes = _checked_passes(monkeypatch)
    root = "WinSMS_StatusRequest" if path == STATUS else "WinSMS_DeleteScheduled"
    document = xml.ids_doc(root, range(1, 48_001), user="nobody", password="guess")

    assert xml.error_of(path, document) == "Not Valid XML Document"

    entry = xml.last_request()
    assert (entry["account"], entry["violations"], entry["violation_count"]) == (None, [], 0)
    assert "more than 40,000 elements and attributes" in entry["detail"]
    assert [tag for tag in passes if tag.startswith("WinSMS")] == []  # (the answer's are checked)


def test_a_document_of_too_many_attributes_is_refused_the_same_way(xml: XmlApi) -> None:
    attributes = " ".join(f'a{i}="1"' for i in range(MAX_NODES))
    document = xml.status_doc([1]).replace("<MessageIDs>", f"<MessageIDs {attributes}>")

    assert xml.error_of(STATUS, document) == "Not Valid XML Document"
    assert "elements and attributes" in xml.last_request()["detail"]


def test_a_status_of_5000_ids_answers_the_first_1000_and_skips_the_rest(xml: XmlApi) -> None:
    [message_id] = xml.send_one("Hi", "27825550101")

    statuses = xml.status([*range(2, 1001), message_id, *range(1001, 5001)])

    assert len(statuses) == 5000
    assert statuses[999][0] == message_id
    assert statuses[999][2:] != ("SKIPPED",)
    assert {s[2] for s in statuses[1000:]} == {"SKIPPED"}
    assert {s[4] for s in statuses[1000:]} == {"108"}


def test_a_document_of_half_a_million_tiny_elements_is_refused(xml: XmlApi) -> None:
    document = xml.status_doc([1]).replace("<MessageIDs>", "<X/>" * 500_000 + "<MessageIDs>")

    assert xml.error_of(STATUS, document) == "Not Valid XML Document"
    assert "more than 40,000 elements and attributes" in xml.last_request()["detail"]


def test_angle_brackets_in_a_comment_are_not_elements(xml: XmlApi) -> None:
    [message_id] = xml.send_one("Hi", "27825550101")
    document = xml.status_doc([message_id]).replace(
        "<MessageIDs>", "<!-- " + "< " * 50_000 + "--><MessageIDs>"
    )

    root = xml.post(STATUS, document)

    assert [item.findtext("MessageID") for item in root] == [message_id]
