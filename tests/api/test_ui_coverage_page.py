"""The web inbox's coverage page through Flask's test client: what it shows, for which
account and since when, its mark button, its escaping, and the admin token in front of it."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from winsms_emulator import EmulatorConfig, Gateway, ManualClock, create_app
from winsms_emulator.adapters import ui
from winsms_emulator.forms.accounts import account_from_json, default_accounts

PAGE = "/_emulator/ui/coverage/"
MARK = "/_emulator/ui/coverage/mark"
KEY = {"Authorization": "hpotter-api-key"}


def make_client(config: EmulatorConfig | None = None) -> FlaskClient:
    shop = account_from_json({"username": "shop", "password": "pw", "api_key": "shop-key"})
    gateway = Gateway([*default_accounts(), shop], ManualClock())
    return create_app(gateway, config).test_client()


@pytest.fixture
def client() -> FlaskClient:
    return make_client()


def send(client: FlaskClient, *numbers: str) -> None:
    body = {"message": "hi", "recipients": [{"mobileNumber": n} for n in numbers]}
    assert client.post("/api/rest/v1/sms/outgoing/send", headers=KEY, json=body).status_code == 200


def html_of(client: FlaskClient, query: str = "", status: int = 200) -> str:
    answer = client.get(PAGE + (f"?{query}" if query else ""))
    assert answer.status_code == status, answer.data
    assert answer.mimetype == "text/html"
    return answer.get_data(as_text=True)


def badges(html: str, section: str, operation: str, kind: str) -> list[str]:
    """The labels of one operation's badges of a kind (seen, never, odd)."""
    part = html.split(f'data-section="{section}"', 1)[1]
    row = part.split(f'data-operation="{operation}"', 1)[1].split("</tr>", 1)[0]
    inner = r'((?:[^<]|<span class="times">[^<]*</span>)*)</span>'
    found = re.findall(rf'class="badge cov-{kind}"[^>]*>{inner}', row)
    return [re.sub(r"<[^>]+>", "", label).strip() for label in found]


def test_a_fresh_emulator_shows_that_no_request_reached_the_apis(client: FlaskClient) -> None:
    html = html_of(client)
    assert "No request reached the WinSMS APIs since the start" in html
    for title in ("XML", "REST seed", "REST current"):
        assert f'<details class="panel coverage-section unused" data-section="{title}"' in html


def test_the_page_shows_per_operation_what_was_exercised_and_what_never_was(
    client: FlaskClient,
) -> None:
    send(client, "27825550101", "123")
    html = html_of(client)
    assert re.search(
        r"<strong>6 of 21</strong> documented outcomes\s+of the operations called", html
    )
    assert badges(html, "REST current", "send", "seen") == [
        "HTTP 200 ×1",
        "accepted ×1",
        "BADDEST ×1",
        "immediate ×1",
        "single-part ×1",
        "GSM ×1",
    ]
    never = badges(html, "REST current", "send", "never")
    assert never[:2] == ["HTTP 400", "HTTP 401"] and "INSUFFICIENT CREDITS" in never
    assert "never called" in html.split('data-operation="sendmulti"', 1)[1].split("</tr>")[0]
    assert '<section class="panel coverage-section" data-section="REST current"' in html
    assert '<details class="panel coverage-section unused" data-section="XML"' in html


def test_one_account_and_one_scope_are_chosen_in_the_address(client: FlaskClient) -> None:
    send(client, "27825550101")
    assert "No request reached the WinSMS APIs" in html_of(client, "account=shop")
    html = html_of(client, "account=hpotter&since=reset")
    assert 'Contract coverage <span class="muted">of hpotter</span>' in html
    assert 'aria-current="page">since the last reset<' in html
    assert 'href="/_emulator/ui/coverage/?account=shop&amp;since=reset"' in html
    assert "since must be one of start, reset, mark" in html_of(client, "since=never", 400)
    assert "no account named &#39;nobody&#39;" in html_of(client, "account=nobody", 404)


def test_the_mark_button_starts_the_report_afresh_for_the_account_shown(
    client: FlaskClient,
) -> None:
    send(client, "27825550101")
    answer = client.post(MARK, data={"account": "hpotter"})
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/_emulator/ui/coverage/?account=hpotter&since=mark"
    assert "No request reached the WinSMS APIs since the mark" in html_of(client, "since=mark")
    assert "of the operations called" in html_of(client, "since=start")


def test_account_names_are_escaped_in_text_links_and_the_form(client: FlaskClient) -> None:
    client.post(
        "/_emulator/accounts",
        json={"username": 'x"><b>y', "password": "pw", "api_key": "hostile-key"},
    )
    send_body = {"message": "hi", "recipients": [{"mobileNumber": "27825550101"}]}
    client.post(
        "/api/rest/v1/sms/outgoing/send", headers={"Authorization": "hostile-key"}, json=send_body
    )
    html = html_of(client, "account=x%22%3E%3Cb%3Ey")
    assert "<b>y" not in html
    assert "?account=x%22%3E%3Cb%3Ey&amp;since=" in html
    assert 'name="account" value="x&#34;&gt;&lt;b&gt;y"' in html


def test_the_page_is_served_with_the_inboxs_protective_headers_and_no_script(
    client: FlaskClient,
) -> None:
    answer = client.get(PAGE)
    assert answer.headers["Cache-Control"] == "no-store"
    assert "unsafe-inline" not in answer.headers["Content-Security-Policy"]
    html = answer.get_data(as_text=True)
    assert "<script" not in html and "style=" not in html
    assert 'href="/_emulator/ui/"' in html  # back to the inbox
    assert 'href="/_emulator/ui/coverage/"' in client.get("/_emulator/ui/").get_data(as_text=True)


def test_with_an_admin_token_the_page_asks_for_it_and_the_cookie_opens_it() -> None:
    locked = make_client(EmulatorConfig(admin_token="s3cret"))
    answer = locked.get(PAGE)
    assert answer.status_code == 401
    assert 'name="token"' in answer.get_data(as_text=True)
    assert locked.post(MARK).status_code == 401
    assert locked.get(PAGE, headers={"X-Emulator-Token": "s3cret"}).status_code == 200
    locked.get("/_emulator/ui/", query_string={"token": "s3cret"})  # sets the inbox's cookie
    assert locked.get_cookie(ui.COOKIE, path="/_emulator/ui/") is not None
    assert locked.get(PAGE).status_code == 200
    assert locked.post(MARK).status_code == 303
