"""The fast lane answers WinSMS requests exactly as the way through Flask does: the same
status, headers and body, the same journal entry and coverage, the same state after.

Two emulators built alike (manual clock, so every time stamp agrees) get the same
requests, one through the application as served (the fast lane takes what it can) and
one straight through Flask (the lane's fallback), and must agree byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import EnvironBuilder

from winsms_emulator import Emulator
from winsms_emulator.web import context
from winsms_emulator.web.fastlane import FastLane

EXAMPLES = Path(__file__).parent / "xml_examples"
KEY = {"Authorization": "hpotter-api-key", "Content-Type": "application/json"}
SEND = {"message": "Your code is 1234", "recipients": [{"mobileNumber": "27825550101"}]}

Request = tuple[str, str, dict[str, str], bytes | None]

REQUESTS: list[Request] = [
    ("POST", "/api/rest/v1/sms/outgoing/send", KEY, json.dumps(SEND).encode()),
    (
        "POST",
        "/api/rest/v1/sms/outgoing/send",
        KEY,
        json.dumps({"message": "Hi", "mobileNumbers": [{"mobileNumber": "27825550102"}]}).encode(),
    ),
    ("POST", "/api/rest/v1/sms/outgoing/send", {"Authorization": "nobody"}, b"{}"),
    ("POST", "/api/rest/v1/sms/outgoing/send", {"Authorization": "hpotter-api-key"}, b"{}"),
    ("POST", "/api/rest/v1/sms/outgoing/send", KEY, b"{not json"),
    ("POST", "/api/rest/v1/sms/outgoing/send", KEY, b'{"message": "   ", "recipients": []}'),
    ("POST", "/api/rest/v1/sms/outgoing/send", KEY, b'{"message": "a\\ud800", "recipients": []}'),
    ("POST", "/api/rest/v1/sms/outgoing/status", KEY, b"[1, 2, 99]"),
    ("GET", "/api/rest/v1/credits/balance", KEY, None),
    ("GET", "/api/rest/v1/sms/incoming?offset=0&limit=2", KEY, None),
    ("GET", "/api/rest/v1/sms/outgoing/send", KEY, None),  # 405: Flask's way
    ("HEAD", "/api/rest/v1/credits/balance", KEY, None),  # Flask's way
    ("POST", "/api/xmlsendsmsmulti.asp", {}, (EXAMPLES / "sendsmsmulti.request.xml").read_bytes()),
    ("POST", "/API/XMLGetStatus.ASP/", {}, (EXAMPLES / "getstatus.request.xml").read_bytes()),
    ("POST", "/xmlgetreplies.asp", {}, (EXAMPLES / "getreplies.request.xml").read_bytes()),
    ("POST", "/api/xmlgetstatus.asp", {}, b"<not xml"),
    ("POST", "/api/xmlgetstatus.asp", {}, b'<!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>'),
    ("GET", "/api/credits.asp?user=hpotter&password=w1Zard", {}, None),
    (
        "POST",
        "/api/batchmessage.asp",
        {"Content-Type": "application/x-www-form-urlencoded"},
        b"user=hpotter&password=w1Zard&message=Hi&numbers=27825550103",
    ),
    ("GET", "/api/auth.asp?user=hpotter&password=wrong", {}, None),
    ("GET", f"/api/credits.asp?user={'x' * 9_000_000}", {}, None),  # 414 before the surface
    ("POST", "/api/rest/v1/sms/outgoing/send", KEY, b"[" * 300_000),  # 413
    ("GET", "/api/rest/v2/sms", KEY, None),  # no operation: Flask's way
]


def _environ(request: Request) -> dict[str, Any]:
    method, path, headers, body = request
    path, _, query = path.partition("?")
    builder = EnvironBuilder(
        path=path, query_string=query, method=method, headers=headers, data=body or b""
    )
    try:
        return builder.get_environ()
    finally:
        builder.close()


def _answer(wsgi: Callable[..., Any], request: Request) -> tuple[str, list[Any], bytes]:
    seen: list[Any] = []

    def start_response(status: str, headers: list[Any], exc_info: Any = None) -> None:
        seen.extend([status, headers])

    body = wsgi(_environ(request), start_response)
    try:
        data = b"".join(body)
    finally:
        getattr(body, "close", lambda: None)()
    return seen[0], sorted(seen[1]), data


def _through_flask(emulator: Emulator) -> Callable[..., Any]:
    lane = emulator.app.wsgi_app
    assert isinstance(lane, FastLane)
    return lane.fallback


def _journal(emulator: Emulator) -> list[dict[str, Any]]:
    entries = emulator.journal()
    for entry in entries:
        entry.pop("duration_ms", None)
    return entries


def test_every_answer_journal_entry_and_state_agree_byte_for_byte() -> None:
    fast, flask = Emulator(), Emulator()
    for number, request in enumerate(REQUESTS):
        assert _answer(fast.app, request) == _answer(_through_flask(flask), request), request
        if number == 0:  # the handset texted replies (for the listings that follow)
            fast.inject_reply("27825550101", "Thanks")
            flask.inject_reply("27825550101", "Thanks")
    assert _journal(fast) == _journal(flask)
    assert fast.coverage() == flask.coverage()
    assert fast.state() == flask.state()
    assert fast.errors == flask.errors == []


def test_the_lane_takes_the_operations_exact_paths_and_leaves_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    emulator = Emulator()
    lane = emulator.app.wsgi_app
    assert isinstance(lane, FastLane)
    through_flask: list[str] = []
    fallback = lane.fallback

    def counted(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        through_flask.append(environ["PATH_INFO"])
        return fallback(environ, start_response)

    monkeypatch.setattr(lane, "fallback", counted)
    for request in REQUESTS:
        _answer(emulator.app, request)
    assert through_flask == [
        "/api/rest/v1/sms/outgoing/send",  # GET: 405
        "/api/rest/v1/credits/balance",  # HEAD
        "/api/rest/v2/sms",
    ]


def test_with_a_fault_waiting_requests_go_through_flask_and_get_it() -> None:
    emulator = Emulator()
    emulator.add_fault("http_error", status=503, operation="send", times=1)
    status, _, body = _answer(emulator.app, REQUESTS[0])
    assert status.startswith("503")
    assert b"Injected fault" in body
    assert emulator.outbox("hpotter") == []
    status, _, _ = _answer(emulator.app, REQUESTS[0])  # the fault is spent: the lane again
    assert status.startswith("200")
    assert len(emulator.outbox("hpotter")) == 1


def test_an_error_inside_the_lane_is_a_500_in_the_surface_format_and_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    emulator = Emulator()
    emulator.app.testing = False

    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(emulator.gateway.sms, "balance", broken)
    status, headers, body = _answer(emulator.app, REQUESTS[8])
    assert status.startswith("500")
    assert ("Content-Type", "application/json") in headers
    assert json.loads(body)["statusCode"] == 500
    assert [str(e) for e in emulator.errors] == ["broken on purpose"]
    entry = emulator.journal()[-1]
    assert entry["http_status"] == 500
    assert "RuntimeError: broken on purpose" in entry["detail"]


def test_no_request_is_current_once_answered() -> None:
    emulator = Emulator()
    _answer(emulator.app, REQUESTS[0])
    assert context.lane() is None
    with emulator.app.app_context():
        assert context.gateway() is emulator.gateway
