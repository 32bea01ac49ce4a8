"""The Python API (``winsms_emulator.Emulator``) answers what the control plane answers.

Each method is called on an emulator and compared with the control plane's
HTTP answer for the same state, asked through the same emulator's app.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import requests
from control_helpers import (
    KEY,
    N1,
    N2,
    N3,
    PASSWORD,
    START,
    USER,
    Control,
    control_for,
    send_doc,
)
from flask import Flask

from winsms_emulator import Emulator
from winsms_emulator.domain.sast import SAST
from winsms_emulator.errors import Conflict, GatewayError, Invalid, NotFound

PAST = "201811141025"


@pytest.fixture
def emulator() -> Emulator:
    return Emulator()


@pytest.fixture
def http(emulator: Emulator) -> Control:
    """The control plane of the same emulator, in process."""
    return control_for(emulator.app)


# -- accounts --------------------------------------------------------------------------------


def test_create_account_returns_what_the_control_plane_shows(
    emulator: Emulator, http: Control
) -> None:
    created = emulator.create_account(
        username="shop", password="pw", api_key="shop-key", credits=10, short_codes=["42001"]
    )
    assert created == http.account("shop")
    twin = http.add_account("twin", credits=10)
    assert emulator.account("twin") == twin


def test_account_and_balance_match_the_control_plane(emulator: Emulator, http: Control) -> None:
    http.xml_send("hi", N1, scheduled=PAST)
    assert emulator.account(USER) == http.account()
    assert emulator.balance(USER) == http.account()["credits"] == 999.0


def test_update_account_returns_the_changed_account(emulator: Emulator, http: Control) -> None:
    updated = emulator.update_account(USER, credits=5, locked=True, trial=True)
    assert updated == http.account()
    assert (updated["credits"], updated["locked"], updated["trial"]) == (5.0, True, True)


def test_update_account_refuses_what_the_control_plane_refuses(emulator: Emulator) -> None:
    with pytest.raises(Invalid, match="credits must be a number"):
        emulator.update_account(USER, credits="lots")
    with pytest.raises(NotFound, match="nobody"):
        emulator.update_account("nobody", credits=5)


def test_create_account_refuses_a_taken_username_as_the_control_plane_does(
    emulator: Emulator, http: Control
) -> None:
    body = {"username": USER, "password": "p", "api_key": "fresh"}
    text = http.error("POST", "/accounts", body, status=409)
    with pytest.raises(Conflict) as raised:
        emulator.create_account(**body)
    assert raised.value.message == text


# -- messages, replies, short codes ------------------------------------------------------------


def test_outbox_replies_and_short_code_messages_match_the_control_plane(
    emulator: Emulator, http: Control
) -> None:
    emulator.create_account(
        username="shop", password="pw", api_key="shop-key", short_codes=["42001"]
    )
    http.xml_send("hello", N1, N2, scheduled=PAST)
    http.rest_send("hi", N3, key="shop-key")
    emulator.advance_clock(5)
    reply = emulator.inject_reply(N1, "STOP")
    sc = emulator.inject_short_code_message("42001", N2, "Enrol me")
    assert emulator.outbox(USER) == http.outbox()
    assert len(emulator.outbox(USER)) == 3  # with the opt-out confirmation
    assert emulator.outbox("shop") == http.outbox("shop")
    assert emulator.replies(USER) == http.replies() == [reply]
    assert emulator.short_code_messages("shop") == http.short_code_messages("shop") == [sc]
    assert emulator.short_code_messages(USER) == []


def test_inject_reply_refuses_a_number_nobody_texted(emulator: Emulator, http: Control) -> None:
    text = http.error("POST", "/replies", {"from": N1, "message": "hi"}, status=409)
    with pytest.raises(Conflict) as raised:
        emulator.inject_reply(N1, "hi")
    assert raised.value.message == text


def test_inject_short_code_message_refuses_a_code_nobody_owns(emulator: Emulator) -> None:
    with pytest.raises(NotFound, match="42001"):
        emulator.inject_short_code_message("42001", N1, "hi")


# -- opt-outs, DNC, blacklist, outcomes ----------------------------------------------------------


def test_opt_outs_added_and_removed_match_the_control_plane(
    emulator: Emulator, http: Control
) -> None:
    added = emulator.add_opt_out(USER, N1)
    assert added == {
        "number": N1,
        "at": START,
        "source": "manual",
        "reply_id": None,
        "message": None,
    }
    assert emulator.opt_outs(USER) == http.get(f"/accounts/{USER}/opt-outs")["opt_outs"] == [added]
    assert http.xml_send("hi", N1, scheduled=PAST) == ["FAIL:OPTEDOUT"]
    emulator.remove_opt_out(USER, N1)
    assert emulator.opt_outs(USER) == []
    with pytest.raises(NotFound):
        emulator.remove_opt_out(USER, N1)


def test_dnc_and_blacklist_match_the_control_plane(emulator: Emulator, http: Control) -> None:
    emulator.add_dnc(N1)
    emulator.add_blacklist(N2)
    assert http.get("/dnc") == {"numbers": [N1]}
    assert http.get("/blacklist") == {"numbers": [N2]}
    assert http.xml_send("hi", N1, N2, N3, scheduled=PAST) == ["FAIL:WASPADNC", "FAIL:BADDEST", "1"]
    emulator.remove_dnc(N1)
    emulator.remove_blacklist(N2)
    assert http.get("/dnc") == http.get("/blacklist") == {"numbers": []}
    with pytest.raises(NotFound):
        emulator.remove_dnc(N1)
    with pytest.raises(NotFound):
        emulator.remove_blacklist(N2)
    with pytest.raises(Invalid, match="not a mobile number"):
        emulator.add_dnc("27a")


def test_script_outcome_returns_what_the_control_plane_lists(
    emulator: Emulator, http: Control
) -> None:
    outcome = emulator.script_outcome(N1, "SENDINGFAILED", 101, 5)
    assert http.get("/outcomes") == {"outcomes": [outcome]}
    assert outcome == {
        "number": N1,
        "status": "SENDINGFAILED",
        "status_code": 101,
        "after_seconds": 5.0,
    }
    with pytest.raises(Invalid, match="LOST"):
        emulator.script_outcome(N1, "LOST", 101)
    with pytest.raises(Invalid, match="999"):
        emulator.script_outcome(N1, "SENDINGFAILED", 999)


# -- time ---------------------------------------------------------------------------------------


def test_now_and_clock_match_the_control_plane(emulator: Emulator, http: Control) -> None:
    assert emulator.clock() == http.get("/clock") == {"now": START, "mode": "manual"}
    assert emulator.now() == datetime(2025, 1, 1, 8, 0, tzinfo=SAST)
    assert emulator.now().isoformat() == http.get("/clock")["now"]


def test_advance_clock_and_set_clock_return_the_clock(emulator: Emulator, http: Control) -> None:
    assert emulator.advance_clock(90) == http.get("/clock")
    assert http.get("/clock")["now"] == "2025-01-01T08:01:30+02:00"
    later = datetime(2025, 1, 2, 6, 0, tzinfo=SAST) - timedelta(hours=2)
    assert emulator.set_clock(later) == http.get("/clock")
    assert emulator.now() == later
    with pytest.raises(Conflict, match="backwards"):
        emulator.set_clock(later - timedelta(seconds=1))


def test_a_real_clock_cannot_be_moved_from_python() -> None:
    emulator = Emulator(clock="real")
    assert emulator.clock()["mode"] == "real"
    with pytest.raises(Conflict, match="real time"):
        emulator.advance_clock(1)


# -- the journal --------------------------------------------------------------------------------


def test_journal_and_its_filters_match_the_control_plane(emulator: Emulator, http: Control) -> None:
    emulator.create_account(username="shop", password="pw", api_key="shop-key")
    http.xml_send("a", N1, scheduled=PAST)
    http.rest_send("b", N2, key="shop-key")
    http.rest("GET", "/credits/balance", key="nope")
    assert emulator.journal() == http.journal()
    assert len(emulator.journal()) == 3
    assert emulator.journal("shop") == http.journal("account=shop")
    assert emulator.journal(api="xml") == http.journal("api=xml")
    assert emulator.journal(USER, "rest") == http.journal(f"account={USER}&api=rest") == []


def test_violations_are_the_journal_entries_that_broke_a_schema(
    emulator: Emulator, http: Control
) -> None:
    http.xml_send("fine", N1, scheduled=PAST)
    http.xml_send("blank Scheduled", N1)  # allowed by the guide, not by its schema
    [violation] = emulator.violations()
    assert violation == http.journal()[1]
    assert violation["violations"] != []
    assert emulator.violations("nobody") == []


def test_clear_journal_clears_all_or_one_account(emulator: Emulator, http: Control) -> None:
    emulator.create_account(username="shop", password="pw", api_key="shop-key")
    http.rest_send("a", N1)
    http.rest_send("b", N2, key="shop-key")
    emulator.clear_journal("shop")
    assert [e["account"] for e in http.journal()] == [USER]
    emulator.clear_journal()
    assert http.journal() == []


# -- reset --------------------------------------------------------------------------------------


def test_reset_goes_back_to_the_start(emulator: Emulator, http: Control) -> None:
    start = http.state()
    emulator.create_account(username="shop", password="pw", api_key="shop-key")
    http.xml_send("hi", N1, scheduled=PAST)
    emulator.advance_clock(60)
    emulator.add_dnc(N2)
    emulator.reset()
    assert http.state() == start
    assert emulator.journal() == []


def test_an_emulator_starts_with_the_accounts_and_first_id_it_is_given() -> None:
    emulator = Emulator(
        [{"username": "shop", "password": "pw", "api_key": "shop-key", "credits": 3}],
        first_message_id=100,
        rest_dialect="current",
    )
    http = control_for(emulator.app)
    assert [a["username"] for a in http.get("/accounts")["accounts"]] == ["shop"]
    assert emulator.account("shop")["rest_dialect"] == "current"
    assert http.xml_send("hi", N1, user="shop", password="pw", scheduled=PAST) == ["100"]
    emulator.reset()
    assert http.xml_send("hi", N1, user="shop", password="pw", scheduled=PAST) == ["100"]


# -- without a server, and with one ---------------------------------------------------------------


def test_client_talks_to_the_emulator_in_process_without_a_server(emulator: Emulator) -> None:
    client = emulator.client()
    assert client.get("/_emulator/health").get_json()["status"] == "ok"
    response = client.post(
        "/api/rest/v1/sms/outgoing/send",
        json={"message": "hi", "mobileNumbers": [{"mobileNumber": N1}]},
        headers={"Authorization": KEY},
    )
    assert response.status_code == 200
    assert [m["number"] for m in emulator.outbox(USER)] == [N1]
    with pytest.raises(RuntimeError, match="not serving"):
        _ = emulator.url


def test_serve_runs_a_live_server_that_requests_can_reach(emulator: Emulator) -> None:
    with emulator.serve() as url:
        assert url.startswith("http://127.0.0.1:")
        assert emulator.url == url
        assert emulator.rest_url == f"{url}/api/rest/v1"
        assert emulator.xml_url == f"{url}/api"
        health = requests.get(f"{url}/_emulator/health", timeout=5)
        assert health.json()["status"] == "ok"
        sent = requests.post(
            f"{emulator.xml_url}/xmlsendsmsmulti.asp",
            data=send_doc("over the wire", [N1], user=USER, password=PASSWORD, at=PAST),
            timeout=5,
        )
        assert sent.status_code == 200 and "<ID>1</ID>" in sent.text
        balance = requests.get(
            f"{emulator.rest_url}/credits/balance", headers={"Authorization": KEY}, timeout=5
        )
        assert balance.json()["creditBalance"] == 999.0
        account = requests.get(f"{url}/_emulator/accounts/{USER}", timeout=5).json()
        assert account == emulator.account(USER)
    with pytest.raises(RuntimeError):
        _ = emulator.url
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/_emulator/health", timeout=5)


def test_start_is_idempotent_and_stop_can_be_called_twice(emulator: Emulator) -> None:
    url = emulator.start()
    try:
        assert emulator.start() == url
        assert requests.get(f"{url}/_emulator/clock", timeout=5).json() == emulator.clock()
    finally:
        emulator.stop()
    emulator.stop()
    second = emulator.start()
    try:
        assert requests.get(f"{second}/_emulator/health", timeout=5).status_code == 200
    finally:
        emulator.stop()


def test_the_emulator_as_a_context_manager_stops_its_server() -> None:
    with Emulator() as emulator:
        url = emulator.start()
        assert requests.get(f"{url}/_emulator/health", timeout=5).ok
    with pytest.raises(RuntimeError):
        _ = emulator.url


# -- exceptions inside the emulator ----------------------------------------------------------------


class Boom(Exception):
    pass


def _with_failing_route(emulator: Emulator) -> None:
    app: Flask = emulator.app

    @app.get("/boom")
    def boom() -> str:
        raise Boom("raised inside the emulator")


def test_an_exception_inside_a_request_is_kept_and_raised_again_once(emulator: Emulator) -> None:
    _with_failing_route(emulator)
    assert emulator.client().get("/boom").status_code == 500
    assert [type(e) for e in emulator.errors] == [Boom]
    with pytest.raises(Boom, match="raised inside the emulator"):
        emulator.raise_errors()
    assert emulator.errors == []
    emulator.raise_errors()  # nothing left: no exception


def test_an_exception_inside_a_live_request_is_raised_again(emulator: Emulator) -> None:
    _with_failing_route(emulator)
    with emulator.serve() as url:
        assert requests.get(f"{url}/boom", timeout=5).status_code == 500
    with pytest.raises(Boom):
        emulator.raise_errors()


def test_an_exception_from_the_gateway_during_an_api_request_is_kept(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(username: str) -> None:
        raise ZeroDivisionError(f"balance of {username}")

    monkeypatch.setattr(emulator.gateway.sms, "balance", broken)
    response = emulator.client().get("/api/rest/v1/credits/balance", headers={"Authorization": KEY})
    assert response.status_code == 500
    with pytest.raises(ZeroDivisionError, match="balance of hpotter"):
        emulator.raise_errors()


def test_only_the_first_of_several_errors_is_raised(emulator: Emulator) -> None:
    _with_failing_route(emulator)
    client = emulator.client()
    client.get("/boom")
    client.get("/boom")
    assert len(emulator.errors) == 2
    with pytest.raises(Boom):
        emulator.raise_errors()
    emulator.raise_errors()


def test_a_gateway_refusal_is_a_gateway_error_with_the_control_planes_text(
    emulator: Emulator, http: Control
) -> None:
    text = http.error("GET", "/accounts/nobody", status=404)
    with pytest.raises(GatewayError) as raised:
        emulator.account("nobody")
    assert (raised.value.kind, raised.value.message) == ("not_found", text)
