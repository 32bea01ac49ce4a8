"""``--log-level debug``: request bodies (passwords and API keys masked) and the changes
each request made; health and readiness probes log at DEBUG, never at INFO."""

from __future__ import annotations

import logging

import pytest

from winsms_emulator import Emulator
from winsms_emulator.web.debug_log import masked

SEND = (
    "<WinSMS_Multi_Message><User>hpotter</User><Password>w1Zard</Password>"
    "<Messages><Message><MessageText>hi</MessageText><Numbers><Number>27825550101</Number>"
    "<Number>0825</Number></Numbers></Message></Messages></WinSMS_Multi_Message>"
)


def _lines(caplog: pytest.LogCaptureFixture, logger: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == logger]


def test_a_request_body_is_logged_with_its_password_masked(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = Emulator().client()
    with caplog.at_level(logging.DEBUG, logger="winsms_emulator"):
        client.post("/api/xmlsendsmsmulti.asp", data=SEND)
        client.post(
            "/_emulator/accounts", json={"username": "s", "password": "pw9", "api_key": "k9"}
        )
    [xml, account] = _lines(caplog, "winsms_emulator.requests")
    assert xml.startswith("POST /api/xmlsendsmsmulti.asp body: <WinSMS_Multi_Message>")
    assert "<Password>***</Password>" in xml and "w1Zard" not in xml
    assert '"password": "***"' in account and '"api_key": "***"' in account
    assert "pw9" not in account and "k9" not in account


def test_the_changes_a_request_made_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    emulator = Emulator()
    client = emulator.client()
    with caplog.at_level(logging.DEBUG, logger="winsms_emulator"):
        client.post("/api/xmlsendsmsmulti.asp", data=SEND)
        client.post("/_emulator/clock", json={"advance_seconds": 5})
    changes = _lines(caplog, "winsms_emulator.changes")
    assert changes[:2] == [
        "hpotter: message 1 to 27825550101 accepted (cost 1.0, balance 999.0)",
        "hpotter: 0825 refused: FAIL:BADDEST",
    ]
    assert changes[2].startswith('POST /_emulator/clock -> {"now":"2025-01-01T08:00:05+02:00"')


def test_nothing_of_this_is_logged_at_info(caplog: pytest.LogCaptureFixture) -> None:
    client = Emulator().client()
    with caplog.at_level(logging.INFO, logger="winsms_emulator"):
        client.post("/api/xmlsendsmsmulti.asp", data=SEND)
        client.get("/_emulator/health")
        client.get("/_emulator/ready")
    assert _lines(caplog, "winsms_emulator.requests") == []
    assert _lines(caplog, "winsms_emulator.changes") == []
    access = _lines(caplog, "winsms_emulator.access")
    assert len(access) == 1 and access[0].startswith("POST /api/xmlsendsmsmulti.asp 200")


def test_health_checks_log_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    client = Emulator().client()
    with caplog.at_level(logging.DEBUG, logger="winsms_emulator.access"):
        client.get("/_emulator/health")
    [record] = [r for r in caplog.records if r.name == "winsms_emulator.access"]
    assert record.levelno == logging.DEBUG


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("user=a&password=secret&x=1", "user=a&password=***&x=1"),
        ('{"apiKey": "k\\"ey", "n": 1}', '{"apiKey": "***", "n": 1}'),
        ("<password >p</password>", "<password >***</password>"),
    ],
)
def test_secrets_are_masked_wherever_they_are(text: str, shown: str) -> None:
    assert masked(text) == shown
