"""The control plane's endpoints when they succeed, and what they do to sends.

Every answer is checked against ``schemas/control-plane.openapi.json`` by
:class:`control_helpers.Control`.
"""

from __future__ import annotations

import pytest
from control_helpers import (
    DOC,
    N1,
    N2,
    N3,
    START,
    USER,
    Control,
    make_control,
)

from winsms_emulator import EmulatorConfig, __version__


@pytest.fixture
def control() -> Control:
    return make_control()


# -- health, readiness, the document --------------------------------------------------------


def test_health_answers_ok_with_the_package_version(control: Control) -> None:
    assert control.get("/health") == {"status": "ok", "version": __version__}


def test_ready_counts_the_loaded_accounts_and_xml_schemas(control: Control) -> None:
    control.add_account("shop")
    assert control.get("/ready") == {"status": "ready", "accounts": 2, "schemas": 10}


def test_the_control_plane_serves_its_own_openapi_document(control: Control) -> None:
    assert control.get("/openapi.json") == DOC


# -- accounts -----------------------------------------------------------------------------------


def test_a_new_account_gets_every_default_and_the_next_account_number(control: Control) -> None:
    created = control.post("/accounts", {"username": "shop", "password": "pw", "api_key": "k"})
    assert created == {
        "username": "shop",
        "password": "pw",
        "api_key": "k",
        "credits": 1000.0,
        "trial": False,
        "own_numbers": [],
        "locked": False,
        "dnc_bypass": False,
        "price_per_part": 1.0,
        "prices": {"": 1.0},
        "delivery_delay_seconds": 2.0,
        "short_codes": [],
        "rest_dialect": "seed",
        "parent": None,
        "account_number": 10002,
        "first_name": "",
        "surname": "",
        "opt_outs": [],
        "webhooks": {"reply_url": None, "delivery_url": None, "enabled": True},
    }
    assert control.account("shop") == created


def test_a_new_account_keeps_every_field_it_is_given(control: Control) -> None:
    fields = {
        "username": "shop",
        "password": "pw",
        "api_key": "shop-key",
        "credits": 12.5,
        "trial": True,
        "own_numbers": [N1],
        "locked": True,
        "dnc_bypass": True,
        "price_per_part": 0.35,
        "delivery_delay_seconds": 30,
        "short_codes": ["42001"],
        "rest_dialect": "current",
        "account_number": 777,
        "first_name": "Harry",
        "surname": "Potter",
        "webhooks": {
            "reply_url": "https://hooks.example/replies?shop=1",
            "delivery_url": "http://127.0.0.1:8001/reports",
            "enabled": False,
        },
    }
    created = control.post("/accounts", fields)
    assert created == {
        **fields,
        "prices": {"": 0.35},
        "delivery_delay_seconds": 30.0,
        "parent": None,
        "opt_outs": [],
    }


def test_a_sub_account_names_its_main_account(control: Control) -> None:
    sub = control.add_account("shop-promos", parent=USER)
    assert (sub["parent"], sub["account_number"]) == (USER, 10002)


def test_accounts_are_listed_in_load_then_creation_order(control: Control) -> None:
    control.add_account("b-shop")
    control.add_account("a-shop")
    listed = control.get("/accounts")["accounts"]
    assert [a["username"] for a in listed] == [USER, "b-shop", "a-shop"]
    assert listed[1] == control.account("b-shop")


def test_a_new_account_can_send_over_xml_and_rest_at_once(control: Control) -> None:
    control.add_account("shop", credits=5)
    assert control.xml_send("hi", N1, user="shop", password="pw") == ["1"]
    [sent] = control.rest_send("hi", N2, key="shop-key")
    assert (sent["accepted"], sent["serverMessageId"]) == (True, 2)
    assert control.credits("shop") == 3.0


def test_patch_changes_only_the_fields_given(control: Control) -> None:
    before = control.account()
    after = control.patch(f"/accounts/{USER}", {"credits": 5, "first_name": "Harry"})
    assert after == {**before, "credits": 5.0, "first_name": "Harry"}
    assert control.account() == after


def test_credits_set_by_patch_are_the_balance_rest_reports(control: Control) -> None:
    control.patch(f"/accounts/{USER}", {"credits": 2.5})
    status, body = control.rest("GET", "/credits/balance")
    assert (status, body["creditBalance"]) == (200, 2.5)


def test_a_locked_account_gets_accountlocked_over_xml_and_rest(control: Control) -> None:
    control.patch(f"/accounts/{USER}", {"locked": True})
    assert control.xml_send("hi", N1) == ["ACCOUNTLOCKED"]
    assert control.rest_send("hi", N1)[0]["acceptError"] == "ACCOUNTLOCKED"
    control.patch(f"/accounts/{USER}", {"locked": False})
    assert control.xml_send("hi", N1) == ["1"]  # refused sends took no ID


def test_a_trial_account_may_text_only_its_own_numbers(control: Control) -> None:
    control.patch(f"/accounts/{USER}", {"trial": True, "own_numbers": [N1]})
    assert control.xml_send("hi", N1, N2) == ["1", "FAIL:TRIALNOT2SELF"]
    assert [m["acceptError"] for m in control.rest_send("hi", N2, N1)] == ["TRIALNOT2SELF", ""]


# -- messages -------------------------------------------------------------------------------


def test_the_outbox_shows_a_message_with_its_state_timeline_and_cost(control: Control) -> None:
    control.xml_send("Order 42 shipped", N1)
    [message] = control.outbox()
    assert message == {
        "id": 1,
        "account": USER,
        "number": N1,
        "message": "Order 42 shipped",
        "client_message_id": None,
        "api": "xml",
        "encoding": "GSM",
        "length": 16,
        "parts": 1,
        "cost": 1.0,
        "submitted_at": START,
        "scheduled_for": None,
        "deleted_at": None,
        "status": "SENT",
        "status_code": 105,
        "status_time": START,
        "request_id": control.journal()[0]["id"],
        "timeline": [
            {"at": START, "event": "dispatched", "status": "SENT", "status_code": 105},
        ],
    }


def test_a_message_is_delivered_after_the_accounts_delay(control: Control) -> None:
    control.rest_send("hi", N1)
    control.advance(1.999)
    assert control.outbox()[0]["status"] == "SENT"
    control.advance(0.001)
    [message] = control.outbox()
    assert (message["api"], message["status"], message["status_code"]) == ("rest", "DELIVERED", 0)
    assert message["status_time"] == "2025-01-01T08:00:02+02:00"
    assert [e["event"] for e in message["timeline"]] == ["dispatched", "delivered"]
    assert message["timeline"][1] == {
        "at": "2025-01-01T08:00:02+02:00",
        "event": "delivered",
        "status": "DELIVERED",
        "status_code": 0,
    }


def test_one_message_by_id_is_its_outbox_entry(control: Control) -> None:
    control.xml_send("first", N1)
    control.xml_send("second", N2)
    assert control.get("/messages/2") == control.outbox()[1]


def test_a_scheduled_message_is_queued_until_its_time(control: Control) -> None:
    [message_id] = control.xml_send("later", N1, scheduled="202501011000")
    [queued] = control.outbox()
    assert queued["id"] == int(message_id)
    assert (queued["status"], queued["status_code"]) == ("NOTFOUND", -1)
    assert queued["scheduled_for"] == "2025-01-01T10:00:00+02:00"
    assert [e["event"] for e in queued["timeline"]] == ["queued"]
    control.post("/clock", {"now": "2025-01-01T10:00:00+02:00"}, status=200)
    [sent] = control.outbox()
    assert (sent["status"], sent["status_time"]) == ("SENT", "2025-01-01T10:00:00+02:00")
    assert [e["event"] for e in sent["timeline"]] == ["queued", "dispatched"]


def test_a_deleted_message_shows_when_it_was_deleted(control: Control) -> None:
    [message_id] = control.xml_send("later", N1, scheduled="202501011000")
    control.advance(60)
    assert control.xml_delete(int(message_id)) == ["DELETED"]
    [deleted] = control.outbox()
    assert deleted["deleted_at"] == "2025-01-01T08:01:00+02:00"
    assert (deleted["status"], deleted["status_code"]) == ("NOTFOUND", -2)
    assert [e["event"] for e in deleted["timeline"]] == ["queued", "deleted"]
    assert control.credits() == 1000.0


# -- replies and short codes -----------------------------------------------------------------------


def test_a_reply_goes_to_the_account_that_last_texted_the_number(control: Control) -> None:
    control.add_account("shop")
    control.xml_send("from hpotter", N1)
    [shop_id] = control.xml_send("from shop", N1, user="shop", password="pw")
    reply = control.reply(N1, "Thanks")
    assert reply == {
        "id": 1,
        "account": "shop",
        "from": N1,
        "message": "Thanks",
        "received_at": START,
        "sent_message_id": int(shop_id),
        "opt_out": False,
        "returned": False,
        "returned_at": None,
    }
    assert control.replies("shop") == [reply]
    assert control.replies(USER) == []


def test_a_reply_shows_as_returned_once_an_api_fetched_it(control: Control) -> None:
    control.xml_send("hi", N1)
    control.reply(N1, "Thanks")
    control.advance(30)
    assert control.xml_replies() == ["Thanks"]
    [reply] = control.replies()
    assert (reply["returned"], reply["returned_at"]) == (True, "2025-01-01T08:00:30+02:00")
    assert control.xml_replies() == []


def test_a_stop_reply_opts_out_and_sends_a_free_confirmation(control: Control) -> None:
    control.xml_send("hi", N1)
    reply = control.reply(N1, " stop ")
    assert reply["opt_out"] is True
    assert control.get(f"/accounts/{USER}/opt-outs")["opt_outs"] == [
        {"number": N1, "at": START, "source": "reply", "reply_id": reply["id"], "message": " stop "}
    ]
    confirmation = control.outbox()[1]
    assert (confirmation["api"], confirmation["cost"], confirmation["number"]) == (
        "optout-confirmation",
        0.0,
        N1,
    )
    assert control.credits() == 999.0
    assert control.account()["opt_outs"] == control.get(f"/accounts/{USER}/opt-outs")["opt_outs"]


def test_a_short_code_message_goes_to_the_codes_owner(control: Control) -> None:
    control.add_account("shop", short_codes=["42001"])
    message = control.short_code_message("42001", N1, "Enrol me")
    assert message == {
        "id": 1,
        "account": "shop",
        "code": "42001",
        "from": N1,
        "message": "Enrol me",
        "received_at": START,
        "returned": False,
        "returned_at": None,
    }
    assert control.short_code_messages("shop") == [message]
    assert control.short_code_messages(USER) == []


# -- opt-outs, DNC, blacklist and their effect on sends -------------------------------------------


def test_a_manual_opt_out_sends_no_confirmation_and_blocks_sends(control: Control) -> None:
    opt_out = control.post(f"/accounts/{USER}/opt-outs", {"number": N1})
    assert opt_out == {
        "number": N1,
        "at": START,
        "source": "manual",
        "reply_id": None,
        "message": None,
    }
    assert control.get(f"/accounts/{USER}/opt-outs") == {"opt_outs": [opt_out]}
    assert control.outbox() == []
    assert control.xml_send("hi", N1, N2) == ["FAIL:OPTEDOUT", "1"]
    assert control.rest_send("hi", N1)[0]["acceptError"] == "OPTEDOUT"


def test_an_opt_out_added_twice_keeps_the_first(control: Control) -> None:
    first = control.post(f"/accounts/{USER}/opt-outs", {"number": N1})
    control.advance(10)
    assert control.post(f"/accounts/{USER}/opt-outs", {"number": N1}) == first
    assert len(control.get(f"/accounts/{USER}/opt-outs")["opt_outs"]) == 1


def test_an_opt_out_is_of_one_account_only(control: Control) -> None:
    control.add_account("shop")
    control.post(f"/accounts/{USER}/opt-outs", {"number": N1})
    assert control.xml_send("hi", N1, user="shop", password="pw") == ["1"]


def test_removing_an_opt_out_lets_sends_through_again(control: Control) -> None:
    control.post(f"/accounts/{USER}/opt-outs", {"number": N1})
    control.delete(f"/accounts/{USER}/opt-outs/{N1}")
    assert control.get(f"/accounts/{USER}/opt-outs") == {"opt_outs": []}
    assert control.xml_send("hi", N1) == ["1"]


def test_a_dnc_number_gets_waspadnc_unless_the_account_may_bypass(control: Control) -> None:
    assert control.post("/dnc", {"number": N2}) == {"number": N2}
    control.post("/dnc", {"number": N1})
    assert control.get("/dnc") == {"numbers": [N1, N2]}
    assert control.xml_send("hi", N1, N3) == ["FAIL:WASPADNC", "1"]
    assert control.rest_send("hi", N2)[0]["acceptError"] == "WASPADNC"
    control.add_account("bank", dnc_bypass=True)
    assert control.xml_send("otp", N1, user="bank", password="pw") == ["2"]


def test_a_number_taken_off_the_dnc_list_can_be_texted(control: Control) -> None:
    control.post("/dnc", {"number": N1})
    control.delete(f"/dnc/{N1}")
    assert control.get("/dnc") == {"numbers": []}
    assert control.rest_send("hi", N1)[0]["accepted"] is True


def test_a_blacklisted_number_gets_baddest_over_xml_and_rest(control: Control) -> None:
    assert control.post("/blacklist", {"number": N1}) == {"number": N1}
    assert control.get("/blacklist") == {"numbers": [N1]}
    assert control.xml_send("hi", N1, N2) == ["FAIL:BADDEST", "1"]
    assert control.rest_send("hi", N1)[0]["acceptError"] == "BADDEST"
    control.delete(f"/blacklist/{N1}")
    assert control.get("/blacklist") == {"numbers": []}
    assert control.xml_send("hi", N1) == ["2"]


def test_adding_a_listed_number_again_keeps_one_entry(control: Control) -> None:
    control.post("/dnc", {"number": N1})
    control.post("/dnc", {"number": N1})
    control.post("/blacklist", {"number": N1})
    control.post("/blacklist", {"number": N1})
    assert control.get("/dnc") == control.get("/blacklist") == {"numbers": [N1]}


# -- scripted outcomes -----------------------------------------------------------------------


def test_a_scripted_failure_is_what_later_messages_to_the_number_end_in(control: Control) -> None:
    control.xml_send("before", N1)
    outcome = control.post(
        "/outcomes",
        {"number": N1, "status": "SENDINGFAILED", "status_code": 101, "after_seconds": 5},
    )
    assert outcome == {
        "number": N1,
        "status": "SENDINGFAILED",
        "status_code": 101,
        "after_seconds": 5.0,
    }
    assert control.get("/outcomes") == {"outcomes": [outcome]}
    control.rest_send("after", N1)
    control.advance(5)
    before, after = control.outbox()
    assert (before["status"], before["status_code"]) == ("DELIVERED", 0)
    assert (after["status"], after["status_code"]) == ("SENDINGFAILED", 101)
    assert after["timeline"][-1] == {
        "at": "2025-01-01T08:00:05+02:00",
        "event": "failed",
        "status": "SENDINGFAILED",
        "status_code": 101,
    }


def test_an_outcome_without_after_seconds_is_final_at_dispatch(control: Control) -> None:
    outcome = control.post("/outcomes", {"number": N1, "status": "SENT", "status_code": 106})
    assert outcome["after_seconds"] == 0.0
    control.xml_send("hi", N1)
    assert (control.outbox()[0]["status"], control.outbox()[0]["status_code"]) == ("SENT", 106)


def test_outcomes_are_listed_by_number(control: Control) -> None:
    control.post("/outcomes", {"number": N2, "status": "DELIVERED", "status_code": 0})
    control.post("/outcomes", {"number": N1, "status": "SENT", "status_code": 100})
    assert [o["number"] for o in control.get("/outcomes")["outcomes"]] == [N1, N2]


def test_a_cleared_outcome_lets_delivery_go_back_to_normal(control: Control) -> None:
    control.post("/outcomes", {"number": N1, "status": "SENDINGFAILED", "status_code": 101})
    control.delete(f"/outcomes/{N1}")
    assert control.get("/outcomes") == {"outcomes": []}
    control.xml_send("hi", N1)
    control.advance(2)
    assert control.outbox()[0]["status"] == "DELIVERED"


# -- the clock -----------------------------------------------------------------------------------


def test_the_manual_clock_starts_at_eight_sast_on_new_years_day(control: Control) -> None:
    assert control.get("/clock") == {"now": START, "mode": "manual"}


def test_the_clock_advances_by_seconds_and_jumps_to_a_time(control: Control) -> None:
    assert control.advance(90.5) == {"now": "2025-01-01T08:01:30.500000+02:00", "mode": "manual"}
    moved = control.call("POST", "/clock", {"now": "2025-01-01T10:00:00Z"}, status=200).body
    assert moved == {"now": "2025-01-01T12:00:00+02:00", "mode": "manual"}
    assert control.get("/clock") == moved


def test_the_clock_may_be_set_to_the_time_it_already_shows(control: Control) -> None:
    assert control.call("POST", "/clock", {"now": START}, status=200).body["now"] == START


def test_advancing_by_zero_leaves_the_clock_where_it_was(control: Control) -> None:
    assert control.advance(0)["now"] == START


def test_a_real_clock_reports_its_mode_and_the_wall_time() -> None:
    control = make_control(EmulatorConfig(clock="real"))
    clock = control.get("/clock")
    assert clock["mode"] == "real"
    assert clock["now"] != START


# -- faults (as the control plane keeps them; their effect is in tests/e2e) ------------------------


def test_a_fault_is_listed_with_its_match_and_counters(control: Control) -> None:
    fault = control.add_fault(kind="http_error", status=429, api="rest", times=2)
    assert fault == {
        "id": 1,
        "kind": "http_error",
        "match": {"api": "rest", "path": None, "operation": None, "account": None},
        "seconds": 0.0,
        "status": 429,
        "times": 2,
        "probability": None,
        "hits": 0,
    }
    second = control.add_fault(
        kind="latency", seconds=0.5, match={"operation": "send", "account": "shop"}
    )
    assert (second["id"], second["match"]["operation"], second["match"]["account"]) == (
        2,
        "send",
        "shop",
    )
    assert control.get("/faults") == {"faults": [fault, second]}


def test_a_fault_fires_in_process_and_counts_its_hits(control: Control) -> None:
    control.add_fault(kind="http_error", status=503, api="rest", times=1)
    status, body = control.rest("GET", "/credits/balance")
    assert (status, body["statusCode"]) == (503, 503)
    assert control.rest("GET", "/credits/balance")[0] == 200
    [fault] = control.get("/faults")["faults"]
    assert (fault["hits"], fault["times"]) == (1, 0)


def test_deleting_faults_clears_them_all(control: Control) -> None:
    control.add_fault(kind="malformed_body")
    control.add_fault(kind="drop_connection", api="xml")
    control.delete("/faults")
    assert control.get("/faults") == {"faults": []}
    assert control.rest("GET", "/credits/balance")[0] == 200


def test_faults_never_touch_the_control_plane(control: Control) -> None:
    control.add_fault(kind="http_error", status=500)
    assert control.get("/health")["status"] == "ok"
    control.post("/dnc", {"number": N1})
    assert control.get("/faults")["faults"][0]["hits"] == 0
