"""Saving and restoring the whole emulator: ``GET`` and ``PUT /_emulator/state``."""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

import pytest
from control_helpers import N1, N2, N3, N4, START, USER, Control, make_control
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

#: The listings that show a restored emulator is the same as the one it was saved from.
LISTINGS = [
    "/accounts",
    "/accounts/hpotter/messages",
    "/accounts/hpotter/replies",
    "/accounts/hpotter/opt-outs",
    "/accounts/shop/messages",
    "/accounts/shop/replies",
    "/accounts/shop/short-code-messages",
    "/accounts/shop-promos/messages",
    "/dnc",
    "/blacklist",
    "/outcomes",
    "/faults",
    "/clock",
]


def _rich_world(control: Control) -> None:
    """A bit of everything the state holds."""
    control.add_account("shop", credits=40, short_codes=["42001"], price_per_part=0.35)
    control.add_account("shop-promos", parent="shop", rest_dialect="current", own_numbers=[N1])
    control.post(
        "/outcomes",
        {"number": N4, "status": "SENDINGFAILED", "status_code": 101, "after_seconds": 30},
    )
    control.xml_send("XML hello", N1, N2)  # 1, 2
    control.rest_send("REST ✓ hello", N3, key="shop-key")  # 3 (UCS-2)
    [queued] = control.xml_send("tomorrow", N1, scheduled="202501021200")  # 4: stays queued
    [deleted] = control.xml_send("never", N2, scheduled="202501021300")  # 5: deleted
    control.rest_send("will fail", N4)  # 6: SENDINGFAILED after 30 s
    control.rest_send("from the sub-account", N1, key="shop-promos-key")  # 7
    control.advance(10)  # 1, 2, 3 and 7 delivered
    assert control.xml_delete(int(deleted)) == ["DELETED"]
    control.reply(N1, "STOP")  # opts N1 out of shop-promos (who texted it last): 8 confirms
    control.reply(N2, "thanks")
    control.reply(N3, "who is this?")
    control.xml_replies()  # hpotter's reply from N2 is returned
    control.reply(N2, "still there?")  # pending
    control.short_code_message("42001", N1, "Enrol me")
    control.post(f"/accounts/{USER}/opt-outs", {"number": "27825550111"})
    control.post("/dnc", {"number": "27825550303"})
    control.post("/blacklist", {"number": "27825550404"})
    control.add_fault(kind="http_error", status=429, api="rest", account="shop", times=3)
    control.add_fault(kind="latency", seconds=0.1, api="xml", probability=0.25)
    control.rest("GET", "/credits/balance", key="shop-key")  # one hit of the 429 fault
    control.patch("/accounts/shop", {"locked": True, "first_name": "Diagon"})
    control.advance(30)
    assert int(queued) == 4


@cache
def _rich_state() -> str:
    control = make_control()
    _rich_world(control)
    return json.dumps(control.state())


def rich_state() -> dict[str, Any]:
    state: dict[str, Any] = json.loads(_rich_state())
    return state


def test_the_rich_world_holds_what_it_should() -> None:
    state = rich_state()
    assert [a["username"] for a in state["accounts"]] == [USER, "shop", "shop-promos"]
    outbox = {m["id"]: m for m in state["messages"]}
    assert sorted(outbox) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert outbox[5]["deleted_at"] is not None and outbox[4]["scheduled"] is True
    assert [r["returned_at"] is not None for r in state["replies"]] == [False, True, False, False]
    assert state["faults"]["rules"][0]["hits"] == 1


def test_a_saved_state_restored_into_a_fresh_emulator_exports_the_same() -> None:
    saved = rich_state()
    fresh = make_control()
    answer = fresh.put("/state", saved)
    assert answer == {
        "status": "restored",
        "clock": {"now": "2025-01-01T08:00:40+02:00", "mode": "manual"},
    }
    assert fresh.state() == saved


def test_a_restored_emulator_answers_every_listing_as_the_saved_one() -> None:
    original = make_control()
    _rich_world(original)
    restored = make_control()
    restored.put("/state", original.state())
    for path in LISTINGS:
        assert restored.get(path) == original.get(path), path
    for message_id in range(1, 9):
        assert restored.get(f"/messages/{message_id}") == original.get(f"/messages/{message_id}")


def test_a_restored_emulator_goes_on_exactly_as_the_saved_one() -> None:
    original = make_control()
    _rich_world(original)
    restored = make_control()
    restored.put("/state", original.state())
    for control in (original, restored):
        control.advance(86_400)
        control.rest_send("next", "27825550777", key="hpotter-api-key")
        control.reply(N2, "again")
        control.xml_replies()
    # the journal is not saved: the restored one numbers its requests above every request
    # the saved messages name, and the new message names its own request
    saved_ids = {m["request_id"] for m in original.outbox()[:-1]} - {None}
    sent = restored.outbox()[-1]
    assert sent["request_id"] > max(saved_ids)
    sending = [e for e in restored.journal() if e["operation"] == "send"]
    assert sent["request_id"] == sending[-1]["id"]
    assert _without_request_ids(restored.state()) == _without_request_ids(original.state())
    assert sent["id"] == 9


def _without_request_ids(state: dict[str, Any]) -> dict[str, Any]:
    for item in (*state["messages"], *state["refused"]):
        item.pop("request_id")
    return state


def test_restoring_into_the_same_emulator_undoes_later_changes() -> None:
    control = make_control()
    _rich_world(control)
    saved = control.state()
    control.xml_send("after the save", N1)
    control.post("/dnc", {"number": N1})
    control.advance(99)
    control.put("/state", saved)
    assert control.state() == saved


def test_a_restore_does_not_change_what_reset_goes_back_to() -> None:
    control = make_control()
    start = control.state()
    control.put("/state", rich_state())
    control.reset()
    assert control.state() == start


def test_the_state_document_has_every_top_level_key() -> None:
    state = make_control().state()
    assert state["format"] == "winsms-emulator-state"
    assert state["version"] == 1
    assert state["clock"] == {"mode": "manual", "now": START, "start": START}
    assert state["accounts"][0]["credits"] == "1000.0"  # amounts are exact decimal strings


# -- states that do not hold together ------------------------------------------------------------


def _broken(change: str) -> dict[str, Any]:
    state = rich_state()
    if change == "message of an unknown account":
        state["messages"][0]["account"] = "nobody"
    elif change == "duplicate username":
        state["accounts"].append({**state["accounts"][1], "api_key": "other", "account_number": 9})
    elif change == "two accounts share an API key":
        state["accounts"][1]["api_key"] = state["accounts"][0]["api_key"]
    elif change == "a sub-account of an unknown main account":
        state["accounts"][2]["parent"] = "nobody"
    elif change == "the same message ID twice":
        state["messages"][1]["id"] = state["messages"][0]["id"]
    elif change == "message ID 0":
        state["messages"][0]["id"] = 0
    elif change == "a reply of an unknown account":
        state["replies"][0]["account"] = "nobody"
    elif change == "a short-code message of an unknown account":
        state["short_code_messages"][0]["account"] = "nobody"
    elif change == "credits in words":
        state["accounts"][0]["credits"] = "lots"
    elif change == "credits true":
        state["accounts"][0]["credits"] = True
    elif change == "trial as a string":
        state["accounts"][0]["trial"] = "yes"
    elif change == "messages not a list":
        state["messages"] = {"1": state["messages"][0]}
    elif change == "message ID as a string":
        state["messages"][0]["id"] = "1"
    elif change == "a time without its offset":
        state["messages"][0]["submitted_at"] = "2025-01-01T08:00:00"
    elif change == "a time that is no time":
        state["replies"][0]["received_at"] = "yesterday"
    elif change == "an unknown delivery status":
        state["outcomes"][N4]["status"] = "LOST"
    elif change == "an unknown fault kind":
        state["faults"]["rules"][0]["kind"] = "boom"
    elif change == "another format":
        state["format"] = "something-else"
    elif change == "version 2":
        state["version"] = 2
    elif change == "an unknown rest dialect":
        state["accounts"][0]["rest_dialect"] = "v3"
    elif change == "own numbers not strings":
        state["accounts"][0]["own_numbers"] = [27825550101]
    elif change == "an account that is not an object":
        state["accounts"][0] = "hpotter"
    elif change == "the clock's time not a string":
        state["clock"]["now"] = 1735711200
    # states the emulator would never produce, which it must still refuse cleanly
    elif change == "an outcome delay beyond any date":
        state["outcomes"][N4]["after_seconds"] = 1e300
    elif change == "a clock past the last time a manual clock may show":
        state["clock"]["now"] = "9999-12-31T23:59:59+00:00"
    elif change == "a latency fault of a million seconds":
        state["faults"]["rules"][1]["seconds"] = 1e6
    elif change == "an http_error fault with status 200":
        state["faults"]["rules"][0]["status"] = 200
    elif change == "a message's delivery delay before any date":
        state["messages"][2]["outcome"]["after_seconds"] = -63_871_308_001
    elif change == "own numbers that are not digits":
        state["accounts"][1]["own_numbers"] = [""]
    elif change == "a negative message cost":
        state["messages"][5]["cost"] = -1
    elif change == "negative credits":
        state["accounts"][0]["credits"] = "-5.0"
    elif change == "a delivery delay beyond any date":
        state["accounts"][0]["delivery_delay_seconds"] = 1e300
    else:
        raise AssertionError(change)
    return state


BROKEN = [
    "message of an unknown account",
    "duplicate username",
    "two accounts share an API key",
    "a sub-account of an unknown main account",
    "the same message ID twice",
    "message ID 0",
    "a reply of an unknown account",
    "a short-code message of an unknown account",
    "credits in words",
    "credits true",
    "trial as a string",
    "messages not a list",
    "message ID as a string",
    "a time without its offset",
    "a time that is no time",
    "an unknown delivery status",
    "an unknown fault kind",
    "another format",
    "version 2",
    "an unknown rest dialect",
    "own numbers not strings",
    "an account that is not an object",
    "the clock's time not a string",
    "an outcome delay beyond any date",
    "a clock past the last time a manual clock may show",
    "a latency fault of a million seconds",
    "an http_error fault with status 200",
    "a delivery delay beyond any date",
    "a message's delivery delay before any date",
    "own numbers that are not digits",
    "a negative message cost",
    "negative credits",
]


@pytest.mark.parametrize("change", BROKEN)
def test_a_state_that_does_not_hold_together_is_400_and_changes_nothing(change: str) -> None:
    control = make_control()
    control.xml_send("before", N1)
    before = control.state()
    error = control.error("PUT", "/state", _broken(change), status=400)
    assert error.startswith("state")
    assert control.state() == before
    assert control.get("/clock")["now"] == START


# -- whatever a state holds, a PUT is 200 or 400 and the emulator goes on -------------------------


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here] if here else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*here, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*here, index))
    return found


_REPLACEMENTS = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([10**400, -1, 0, 1e300, -1e300, 2**63])
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(
        [
            "",
            "nobody",
            START,
            "9999-12-31T23:59:59+00:00",
            "0001-01-01T00:00:00+14:00",
            "DELIVERED",
            "latency",
            "1e400",
            "12abc",
        ]
    ),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_state_with_any_one_value_changed_is_restored_or_refused(data: st.DataObject) -> None:
    state = rich_state()
    paths = _paths(state)
    for _ in range(data.draw(st.integers(1, 3), label="changes")):
        where = data.draw(st.sampled_from(paths), label="where")
        target = state
        try:
            for step in where[:-1]:
                target = target[step]
            target[where[-1]] = data.draw(_REPLACEMENTS, label="value")
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed this place
    control = make_control()
    before = control.state()
    answer = control.call("PUT", "/state", copy.deepcopy(state))
    assert answer.status in (200, 400)
    if answer.status == 400:
        assert control.state() == before
    # whatever was restored, the emulator still answers
    control.get("/clock")
    control.state()
    for account in control.get("/accounts")["accounts"]:
        control.outbox(account["username"])
        control.replies(account["username"])


# -- a document must be a whole state --------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "named"),
    [
        ({}, "no accounts, blacklist, clock"),
        ({"foo": 1}, "unknown field(s): foo"),
        ({"version": 99}, "no accounts"),
    ],
)
def test_a_document_that_is_not_a_whole_state_is_400_naming_what_is_wrong_and_changes_nothing(
    document: dict[str, Any], named: str
) -> None:
    control = make_control()
    control.xml_send("kept", N1)
    before = control.state()
    assert named in control.error("PUT", "/state", document, status=400)
    assert control.state() == before
    assert [a["username"] for a in control.get("/accounts")["accounts"]] == [USER]


def test_a_field_the_state_document_does_not_have_is_refused_wherever_it_is() -> None:
    control = make_control()
    document = control.state()
    document["accounts"][0]["nickname"] = "Harry"
    assert "unknown field(s): nickname" in control.error("PUT", "/state", document, status=400)


def test_without_origins_each_account_resets_to_itself_as_restored_not_as_it_is_later() -> None:
    control = make_control()
    document = control.state()
    del document["origins"]
    control.put("/state", document)
    control.xml_send("costs one credit", N1)
    assert control.account()["credits"] == 999.0
    control.post(f"/accounts/{USER}/reset", status=200)
    assert control.account()["credits"] == 1000.0
