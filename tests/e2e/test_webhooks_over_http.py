"""Webhooks over real sockets: the emulator serves, a local receiver (``http.server`` in a
thread) gets its notifications, and the control plane is asked over HTTP.

Nothing here sleeps: the tests wait for the emulator's worker thread on a condition with
a bounded timeout, or ask the control plane to wait server-side.
"""

from __future__ import annotations

import json
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from winsms_emulator import Emulator
from winsms_emulator.domain.webhook_fields import FIELDS
from winsms_emulator.domain.webhooks import DeliveryPolicy

KEY = "hpotter-api-key"
N1 = "27825550101"
START = datetime.fromisoformat("2025-01-01T08:00:00+02:00")
WAIT = 15.0  # real seconds a test waits for the worker at most


class Receiver:
    """A local webhook receiver: answers each request with the next scripted status (200
    once the script is used up) and keeps every request's path and query."""

    def __init__(self, statuses: tuple[int, ...] = ()) -> None:
        self.statuses = list(statuses)
        self.requests: list[dict[str, Any]] = []
        self.changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                with receiver.changed:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.requests.append(
                        {
                            "path": parts.path,
                            "query": dict(parse_qsl(parts.query)),
                            "raw": self.path,
                        }
                    )
                    receiver.changed.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/winsms/hook"

    def wait(self, count: int) -> list[dict[str, Any]]:
        with self.changed:
            arrived = self.changed.wait_for(lambda: len(self.requests) >= count, WAIT)
            assert arrived, f"{len(self.requests)} of {count} notifications arrived"
            return list(self.requests)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as found:
        found.start()
        yield found
        found.gateway.close()


def call(emulator: Emulator, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """One control-plane or REST request over the socket: its status and JSON."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(emulator.url + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if path.startswith("/api/rest"):
        request.add_header("Authorization", KEY)
    try:
        with urllib.request.urlopen(request, timeout=WAIT + 5) as answer:
            raw = answer.read()
            return answer.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def hooks_to(emulator: Emulator, url: str) -> None:
    webhooks = {"reply_url": url, "delivery_url": url, "enabled": True}
    status, _ = call(emulator, "PATCH", "/_emulator/accounts/hpotter", {"webhooks": webhooks})
    assert status == 200


def rest_send(emulator: Emulator, number: str = N1) -> int:
    body = {"message": "Your order shipped", "mobileNumbers": [{"mobileNumber": number}]}
    status, answer = call(emulator, "POST", "/api/rest/v1/sms/outgoing/send", body)
    assert status == 200, answer
    return int(answer["messages"][0]["serverMessageId"])


def advance(emulator: Emulator, seconds: float) -> None:
    assert call(emulator, "POST", "/_emulator/clock", {"advance_seconds": seconds})[0] == 200


def attempts(emulator: Emulator, count: int) -> list[dict[str, Any]]:
    status, answer = call(
        emulator, "GET", f"/_emulator/webhooks/deliveries?wait={WAIT}&count={count}"
    )
    assert status == 200, answer
    return list(answer["deliveries"])


def names(kind: str) -> list[str]:
    return [f.name for f in FIELDS if f.kind == kind]


def test_a_reply_and_a_delivery_report_arrive_with_the_documented_parameters(
    emulator: Emulator, receiver: Receiver
) -> None:
    hooks_to(emulator, receiver.url)
    message_id = rest_send(emulator)
    status, reply = call(emulator, "POST", "/_emulator/replies", {"from": N1, "message": "Thanks!"})
    assert status == 201
    [got] = receiver.wait(1)
    assert got["path"] == "/winsms/hook"
    assert list(got["query"]) == names("reply")
    assert got["query"] == {
        "type": "deliver",
        "date": "20250101-080000",
        "from": N1,
        "message": "Thanks!",
        "id": str(reply["id"]),
        "messageid": str(message_id),
    }
    advance(emulator, 2)
    report = receiver.wait(2)[1]
    assert list(report["query"]) == [n for n in names("delivery") if n != "clientmessageid"]
    assert report["query"] == {
        "type": "status",
        "date": "20250101-080002",
        "messageid": str(message_id),
        "number": N1,
        "status": "DELIVERED",
        "statuscode": "0",
    }
    done = attempts(emulator, 2)
    assert [(a["event"], a["http_status"], a["outcome"]) for a in done] == [
        ("reply", 200, "delivered"),
        ("delivery", 200, "delivered"),
    ]
    assert all(a["latency_ms"] >= 0 and a["error"] is None for a in done)
    journal = emulator.journal(api="webhook")
    assert [(e["operation"], e["http_status"], e["outcome"]) for e in journal] == [
        ("reply", 200, "ok"),
        ("delivery", 200, "ok"),
    ]


def test_a_receiver_that_answers_500_twice_gets_the_third_attempt_at_the_expected_times(
    emulator: Emulator,
) -> None:
    failing = Receiver(statuses=(500, 500))
    try:
        hooks_to(emulator, failing.url)
        rest_send(emulator)
        emulator.inject_reply(N1, "yes")
        [first] = attempts(emulator, 1)
        assert (first["attempt"], first["http_status"], first["outcome"]) == (1, 500, "retrying")
        assert first["at"] == START.isoformat()
        assert first["next_attempt_at"] == (START + timedelta(seconds=1)).isoformat()
        # the second attempt needs emulator time: the wait says so at once
        status, answer = call(emulator, "GET", "/_emulator/webhooks/deliveries?wait=30&count=2")
        assert status == 409 and "advance the clock" in answer["error"]
        advance(emulator, 1)
        second = attempts(emulator, 2)[1]
        assert (second["attempt"], second["http_status"]) == (2, 500)
        assert second["at"] == (START + timedelta(seconds=1)).isoformat()
        assert second["next_attempt_at"] == (START + timedelta(seconds=3)).isoformat()
        advance(emulator, 1)  # 08:00:02: not yet
        assert call(emulator, "GET", "/_emulator/webhooks/deliveries?wait=30&count=3")[0] == 409
        advance(emulator, 1)
        third = attempts(emulator, 3)[2]
        assert (third["attempt"], third["http_status"], third["outcome"]) == (3, 200, "delivered")
        assert third["at"] == (START + timedelta(seconds=3)).isoformat()
        got = failing.wait(3)
        assert got[0]["raw"] == got[1]["raw"] == got[2]["raw"]
    finally:
        failing.close()


def test_nothing_is_sent_after_a_reset(emulator: Emulator) -> None:
    failing = Receiver(statuses=(500,) * 20)
    try:
        hooks_to(emulator, failing.url)
        rest_send(emulator)
        emulator.inject_reply(N1, "yes")
        [first] = attempts(emulator, 1)
        assert first["outcome"] == "retrying"
        assert call(emulator, "POST", "/_emulator/reset", {})[0] == 200
        assert emulator.webhook_deliveries() == {"deliveries": [], "pending": []}
        advance(emulator, 100)  # the dropped retry, and the dropped report, would be due
        hooks_to(emulator, failing.url)
        emulator.send_test_webhook("hpotter", "reply")
        got = failing.wait(2)
        # the worker sends in due order, so anything left over would have come first
        assert [r["query"]["from"] for r in got] == [N1, "27000000000"]
        [after] = attempts(emulator, 1)
        assert after["test"] and after["attempt"] == 1
    finally:
        failing.close()


def test_a_dropped_answer_makes_the_receiver_see_the_notification_twice(
    emulator: Emulator, receiver: Receiver
) -> None:
    emulator.add_fault("drop_connection", api="webhook", operation="reply", times=1)
    hooks_to(emulator, receiver.url)
    rest_send(emulator)
    emulator.inject_reply(N1, "yes")
    [first] = attempts(emulator, 1)
    assert first["http_status"] is None and "dropped" in first["error"]
    advance(emulator, 1)
    second = attempts(emulator, 2)[1]
    assert second["outcome"] == "delivered"
    got = receiver.wait(2)
    assert got[0]["raw"] == got[1]["raw"]  # the client must be idempotent


def test_an_injected_failure_is_not_sent_and_is_retried(
    emulator: Emulator, receiver: Receiver
) -> None:
    emulator.add_fault("http_error", api="webhook", status=503, times=1)
    hooks_to(emulator, receiver.url)
    emulator.send_test_webhook("hpotter", "delivery")
    [first] = attempts(emulator, 1)
    assert (first["http_status"], first["outcome"]) == (503, "retrying")
    assert receiver.requests == []
    advance(emulator, 1)
    assert attempts(emulator, 2)[1]["outcome"] == "delivered"
    assert receiver.wait(1)[0]["query"]["type"] == "status"


def test_a_refused_connection_and_a_timeout_are_failed_attempts() -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts, never answers
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    emulator = Emulator(webhook_policy=DeliveryPolicy(timeout_seconds=0.2, max_attempts=1))
    try:
        port = silent.getsockname()[1]
        emulator.set_webhooks(
            "hpotter",
            reply_url=f"http://127.0.0.1:{closed_port}/x",
            delivery_url=f"http://127.0.0.1:{port}/y",
        )
        emulator.send_test_webhook("hpotter", "reply")
        emulator.send_test_webhook("hpotter", "delivery")
        refused, timed_out = emulator.wait_for_webhook(2, timeout=WAIT)
        assert refused["http_status"] is None and "connection failed" in refused["error"]
        assert timed_out["error"] == "timed out after 0.2 s"
        assert refused["outcome"] == timed_out["outcome"] == "gave_up"
    finally:
        emulator.gateway.close()
        silent.close()


def test_with_the_real_clock_a_report_is_sent_on_time_without_anyone_asking(
    receiver: Receiver,
) -> None:
    emulator = Emulator(
        [
            {
                "username": "shop",
                "password": "pw",
                "api_key": "shop-key",
                "delivery_delay_seconds": 0.2,
                "webhooks": {"delivery_url": receiver.url},
            }
        ],
        clock="real",
    )
    try:
        emulator.control.update_account("shop", {"credits": 5})
        result = emulator.gateway.sms.send("shop", [_outgoing()])
        assert result[0].recipients[0].message_id is not None
        [report] = receiver.wait(1)
        assert report["query"]["status"] == "DELIVERED"
    finally:
        emulator.gateway.close()


def _outgoing() -> Any:
    from winsms_emulator.domain.sending import OutgoingMessage, Recipient

    return OutgoingMessage("hi", [Recipient(N1)])


def test_the_sink_fixture_receives_a_delivery_report(
    winsms_emulator: Emulator, winsms_webhook_sink: Any
) -> None:
    winsms_emulator.set_webhooks("hpotter", delivery_url=winsms_webhook_sink.url)
    winsms_emulator.gateway.sms.send("hpotter", [_outgoing()])
    winsms_emulator.advance_clock(2)
    [got] = winsms_webhook_sink.wait(1)
    assert got["method"] == "GET" and got["query"]["status"] == "DELIVERED"
    assert got["at"] == "2025-01-01T08:00:02+02:00"
    assert winsms_webhook_sink.queries() == [got["query"]]


def test_a_failing_sink_is_retried_until_it_answers(
    winsms_emulator: Emulator, winsms_webhook_sink: Any
) -> None:
    winsms_emulator.add_fault("http_error", api="sink", status=500, times=2)
    winsms_emulator.set_webhooks("hpotter", reply_url=winsms_webhook_sink.url)
    winsms_emulator.send_test_webhook("hpotter")
    winsms_emulator.wait_for_webhook(1)
    winsms_emulator.advance_clock(1)
    winsms_emulator.wait_for_webhook(2)
    winsms_emulator.advance_clock(2)
    third = winsms_emulator.wait_for_webhook(3)[2]
    assert third["outcome"] == "delivered"
    assert [r["answered"] for r in winsms_webhook_sink.wait(3)] == [500, 500, 200]


def test_the_sink_is_open_without_the_admin_token_but_its_requests_are_not() -> None:
    from winsms_emulator import EmulatorConfig, create_app

    app = create_app(config=EmulatorConfig(admin_token="s3cret"))
    client = app.test_client()
    assert client.post("/_emulator/webhook-sink/x?a=1", data="payload").status_code == 200
    assert client.get("/_emulator/webhook-sink/x/requests").status_code == 401
    answer = client.get(
        "/_emulator/webhook-sink/x/requests", headers={"X-Emulator-Token": "s3cret"}
    )
    [got] = answer.get_json()["requests"]
    assert (got["method"], got["query"], got["body"]) == ("POST", {"a": "1"}, "payload")


def test_a_text_to_a_short_code_is_a_reply_notification_naming_the_code(
    emulator: Emulator, receiver: Receiver
) -> None:
    emulator.create_account(
        username="shop",
        password="pw",
        api_key="shop-key",
        short_codes=["31337"],
        webhooks={"reply_url": receiver.url},
    )
    sent = emulator.inject_short_code_message("31337", N1, "WIN")
    [got] = receiver.wait(1)
    assert list(got["query"]) == names("short_code")
    assert got["query"] == {
        "type": "deliver",
        "date": "20250101-080000",
        "from": N1,
        "to": "31337",
        "message": "WIN",
        "id": str(sent["id"]),
    }
    [attempt] = emulator.wait_for_webhook(1, account="shop", event="reply")
    assert attempt["outcome"] == "delivered"
