"""Resetting the whole emulator (``POST /_emulator/reset``) and one account
(``POST /_emulator/accounts/<user>/reset``)."""

from __future__ import annotations

from typing import Any

import pytest
from control_helpers import KEY, N1, N2, N3, START, USER, Control, make_control


@pytest.fixture
def control() -> Control:
    return make_control()


def _busy_day(control: Control) -> None:
    """Change every part of the world the control plane and the APIs can reach."""
    control.add_account("shop", credits=50, short_codes=["42001"])
    control.add_account("shop-promos", parent="shop")
    control.patch(f"/accounts/{USER}", {"price_per_part": 0.5, "locked": False})
    control.xml_send("hello", N1, N2)
    control.rest_send("hi there", N3, key="shop-key")
    control.xml_send("later", N2, scheduled="202501021200")
    control.advance(5)
    control.reply(N1, "STOP")
    control.reply(N3, "Thanks")
    control.short_code_message("42001", N2, "Enrol me")
    control.xml_replies()
    control.post(f"/accounts/{USER}/opt-outs", {"number": N3})
    control.post("/dnc", {"number": "27825550303"})
    control.post("/blacklist", {"number": "27825550404"})
    control.post("/outcomes", {"number": N2, "status": "SENDINGFAILED", "status_code": 101})
    control.add_fault(kind="http_error", status=503, path="/api/rest/v1/credits/balance")
    control.rest("GET", "/credits/balance")
    control.call("POST", "/clock", {"now": "2025-03-01T00:00:00+02:00"}, status=200)


def test_reset_restores_the_exact_start_state(control: Control) -> None:
    start = control.state()
    _busy_day(control)
    busy = control.state()
    assert busy != start
    assert control.journal() != []
    answer = control.reset()
    assert answer == {"status": "reset", "clock": {"now": START, "mode": "manual"}}
    assert control.state() == start
    assert control.journal() == []
    assert control.get("/faults") == {"faults": []}
    assert control.get("/accounts") == {"accounts": [control.account()]}
    assert control.account()["credits"] == 1000.0


def test_a_reset_emulator_answers_every_listing_as_a_fresh_one_does(control: Control) -> None:
    _busy_day(control)
    control.reset()
    fresh = make_control()
    for path in (
        "/accounts",
        f"/accounts/{USER}/messages",
        f"/accounts/{USER}/replies",
        f"/accounts/{USER}/opt-outs",
        "/dnc",
        "/blacklist",
        "/outcomes",
        "/clock",
        "/faults",
        "/requests",
    ):
        assert control.get(path) == fresh.get(path), path


def test_first_message_id_makes_the_next_send_take_that_id(control: Control) -> None:
    control.xml_send("hi", N1)
    control.reset(first_message_id=500)
    assert control.xml_send("hi", N1, N2) == ["500", "501"]
    assert control.rest_send("hi", N3)[0]["serverMessageId"] == 502
    assert control.state()["next_message_id"] == 503


def test_a_plain_reset_goes_back_to_the_first_id_of_the_start(control: Control) -> None:
    control.reset(first_message_id=500)
    control.xml_send("hi", N1)
    control.reset()
    assert control.xml_send("hi", N1) == ["1"]


def _scenario(control: Control) -> tuple[list[Any], dict[str, Any]]:
    """The same requests, in the same order; the IDs they got and the state after."""
    ids: list[Any] = control.xml_send("one", N1, N2)
    ids += [m["serverMessageId"] for m in control.rest_send("two", N3)]
    control.advance(3)
    ids.append(control.reply(N1, "hello")["id"])
    ids += control.xml_send("three", N1, scheduled="202501011000")
    return ids, control.state()


def test_a_fresh_emulator_and_a_reset_one_give_the_same_ids_and_state() -> None:
    fresh_ids, fresh_state = _scenario(make_control())
    used = make_control()
    _busy_day(used)
    used.reset()
    assert _scenario(used) == (fresh_ids, fresh_state)
    assert fresh_ids == ["1", "2", 3, 1, "4"]


def _fault_pattern(control: Control, seed: int, requests: int = 24) -> str:
    """Reset with ``seed``, add a 50 % fault, and note which requests it hit (x) or spared (.)."""
    control.reset(seed=seed)
    control.add_fault(kind="http_error", status=503, api="rest", probability=0.5)
    pattern = ""
    for _ in range(requests):
        status, _body = control.rest("GET", "/credits/balance")
        pattern += "x" if status == 503 else "."
    hits = control.get("/faults")["faults"][0]["hits"]
    assert hits == pattern.count("x")
    return pattern


def test_a_seed_makes_probabilistic_faults_repeat_their_pattern(control: Control) -> None:
    first = _fault_pattern(control, seed=7)
    assert "x" in first and "." in first
    control.xml_send("something else in between", N1)
    assert _fault_pattern(control, seed=7) == first
    assert _fault_pattern(make_control(), seed=7) == first


def test_another_seed_gives_another_pattern(control: Control) -> None:
    assert _fault_pattern(control, seed=7) != _fault_pattern(control, seed=8)


def test_the_seed_shows_in_the_state(control: Control) -> None:
    control.reset(seed=7)
    assert control.state()["faults"]["seed"] == 7


# -- one account --------------------------------------------------------------------------------


def _two_busy_accounts(control: Control) -> None:
    control.add_account("shop", credits=20, short_codes=["42001"])
    control.xml_send("from hpotter", N1)
    control.rest_send("from hpotter", N2)
    control.xml_send("from shop", N3, user="shop", password="pw")
    control.rest_send("from shop", N2, key="shop-key")
    control.advance(5)
    control.reply(N1, "stop")  # opts N1 out of hpotter and sends a confirmation
    control.reply(N3, "to shop")
    control.reply(N2, "to shop too")  # shop texted N2 last
    control.short_code_message("42001", N1, "code message")
    control.post(f"/accounts/{USER}/opt-outs", {"number": N3})
    control.post("/accounts/shop/opt-outs", {"number": N1})
    control.patch(f"/accounts/{USER}", {"locked": True, "credits": 3})


def test_an_account_reset_clears_its_messages_replies_and_journal(control: Control) -> None:
    _two_busy_accounts(control)
    control.patch("/accounts/shop", {"credits": 7})
    answer = control.post("/accounts/shop/reset", status=200)
    assert answer == {**control.account("shop"), "credits": 20.0}
    assert control.outbox("shop") == []
    assert control.replies("shop") == []
    assert control.short_code_messages("shop") == []
    assert control.journal("account=shop") == []
    assert answer["opt_outs"] == []
    assert control.account("shop")["credits"] == 20.0


def test_an_account_reset_leaves_other_accounts_untouched(control: Control) -> None:
    _two_busy_accounts(control)
    hpotter = control.account()
    outbox = control.outbox()
    replies = control.replies()
    journal = control.journal(f"account={USER}")
    assert (len(outbox), len(replies), len(journal)) == (3, 1, 2)
    control.post("/accounts/shop/reset", status=200)
    assert control.account() == hpotter
    assert control.outbox() == outbox
    assert control.replies() == replies
    assert control.journal(f"account={USER}") == journal


def test_an_account_reset_restores_it_as_it_was_loaded(control: Control) -> None:
    _two_busy_accounts(control)
    fresh = make_control().account()
    restored = control.post(f"/accounts/{USER}/reset", status=200)
    assert restored == fresh
    assert control.account() == fresh
    assert control.get(f"/accounts/{USER}/opt-outs") == {"opt_outs": []}
    assert control.outbox() == []
    assert [m["account"] for m in control.outbox("shop")] == ["shop", "shop"]


def test_a_reset_accounts_messages_are_gone_by_id_and_ids_are_not_reused(
    control: Control,
) -> None:
    _two_busy_accounts(control)
    control.post("/accounts/shop/reset", status=200)
    control.get("/messages/3", status=404)
    assert control.get("/messages/1")["account"] == USER
    control.patch(f"/accounts/{USER}", {"locked": False})
    [new_id] = control.xml_send("next", "27825550707")
    assert int(new_id) == 6  # 1-5 were given before the reset (5: the opt-out confirmation)


def test_after_an_account_reset_its_numbers_can_no_longer_reply_to_it(control: Control) -> None:
    _two_busy_accounts(control)
    control.post("/accounts/shop/reset", status=200)
    assert N3 in control.error("POST", "/replies", {"from": N3, "message": "hi"}, status=409)
    # N2 was texted by hpotter too, so its reply now goes there
    assert control.reply(N2, "hello again")["account"] == USER


def test_an_account_reset_keeps_the_world_lists(control: Control) -> None:
    control.post("/dnc", {"number": N1})
    control.post("/blacklist", {"number": N2})
    control.post("/outcomes", {"number": N3, "status": "SENT", "status_code": 106})
    control.post(f"/accounts/{USER}/reset", status=200)
    assert control.get("/dnc") == {"numbers": [N1]}
    assert control.get("/blacklist") == {"numbers": [N2]}
    assert len(control.get("/outcomes")["outcomes"]) == 1


def test_a_created_account_is_reset_to_how_it_was_created(control: Control) -> None:
    created = control.add_account("shop", credits=20, short_codes=["42001"])
    control.patch("/accounts/shop", {"credits": 1, "short_codes": [], "trial": True})
    assert control.post("/accounts/shop/reset", status=200) == created


def test_an_account_reset_keeps_the_clock_where_it_is(control: Control) -> None:
    control.advance(3600)
    control.post(f"/accounts/{USER}/reset", status=200)
    assert control.get("/clock")["now"] == "2025-01-01T09:00:00+02:00"
    status, body = control.rest("GET", "/credits/balance", key=KEY)
    assert (status, body["creditBalance"]) == (200, 1000.0)
