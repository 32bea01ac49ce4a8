"""The web inbox's pages through Flask's test client: what they show, what they escape,
how the polled state follows changes, and the admin token in front of them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from winsms_emulator import EmulatorConfig, Gateway, ManualClock, SystemClock, create_app
from winsms_emulator.adapters import ui, ui_views
from winsms_emulator.forms.accounts import account_from_json, default_accounts

PAGE = "/_emulator/ui/"
STATE = "/_emulator/ui/state.json"
LIVE = "/_emulator/ui/live"
KEY = {"Authorization": "hpotter-api-key"}
SHOP = {"username": "shop", "password": "pw", "api_key": "shop-key", "credits": 10, "trial": True}


def with_ui(app: Flask) -> Flask:
    """The app with the web inbox (once app.py registers it, this does nothing)."""
    if "ui" not in app.blueprints:
        ui.register(app)
    return app


def make_client(
    config: EmulatorConfig | None = None, gateway: Gateway | None = None
) -> FlaskClient:
    return with_ui(create_app(gateway, config)).test_client()


@pytest.fixture
def client() -> FlaskClient:
    accounts = [*default_accounts(), account_from_json(SHOP)]
    return make_client(gateway=Gateway(accounts, ManualClock()))


def send(client: FlaskClient, number: str, text: str, key: str = "hpotter-api-key") -> int:
    answer = client.post(
        "/api/rest/v1/sms/outgoing/send",
        headers={"Authorization": key},
        json={"message": text, "recipients": [{"mobileNumber": number}], "maxSegments": 6},
    )
    assert answer.status_code == 200, answer.json
    [recipient] = answer.get_json()["recipients"]
    assert recipient["accepted"], recipient
    message_id: int = recipient["apiMessageId"]
    return message_id


def page_text(client: FlaskClient, path: str = PAGE, **headers: str) -> str:
    answer = client.get(path, headers=headers)
    assert answer.status_code == 200, answer.data
    assert answer.mimetype == "text/html"
    return answer.get_data(as_text=True)


def state(client: FlaskClient, account: str | None = None) -> dict[str, Any]:
    answer = client.get(STATE, query_string={"account": account} if account else None)
    assert answer.status_code == 200
    found: dict[str, Any] = answer.get_json()
    return found


# -- what the page shows ------------------------------------------------------------------


def test_the_page_lists_accounts_with_balance_and_flags(client: FlaskClient) -> None:
    client.patch("/_emulator/accounts/shop", json={"locked": True, "short_codes": ["31337"]})
    client.patch("/_emulator/accounts/hpotter", json={"dnc_bypass": True})
    html = page_text(client)
    assert 'data-account="hpotter"' in html and 'data-account="shop"' in html
    assert "1,000.00" in html and "10.00" in html
    for flag in ("flag-trial", "flag-locked", "flag-dnc", "flag-code", "REST seed", "#31337"):
        assert flag in html
    assert "hpotter-api-key" in html  # the selected account's API key, to point a client at
    assert 'id="clock" datetime="2025-01-01T08:00:00+02:00"' in html
    assert ">manual<" in html


def test_the_outbox_shows_each_message_with_its_status_timeline_and_cost(
    client: FlaskClient,
) -> None:
    first = send(client, "27825550101", "Order 42 shipped")
    client.post("/_emulator/clock", json={"advance_seconds": 5})
    second = send(client, "27825550102", "Привет " * 15)  # UCS-2, two parts
    html = page_text(client)
    row = re.search(rf'<tr data-message-id="{first}".*?</tr>', html, re.S)
    assert row is not None
    assert "27825550101" in row[0] and "Order 42 shipped" in row[0]
    assert "DELIVERED" in row[0] and "st-delivered" in row[0]
    assert "dispatched" in row[0] and "delivered" in row[0]  # the timeline
    assert "GSM" in row[0] and "1 part · 16 septets" in row[0] and "1.00" in row[0]
    other = re.search(rf'<tr data-message-id="{second}".*?</tr>', html, re.S)
    assert other is not None
    assert "UCS2" in other[0] and "2 parts · 105 units" in other[0] and "2.00" in other[0]
    assert "st-sent" in other[0] and ">105<" in other[0]
    assert html.index(f'data-message-id="{second}"') < html.index(f'data-message-id="{first}"')


def test_a_scheduled_message_shows_when_it_goes(client: FlaskClient) -> None:
    client.post(
        "/api/rest/v1/sms/outgoing/send",
        headers=KEY,
        json={
            "message": "Later",
            "scheduledTime": "202501021000",
            "recipients": [{"mobileNumber": "27825550101"}],
        },
    )
    html = page_text(client)
    assert "scheduled for 2025-01-02 10:00:00" in html
    assert "st-queued" in html and "Message in queue" in html


def test_replies_short_codes_opt_outs_dnc_and_blacklist_show(client: FlaskClient) -> None:
    client.patch("/_emulator/accounts/hpotter", json={"short_codes": ["31337"]})
    send(client, "27825550101", "Hello")
    client.post("/_emulator/replies", json={"from": "27825550101", "message": "STOP"})
    client.post(
        "/_emulator/short-codes/31337/messages", json={"from": "27825550177", "message": "JOIN"}
    )
    client.post("/_emulator/dnc", json={"number": "27825550150"})
    client.post("/_emulator/blacklist", json={"number": "27825550666"})
    html = page_text(client)
    reply = re.search(r'<tr data-reply-id="1".*?</tr>', html, re.S)
    assert reply is not None and "STOP" in reply[0] and "opt-out" in reply[0]
    assert "not returned" in reply[0]
    short = re.search(r'<tr data-short-code-id="2".*?</tr>', html, re.S)
    assert short is not None and "JOIN" in short[0] and "31337" in short[0]
    assert "reply #1" in html  # the opt-out, and how it came
    assert "27825550150" in html and "27825550666" in html

    replies = "<WinSMS_Replies><User>hpotter</User><Password>w1Zard</Password></WinSMS_Replies>"
    client.post("/api/xmlgetreplies.asp", data=replies)  # returned once, by the XML API
    reply = re.search(r'<tr data-reply-id="1".*?</tr>', page_text(client), re.S)
    assert reply is not None and "st-returned" in reply[0] and "not returned" not in reply[0]


def test_the_account_in_the_address_is_shown_and_an_unknown_one_is_a_404(
    client: FlaskClient,
) -> None:
    send(client, "27825550101", "for hpotter")
    shop = page_text(client, f"{PAGE}?account=shop")
    assert 'data-live="account" data-account="shop"' in shop
    assert "for hpotter" not in shop
    assert 'aria-current="page" data-account="shop"' in shop
    answer = client.get(f"{PAGE}?account=nobody")
    assert answer.status_code == 404
    nobody = answer.get_data(as_text=True)
    assert "There is no account named &#39;nobody&#39;." in nobody
    assert "for hpotter" not in nobody and 'data-live="account"' not in nobody
    assert 'href="/_emulator/ui/?account=hpotter"' in nobody  # where to go instead
    for path in (STATE, LIVE):
        refused = client.get(path, query_string={"account": "nobody"})
        assert refused.status_code == 404
        assert refused.json == {"error": "There is no account named 'nobody'."}


def test_a_page_shows_the_newest_messages_and_the_next_page_the_older_ones(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ui_views, "MAX_ROWS", 2)
    ids = [send(client, "27825550101", f"text {n}") for n in range(3)]
    html = page_text(client)
    assert f'data-message-id="{ids[0]}"' not in html
    assert f'data-message-id="{ids[2]}"' in html
    assert "1–2 of 3 messages · page 1 of 2" in html
    assert 'rel="next" href="/_emulator/ui/?account=hpotter&amp;page=2"' in html
    older = page_text(client, f"{PAGE}?account=hpotter&page=2")
    assert re.findall(r'data-message-id="(\d+)"', older) == [str(ids[0])]
    assert "3–3 of 3 messages · page 2 of 2" in older
    assert 'rel="prev"' in older and 'rel="next"' not in older
    # a page past the last shows the last
    assert re.findall(r'data-message-id="(\d+)"', page_text(client, f"{PAGE}?page=9")) == [
        str(ids[0])
    ]


def test_the_page_works_without_accounts_and_with_a_real_clock() -> None:
    client = make_client(gateway=Gateway([], SystemClock()))
    html = page_text(client)
    assert "The emulator has no accounts" in html
    assert re.search(r'<input id="advance-seconds"[^>]*disabled', html)
    assert state(client)["account"] is None


def test_the_page_and_its_assets_are_served_with_protective_headers(client: FlaskClient) -> None:
    answer = client.get(PAGE)
    assert answer.headers["Cache-Control"] == "no-store"
    policy = answer.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    html = answer.get_data(as_text=True)
    assert "<script>" not in html and "style=" not in html  # nothing inline for CSP to block
    for asset in re.findall(r'(?:href|src)="(/_emulator/ui/static/[^"]+)"', html):
        fetched = client.get(asset)
        assert fetched.status_code == 200
        assert fetched.mimetype in ("text/css", "text/javascript", "application/javascript")


# -- escaping ------------------------------------------------------------------------------


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quoted"'


def test_message_and_reply_texts_are_shown_as_text_never_as_markup(client: FlaskClient) -> None:
    send(client, "27825550101", HOSTILE)
    client.post("/_emulator/replies", json={"from": "27825550101", "message": HOSTILE})
    client.post("/_emulator/accounts/hpotter/opt-outs", json={"number": "27825550109"})
    for html in (page_text(client), page_text(client, LIVE)):
        assert "<script>alert" not in html and "<img src=x" not in html
        escaped = (
            "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
        )
        assert html.count(escaped + " &amp; &#34;quoted&#34;") == 2  # the message and the reply


def test_names_from_the_control_plane_are_escaped_in_text_links_and_attributes() -> None:
    gateway = Gateway(default_accounts(), ManualClock())
    client = make_client(gateway=gateway)
    client.post(
        "/_emulator/accounts",
        json={
            "username": 'x"><b>y',
            "password": "pw",
            "api_key": "<i>key</i>",
            "first_name": "<u>Eve</u>",
        },
    )
    html = page_text(client)
    assert "<b>y" not in html and "<i>key" not in html
    assert 'href="/_emulator/ui/?account=x%22%3E%3Cb%3Ey"' in html
    chosen = page_text(client, f"{PAGE}?account=x%22%3E%3Cb%3Ey")
    assert "<u>Eve" not in chosen and "&lt;u&gt;Eve&lt;/u&gt;" in chosen
    assert 'data-account="x&#34;&gt;&lt;b&gt;y"' in chosen


# -- the polled state ------------------------------------------------------------------------


def test_the_state_version_follows_sends_clock_moves_replies_and_resets(
    client: FlaskClient,
) -> None:
    start = state(client)
    assert start["account"] == "hpotter"
    assert start["clock"] == {"now": "2025-01-01T08:00:00+02:00", "mode": "manual"}
    assert start["counts"]["messages"] == 0
    assert state(client)["version"] == start["version"]  # nothing changed, nothing to fetch

    send(client, "27825550101", "Hello")
    sent = state(client)
    assert sent["version"] != start["version"] and sent["counts"]["messages"] == 1

    client.post("/_emulator/clock", json={"advance_seconds": 5})
    delivered = state(client)
    assert delivered["version"] != sent["version"]  # SENT became DELIVERED
    assert delivered["clock"]["now"] == "2025-01-01T08:00:05+02:00"

    client.post("/_emulator/replies", json={"from": "27825550101", "message": "Thanks"})
    replied = state(client)
    assert replied["version"] != delivered["version"] and replied["counts"]["replies"] == 1

    client.post("/_emulator/dnc", json={"number": "27825550150"})
    listed = state(client)
    assert listed["version"] != replied["version"] and listed["counts"]["dnc"] == 1

    client.post("/_emulator/accounts/hpotter/reset")
    reset = state(client)
    assert reset["counts"]["messages"] == 0 and reset["version"] != listed["version"]


def test_a_clock_move_that_changes_nothing_shown_keeps_the_version(client: FlaskClient) -> None:
    before = state(client)
    client.post("/_emulator/clock", json={"advance_seconds": 60})
    after = state(client)
    assert after["version"] == before["version"]
    assert after["clock"]["now"] == "2025-01-01T08:01:00+02:00"


def test_the_state_is_per_account(client: FlaskClient) -> None:
    shop = state(client, "shop")
    send(client, "27825550101", "hpotter's")
    assert state(client, "shop")["counts"]["messages"] == 0
    # the accounts list (balances) is shown for every account, so its version moves too
    assert state(client, "shop")["version"] != shop["version"]
    assert state(client, "hpotter")["counts"]["messages"] == 1


def test_the_live_fragment_carries_every_panel_and_the_state_version(client: FlaskClient) -> None:
    send(client, "27825550101", "Hello")
    fragment = page_text(client, LIVE)
    version = re.search(r'class="live-fragment" data-version="([0-9a-f]+)"', fragment)
    assert version is not None and version[1] == state(client)["version"]
    panels = re.findall(r'data-live="([a-z]+)"', fragment)
    assert panels == ["accounts", "lists", "account", "tabs", "rows", "inbound", "webhooks"]
    assert re.findall(r'data-live="([a-z]+)"', page_text(client)) == panels
    assert "<html" not in fragment


# -- the admin token ---------------------------------------------------------------------------


@pytest.fixture
def locked() -> FlaskClient:
    return make_client(EmulatorConfig(admin_token="s3cret"))


def test_with_an_admin_token_the_page_asks_for_it(locked: FlaskClient) -> None:
    answer = locked.get(PAGE)
    assert answer.status_code == 401
    html = answer.get_data(as_text=True)
    assert 'name="token"' in html and "hpotter" not in html
    for path in (STATE, LIVE):
        refused = locked.get(path)
        assert refused.status_code == 401
        assert refused.json == {"error": "the web inbox needs the admin token"}
    assert locked.get("/_emulator/ui/static/inbox.css").status_code == 200


def test_a_wrong_token_is_refused(locked: FlaskClient) -> None:
    answer = locked.get(PAGE, query_string={"token": "nope"})
    assert answer.status_code == 401
    assert "not this emulator&#39;s admin token" in answer.get_data(as_text=True)
    assert "Set-Cookie" not in answer.headers
    assert locked.get(STATE, headers={"X-Emulator-Token": "nope"}).status_code == 401
    locked.set_cookie(ui.COOKIE, "s3cret", path=PAGE)  # the token itself is not the cookie
    assert locked.get(STATE).status_code == 401


def test_the_token_once_in_the_address_sets_a_strict_http_only_cookie(
    locked: FlaskClient,
) -> None:
    answer = locked.get(PAGE, query_string={"token": "s3cret", "account": "hpotter"})
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/_emulator/ui/?account=hpotter"
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith(f"{ui.COOKIE}={ui.session_value('s3cret')};")
    assert "s3cret" not in cookie
    for part in ("HttpOnly", "SameSite=Strict", "Path=/_emulator/ui/"):
        assert part in cookie
    html = page_text(locked)  # the test client keeps the cookie
    assert "s3cret" not in html and "data-token" not in html  # the page never holds it
    assert locked.get(STATE).status_code == 200
    assert locked.get(LIVE).status_code == 200
    # the cookie opens the inbox only; the control plane itself still wants the header...
    assert locked.get("/_emulator/clock").status_code == 401
    # ...and the page's script reaches it through the inbox, which the cookie opens
    moved = locked.post("/_emulator/ui/control/clock", json={"advance_seconds": 60})
    assert moved.status_code == 200 and moved.json["now"] == "2025-01-01T08:01:00+02:00"


@pytest.mark.parametrize(
    "headers", [{"Authorization": "Bearer s3cret"}, {"X-Emulator-Token": "s3cret"}]
)
def test_the_control_plane_headers_open_the_inbox_too(
    locked: FlaskClient, headers: dict[str, str]
) -> None:
    assert locked.get(STATE, headers=headers).status_code == 200
    assert locked.get(PAGE, headers=headers).status_code == 200


def test_without_an_admin_token_the_page_carries_none(client: FlaskClient) -> None:
    assert "data-token" not in page_text(client)


def test_the_account_panel_shows_the_price_table_by_prefix() -> None:
    client = create_app().test_client()
    client.patch("/_emulator/accounts/hpotter", json={"prices": {"27": 1.3, "44": 2.5}})
    html = page_text(client)
    prices = re.search(r'<dd id="prices">(.*?)</dd>', html, re.S)
    assert prices is not None
    assert (
        "1.00" in prices[1] and "+27…</code> 1.30" in prices[1] and "+44…</code> 2.50" in prices[1]
    )
