"""Searching the journal, an outbox and the replies: filters a person would try, and a
400 naming any unknown parameter or bad value instead of silently ignoring it."""

from __future__ import annotations

import pytest
from control_helpers import KEY, N1, N2, N3, USER, Control, make_control


@pytest.fixture
def control() -> Control:
    control = make_control()
    control.xml_send("first", N1, N2)
    control.advance(10)
    control.rest_send("second", N3)
    control.rest("POST", "/sms/outgoing/send", {"message": "x"}, key="wrong-key")
    return control


def _paths(control: Control, query: str) -> list[tuple[str, str, int]]:
    entries = control.get("/requests", query=query)["requests"]
    return [(e["api"], e["operation"], e["http_status"]) for e in entries]


def test_the_journal_filters_by_operation_number_status_and_api(control: Control) -> None:
    assert _paths(control, f"number={N2}") == [("xml", "send", 200)]
    assert _paths(control, f"number={N3},{N2}") == [("xml", "send", 200), ("rest", "send", 200)]
    assert _paths(control, "status=401") == [("rest", "send", 401)]
    assert _paths(control, "api=rest&operation=send&status=200") == [("rest", "send", 200)]
    assert _paths(control, "operation=status") == []


def test_the_journal_filters_by_outcome_time_violations_and_limit(control: Control) -> None:
    assert _paths(control, "outcome=401") == [("rest", "send", 401)]
    assert len(_paths(control, "outcome=OK")) == 2
    later = "2025-01-01T08:00:05+02:00"
    assert [a for a, _, _ in _paths(control, f"since={later.replace('+', '%2B')}")] == [
        "rest",
        "rest",
    ]
    assert _paths(control, "until=2025-01-01T06:00:05Z") == [("xml", "send", 200)]
    # the helper's XML document leaves <Scheduled> empty, which the published schema refuses
    assert _paths(control, "has_violations=true") == [("xml", "send", 200)]
    assert len(_paths(control, "has_violations=false")) == 2
    assert _paths(control, "limit=1") == [("rest", "send", 401)]
    assert _paths(control, "limit=0") == []


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("operation=sned", "operation 'sned' is not one of"),
        ("api=soap", "api 'soap' is not one of xml, rest, http"),
        ("limit=-1", "limit must be 0 or more"),
        ("limit=ten", "limit must be a whole number"),
        ("status=ok", "status must be HTTP status codes"),
        ("since=yesterday", "since 'yesterday' is not an ISO-8601 time"),
        ("since=2025-01-01T08:00:00", "since must carry its UTC offset"),
        ("has_violations=maybe", "has_violations must be true or false"),
        ("number=%2B27-82", "number '27-82' is not a mobile number"),
        ("acount=hpotter", "unknown parameter 'acount'"),
        ("wait=61", "wait must be a number of seconds from 0 to 60"),
    ],
)
def test_the_journal_refuses_what_it_does_not_know(
    control: Control, query: str, named: str
) -> None:
    assert named in control.error("GET", "/requests", query=query, status=400)


def test_an_outbox_filters_by_number_status_api_text_and_time(control: Control) -> None:
    def ids(query: str) -> list[int]:
        return [m["id"] for m in control.get(f"/accounts/{USER}/messages", query=query)["messages"]]

    assert ids(f"number={N2}") == [2]
    assert ids("status=DELIVERED") == [1, 2]
    assert ids("status=sent") == [3]
    assert ids("status=DELIVERED,SENT&limit=2") == [2, 3]
    assert ids("api=rest") == [3]
    assert ids("text=SEC") == [3]
    assert ids("since=2025-01-01T08:00:01%2B02:00") == [3]
    assert "status 'LOST' is not one of" in control.error(
        "GET", f"/accounts/{USER}/messages", query="status=LOST", status=400
    )
    assert "unknown parameter 'numbers'" in control.error(
        "GET", f"/accounts/{USER}/messages", query=f"numbers={N1}", status=400
    )


def test_one_message_is_read_under_its_account_and_only_there(control: Control) -> None:
    assert control.get(f"/accounts/{USER}/messages/3")["number"] == N3
    control.add_account("shop")
    assert (
        control.error("GET", "/accounts/shop/messages/3", status=404)
        == "message 3 is not one of shop's"
    )
    assert (
        control.error("GET", f"/accounts/{USER}/messages/99", status=404) == "no message with ID 99"
    )


def test_replies_filter_by_number_returned_and_opt_out(control: Control) -> None:
    control.reply(N1, "thanks")
    control.reply(N3, "STOP")
    replies = f"/accounts/{USER}/replies"
    assert [r["from"] for r in control.get(replies, query="opt_out=true")["replies"]] == [N3]
    assert [r["from"] for r in control.get(replies, query=f"number={N1}")["replies"]] == [N1]
    assert len(control.get(replies, query="returned=false")["replies"]) == 2
    assert control.get(replies, query="returned=true")["replies"] == []


def test_a_key_is_never_needed_to_search(control: Control) -> None:
    assert KEY not in str(control.get("/requests", query="status=401"))
