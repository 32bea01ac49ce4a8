"""Webhook settings and operations on the control plane, in process: every answer is
checked against ``schemas/control-plane.openapi.json`` by :class:`control_helpers.Control`.

Nothing listens at :data:`DEAD`: an attempt there fails at once and is retried later in
emulator time, which these tests never let pass unless they mean to.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from control_helpers import N1, USER, Control, make_control

from winsms_emulator import Emulator
from winsms_emulator.forms.accounts import AccountsFileError, load_accounts_file
from winsms_emulator.webhook_plane import WaitTimedOut

DEAD = "http://127.0.0.1:9/hook"
HOOKS = {"reply_url": DEAD, "delivery_url": None, "enabled": True}


@pytest.fixture
def control() -> Control:
    return make_control()


def test_an_account_has_no_webhooks_until_they_are_set(control: Control) -> None:
    assert control.account()["webhooks"] == {
        "reply_url": None,
        "delivery_url": None,
        "enabled": True,
    }


def test_a_patch_sets_the_whole_webhooks_object_and_left_out_fields_take_defaults(
    control: Control,
) -> None:
    control.patch(f"/accounts/{USER}", {"webhooks": {"delivery_url": DEAD, "enabled": False}})
    assert control.account()["webhooks"] == {
        "reply_url": None,
        "delivery_url": DEAD,
        "enabled": False,
    }
    control.patch(f"/accounts/{USER}", {"webhooks": {"reply_url": DEAD}})
    assert control.account()["webhooks"] == HOOKS


@pytest.mark.parametrize(
    ("webhooks", "problem"),
    [
        ({"reply_url": "ftp://example.com/x"}, "webhooks.reply_url must be an http or https URL"),
        ({"delivery_url": "not a url"}, "webhooks.delivery_url must not contain spaces"),
        ({"delivery_url": "https://"}, "webhooks.delivery_url must name a host"),
        ({"reply_url": 5}, "webhooks.reply_url must be an http or https URL"),
        ({"enabled": "yes"}, "webhooks.enabled must be true or false"),
        ({"url": DEAD}, "unknown webhooks field(s): url"),
        ("http://example.com", "webhooks must be an object"),
    ],
)
def test_bad_webhook_settings_are_a_clear_400_and_change_nothing(
    control: Control, webhooks: Any, problem: str
) -> None:
    before = control.account()
    error = control.error("PATCH", f"/accounts/{USER}", {"webhooks": webhooks}, status=400)
    assert problem in error
    assert control.account() == before
    body = {"username": "shop", "password": "pw", "api_key": "k", "webhooks": webhooks}
    assert problem in control.error("POST", "/accounts", body, status=400)


def test_webhooks_survive_a_saved_state_and_a_per_account_reset_restores_them(
    control: Control,
) -> None:
    control.add_account("shop", webhooks=HOOKS)
    state = control.state()
    [shop] = [a for a in state["accounts"] if a["username"] == "shop"]
    assert shop["webhooks"] == HOOKS
    control.patch("/accounts/shop", {"webhooks": {"enabled": False}})
    control.put("/state", state)
    assert control.account("shop")["webhooks"] == HOOKS
    control.patch("/accounts/shop", {"webhooks": {}})
    assert control.post("/accounts/shop/reset", status=200)["webhooks"] == HOOKS


def test_a_saved_state_with_a_bad_webhook_url_is_refused_whole(control: Control) -> None:
    state = control.state()
    state["accounts"][0]["webhooks"] = {"reply_url": "mailto:a@b.c"}
    error = control.error("PUT", "/state", state, status=400)
    assert "state.accounts[0]" in error or "state" in error
    assert "webhooks.reply_url" in error


def test_an_accounts_file_sets_webhooks_and_names_a_bad_one(tmp_path: Path) -> None:
    good = tmp_path / "accounts.json"
    account = {"username": "shop", "password": "pw", "api_key": "k", "webhooks": HOOKS}
    good.write_text(json.dumps([account]), encoding="utf-8")
    [loaded] = load_accounts_file(good)
    assert loaded.webhooks.reply_url == DEAD
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{**account, "webhooks": {"reply_url": "x"}}]), encoding="utf-8")
    with pytest.raises(AccountsFileError, match=r"account 1: webhooks\.reply_url"):
        load_accounts_file(bad)


def test_a_test_notification_is_queued_for_the_events_url(control: Control) -> None:
    control.patch(f"/accounts/{USER}", {"webhooks": HOOKS})
    sent = control.post(f"/accounts/{USER}/webhooks/test", {"event": "reply"}, status=202)
    assert (sent["event"], sent["url"], sent["test"]) == ("reply", DEAD, True)
    assert sent["parameters"]["type"] == "deliver"
    assert sent["parameters"]["date"] == "20250101-080000"
    error = control.error(
        "POST", f"/accounts/{USER}/webhooks/test", {"event": "delivery"}, status=409
    )
    assert error == f"cannot send a test delivery notification for {USER!r}: no delivery URL is set"
    control.patch(f"/accounts/{USER}", {"webhooks": {**HOOKS, "enabled": False}})
    error = control.error("POST", f"/accounts/{USER}/webhooks/test", {"event": "reply"}, status=409)
    assert "its webhooks are disabled" in error
    assert "field 'event'" in control.error(
        "POST", f"/accounts/{USER}/webhooks/test", {}, status=400
    )


def test_the_failed_attempt_and_its_retry_show_in_the_deliveries(control: Control) -> None:
    control.patch(f"/accounts/{USER}", {"webhooks": HOOKS})
    control.post(f"/accounts/{USER}/webhooks/test", {"event": "reply"}, status=202)
    found = control.get("/webhooks/deliveries", query="wait=10&count=1")
    [attempt] = found["deliveries"]
    assert attempt["http_status"] is None and attempt["error"].startswith("connection failed")
    assert (attempt["outcome"], attempt["next_attempt_at"]) == (
        "retrying",
        "2025-01-01T08:00:01+02:00",
    )
    [pending] = found["pending"]
    assert (pending["attempts"], pending["next_attempt_at"]) == (1, "2025-01-01T08:00:01+02:00")
    assert control.get("/webhooks/deliveries", query="event=delivery")["deliveries"] == []
    assert control.get("/webhooks/deliveries", query="account=nobody")["deliveries"] == []
    [entry] = control.journal("api=webhook")
    assert (entry["operation"], entry["http_status"], entry["account"]) == ("reply", 0, USER)
    assert "connection failed" in entry["outcome"]


def test_a_per_account_reset_and_a_reset_drop_what_is_pending(control: Control) -> None:
    control.patch(f"/accounts/{USER}", {"webhooks": HOOKS})
    control.post(f"/accounts/{USER}/webhooks/test", {"event": "reply"}, status=202)
    control.get("/webhooks/deliveries", query="wait=10&count=1")
    control.post(f"/accounts/{USER}/reset", status=200)
    assert control.get("/webhooks/deliveries") == {"deliveries": [], "pending": []}
    control.patch(f"/accounts/{USER}", {"webhooks": HOOKS})
    control.post(f"/accounts/{USER}/webhooks/test", {"event": "reply"}, status=202)
    control.reset()
    assert control.get("/webhooks/deliveries") == {"deliveries": [], "pending": []}


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("wait=soon", "wait must be a number of seconds"),
        ("wait=61", "wait must be between 0 and 60 seconds"),
        ("wait=1&count=0", "count must be 1 or more"),
        ("wait=1&count=two", "count must be a whole number"),
        ("count=2", "count goes with wait"),
        ("event=status", "event must be one of reply, delivery"),
    ],
)
def test_bad_waits_and_filters_are_a_clear_400(control: Control, query: str, problem: str) -> None:
    assert problem in control.error("GET", "/webhooks/deliveries", query=query, status=400)


def test_a_sink_records_what_it_receives(control: Control) -> None:
    control.call("POST", "/webhook-sink/orders", data="a=1", query="type=deliver&x=1&x=2")
    control.call("GET", "/webhook-sink/orders", query="type=status", status=200)
    [first, second] = control.get("/webhook-sink/orders/requests")["requests"]
    assert (first["method"], first["body"], first["query"]) == (
        "POST",
        "a=1",
        {"type": "deliver", "x": "1"},
    )
    assert first["query_pairs"] == [["type", "deliver"], ["x", "1"], ["x", "2"]]
    assert first["at"] == "2025-01-01T08:00:00+02:00" and first["answered"] == 200
    assert (second["method"], second["path"]) == ("GET", "/_emulator/webhook-sink/orders")
    assert control.get("/webhook-sink/other/requests") == {"requests": []}
    control.reset()
    assert control.get("/webhook-sink/orders/requests") == {"requests": []}


def test_a_wait_on_a_sink_that_needs_emulator_time_answers_409_at_once(
    control: Control,
) -> None:
    sink = "http://127.0.0.1:9/_emulator/webhook-sink/late"
    control.patch(f"/accounts/{USER}", {"webhooks": {"delivery_url": sink}})
    control.xml_send("hi", N1)  # delivered, and reported, 2 s from now
    error = control.error("GET", "/webhook-sink/late/requests", query="wait=30", status=409)
    assert "advance the clock" in error
    answer = control.call("GET", "/webhook-sink/other/requests", query="wait=0", status=408)
    assert answer.body["requests"] == []


def test_a_fault_names_a_webhook_event_and_never_reaches_webhooks_without_api(
    control: Control,
) -> None:
    error = control.error(
        "POST", "/faults", {"kind": "http_error", "api": "webhook", "operation": "send"}, status=400
    )
    assert error == "match.operation must be one of delivery, reply"
    error = control.error(
        "POST", "/faults", {"kind": "malformed_body", "api": "webhook"}, status=400
    )
    assert "use it on an API or the sink" in error
    control.post("/faults", {"kind": "http_error", "status": 500})  # every API request
    control.call("GET", "/webhook-sink/plain", status=200)
    control.post("/faults", {"kind": "http_error", "api": "sink", "status": 503, "times": 1})
    assert control.client.get("/_emulator/webhook-sink/plain").status_code == 503
    answered = [r["answered"] for r in control.get("/webhook-sink/plain/requests")["requests"]]
    assert answered == [200, 503]


def test_the_python_api_sets_and_reads_webhooks_and_waits() -> None:
    emulator = Emulator()
    try:
        account = emulator.set_webhooks(USER, reply_url=DEAD)
        assert account["webhooks"] == HOOKS
        emulator.send_test_webhook(USER)
        [attempt] = emulator.wait_for_webhook(1, account=USER, event="reply")
        assert attempt["outcome"] == "retrying"
        assert emulator.webhook_deliveries(USER)["pending"][0]["attempts"] == 1
        with pytest.raises(WaitTimedOut, match="0 of 1 requests to sink 'x'"):
            emulator.wait_for_sink("x", 1, timeout=0)
        emulator.gateway.webhooks.receive("x", "GET", "/p", [("a", "1")], [], "", 200, None)
        assert [r["query"] for r in emulator.sink_requests("x")] == [{"a": "1"}]
    finally:
        emulator.gateway.close()


def test_the_worker_thread_ends_when_nothing_is_left_and_comes_back_when_needed() -> None:
    emulator = Emulator()
    deliverer = emulator.gateway.webhooks.deliverer
    try:
        assert not deliverer.running  # no webhooks: no thread
        emulator.set_webhooks(USER, reply_url=DEAD)
        emulator.gateway.webhooks.receive("x", "GET", "/", [], [], "", 200, None)
        emulator.add_fault("http_error", api="webhook", status=500)
        emulator.send_test_webhook(USER)
        emulator.wait_for_webhook(1)
        assert deliverer.running  # a retry waits: it stays
        emulator.reset()
        thread = deliverer._thread
        if thread is not None:
            thread.join(10)  # nothing left after the reset: it ends on its own
        assert not deliverer.running
        emulator.set_webhooks(USER, reply_url=DEAD)
        emulator.send_test_webhook(USER)
        assert len(emulator.wait_for_webhook(1)) == 1
    finally:
        emulator.gateway.close()
    assert not deliverer.running
