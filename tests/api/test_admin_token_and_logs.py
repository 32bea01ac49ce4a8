"""A shared emulator's control plane behind an admin token; one access-log line per request."""

from __future__ import annotations

import logging

import pytest
from flask.testing import FlaskClient

from winsms_emulator import EmulatorConfig, create_app
from winsms_emulator.web import exchange

KEY = {"Authorization": "hpotter-api-key"}


@pytest.fixture
def client() -> FlaskClient:
    return create_app(config=EmulatorConfig(admin_token="s3cret")).test_client()


def test_the_control_plane_refuses_calls_without_the_admin_token(client: FlaskClient) -> None:
    answer = client.get("/_emulator/accounts/hpotter")
    assert answer.status_code == 401
    assert answer.json == {"error": "this control plane needs the admin token"}
    assert client.post("/_emulator/reset").status_code == 401


def test_a_wrong_admin_token_is_refused(client: FlaskClient) -> None:
    wrong = {"Authorization": "Bearer nope"}
    assert client.get("/_emulator/clock", headers=wrong).status_code == 401


@pytest.mark.parametrize(
    "headers", [{"Authorization": "Bearer s3cret"}, {"X-Emulator-Token": "s3cret"}]
)
def test_the_admin_token_opens_the_control_plane(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    assert client.get("/_emulator/accounts/hpotter", headers=headers).status_code == 200


def test_health_and_ready_stay_open_for_probes(client: FlaskClient) -> None:
    assert client.get("/_emulator/health").json["status"] == "ok"
    ready = client.get("/_emulator/ready").json
    assert ready == {"status": "ready", "accounts": 1, "schemas": 10}


def test_the_winsms_apis_do_not_need_the_admin_token(client: FlaskClient) -> None:
    answer = client.get("/api/rest/v1/credits/balance", headers=KEY)
    assert answer.status_code == 200
    body = "<WinSMS_Replies><User>hpotter</User><Password>w1Zard</Password></WinSMS_Replies>"
    assert b"<XMLGateway_Replies/>" in client.post("/api/xmlgetreplies.asp", data=body).data


def test_without_a_token_the_control_plane_is_open() -> None:
    client = create_app().test_client()
    assert client.get("/_emulator/accounts/hpotter").status_code == 200


def test_each_request_is_logged_once_with_method_path_status_account_and_duration(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = create_app().test_client()
    with caplog.at_level(logging.INFO, logger="winsms_emulator.access"):
        client.get("/api/rest/v1/credits/balance", headers=KEY)
        client.get("/_emulator/nope")
    lines = [r.getMessage() for r in caplog.records if r.name == "winsms_emulator.access"]
    assert len(lines) == 2
    assert lines[0].startswith("GET /api/rest/v1/credits/balance 200 account=hpotter ")
    assert lines[0].endswith("ms")
    assert lines[1].startswith("GET /_emulator/nope 404 account=- ")


def test_an_xml_requests_logged_duration_covers_its_handling(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every surface is timed from the first hook to the answer (XML once was not)."""
    ticks = iter(range(0, 10_000, 1))  # each reading of the timer is one second later
    monkeypatch.setattr(exchange.time, "perf_counter", lambda: float(next(ticks)))
    client = create_app().test_client()
    document = (
        "<WinSMS_Multi_Message><User>hpotter</User><Password>w1Zard</Password>"
        "<Messages><Message><MessageText>hi</MessageText>"
        "<Numbers><Number>27825550101</Number></Numbers></Message></Messages>"
        "</WinSMS_Multi_Message>"
    )
    with caplog.at_level(logging.INFO, logger="winsms_emulator.access"):
        client.post("/api/xmlsendsmsmulti.asp", data=document)
    [line] = [r.getMessage() for r in caplog.records if r.name == "winsms_emulator.access"]
    assert line.startswith("POST /api/xmlsendsmsmulti.asp 200 account=hpotter ")
    assert float(line.rsplit(" ", 1)[1].removesuffix("ms")) >= 1000.0
