"""The coverage report over the control plane (``GET /_emulator/coverage``, ``POST
/_emulator/coverage/mark``) and the Python API: every answer is checked against the
control plane's OpenAPI document by :class:`control_helpers.Control`."""

from __future__ import annotations

from typing import Any

import pytest
from control_helpers import (
    N1,
    N2,
    PASSWORD,
    SEND,
    STATUS,
    USER,
    Control,
    control_for,
    make_control,
    send_doc,
)

from winsms_emulator import Emulator
from winsms_emulator.coverage import summary
from winsms_emulator.registry import OPERATIONS


@pytest.fixture
def control() -> Control:
    return make_control()


def coverage(control: Control, query: str = "") -> dict[str, Any]:
    found: dict[str, Any] = control.get("/coverage", query=query)
    return found


def operation(report: dict[str, Any], title: str, name: str) -> dict[str, Any]:
    [section] = [s for s in report["sections"] if s["title"] == title]
    [found] = [o for o in section["operations"] if o["operation"] == name]
    return found


def seen(report: dict[str, Any], title: str, name: str) -> dict[str, int]:
    """The facts one operation showed, with their counts."""
    return {o["fact"]: o["count"] for o in operation(report, title, name)["exercised"]}


def status_doc(password: str = PASSWORD) -> str:
    return (
        f"<WinSMS_StatusRequest><User>{USER}</User><Password>{password}</Password>"
        "<MessageIDs><MessageID><ID>1</ID></MessageID></MessageIDs></WinSMS_StatusRequest>"
    )


def test_a_fresh_emulator_has_exercised_nothing_of_any_operation(control: Control) -> None:
    report = coverage(control)
    assert (report["scope"], report["account"], report["requests"], report["percent"]) == (
        "start",
        None,
        0,
        None,
    )
    assert report["since"] == "2025-01-01T08:00:00+02:00"
    assert [(s["api"], s["shape"], s["used"]) for s in report["sections"]] == [
        ("xml", None, False),
        ("rest", "seed", False),
        ("rest", "current", False),
        ("http", None, False),
    ]
    listed = {(s["api"], o["operation"]) for s in report["sections"] for o in s["operations"]}
    assert listed == {(op.surface, op.name) for op in OPERATIONS}
    for section in report["sections"]:
        for op in section["operations"]:
            assert op["exercised"] == [] and op["never"] and op["requests"] == 0


def test_an_xml_send_shows_each_recipients_code_and_what_was_sent(control: Control) -> None:
    assert control.xml_send("Ünïcödé ✓", N1, "123", N2)[1] == "FAIL:BADDEST"
    report = coverage(control)
    assert seen(report, "XML", "send") == {
        "recipient:accepted": 1,
        "recipient:FAIL:BADDEST": 1,
        "schedule:immediate": 1,
        "parts:single-part": 1,
        "encoding:UCS2": 1,
    }
    [entry] = control.journal()
    assert (entry["shape"], entry["facts"]) == (None, list(seen(report, "XML", "send")))
    xml = report["sections"][0]
    assert (xml["used"], xml["requests"], xml["operations_exercised"]) == (True, 1, 1)
    assert report["outcomes_exercised"] == 5
    assert report["outcomes_total"] == xml["outcomes_total"]


def test_an_xml_whole_request_error_shows_the_error_and_nothing_else(control: Control) -> None:
    control.xml(STATUS, status_doc(password="wrong"))
    control.xml(STATUS, "<not-a-status-request/>")
    assert control.client.get(STATUS).status_code == 405
    assert seen(coverage(control), "XML", "status") == {
        "error:Invalid Username or Password": 1,
        "error:Not Valid XML Document": 2,
    }


def test_a_rest_answer_counts_in_the_shape_it_was_written_in(control: Control) -> None:
    control.rest_send("hi", N1)  # mobileNumbers: seed
    control.rest(
        "POST", "/sms/outgoing/send", {"message": "hi", "recipients": [{"mobileNumber": N1}]}
    )
    control.rest("GET", "/subaccounts")  # only the current document has it
    control.rest("GET", "/credits/balance", key="nobody")  # the server's shape: seed
    assert control.client.get("/api/rest/v1/sms/outgoing/send").status_code == 405
    report = coverage(control)
    assert seen(report, "REST seed", "send") == {
        "http:200": 1,
        "recipient:accepted": 1,
        "schedule:immediate": 1,
        "parts:single-part": 1,
        "encoding:GSM": 1,
        "http:405": 1,
    }
    assert seen(report, "REST current", "send")["http:200"] == 1
    assert seen(report, "REST current", "subaccounts") == {"http:200": 1, "listing:empty": 1}
    assert seen(report, "REST seed", "balance") == {"http:401": 1}
    assert [e["shape"] for e in control.journal()] == ["seed", "current", "current", "seed", "seed"]
    assert [s["title"] for s in report["sections"] if s["used"]] == ["REST seed", "REST current"]


def test_a_request_an_injected_fault_answered_counts_for_nothing(control: Control) -> None:
    control.add_fault(kind="http_error", status=503, api="rest", operation="balance")
    assert control.rest("GET", "/credits/balance")[0] == 503
    report = coverage(control)
    assert report["requests"] == 0
    assert operation(report, "REST seed", "balance")["requests"] == 0
    [entry] = control.journal()
    assert (entry["outcome"], entry["shape"], entry["facts"]) == ("fault 1: http_error", None, [])


def test_a_report_for_one_account_and_an_unknown_one(control: Control) -> None:
    control.add_account("shop", credits=0)
    control.xml_send("hi", N1)
    control.xml_send("hi", N1, user="shop", password="pw")
    shop = coverage(control, "account=shop")
    assert shop["account"] == "shop" and shop["requests"] == 1
    assert seen(shop, "XML", "send") == {"recipient:NOCREDITS": 1}
    assert coverage(control)["requests"] == 2
    assert control.error("GET", "/coverage", query="account=nobody", status=404) == (
        "no account named 'nobody'"
    )
    control.reset()  # shop is gone, but what it did is still counted since the start
    assert coverage(control, "account=shop&since=start")["requests"] == 1


def test_since_the_last_reset_and_since_the_mark(control: Control) -> None:
    control.xml_send("one", N1)
    control.reset()
    control.xml_send("two", N1)
    assert coverage(control, "since=reset")["requests"] == 1
    assert coverage(control)["scope"] == "start"  # no mark yet: everything
    assert coverage(control)["requests"] == 2
    control.advance(30)
    marked = control.call("POST", "/coverage/mark", status=200).body
    assert marked == {"mark": "2025-01-01T08:00:30+02:00"}
    assert coverage(control)["requests"] == 0
    control.xml_send("three", N1)
    control.reset()  # a reset does not move the mark
    report = coverage(control)
    assert (report["scope"], report["since"], report["requests"]) == (
        "mark",
        "2025-01-01T08:00:30+02:00",
        1,
    )
    assert coverage(control, "since=start")["requests"] == 3
    assert coverage(control, "since=reset")["requests"] == 0
    assert "since must be one of start, reset, mark" in control.error(
        "GET", "/coverage", query="since=yesterday", status=400
    )


def test_an_accounts_own_reset_drops_it_from_since_the_reset_only(control: Control) -> None:
    control.add_account("shop")
    control.xml_send("hi", N1)
    control.xml_send("hi", N1, user="shop", password="pw")
    control.post(f"/accounts/{USER}/reset", status=200)
    assert coverage(control, "since=reset")["requests"] == 1
    assert coverage(control, f"since=reset&account={USER}")["requests"] == 0
    assert coverage(control, "since=start")["requests"] == 2


def test_schema_violations_are_reported_per_operation(control: Control) -> None:
    document = send_doc("hi", [N1], user=USER, password=PASSWORD).replace(
        "<Messages>", "<Schedule>x</Schedule><Messages>"
    )
    control.xml(SEND, document)
    control.xml(SEND, document)
    violations = operation(coverage(control), "XML", "send")["violations"]
    assert violations["requests"] == 2
    messages = violations["messages"]
    assert messages and all(m["count"] == 2 for m in messages)
    assert any("'Schedule'" in m["message"] for m in messages), messages
    assert [m["message"] for m in messages] == control.journal()[0]["violations"]


def test_an_answer_no_document_lists_is_reported_as_undocumented(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    emulator = Emulator()

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the gateway broke")

    monkeypatch.setattr(emulator.gateway.sms, "balance", broken)
    answer = emulator.client().get(
        "/api/rest/v1/credits/balance", headers={"Authorization": "hpotter-api-key"}
    )
    assert answer.status_code == 500
    balance = operation(emulator.coverage(), "REST seed", "balance")
    assert balance["undocumented"] == [{"fact": "http:500", "count": 1}]
    assert balance["exercised"] == []
    assert "balance showed what no document lists: http:500 (1)" in emulator.coverage_summary()
    emulator.errors.clear()


def test_replies_show_the_listing_and_each_opt_out_trigger_returned(control: Control) -> None:
    control.xml_send("hi", N1)
    control.reply(N1, "STOP")
    control.reply(N1, "Opt-out please")
    control.reply(N1, "thanks")
    assert len(control.xml_replies()) == 3
    assert control.xml_replies() == []
    assert seen(coverage(control), "XML", "replies") == {
        "listing:items": 1,
        "opt-out:Stop": 1,
        "opt-out:Opt*out": 1,
        "listing:empty": 1,
    }


def test_the_python_api_gives_the_control_planes_report() -> None:
    emulator = Emulator()
    control = control_for(emulator.app)
    control.xml_send("hi", N1)
    assert emulator.coverage() == coverage(control)
    assert emulator.coverage(USER, "reset") == coverage(control, f"account={USER}&since=reset")
    report = emulator.control.coverage_report()
    assert emulator.coverage_summary() == "\n".join(summary(report))
    assert emulator.coverage_summary().startswith(
        "WinSMS contract coverage: 4 of 19 documented outcomes of the operations called (21.1%)"
    )
    assert emulator.mark_coverage() == {"mark": "2025-01-01T08:00:00+02:00"}
    assert emulator.coverage()["requests"] == 0
    assert emulator.coverage_summary(since="start").startswith("WinSMS contract coverage: 4 of")
