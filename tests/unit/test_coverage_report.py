"""The coverage tallies and report, from journal entries made by hand."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from winsms_emulator.coverage import combined, report, summary
from winsms_emulator.domain.sast import SAST
from winsms_emulator.errors import Invalid
from winsms_emulator.forms.coverage import report_json, tally_from_json, tally_json
from winsms_emulator.journal import JournalEntry
from winsms_emulator.registry import SURFACES
from winsms_emulator.tally import MAX_VIOLATION_MESSAGES, Tallies, Tally

T0 = datetime(2025, 1, 1, 8, 0, tzinfo=SAST)


def entry(
    operation: str,
    *facts: str,
    api: str = "xml",
    shape: str = "",
    account: str | None = "hpotter",
    violations: tuple[str, ...] = (),
) -> JournalEntry:
    return JournalEntry(
        at=T0,
        method="POST",
        path=f"/{operation}",
        api=api,
        operation=operation,
        account=account,
        http_status=200,
        outcome="ok",
        violations=violations,
        shape=shape,
        facts=facts,
    )


def tallied(*entries: JournalEntry) -> Tally:
    tallies = Tallies(T0)
    for e in entries:
        tallies.record(e)
    return tallies.tally("start")


def test_with_no_request_no_shape_is_used_and_there_is_no_percentage() -> None:
    found = report(SURFACES, Tally(T0), "start")
    assert [s.title for s in found.sections] == ["XML", "REST seed", "REST current", "HTTP"]
    assert not found.used
    assert found.percent is None and found.percent_all is None
    assert (found.outcomes_exercised, found.outcomes_total) == (0, 0)
    assert summary(found) == ["WinSMS contract coverage: no request reached the WinSMS APIs"]


def test_each_fact_counts_the_requests_that_showed_it() -> None:
    found = report(
        SURFACES,
        tallied(
            entry("send", "recipient:accepted", "recipient:FAIL:BADDEST"),
            entry("send", "recipient:accepted"),
        ),
        "start",
    )
    [xml] = found.used
    send = next(o for o in xml.operations if o.operation.name == "send")
    assert send.requests == 2
    assert {s.outcome.fact: s.count for s in send.exercised} == {
        "recipient:accepted": 2,
        "recipient:FAIL:BADDEST": 1,
    }
    assert "recipient:NOCREDITS" in {o.fact for o in send.never}
    assert send.outcomes == len(send.operation.universe[""].outcomes)
    assert (xml.operations_exercised, len(xml.operations)) == (1, 5)
    assert found.outcomes_total == xml.outcomes_total
    assert found.outcomes_called_total == xml.outcomes_called_total == send.outcomes
    assert found.percent == round(100 * 2 / send.outcomes, 1)
    assert found.percent_all == round(100 * 2 / xml.outcomes_total, 1)


def test_a_fact_no_document_lists_is_reported_as_undocumented() -> None:
    found = report(SURFACES, tallied(entry("replies", "error:500", "listing:empty")), "start")
    replies = next(o for o in found.used[0].operations if o.operation.name == "replies")
    assert replies.undocumented == (("error:500", 1),)
    assert [s.outcome.fact for s in replies.exercised] == ["listing:empty"]


def test_requests_are_counted_in_the_shape_they_were_answered_in() -> None:
    found = report(
        SURFACES,
        tallied(entry("balance", "http:200", api="rest", shape="current")),
        "start",
    )
    assert [s.title for s in found.used] == ["REST current"]
    [current] = found.used
    assert current.operations_exercised == 1 and len(current.operations) == 11
    seed = next(s for s in found.sections if s.title == "REST seed")
    assert len(seed.operations) == 6 and not seed.used


def test_a_report_for_one_account_counts_only_its_requests() -> None:
    tally = tallied(
        entry("send", "recipient:accepted"),
        entry("send", "recipient:NOCREDITS", account="shop"),
        entry("send", "error:Invalid Username or Password", account=None),
    )
    whole = report(SURFACES, tally, "start")
    shop = report(SURFACES, tally, "start", "shop")
    assert whole.requests == 3 and whole.outcomes_exercised == 3
    assert shop.requests == 1 and shop.account == "shop"
    assert [s.outcome.fact for s in shop.used[0].operations[0].exercised] == ["recipient:NOCREDITS"]
    assert report(SURFACES, tally, "start", "nobody").requests == 0


def test_the_reset_and_the_mark_begin_their_scopes_again_and_the_start_keeps_everything() -> None:
    tallies = Tallies(T0)
    tallies.record(entry("send", "recipient:accepted"))
    tallies.reset(T0 + timedelta(seconds=1))
    tallies.record(entry("send", "recipient:accepted", account="shop"))
    tallies.record(entry("send", "recipient:accepted"))
    assert not tallies.marked
    tallies.mark(T0 + timedelta(seconds=2))
    tallies.record(entry("status", "status:SENT"))
    requests = {
        scope: report(SURFACES, tallies.tally(scope), scope).requests
        for scope in ("start", "reset", "mark")
    }
    assert requests == {"start": 4, "reset": 3, "mark": 1}
    assert tallies.marked
    assert tallies.tally("mark").since == T0 + timedelta(seconds=2)
    # an account's own reset drops it from the reset scope only
    tallies.reset(T0 + timedelta(seconds=3), "hpotter")
    assert report(SURFACES, tallies.tally("reset"), "reset").requests == 1
    assert report(SURFACES, tallies.tally("start"), "start").requests == 4
    assert report(SURFACES, tallies.tally("mark"), "mark").requests == 1
    assert tallies.accounts() == {"hpotter", "shop"}


def test_a_tally_is_a_copy_that_later_requests_do_not_change() -> None:
    tallies = Tallies(T0)
    tallies.record(entry("send", "recipient:accepted"))
    before = tallies.tally("start")
    tallies.record(entry("send", "recipient:accepted"))
    assert report(SURFACES, before, "start").requests == 1


def test_schema_violations_are_counted_and_at_most_twenty_messages_kept() -> None:
    many = [
        entry("send", "recipient:accepted", violations=(f"line {n}: bad",))
        for n in range(MAX_VIOLATION_MESSAGES + 5)
    ]
    found = report(SURFACES, tallied(entry("send", "recipient:accepted"), *many), "start")
    send = found.used[0].operations[0]
    assert send.requests == MAX_VIOLATION_MESSAGES + 6
    assert send.violating == MAX_VIOLATION_MESSAGES + 5
    assert len(send.violations) == MAX_VIOLATION_MESSAGES
    assert send.violations[0] == ("line 0: bad", 1)


def test_the_tallies_of_two_workers_combine_and_survive_json() -> None:
    one = tallied(entry("send", "recipient:accepted", violations=("line 1: x",)))
    other = Tally(T0 - timedelta(hours=1))
    other.add("shop", ("xml", "", "send"), ["recipient:accepted", "recipient:FAIL:TOOLONG"], [])
    back = [tally_from_json(tally_json(t)) for t in (one, other)]
    assert back[0] == one and back[1] == other
    total = combined(back)
    assert total is not None and total.since == T0 - timedelta(hours=1)
    send = report(SURFACES, total, "start").used[0].operations[0]
    assert send.requests == 2 and send.violating == 1
    assert {s.outcome.fact: s.count for s in send.exercised} == {
        "recipient:accepted": 2,
        "recipient:FAIL:TOOLONG": 1,
    }
    assert combined([]) is None


NOT_TALLIES = [
    None,
    {},
    {"since": "x", "accounts": []},
    {"since": T0.isoformat(), "accounts": [{"account": None, "operations": [{"api": "xml"}]}]},
]


@pytest.mark.parametrize("data", NOT_TALLIES)
def test_what_is_not_a_tally_is_refused(data: object) -> None:
    with pytest.raises(Invalid, match="not a coverage tally"):
        tally_from_json(data)


def test_the_summary_names_per_operation_exactly_what_was_never_provoked() -> None:
    found = report(
        SURFACES,
        tallied(
            entry("replies", "listing:items", "opt-out:Stop", "opt-out:End", "error:500"),
            entry("short_code_messages", "listing:items", violations=("line 1: x",)),
            entry("short_code_messages", "listing:empty"),
            entry("short_code_messages", "error:Not Valid XML Document"),
            entry("short_code_messages", "error:Invalid Username or Password"),
        ),
        "start",
        "hpotter",
    )
    assert summary(found) == [
        "WinSMS contract coverage of account hpotter: 7 of 16 documented outcomes of the "
        "operations called (43.8%); 7 of 65 of every operation of the APIs used (10.8%)",
        "XML: 2 of 5 operations called, 7 of 16 of their outcomes exercised",
        "  never called: send, status, delete_scheduled",
        "  replies never provoked: Not Valid XML Document, Invalid Username or Password, "
        "listing empty, opt-out Cancel, opt-out Unsubscribe, opt-out Quit, "
        "opt-out Stop send, opt-out Opt out, opt-out Opt*out",
        "  replies showed what no document lists: error:500 (1)",
        "  short_code_messages: every documented outcome provoked",
        "  short_code_messages: 1 request(s) broke a published schema",
        "not used: REST seed, REST current, HTTP",
    ]


def test_the_json_form_has_the_totals_of_the_shapes_used_and_every_shape() -> None:
    found = report(SURFACES, tallied(entry("replies", "listing:empty")), "reset")
    data = report_json(found)
    assert (data["scope"], data["since"], data["account"]) == (
        "reset",
        "2025-01-01T08:00:00+02:00",
        None,
    )
    assert data["requests"] == 1 and data["operations_exercised"] == 1
    assert data["operations_total"] == 5
    assert [s["title"] for s in data["sections"]] == ["XML", "REST seed", "REST current", "HTTP"]
    xml = data["sections"][0]
    assert (xml["api"], xml["shape"], xml["used"]) == ("xml", None, True)
    replies = next(o for o in xml["operations"] if o["operation"] == "replies")
    assert replies["exercised"] == [
        {
            "fact": "listing:empty",
            "family": "listing",
            "name": "empty",
            "label": "listing empty",
            "count": 1,
        }
    ]
    assert replies["violations"] == {"requests": 0, "messages": []}
    assert data["outcomes_called_total"] == 12  # replies: 2 errors, 2 listings, 8 triggers
    assert data["percent"] == round(100 / 12, 1)
    assert data["percent_all"] == round(100 / data["outcomes_total"], 1)
