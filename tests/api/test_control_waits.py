"""Waiting server-side: ``wait=<seconds>`` with a condition answers as soon as it holds,
408 with what it saw when the time is up, and (manual clock) 409 at once when only
emulator time can bring it. No test sleeps: a wait that must time out waits 0 seconds,
and one that must wake is woken by another thread."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from control_helpers import N1, N2, USER, Control, make_control

from winsms_emulator import Emulator, NeedsEmulatorTime, WaitTimedOut
from winsms_emulator.app import EXTENSION

MESSAGES = f"/accounts/{USER}/messages"


@pytest.fixture
def control() -> Control:
    return make_control()


def test_a_condition_that_holds_answers_at_once(control: Control) -> None:
    control.xml_send("hi", N1)
    control.advance(2)
    found = control.get(MESSAGES, query="wait=5&status=DELIVERED&count=1")["messages"]
    assert [m["status"] for m in found] == ["DELIVERED"]
    assert control.get("/messages/1", query="wait=5&status=DELIVERED")["status"] == "DELIVERED"


def test_a_delivery_that_needs_emulator_time_is_409_at_once_saying_when(control: Control) -> None:
    control.xml_send("hi", N1)
    error = control.error("GET", MESSAGES, query="wait=30&status=DELIVERED", status=409)
    assert "the clock is manual" in error
    assert "2025-01-01T08:00:02+02:00, 2 s from now" in error
    error = control.error("GET", f"{MESSAGES}/1", query="wait=30&status=DELIVERED", status=409)
    assert "it is SENT (105)" in error


def test_a_condition_that_never_comes_is_408_with_what_was_seen(control: Control) -> None:
    control.xml_send("hi", N1, N2)
    answer = control.call("GET", MESSAGES, query="wait=0&count=3", status=408).body
    assert [m["number"] for m in answer["messages"]] == [N1, N2]
    assert answer["error"].startswith("waited 0 s for 3 messages: 2 so far")
    assert "the account's messages now: 2 SENT" in answer["error"]
    failed = control.call("GET", "/messages/1", query="wait=0&status=SENDINGFAILED", status=408)
    assert failed.body["current"]["status"] == "SENT"


def test_count_alone_checks_once(control: Control) -> None:
    control.xml_send("hi", N1)
    control.reply(N1, "yes")
    assert len(control.get(f"/accounts/{USER}/replies", query="count=1")["replies"]) == 1
    control.call("GET", f"/accounts/{USER}/replies", query="count=2", status=408)
    control.call("GET", "/requests", query="count=2&operation=send", status=408)
    control.call("GET", "/messages/1", query="status=SENDINGFAILED", status=408)
    assert control.get("/messages/1", query="status=SENT")["status"] == "SENT"


def test_a_journal_wait_wakes_when_another_thread_sends(control: Control) -> None:
    answers: list[Any] = []

    def waiter() -> None:
        client = control.app.test_client()
        response = client.get("/_emulator/requests?wait=30&count=1&operation=send&number=" + N2)
        answers.append((response.status_code, response.get_json()))

    thread = threading.Thread(target=waiter)
    thread.start()
    control.xml_send("hi", N2)
    thread.join(timeout=60)
    [(status, body)] = answers
    assert status == 200
    assert [e["numbers"] for e in body["requests"]] == [[N2]]


def _until_waiting(control: Control) -> None:
    """Return once a reader waits on the emulator (a short bounded poll of a real thread)."""
    changed = control.app.extensions[EXTENSION].gateway.core.changed
    pause = threading.Event()
    for _ in range(6000):
        if changed._waiters:  # type: ignore[attr-defined]
            return
        pause.wait(0.01)
    raise AssertionError("the reader never began to wait")


def test_an_outbox_wait_wakes_when_another_thread_moves_the_clock(control: Control) -> None:
    answers: list[Any] = []

    def waiter() -> None:
        client = control.app.test_client()
        response = client.get(f"/_emulator{MESSAGES}?wait=30&status=DELIVERED")
        answers.append((response.status_code, response.get_json()))

    thread = threading.Thread(target=waiter)
    thread.start()
    _until_waiting(control)  # nothing is sent yet, so it waits rather than answer 409
    control.xml_send("hi", N1)
    control.advance(2)
    thread.join(timeout=60)
    [(status, body)] = answers
    assert status == 200
    assert [m["status"] for m in body["messages"]] == ["DELIVERED"]


def test_the_python_api_waits_the_same_way() -> None:
    emulator = Emulator()
    client = emulator.client()
    client.get("/api/batchmessage.asp?user=hpotter&password=w1Zard&message=hi&numbers=" + N1)
    with pytest.raises(NeedsEmulatorTime, match="2 s from now"):
        emulator.wait_for_message(1, "DELIVERED")
    with pytest.raises(NeedsEmulatorTime):
        emulator.wait_for_messages("hpotter", status="DELIVERED")
    emulator.advance_clock(2)
    assert emulator.wait_for_message(1, ["DELIVERED", "SENDINGFAILED"])["status"] == "DELIVERED"
    assert [m["id"] for m in emulator.wait_for_messages("hpotter", status="DELIVERED")] == [1]
    assert emulator.wait_for_requests(operation="send", number=N1)[0]["api"] == "http"
    with pytest.raises(WaitTimedOut) as timed_out:
        emulator.wait_for_replies("hpotter", timeout=0)
    assert timed_out.value.state == {"replies": []}
    emulator.inject_reply(N1, "ok")
    assert emulator.wait_for_replies("hpotter", number=N1)[0]["message"] == "ok"
    assert emulator.outbox("hpotter", status="DELIVERED", number=N1)[0]["id"] == 1
    assert emulator.journal(operation="send", has_violations=False, limit=1)[0]["operation"]
    assert emulator.message(1, account="hpotter")["id"] == 1
