"""The web inbox's views through Flask's test client: search and filters, the refused
recipients and the journal beside the outbox, the pages of one message and one request,
and the inbox's way to the control plane (which the admin token's cookie opens)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from winsms_emulator import Emulator, EmulatorConfig, Gateway, ManualClock, create_app
from winsms_emulator.adapters import ui
from winsms_emulator.adapters.ui_render import templates
from winsms_emulator.adapters.ui_views import MessageDetail, Query
from winsms_emulator.forms.accounts import default_accounts

PAGE = "/_emulator/ui/"
KEY = {"Authorization": "hpotter-api-key"}
N1, N2 = "27825550101", "27825550102"
BAD_XML = (
    "<WinSMS_Multi_Message><User>hpotter</User><Password>w1Zard</Password><Surplus/>"
    "<Messages><Message><MessageText>by xml</MessageText><Numbers><Number>27825550103</Number>"
    "<Number>555</Number></Numbers></Message></Messages></WinSMS_Multi_Message>"
)


@pytest.fixture
def client() -> FlaskClient:
    app = create_app(Gateway(default_accounts(), ManualClock()))
    if "ui" not in app.blueprints:
        ui.register(app)
    return app.test_client()


def rest_send(client: FlaskClient, text: str, *numbers: str) -> list[dict[str, Any]]:
    answer = client.post(
        "/api/rest/v1/sms/outgoing/send",
        headers=KEY,
        json={"message": text, "mobileNumbers": [{"mobileNumber": n} for n in numbers]},
    )
    assert answer.status_code == 200, answer.json
    found: list[dict[str, Any]] = answer.get_json()["messages"]
    return found


def html(client: FlaskClient, query: str = "", status: int = 200) -> str:
    answer = client.get(PAGE + query)
    assert answer.status_code == status, answer.get_data(as_text=True)[:500]
    return answer.get_data(as_text=True)


def shown(text: str, attribute: str) -> list[str]:
    return re.findall(rf'{attribute}="([^"]*)"', text)


@pytest.fixture
def busy(client: FlaskClient) -> FlaskClient:
    """Two REST sends (one with a bad number), one XML send breaking the schema, a
    scheduled message, and a reply."""
    rest_send(client, "Order 42 shipped", N1, "123")
    rest_send(client, "Your code is 9911", N2)
    client.post("/api/xmlsendsmsmulti.asp", data=BAD_XML)
    client.post(
        "/api/rest/v1/sms/outgoing/send",
        headers=KEY,
        json={
            "message": "Tomorrow",
            "scheduledTime": 202501021000,
            "mobileNumbers": [{"mobileNumber": N1}],
        },
    )
    client.post("/_emulator/clock", json={"advance_seconds": 5})
    client.post("/_emulator/replies", json={"from": N2, "message": "thanks"})
    return client


def test_the_outbox_is_searched_by_number_or_text_and_filtered_by_status_and_api(
    busy: FlaskClient,
) -> None:
    assert shown(html(busy), "data-message-id") == ["4", "3", "2", "1"]
    assert shown(html(busy, "?q=9911"), "data-message-id") == ["2"]
    assert shown(html(busy, f"?q={N1}"), "data-message-id") == ["4", "1"]
    assert shown(html(busy, "?q=ORDER"), "data-message-id") == ["1"]
    assert shown(html(busy, "?status=queued"), "data-message-id") == ["4"]
    assert shown(html(busy, "?status=DELIVERED"), "data-message-id") == ["3", "2", "1"]
    assert shown(html(busy, "?api=xml"), "data-message-id") == ["3"]
    nothing = html(busy, "?q=nothing-like-it")
    assert "No message matches this search." in nothing
    assert 'value="nothing-like-it"' in nothing  # the form keeps what was searched
    assert 'id="outbox-count">4<' in nothing  # the tab still counts every message


def test_the_refused_view_lists_each_refused_recipient_with_reason_and_request(
    busy: FlaskClient,
) -> None:
    page = html(busy, "?view=refused")
    assert shown(page, "data-refused-number") == ["555", "123"]
    assert shown(page, "data-reason") == ["BADDEST", "BADDEST"]
    assert 'id="refused-count">2<' in page
    assert 'href="/_emulator/ui/requests/3"' in page and 'href="/_emulator/ui/requests/1"' in page
    assert shown(html(busy, "?view=refused&api=rest"), "data-refused-number") == ["123"]
    assert shown(html(busy, "?view=refused&q=555"), "data-refused-number") == ["555"]
    assert "No refused recipient matches" in html(busy, "?view=refused&reason=OPTEDOUT")


def test_the_journal_view_shows_schema_violations_and_filters_on_them(
    busy: FlaskClient,
) -> None:
    page = html(busy, "?view=journal")
    assert shown(page, "data-request-id") == ["4", "3", "2", "1"]
    assert 'id="violations-count"' in page
    only = html(busy, "?view=journal&violations=1")
    assert shown(only, "data-request-id") == ["3"]
    assert "Surplus" in only and "schema violation" in only
    assert shown(html(busy, "?view=journal&q=xmlsend"), "data-request-id") == ["3"]


def test_an_address_the_inbox_does_not_know_is_a_400_that_says_why(busy: FlaskClient) -> None:
    assert "status must be one of queued, DELIVERED" in html(busy, "?status=LOST", 400)
    assert "unknown parameter(s) colour" in html(busy, "?colour=red", 400)
    assert "page must be a whole number" in html(busy, "?page=0", 400)
    assert "view must be one of outbox, refused, journal" in html(busy, "?view=x", 400)
    # an old address with a token, on an emulator that has none, still opens the page
    assert 'data-message-id="1"' in html(busy, "?token=anything")


def test_a_message_page_shows_its_request_journal_entry_siblings_and_replies(
    busy: FlaskClient,
) -> None:
    answer = busy.get(f"{PAGE}messages/1")
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert "Message #1" in page and "Order 42 shipped" in page
    assert "POST /api/rest/v1/sms/outgoing/send" in page  # the request that sent it
    assert 'id="violation-count">0<' in page
    assert 'data-refused-number="123"' in page  # the rest of its request
    assert "dispatched" in page and "delivered" in page  # its timeline
    assert "No notification was sent for this message." in page  # no webhook URL is set
    replied = busy.get(f"{PAGE}messages/2").get_data(as_text=True)
    assert 'data-reply-id="1"' in replied and "thanks" in replied
    xml = busy.get(f"{PAGE}messages/3").get_data(as_text=True)
    assert 'id="violation-count">1<' in xml and "Surplus" in xml
    missing = busy.get(f"{PAGE}messages/99")
    assert missing.status_code == 404
    assert "There is no message with ID 99." in missing.get_data(as_text=True)


def test_a_message_whose_request_left_the_journal_says_so(busy: FlaskClient) -> None:
    busy.delete("/_emulator/requests")
    page = busy.get(f"{PAGE}messages/1").get_data(as_text=True)
    assert "Request #1 is no longer in the request journal" in page


def test_a_request_page_shows_what_it_left_behind(busy: FlaskClient) -> None:
    page = busy.get(f"{PAGE}requests/1").get_data(as_text=True)
    assert "Request #1" in page
    assert shown(page, "data-message-id") == ["1"]
    assert shown(page, "data-refused-number") == ["123"]
    gone = busy.get(f"{PAGE}requests/77")
    assert gone.status_code == 404
    assert "holds no request #77" in gone.get_data(as_text=True)


def test_the_message_page_lists_webhook_attempts_when_there_are_some(busy: FlaskClient) -> None:
    message = busy.get("/_emulator/messages/2").get_json()
    attempt = {
        "at": "2025-01-01T08:00:03+02:00",
        "event": "delivery",
        "url": "http://hooks.example/dlr",
        "attempt": 1,
        "http_status": 500,
        "error": "refused <retry>",
    }
    detail = MessageDetail(message, None, [], [], [], {"now": "", "mode": "manual"}, [attempt])
    with busy.application.test_request_context():
        from winsms_emulator.adapters.ui_render import chrome

        page = templates.get_template("message.html").render(
            detail=detail, query=Query(account="hpotter"), **chrome()
        )
    section = page[page.index('id="webhook-attempts"') :]
    assert "http://hooks.example/dlr" in section and ">500<" in section
    assert "refused &lt;retry&gt;" in section


# -- the inbox's way to the control plane ------------------------------------------------------


def test_the_page_reaches_the_control_plane_through_the_inbox(client: FlaskClient) -> None:
    assert 'data-control-url="/_emulator/ui/control"' in html(client)
    moved = client.post(f"{PAGE}control/clock", json={"advance_seconds": 2})
    assert moved.status_code == 200 and moved.json["now"].startswith("2025-01-01T08:00:02")
    refused = client.post(f"{PAGE}control/clock", json={"advance_seconds": -1})
    assert refused.status_code == 400 and "advance_seconds" in refused.json["error"]
    assert client.get(f"{PAGE}control/accounts/hpotter/refused").json == {"refused": []}


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("POST", "control/clock", {"data": "advance_seconds=2"}, 415),  # a plain form
        (
            "POST",
            "control/clock",
            {"json": {"advance_seconds": 2}, "headers": {"Sec-Fetch-Site": "cross-site"}},
            403,
        ),
        ("POST", "control/nowhere", {"json": {}}, 404),
        ("GET", "control/ui/", {}, 404),  # only the control plane, not the inbox itself
        ("DELETE", "control/clock", {"json": {}}, 404),
    ],
)
def test_the_inbox_takes_only_json_from_its_own_pages_for_control_calls(
    client: FlaskClient, method: str, path: str, kwargs: dict[str, Any], status: int
) -> None:
    answer = client.open(PAGE + path, method=method, **kwargs)
    assert answer.status_code == status
    assert set(answer.json) == {"error"}
    assert client.get("/_emulator/clock").json["now"] == "2025-01-01T08:00:00+02:00"


def test_with_an_admin_token_only_the_cookie_or_the_token_opens_the_control_calls() -> None:
    app = create_app(config=EmulatorConfig(admin_token="s3cret"))
    client = app.test_client()
    assert client.post(f"{PAGE}control/clock", json={"advance_seconds": 2}).status_code == 401
    client.get(PAGE, query_string={"token": "s3cret"})  # sets the cookie
    assert client.post(f"{PAGE}control/clock", json={"advance_seconds": 2}).status_code == 200
    assert "s3cret" not in html(client)


def test_the_message_page_lists_the_delivery_reports_sent_for_it_and_no_other() -> None:
    emulator = Emulator()
    emulator.set_webhooks("hpotter", delivery_url="http://127.0.0.1:9/dlr")  # refused
    client = emulator.client()
    for number in ("27825550101", "27825550102"):
        body = {"message": "Hi", "recipients": [{"mobileNumber": number}]}
        client.post("/api/rest/v1/sms/outgoing/send", json=body, headers=KEY)
    emulator.advance_clock(60)  # both delivered; the first report is tried (and refused)
    emulator.wait_for_webhook(count=1, account="hpotter", event="delivery")
    page = client.get(f"{PAGE}messages/1").get_data(as_text=True)
    listed = re.findall(r"/dlr\?[^\s<\"]*", page)
    assert listed and all("messageid=1" in url for url in listed)
    other = client.get(f"{PAGE}messages/2").get_data(as_text=True)  # its report waits
    assert "No notification was sent for this message." in other
