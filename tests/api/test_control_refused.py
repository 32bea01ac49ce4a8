"""Refused recipients: ``GET /_emulator/accounts/<user>/refused`` and ``Emulator.refused``.

Every recipient a send did not turn into a message is recorded with its number, text,
reason, API and request (the journal entry's ``id``), and so is a scheduled message
refused when it falls due. Answers are checked against the control plane's document by
:class:`control_helpers.Control`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from control_helpers import KEY, N1, N2, N3, START, USER, Control, make_control

from winsms_emulator import Emulator
from winsms_emulator.domain import world as world_module

#: A text of seven GSM parts: more than any send allows.
TOO_LONG = "x" * (153 * 6 + 1)
TOMORROW = "202501020800"


@pytest.fixture
def control() -> Control:
    return make_control()


def refused(control: Control, user: str = USER) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = control.get(f"/accounts/{user}/refused")["refused"]
    return found


def journal_id(control: Control, path_part: str) -> int:
    [entry] = [e for e in control.journal() if path_part in e["path"]]
    found: int = entry["id"]
    return found


def test_an_accepted_recipient_leaves_no_refusal(control: Control) -> None:
    control.xml_send("hello", N1)
    assert refused(control) == []


def test_a_bad_number_is_recorded_with_its_text_reason_api_request_and_time(
    control: Control,
) -> None:
    control.advance(5)
    assert control.xml_send("Order 42", N1, "12345") == ["1", "FAIL:BADDEST"]
    assert refused(control) == [
        {
            "account": USER,
            "number": "12345",
            "text": "Order 42",
            "reason": "BADDEST",
            "description": "An invalid mobile number, or a blacklisted recipient",
            "status_code": 214,
            "api": "xml",
            "request_id": journal_id(control, "xmlsendsmsmulti"),
            "at": "2025-01-01T08:00:05+02:00",
            "stage": "send",
            "message_id": None,
            "client_message_id": None,
        }
    ]


def test_every_send_rule_that_refuses_leaves_its_reason(control: Control) -> None:
    control.add_account("trial", trial=True, own_numbers=[N1], credits=1)
    control.post("/accounts/trial/opt-outs", {"number": N1})
    control.post("/dnc", {"number": N3})
    control.post(f"/accounts/{USER}/opt-outs", {"number": N2})
    control.xml_send("hi", N1, N2, N3, "27825550199", "x1")  # N2 opted out, N3 on the DNC
    control.xml_send(TOO_LONG, N1)
    control.xml_send("hi", N2, user="trial", password="pw")  # not its own number
    control.xml_send("hi", N1, user="trial", password="pw")  # N1 opted out of trial
    control.patch("/accounts/trial", {"credits": 0})
    control.delete(f"/accounts/trial/opt-outs/{N1}")
    control.xml_send("hi", N1, user="trial", password="pw")  # no credits left
    control.patch(f"/accounts/{USER}", {"locked": True})
    control.xml_send("hi", N1)
    assert [(r["number"], r["reason"]) for r in refused(control)] == [
        (N2, "OPTEDOUT"),
        (N3, "WASPADNC"),
        ("x1", "BADDEST"),
        (N1, "TOOLONG"),
        (N1, "ACCOUNTLOCKED"),
    ]
    assert [(r["number"], r["reason"]) for r in refused(control, "trial")] == [
        (N2, "TRIALNOT2SELF"),
        (N1, "OPTEDOUT"),
        (N1, "NOCREDITS"),
    ]


def test_each_api_names_itself_and_its_request(control: Control) -> None:
    control.xml_send("by xml", "1")
    control.rest_send("by rest", "2")
    answer = control.client.get(
        "/api/batchmessage.asp",
        query_string={"user": USER, "password": "w1Zard", "message": "by http", "numbers": "3"},
    )
    assert answer.get_data(as_text=True) == "3=FAIL:BADDEST;"
    found = refused(control)
    assert [(r["number"], r["text"], r["api"]) for r in found] == [
        ("1", "by xml", "xml"),
        ("2", "by rest", "rest"),
        ("3", "by http", "http"),
    ]
    journal = {e["id"]: e for e in control.journal()}
    assert [journal[r["request_id"]]["api"] for r in found] == ["xml", "rest", "http"]
    assert len({r["request_id"] for r in found}) == 3


def test_a_recipient_with_no_number_or_a_send_with_no_text_is_recorded(
    control: Control,
) -> None:
    assert control.xml_send(" ", N1) == ["FAIL:NO MESSAGE"]
    assert control.xml_send("hi", " ") == ["FAIL:NO NUMBER"]
    assert [(r["number"], r["text"], r["reason"]) for r in refused(control)] == [
        (N1, " ", "NO MESSAGE"),
        ("", "hi", "NO NUMBER"),
    ]


def test_a_scheduled_message_refused_when_it_falls_due_is_recorded_then(
    control: Control,
) -> None:
    [message_id] = control.xml_send("tomorrow", N1, scheduled=TOMORROW)
    control.post(f"/accounts/{USER}/opt-outs", {"number": N1})
    assert refused(control) == []
    control.advance(86_400)
    [late] = refused(control)
    assert late["stage"] == "dispatch"
    assert late["message_id"] == int(message_id)
    assert (late["reason"], late["status_code"]) == ("OPTEDOUT", 212)
    assert late["at"] == "2025-01-02T08:00:00+02:00"
    assert late["request_id"] == journal_id(control, "xmlsendsmsmulti")
    [message] = control.outbox()
    assert message["request_id"] == late["request_id"]
    assert message["status_code"] == 212


def test_an_unknown_account_is_404(control: Control) -> None:
    answer = control.error("GET", "/accounts/nobody/refused", status=404)
    assert answer == "no account named 'nobody'"


def test_a_reset_forgets_them_and_an_account_reset_only_its_own(control: Control) -> None:
    control.add_account("shop", credits=10)
    control.xml_send("hi", "1")
    control.xml_send("hi", "2", user="shop", password="pw")
    control.post("/accounts/shop/reset", status=200)
    assert refused(control, "shop") == []
    assert len(refused(control)) == 1
    control.reset()
    assert refused(control) == []


def test_a_saved_state_keeps_them_and_a_restore_numbers_requests_above_theirs(
    control: Control,
) -> None:
    control.xml_send("hi", "1")
    saved = control.state()
    assert [r["number"] for r in saved["refused"]] == ["1"]
    restored = make_control()
    restored.put("/state", saved)
    [back] = refused(restored)
    assert back == refused(control)[0]
    restored.xml_send("again", "2")
    newest = refused(restored)[-1]
    assert newest["request_id"] > back["request_id"]
    assert newest["request_id"] == restored.journal()[-1]["id"]


def test_a_state_without_refusals_restores_none(control: Control) -> None:
    control.xml_send("hi", "1")
    saved = control.state()
    del saved["refused"]
    control.put("/state", saved)
    assert refused(control) == []


def test_a_saved_refusal_with_an_unknown_reason_is_refused(control: Control) -> None:
    control.xml_send("hi", "1")
    saved = control.state()
    saved["refused"][0]["reason"] = "LOST"
    assert control.error("PUT", "/state", saved, status=400).startswith(
        "state: state.refused[0].reason must be one of ACCOUNTLOCKED"
    )


def test_an_account_keeps_only_its_newest(
    control: Control, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(world_module, "MAX_REFUSALS_PER_ACCOUNT", 3)
    control.xml_send("hi", *(str(n) for n in range(1, 6)))
    assert [r["number"] for r in refused(control)] == ["3", "4", "5"]


def test_the_python_api_reads_the_same() -> None:
    with Emulator(clock="manual") as emulator:
        client = emulator.client()
        client.post(
            "/api/rest/v1/sms/outgoing/send",
            headers={"Authorization": KEY},
            json={"message": "hi", "mobileNumbers": [{"mobileNumber": "123"}]},
        )
        [found] = emulator.refused(USER)
        assert (found["number"], found["reason"], found["api"]) == ("123", "BADDEST", "rest")
        assert found["at"] == START
        assert found["request_id"] == emulator.journal()[-1]["id"]


def test_the_readmes_example_prints_what_it_says(capsys: pytest.CaptureFixture[str]) -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("**Refused recipients.**") :]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(example, "README.md", "exec"), {})
    promised = [line[2:] for line in example.splitlines() if line.startswith("# ")]
    assert capsys.readouterr().out.splitlines() == promised
