"""MessageText is URL-decoded before anything else (length, parts, cost, storage)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import XmlApi

HARRY = "27825550101"


def stored(xml: XmlApi) -> list[tuple[str, int, int, float]]:
    return [(m["message"], m["length"], m["parts"], m["cost"]) for m in xml.messages()]


def test_percent_0a_becomes_a_line_feed_and_plus_a_space(xml: XmlApi) -> None:
    assert xml.send_one("Line+one%0ALine+two", HARRY) == ["1"]

    assert stored(xml) == [("Line one\nLine two", 17, 1, 1.0)]


@pytest.mark.parametrize(
    ("encoded", "decoded"),
    [
        ("What%3F+My+-+my+mom", "What? My - my mom"),
        ("1%2B1%3D2", "1+1=2"),
        ("100%25+sure", "100% sure"),
        ("caf%C3%A9", "caf\u00e9"),
        ("Owls%21%0D%0ANow", "Owls!\r\nNow"),
        ("plain text", "plain text"),
    ],
)
def test_messagetext_is_url_decoded(xml: XmlApi, encoded: str, decoded: str) -> None:
    assert xml.send_one(encoded, HARRY) == ["1"]

    assert [m["message"] for m in xml.messages()] == [decoded]


def test_a_160_character_text_encoded_with_percent_20_for_spaces_is_one_part(
    xml: XmlApi,
) -> None:
    text = " ".join(["Hogwarts"] * 18)[:160]
    assert len(text) == 160
    encoded = text.replace(" ", "%20")
    assert len(encoded) > 160

    assert xml.send_one(encoded, HARRY) == ["1"]

    assert stored(xml) == [(text, 160, 1, 1.0)]
    assert xml.credits() == 999.0


def test_a_161_character_decoded_text_is_two_parts(xml: XmlApi) -> None:
    encoded = "%20".join(["a"] * 81)  # 81 letters and 80 spaces

    assert xml.send_one(encoded, HARRY) == ["1"]

    assert stored(xml) == [(" ".join(["a"] * 81), 161, 2, 2.0)]
    assert xml.credits() == 998.0


def test_918_septets_after_decoding_fit_though_the_encoded_text_is_longer(xml: XmlApi) -> None:
    encoded = "a%0A" * 459

    assert xml.send_one(encoded, HARRY) == ["1"]

    assert stored(xml) == [("a\n" * 459, 918, 6, 6.0)]


def test_919_septets_after_decoding_are_too_long(xml: XmlApi) -> None:
    assert xml.send_one("+" * 918 + "x", HARRY) == ["FAIL:TOOLONG"]


def test_a_line_feed_written_literally_in_the_xml_is_kept(xml: XmlApi) -> None:
    assert xml.send_one("one\ntwo", HARRY) == ["1"]

    assert [m["message"] for m in xml.messages()] == ["one\ntwo"]


def test_xml_character_references_and_escapes_are_read_before_url_decoding(
    xml: XmlApi,
) -> None:
    # send_doc writes "&" as "&amp;": the gateway sees "Fish & Chips" after XML parsing.
    assert xml.send_one("Fish+&+Chips+<3", HARRY) == ["1"]

    assert [m["message"] for m in xml.messages()] == ["Fish & Chips <3"]


def test_a_non_gsm_character_makes_the_message_ucs2(xml: XmlApi) -> None:
    assert xml.send_one("%E2%9C%93+done", HARRY) == ["1"]

    [message] = xml.messages()
    assert (message["message"], message["encoding"], message["length"]) == (
        "\u2713 done",
        "UCS2",
        6,
    )


def test_a_cdata_section_is_read_as_text_then_url_decoded(xml: XmlApi) -> None:
    body = xml.send_doc([("PLACEHOLDER", [HARRY])]).replace(
        "PLACEHOLDER", "<![CDATA[Fish & Chips+<3%21]]>"
    )

    root = xml.post("/api/xmlsendsmsmulti.asp", body)

    assert root.findtext("SendResult/NumberID/ID") == "1"
    assert [m["message"] for m in xml.messages()] == ["Fish & Chips <3!"]


def test_a_text_six_parts_long_by_count_but_seven_when_split_is_toolong(xml: XmlApi) -> None:
    # 459 € signs are 918 septets; a part holds 76 of them without cutting one: 7 parts
    assert xml.send_one("€" * 459, HARRY) == ["FAIL:TOOLONG"]
    assert xml.send_one("€" * 456, HARRY) == ["1"]  # 6 parts of 76
