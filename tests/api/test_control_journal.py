"""The request journal: ``GET`` and ``DELETE /_emulator/requests``."""

from __future__ import annotations

import pytest
from control_helpers import (
    KEY,
    N1,
    N2,
    PASSWORD,
    SEND,
    START,
    STATUS,
    USER,
    Control,
    make_control,
    send_doc,
)

#: A Scheduled value long past (the guide's own): the message goes at once, schema-valid.
PAST = "201811141025"


@pytest.fixture
def control() -> Control:
    return make_control()


def _status_doc(user: str = USER, password: str = PASSWORD) -> str:
    return (
        f"<WinSMS_StatusRequest><User>{user}</User><Password>{password}</Password>"
        "<MessageIDs><MessageID><ID>1</ID><CLI>c</CLI></MessageID></MessageIDs>"
        "</WinSMS_StatusRequest>"
    )


def test_a_fresh_emulator_has_an_empty_journal(control: Control) -> None:
    assert control.get("/requests") == {"requests": []}


def test_an_xml_send_is_journaled_with_its_account_and_outcome(control: Control) -> None:
    control.advance(5)
    control.xml_send("hi", N1, scheduled=PAST)
    [entry] = control.journal()
    duration = entry.pop("duration_ms")
    assert entry == {
        "id": 1,
        "at": "2025-01-01T08:00:05+02:00",
        "method": "POST",
        "path": SEND,
        "api": "xml",
        "operation": "send",
        "account": USER,
        "http_status": 200,
        "outcome": "ok",
        "violations": [],
        "violation_count": 0,
        "detail": "",
        "parameters": {},
        "shape": None,
        "facts": [
            "recipient:accepted",
            "schedule:immediate",
            "parts:single-part",
            "encoding:GSM",
        ],
        "numbers": [N1],
    }
    assert duration >= 0


def test_an_xml_request_with_a_bad_login_is_journaled_without_an_account(
    control: Control,
) -> None:
    assert control.xml_whole_error(STATUS, _status_doc(password="wrong")) == (
        "Invalid Username or Password"
    )
    [entry] = control.journal()
    assert (entry["operation"], entry["account"], entry["http_status"], entry["outcome"]) == (
        "status",
        None,
        200,
        "Invalid Username or Password",
    )
    assert entry["detail"] != ""


def test_an_xml_document_that_breaks_the_schema_is_journaled_with_its_violations(
    control: Control,
) -> None:
    document = send_doc("hi", [N1], user=USER, password=PASSWORD, at=PAST).replace(
        "<Messages>", "<Schedule>x</Schedule><Messages>"
    )
    control.xml(SEND, document)
    [entry] = control.journal()
    assert entry["outcome"] == "ok"
    assert len(entry["violations"]) == 1
    assert "Schedule" in entry["violations"][0]


def test_a_rest_send_is_journaled_with_its_account_and_outcome(control: Control) -> None:
    control.rest_send("hi", N1)
    [entry] = control.journal()
    entry.pop("duration_ms")
    assert entry == {
        "id": 1,
        "at": START,
        "method": "POST",
        "path": "/api/rest/v1/sms/outgoing/send",
        "api": "rest",
        "operation": "send",
        "account": USER,
        "http_status": 200,
        "outcome": "ok",
        "violations": [],
        "violation_count": 0,
        "detail": "",
        "parameters": {},
        "shape": "seed",
        "facts": [
            "http:200",
            "recipient:accepted",
            "schedule:immediate",
            "parts:single-part",
            "encoding:GSM",
        ],
        "numbers": [N1],
    }


def test_a_rest_request_with_an_unknown_key_is_journaled_as_a_401(control: Control) -> None:
    assert control.rest("GET", "/credits/balance", key="wrong")[0] == 401
    [entry] = control.journal()
    assert (entry["operation"], entry["account"], entry["http_status"]) == ("balance", None, 401)
    assert entry["outcome"].startswith("401 ")


def test_a_rest_field_error_is_journaled_as_a_violation(control: Control) -> None:
    body = {"message": "x", "recipients": [{"mobileNumber": N1}], "maxSegments": 9}
    assert control.rest("POST", "/sms/outgoing/send", body)[0] == 422
    [entry] = control.journal()
    assert entry["http_status"] == 422
    assert entry["outcome"].startswith("422 ")
    assert [v for v in entry["violations"] if "maxSegments" in v] == entry["violations"] != []


@pytest.mark.parametrize(
    "body",
    [
        {"message": "", "mobileNumbers": [{"mobileNumber": N1}]},
        {"message": "", "recipients": [{"mobileNumber": N1}]},
    ],
    ids=["seed", "current"],
)
def test_a_refused_rest_requests_outcome_names_the_status_it_was_answered(
    control: Control, body: dict[str, object]
) -> None:
    status, _ = control.rest("POST", "/sms/outgoing/send", body)
    [entry] = control.journal()
    assert entry["http_status"] == status
    assert entry["outcome"].split(" ", 1)[0] == str(status)


def test_entries_are_oldest_first_and_follow_the_clock(control: Control) -> None:
    control.xml_send("one", N1, scheduled=PAST)
    control.advance(60)
    control.rest_send("two", N2)
    control.xml(STATUS, _status_doc())
    journal = control.journal()
    assert [(e["api"], e["operation"]) for e in journal] == [
        ("xml", "send"),
        ("rest", "send"),
        ("xml", "status"),
    ]
    assert [e["at"] for e in journal] == [START, *["2025-01-01T08:01:00+02:00"] * 2]


def test_the_control_plane_itself_is_not_journaled(control: Control) -> None:
    control.add_account("shop")
    control.post("/dnc", {"number": N1})
    control.get("/accounts")
    assert control.journal() == []


def _two_accounts_and_both_apis(control: Control) -> None:
    control.add_account("shop")
    control.xml_send("a", N1, scheduled=PAST)
    control.rest_send("b", N1)
    control.xml_send("c", N2, user="shop", password="pw", scheduled=PAST)
    control.rest_send("d", N2, key="shop-key")
    control.rest("GET", "/credits/balance", key="wrong")


def test_the_journal_filters_by_account(control: Control) -> None:
    _two_accounts_and_both_apis(control)
    assert len(control.journal()) == 5
    shop = control.journal("account=shop")
    assert [(e["account"], e["api"]) for e in shop] == [("shop", "xml"), ("shop", "rest")]
    assert control.journal("account=nobody") == []


def test_the_journal_filters_by_api(control: Control) -> None:
    _two_accounts_and_both_apis(control)
    assert [e["account"] for e in control.journal("api=xml")] == [USER, "shop"]
    assert [e["account"] for e in control.journal("api=rest")] == [USER, "shop", None]


def test_the_journal_filters_by_account_and_api_together(control: Control) -> None:
    _two_accounts_and_both_apis(control)
    [entry] = control.journal(f"account={USER}&api=rest")
    assert (entry["account"], entry["api"]) == (USER, "rest")


def test_delete_clears_the_whole_journal(control: Control) -> None:
    _two_accounts_and_both_apis(control)
    control.delete("/requests")
    assert control.journal() == []
    control.rest_send("after", N1, key=KEY)
    assert len(control.journal()) == 1


def test_delete_with_an_account_clears_only_that_accounts_entries(control: Control) -> None:
    _two_accounts_and_both_apis(control)
    kept = [e for e in control.journal() if e["account"] != "shop"]
    control.delete("/requests", query="account=shop")
    assert control.journal() == kept
    assert len(kept) == 3


def test_a_faulted_request_is_journaled_with_its_fault(control: Control) -> None:
    fault = control.add_fault(kind="http_error", status=503, api="rest")
    control.rest("GET", "/credits/balance")
    [entry] = control.journal()
    assert (entry["api"], entry["operation"], entry["http_status"]) == ("rest", "balance", 503)
    assert entry["outcome"] == f"fault {fault['id']}: http_error"


def test_an_entry_shows_the_first_30_violations_and_how_many_there_were(
    control: Control,
) -> None:
    attributes = " ".join(f'a{i}="1"' for i in range(1_000))
    control.xml(
        STATUS, _status_doc(password="wrong").replace("<MessageIDs>", f"<MessageIDs {attributes}>")
    )

    [entry] = control.journal()

    assert entry["violation_count"] == 1_000
    assert len(entry["violations"]) == 30
    assert entry["violations"][0] == (
        "line 1: Element 'MessageIDs', attribute 'a0': The attribute 'a0' is not allowed."
    )


def test_every_schema_violation_of_a_long_status_request_is_counted(control: Control) -> None:
    ids = "".join(f"<MessageID><ID>{i}</ID></MessageID>" for i in range(1, 3_001))
    document = (
        f"<WinSMS_StatusRequest><User>{USER}</User><Password>{PASSWORD}</Password>"
        f"<MessageIDs>{ids}</MessageIDs></WinSMS_StatusRequest>"
    )
    control.xml(STATUS, document)

    [entry] = control.journal()

    assert entry["violation_count"] == 3_000  # each MessageID lacks its CLI
    assert len(entry["violations"]) == 30


def test_a_rest_body_with_many_invalid_fields_counts_them_all(control: Control) -> None:
    body = {"message": "Hi", "mobileNumbers": [{"mobileNumber": 5}] * 100}
    status, _ = control.rest("POST", "/sms/outgoing/send", body, key=KEY)

    [entry] = control.journal()

    assert status == 400
    assert entry["violation_count"] >= 100
    assert len(entry["violations"]) == 30
