"""Untrusted XML: no entities, no DTDs, nothing read from disk, never a 500."""

from __future__ import annotations

import json
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

NOT_VALID = "Not Valid XML Document"
ALL_ENDPOINTS = [SEND, STATUS, DELETE, REPLIES, SC_MESSAGES]
MARKER = "MARKER-c0ffee-7f3a9c51"


def send_with(doctype: str, user: str = "hpotter", text: str = "Hi") -> bytes:
    return (
        '<?xml version="1.0"?>'
        f"{doctype}"
        f"<WinSMS_Multi_Message><User>{user}</User><Password>w1Zard</Password>"
        "<Scheduled>201811141025</Scheduled><Messages><Message>"
        f"<MessageText>{text}</MessageText><Numbers><Number>27825550101</Number></Numbers>"
        "</Message></Messages></WinSMS_Multi_Message>"
    ).encode()


def assert_refused_without_trace(xml: XmlApi, body: bytes, *, secret: str) -> None:
    root = xml.post(SEND, body)

    assert [(child.tag, child.text) for child in root] == [("Error", NOT_VALID)]
    assert secret not in etree.tostring(root, encoding="unicode")
    assert secret not in json.dumps(xml.journal())
    assert xml.messages() == []
    assert xml.credits() == 1000.0


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(MARKER, encoding="utf-8")
    return path


def test_an_xxe_entity_reading_etc_passwd_answers_not_valid_xml_document(xml: XmlApi) -> None:
    body = send_with(
        '<!DOCTYPE WinSMS_Multi_Message [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        text="&xxe;",
    )

    assert_refused_without_trace(xml, body, secret="root:")


def test_an_xxe_entity_reading_a_local_file_never_shows_its_content(
    xml: XmlApi, secret_file: Path
) -> None:
    body = send_with(
        f'<!DOCTYPE WinSMS_Multi_Message [<!ENTITY xxe SYSTEM "{secret_file.as_uri()}">]>',
        text="&xxe;",
    )

    assert_refused_without_trace(xml, body, secret=MARKER)


@pytest.mark.parametrize("path", ALL_ENDPOINTS)
def test_an_xxe_entity_in_the_user_is_refused_on_every_endpoint(
    xml: XmlApi, path: str, secret_file: Path
) -> None:
    # If the entity were expanded the user would be "hpotter" + the marker: still not a login.
    root = {
        SEND: "WinSMS_Multi_Message",
        STATUS: "WinSMS_StatusRequest",
        DELETE: "WinSMS_DeleteScheduled",
        REPLIES: "WinSMS_Replies",
        SC_MESSAGES: "WinSMS_SCmessages",
    }[path]
    body = (
        f'<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "{secret_file.as_uri()}">]>'
        f"<{root}><User>hpotter&xxe;</User><Password>w1Zard</Password></{root}>"
    ).encode()

    root = xml.post(path, body)

    assert [(child.tag, child.text) for child in root] == [("Error", NOT_VALID)]
    assert MARKER not in etree.tostring(root, encoding="unicode")


def test_an_internal_entity_is_refused_even_when_harmless(xml: XmlApi) -> None:
    body = send_with('<!DOCTYPE WinSMS_Multi_Message [<!ENTITY who "hpotter">]>', user="&who;")

    assert xml.error_of(SEND, body) == NOT_VALID
    assert xml.messages() == []


def test_a_billion_laughs_entity_bomb_answers_not_valid_xml_document(xml: XmlApi) -> None:
    levels = ['<!ENTITY lol0 "lol">']
    for level in range(1, 10):
        levels.append(f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">')
    body = send_with(f"<!DOCTYPE lolz [{''.join(levels)}]>", text="&lol9;")

    assert xml.error_of(SEND, body) == NOT_VALID
    assert xml.messages() == []


def test_a_quadratic_blowup_entity_answers_not_valid_xml_document(xml: XmlApi) -> None:
    big = "a" * 50_000
    body = send_with(f'<!DOCTYPE WinSMS_Multi_Message [<!ENTITY big "{big}">]>', text="&big;" * 200)

    assert xml.error_of(SEND, body) == NOT_VALID


def test_a_parameter_entity_reading_a_local_file_is_refused(xml: XmlApi, secret_file: Path) -> None:
    body = send_with(
        f'<!DOCTYPE WinSMS_Multi_Message [<!ENTITY % p SYSTEM "{secret_file.as_uri()}"> %p;]>'
    )

    assert_refused_without_trace(xml, body, secret=MARKER)


def test_an_error_based_parameter_entity_exfiltration_is_refused(
    xml: XmlApi, tmp_path: Path, secret_file: Path
) -> None:
    evil = tmp_path / "evil.dtd"
    evil.write_text(
        f'<!ENTITY % data SYSTEM "{secret_file.as_uri()}">\n'
        "<!ENTITY % eval \"<!ENTITY &#x25; leak SYSTEM 'file:///nonexistent/%data;'>\">\n"
        "%eval;\n%leak;\n",
        encoding="utf-8",
    )
    body = send_with(
        f'<!DOCTYPE WinSMS_Multi_Message [<!ENTITY % d SYSTEM "{evil.as_uri()}"> %d;]>'
    )

    assert_refused_without_trace(xml, body, secret=MARKER)


def test_an_external_dtd_is_refused_and_its_entities_never_apply(
    xml: XmlApi, tmp_path: Path
) -> None:
    # The DTD would define &who; as "hpotter": loaded, the login would succeed.
    dtd = tmp_path / "winsms.dtd"
    dtd.write_text('<!ENTITY who "hpotter">\n', encoding="utf-8")
    body = send_with(f'<!DOCTYPE WinSMS_Multi_Message SYSTEM "{dtd.as_uri()}">', user="&who;")

    assert xml.error_of(SEND, body) == NOT_VALID
    assert xml.messages() == []


def test_an_external_dtd_over_the_network_is_refused(xml: XmlApi) -> None:
    body = send_with(
        '<!DOCTYPE WinSMS_Multi_Message PUBLIC "-//WinSMS//x" "http://127.0.0.1:9/winsms.dtd">'
    )

    assert xml.error_of(SEND, body) == NOT_VALID


def test_an_empty_doctype_is_refused(xml: XmlApi) -> None:
    assert xml.error_of(SEND, send_with("<!DOCTYPE WinSMS_Multi_Message>")) == NOT_VALID


def test_an_xinclude_element_is_not_processed(xml: XmlApi, secret_file: Path) -> None:
    body = send_with(
        "",
        text=(
            '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
            f'href="{secret_file.as_uri()}" parse="text"/>'
        ),
    )

    root = xml.post(SEND, body)

    assert MARKER not in json.dumps(xml.messages())
    assert root.findtext("SendResult/NumberID/ID") == "FAIL:NO MESSAGE"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"\x00" * 100, id="nul-bytes"),
        pytest.param(b"<" * 5000, id="many-open-brackets"),
        pytest.param(b"<a>" * 300 + b"</a>" * 300, id="deep-nesting"),
        pytest.param(
            "<WinSMS_Replies>\ud800</WinSMS_Replies>".encode("utf-8", "surrogatepass"),
            id="surrogate",
        ),
        pytest.param(b'<?xml version="1.0" encoding="x-unknown"?><a/>', id="unknown-encoding"),
        pytest.param(b"<?xml version='1.0'?>", id="declaration-only"),
        pytest.param(b"\xef\xbb\xbf", id="bom-only"),
    ],
)
@pytest.mark.parametrize("path", ALL_ENDPOINTS)
def test_hostile_bodies_get_the_xml_error_document_not_a_500(
    xml: XmlApi, path: str, body: bytes
) -> None:
    assert xml.error_of(path, body) == NOT_VALID


def test_a_huge_id_is_notfound_not_a_500(xml: XmlApi) -> None:
    big = "9" * 40

    assert xml.status([big]) == [(big, f"cli{big}", "NOTFOUND", "2025/01/01 08:00:00", "-2")]
    assert xml.delete([big]) == [(big, f"cli{big}", "NOTFOUND")]


def test_a_very_long_number_is_baddest_not_a_500(xml: XmlApi) -> None:
    assert xml.send_one("Hi", "2" * 500) == ["FAIL:BADDEST"]
