"""A path no endpoint has: journalled, and answered 404 naming the path and the nearest
endpoint, in the format of the API the path looks like."""

from __future__ import annotations

import pytest
from lxml import etree

from winsms_emulator import Emulator


@pytest.fixture
def emulator() -> Emulator:
    return Emulator()


def test_a_misspelt_xml_endpoint_gets_an_xml_404_naming_the_nearest(emulator: Emulator) -> None:
    response = emulator.client().post("/api/xmlsendsms.asp", data="<x/>")
    assert response.status_code == 404
    error = etree.fromstring(response.data).findtext("Error")
    assert error == (
        "Not Found: no endpoint at /api/xmlsendsms.asp; "
        "the nearest endpoint is /api/xmlsendsmsmulti.asp"
    )


def test_a_misspelt_http_api_endpoint_gets_its_text_404(emulator: Emulator) -> None:
    response = emulator.client().get("/api/credit.asp?user=hpotter&password=w1Zard")
    assert response.status_code == 404
    assert response.get_data(as_text=True) == (
        "Error=Not Found: no endpoint at /api/credit.asp; the nearest endpoint is /api/credits.asp"
    )


def test_a_rest_path_gets_the_documented_404_with_the_detail_in_its_header(
    emulator: Emulator,
) -> None:
    response = emulator.client().get("/api/rest/v1/sms/outgoing/sned")
    assert response.status_code == 404
    assert response.get_json()["statusCode"] == 404
    assert response.headers["X-Emulator-Detail"] == (
        "no endpoint at /api/rest/v1/sms/outgoing/sned; "
        "the nearest endpoint is /api/rest/v1/sms/outgoing/send"
    )
    assert emulator.client().get("/api/rest/v2/sms").get_json()["statusCode"] == 404


def test_a_control_plane_typo_names_the_path_with_the_account_kept(emulator: Emulator) -> None:
    response = emulator.client().get("/_emulator/accounts/hpotter/mesages")
    assert response.status_code == 404
    assert response.get_json() == {
        "error": "no endpoint at /_emulator/accounts/hpotter/mesages; "
        "the nearest endpoint is /_emulator/accounts/hpotter/messages"
    }


def test_a_path_like_nothing_is_a_plain_404(emulator: Emulator) -> None:
    response = emulator.client().get("/wp-login.php.bak/zzzzzzzzzzzzzzzzzzzzzz")
    assert response.status_code == 404
    assert response.get_json()["error"].startswith("no endpoint at /wp-login.php.bak")


def test_every_unknown_path_is_journalled_under_the_api_it_looks_like(emulator: Emulator) -> None:
    client = emulator.client()
    client.post("/api/xmlsendsms.asp", data="<x/>")
    client.get("/api/credit.asp")
    client.get("/api/rest/v1/nope")
    client.get("/_emulator/acounts")
    journal = emulator.journal(operation="unknown")
    assert [(e["api"], e["path"], e["http_status"]) for e in journal] == [
        ("xml", "/api/xmlsendsms.asp", 404),
        ("http", "/api/credit.asp", 404),
        ("rest", "/api/rest/v1/nope", 404),
        ("control", "/_emulator/acounts", 404),
    ]
    assert journal[0]["detail"].endswith("the nearest endpoint is /api/xmlsendsmsmulti.asp")
    assert emulator.journal(api="control", status=404)[0]["outcome"] == "404 Not Found"
    assert emulator.coverage()["requests"] == 0  # not a documented operation: not counted


def test_the_landing_page_is_at_the_root_and_under_the_control_plane(emulator: Emulator) -> None:
    client = emulator.client()
    for path in ("/", "/_emulator/"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.mimetype == "text/html"
        assert b'href="/_emulator/ui/"' in response.data
        assert b'href="/_emulator/readme#python-api"' in response.data
    assert b'id="python-api"' in client.get("/_emulator/readme").data
