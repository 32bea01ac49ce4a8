"""The coverage report's universe against the outcome table, so the two cannot drift.

Every operation of every surface declares, per published shape, every documented outcome it
can show (``Operation.universe``). These tests hold each universe to the one outcome table
in ``errors.py``, to Appendix D, to the encodings, to what the gateway can really answer,
and to the REST document: a member added to the table (or an operation added to a surface)
without its place in the universe fails here.
"""

from __future__ import annotations

import json
from enum import Enum

import pytest

from winsms_emulator.domain.encoding import Encoding
from winsms_emulator.domain.optout import TRIGGERS, opt_out_trigger
from winsms_emulator.errors import (
    REST_IN_QUEUE,
    SCRIPTABLE_FINAL_STATES,
    DeleteResult,
    DeliveryStatus,
    HttpRequestError,
    RequestError,
    SendOutcome,
    StatusCode,
    rest_status_error,
)
from winsms_emulator.operations import Operation, Surface
from winsms_emulator.outcomes import BY_HAND, Family, Outcome, Universe, fact
from winsms_emulator.registry import OPERATIONS, SURFACES
from winsms_emulator.resources import schemas_dir

TABLES: tuple[type[Enum], ...] = (
    SendOutcome,
    RequestError,
    HttpRequestError,
    DeliveryStatus,
    StatusCode,
    DeleteResult,
)
REST_DOC = json.loads((schemas_dir() / "rest-v1.openapi.json").read_text("utf-8"))
SURFACE_OF = {s.name: s for s in SURFACES}

UNIVERSES = [(op, shape, universe) for op in OPERATIONS for shape, universe in op.universe.items()]
IDS = [f"{op.surface}-{shape or 'only'}-{op.name}" for op, shape, _ in UNIVERSES]


def names(universe: Universe, family: Family) -> set[str]:
    return {o.name for o in universe.outcomes if o.family is family}


def universe_of(surface: str, shape: str, name: str) -> Universe:
    [op] = [op for op in OPERATIONS if (op.surface, op.name) == (surface, name)]
    return op.universe[shape]


# -- every operation, every shape -------------------------------------------------------------


def test_every_operation_declares_what_it_can_show_in_each_of_its_surfaces_shapes() -> None:
    for op in OPERATIONS:
        surface: Surface = SURFACE_OF[op.surface]
        assert op.universe, op.endpoint
        assert set(op.universe) <= set(surface.shapes), op.endpoint
        for universe in op.universe.values():
            assert universe.outcomes, op.endpoint


def test_each_shape_of_each_surface_has_operations_and_a_title() -> None:
    for surface in SURFACES:
        for shape in surface.shapes:
            assert any(shape in op.universe for op in surface.operations), (surface.name, shape)
            assert surface.section(shape).strip()
    assert [s.section(shape) for s in SURFACES for shape in s.shapes] == [
        "XML",
        "REST seed",
        "REST current",
        "HTTP",
    ]


@pytest.mark.parametrize(("op", "shape", "universe"), UNIVERSES, ids=IDS)
def test_a_universe_names_each_outcome_once(op: Operation, shape: str, universe: Universe) -> None:
    facts = universe.facts
    assert len(facts) == len(set(facts))
    assert all(f == fact(o.family, o.name) for f, o in zip(facts, universe.outcomes, strict=True))


@pytest.mark.parametrize(("op", "shape", "universe"), UNIVERSES, ids=IDS)
def test_a_table_an_operation_shows_is_covered_whole_or_its_gaps_are_explained(
    op: Operation, shape: str, universe: Universe
) -> None:
    for table in TABLES:
        shown = {o.source for o in universe.outcomes if isinstance(o.source, table)}
        gaps = {member for member, _ in universe.unreachable if isinstance(member, table)}
        if shown or gaps:
            assert shown | gaps == set(table), (table.__name__, set(table) - shown - gaps)
            assert not shown & gaps, table.__name__
    assert all(reason.strip() for _, reason in universe.unreachable)


# -- the outcome table, family by family --------------------------------------------------------


@pytest.mark.parametrize("surface", ["xml", "http"])
def test_an_xml_or_http_send_can_show_every_recipient_code_in_the_xml_words(surface: str) -> None:
    universe = universe_of(surface, "", "send")
    assert names(universe, Family.RECIPIENT) == {o.xml_code or "accepted" for o in SendOutcome}


def test_an_xml_send_can_show_every_whole_request_error() -> None:
    assert names(universe_of("xml", "", "send"), Family.ERROR) == {e.value for e in RequestError}


def test_the_http_api_shows_its_pairs_and_each_error_but_the_strict_refusal() -> None:
    errors = {e.answer for e in HttpRequestError if e is not HttpRequestError.INVALID_PARAMETERS}
    send = universe_of("http", "", "send")
    assert names(send, Family.ERROR) == {"Login=FAIL", *errors}
    not_a_send = {"Error=Method Not Allowed", "Error=Request Too Large"}
    auth, balance = universe_of("http", "", "auth"), universe_of("http", "", "balance")
    assert names(auth, Family.ERROR) == {"Login=FAIL", *not_a_send}
    assert names(auth, Family.ANSWER) == {"Login=OK", "Login=ACCOUNTLOCKED"}
    assert names(balance, Family.ERROR) == {"Credits=FAIL", *not_a_send}
    assert names(balance, Family.ANSWER) == {"Credits=<balance>"}


@pytest.mark.parametrize(
    ("shape", "name"), [("seed", "send"), ("current", "send"), ("current", "sendmulti")]
)
def test_a_rest_send_can_show_every_accept_error_but_the_blank_ones(shape: str, name: str) -> None:
    universe = universe_of("rest", shape, name)
    blank = {SendOutcome.NO_MESSAGE, SendOutcome.NO_NUMBER}
    expected = {o.rest_error or "accepted" for o in SendOutcome if o not in blank}
    assert names(universe, Family.RECIPIENT) == expected
    assert {member for member, _ in universe.unreachable} == blank


@pytest.mark.parametrize(
    ("surface", "shape", "name"),
    [
        ("xml", "", "send"),
        ("rest", "seed", "send"),
        ("rest", "current", "sendmulti"),
        ("http", "", "send"),
    ],
)
def test_a_send_can_show_both_schedulings_part_counts_and_every_encoding(
    surface: str, shape: str, name: str
) -> None:
    universe = universe_of(surface, shape, name)
    assert names(universe, Family.SCHEDULE) == {"immediate", "scheduled"}
    assert names(universe, Family.PARTS) == {"single-part", "multi-part"}
    assert names(universe, Family.ENCODING) == {e.value for e in Encoding}


def test_only_the_send_has_an_invalid_date_among_the_xml_operations() -> None:
    for op in OPERATIONS:
        if op.surface == "xml":
            has_date = "Invalid Date" in names(op.universe[""], Family.ERROR)
            assert has_date == (op.name == "send"), op.name


#: The states the gateway answers a status with besides a final state a test scripts:
#: unknown (-2), queued (-1), dispatched (105) and past the 1000th ID (108).
GATEWAY_STATES = {
    (DeliveryStatus.NOTFOUND, StatusCode.NOT_FOUND),
    (DeliveryStatus.NOTFOUND, StatusCode.IN_QUEUE),
    (DeliveryStatus.SENT, StatusCode.ACCEPTED_FOR_DELIVERY),
    (DeliveryStatus.SKIPPED, StatusCode.SKIPPED),
}
ANSWERABLE = GATEWAY_STATES | {
    (status, code) for status, codes in SCRIPTABLE_FINAL_STATES.items() for code in codes
}


@pytest.mark.parametrize(("surface", "shape"), [("xml", ""), ("rest", "seed")])
def test_the_appendix_b_codes_of_a_status_are_every_code_the_gateway_can_answer(
    surface: str, shape: str
) -> None:
    universe = universe_of(surface, shape, "status")
    codes = {o.source for o in universe.outcomes if o.family is Family.CODE}
    assert codes == {code for _, code in ANSWERABLE}
    assert names(universe, Family.CODE) == {str(int(code)) for _, code in ANSWERABLE}


def test_the_xml_status_values_are_every_status_the_gateway_can_answer() -> None:
    universe = universe_of("xml", "", "status")
    assert names(universe, Family.STATUS) == {status.value for status, _ in ANSWERABLE}


def test_the_current_status_words_are_every_word_a_status_answer_can_carry() -> None:
    universe = universe_of("rest", "current", "status")
    words = {
        rest_status_error(status, code) or '""'
        for status, code in ANSWERABLE
        if status is not DeliveryStatus.SKIPPED  # the current shape takes at most 1000 IDs
    }
    assert names(universe, Family.STATUS) == words
    assert REST_IN_QUEUE in words and "FAILED" in words


@pytest.mark.parametrize(("surface", "shape"), [("xml", ""), ("rest", "seed"), ("rest", "current")])
def test_a_delete_can_show_every_appendix_c_result(surface: str, shape: str) -> None:
    universe = universe_of(surface, shape, "delete_scheduled")
    assert names(universe, Family.DELETE) == {r.value for r in DeleteResult}


def test_returned_replies_can_show_every_appendix_d_trigger_and_the_listing_opt_outs_by_hand() -> (
    None
):
    for surface, shape, name in [("xml", "", "replies"), ("rest", "seed", "incoming")]:
        assert names(universe_of(surface, shape, name), Family.OPT_OUT) == set(TRIGGERS)
    listed = names(universe_of("rest", "current", "optouts"), Family.OPT_OUT)
    assert listed == {*TRIGGERS, BY_HAND}


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        ("Stop", "Stop"),
        (" end\n", "End"),
        ("CANCEL", "Cancel"),
        ("unsubscribe", "Unsubscribe"),
        ("Quit", "Quit"),
        ("stop sending me these", "Stop send"),
        ("Opt out please", "Opt out"),
        ("opt-out", "Opt*out"),
        ("OPT_OUT now", "Opt*out"),
        ("Stopped", None),
        ("please stop", None),
        ("Option out", None),
    ],
)
def test_a_reply_is_named_by_the_appendix_d_trigger_it_is(text: str, trigger: str | None) -> None:
    assert opt_out_trigger(text) == trigger


def test_every_appendix_d_trigger_is_a_name_a_reply_can_get() -> None:
    assert TRIGGERS == (
        "Stop",
        "End",
        "Cancel",
        "Unsubscribe",
        "Quit",
        "Stop send",
        "Opt out",
        "Opt*out",
    )


# -- HTTP statuses: the REST document ----------------------------------------------------------


def _documented(op: Operation) -> set[int]:
    [path] = op.paths
    item = REST_DOC["paths"][path.removeprefix("/api/rest/v1")]
    return {int(status) for status in item[op.methods[0].lower()]["responses"]}


REST_SHAPES = [(op, shape) for op in OPERATIONS if op.surface == "rest" for shape in op.universe]


@pytest.mark.parametrize(
    ("op", "shape"), REST_SHAPES, ids=[f"{shape}-{op.name}" for op, shape in REST_SHAPES]
)
def test_the_http_statuses_of_a_rest_operation_are_the_documents_but_404(
    op: Operation, shape: str
) -> None:
    statuses = {int(n) for n in names(op.universe[shape], Family.HTTP)}
    documented = _documented(op) - {404}  # 404 answers a path that is no operation
    if shape == "current":
        assert statuses == documented
    else:  # the seed shape reports an invalid field as 400, and never pages
        assert statuses == {400 if s == 422 else s for s in documented} - (
            set() if op.spec.reads_body else {400}
        )


def test_only_rest_counts_http_statuses_the_others_answer_errors_in_their_own_words() -> None:
    for op in OPERATIONS:
        if op.surface != "rest":
            assert not names(op.universe[""], Family.HTTP)


def test_an_outcome_reads_in_its_familys_words() -> None:
    assert Outcome(Family.CODE, "101").label == "Appendix B 101"
    assert Outcome(Family.HTTP, "413").label == "HTTP 413"
    assert Outcome(Family.RECIPIENT, "NOCREDITS").label == "NOCREDITS"
    assert Outcome(Family.DELETE, "SENT").label == "Appendix C SENT"
    assert Outcome(Family.OPT_OUT, "Stop").fact == "opt-out:Stop"
