"""The control plane's refusals: 400 bad input, 404 no such thing, 409 conflicts.

Every error is ``{"error": "..."}`` naming what is wrong, a refused request
changes nothing, and no input, however strange, gets a 500 (the Hypothesis
test at the end posts generated JSON to every endpoint that takes a body).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
from control_helpers import (
    N1,
    N2,
    PREFIX,
    START,
    USER,
    Control,
    check_answer,
    control_for,
    make_control,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from winsms_emulator import Emulator, EmulatorConfig

#: A scheduled time in the future of the manual clock's start.
LATER = "202501011000"


@cache
def _world_state() -> str:
    emulator = Emulator(
        [
            {"username": USER, "password": "w1Zard", "api_key": "hpotter-api-key"},
            {"username": "shop", "password": "pw", "api_key": "shop-key", "short_codes": ["42001"]},
        ]
    )
    control = control_for(emulator.app)
    control.xml_send("hi", N1)
    control.xml_send("later", N2, scheduled=LATER)
    return json.dumps(emulator.gateway.control.export_state())


def _world() -> Emulator:
    """hpotter has texted N1 (and queued a message to N2); shop (API key shop-key) owns
    short code 42001. That is its start state: a reset comes back to it."""
    emulator = Emulator()
    emulator.gateway.control.import_state(json.loads(_world_state()), as_start=True)
    return emulator


@pytest.fixture
def control() -> Control:
    """The shared world, reset to its start (a reset is much cheaper than a new app)."""
    shared = _SHARED.control
    shared.reset()
    return shared


#: Each endpoint that reads a JSON body, with a body it accepts in the world above.
BODY_ENDPOINTS: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "/reset", {"first_message_id": 5}),
    ("POST", "/quote", {"message": "hi"}),
    ("POST", "/accounts", {"username": "new", "password": "pw", "api_key": "new-key"}),
    ("PATCH", f"/accounts/{USER}", {"credits": 5}),
    ("POST", f"/accounts/{USER}/opt-outs", {"number": N1}),
    ("POST", "/dnc", {"number": N1}),
    ("POST", "/blacklist", {"number": N1}),
    ("POST", "/outcomes", {"number": N1, "status": "SENDINGFAILED", "status_code": 101}),
    ("POST", "/replies", {"from": N1, "message": "Thanks"}),
    ("POST", "/short-codes/42001/messages", {"from": N1, "message": "Enrol me"}),
    ("POST", "/clock", {"advance_seconds": 5}),
    ("POST", "/faults", {"kind": "malformed_body"}),
]
_IDS = [f"{m} {p}" for m, p, _ in BODY_ENDPOINTS]


@pytest.mark.parametrize(("method", "path", "body"), BODY_ENDPOINTS, ids=_IDS)
def test_each_body_endpoint_accepts_its_example_body(
    control: Control, method: str, path: str, body: dict[str, Any]
) -> None:
    assert control.call(method, path, body).status in (200, 201)


@pytest.mark.parametrize(("method", "path", "body"), BODY_ENDPOINTS, ids=_IDS)
@pytest.mark.parametrize("raw", ["{'single': 'quotes'}", "<xml/>"], ids=lambda r: repr(r))
def test_a_body_that_is_not_json_is_400_and_changes_nothing(
    control: Control, method: str, path: str, body: dict[str, Any], raw: str
) -> None:
    before = control.state()
    error = control.error(method, path, data=raw, content_type="application/json", status=400)
    assert "JSON" in error
    assert control.state() == before


@pytest.mark.parametrize(("method", "path", "body"), BODY_ENDPOINTS, ids=_IDS)
@pytest.mark.parametrize("value", [[{"number": N1}], "text", 5], ids=repr)
def test_a_json_body_that_is_not_an_object_is_400(
    control: Control, method: str, path: str, body: dict[str, Any], value: Any
) -> None:
    before = control.state()
    assert "object" in control.error(method, path, value, status=400)
    assert control.state() == before


@pytest.mark.parametrize(("method", "path", "body"), BODY_ENDPOINTS, ids=_IDS)
def test_an_unknown_field_is_400_naming_it(
    control: Control, method: str, path: str, body: dict[str, Any]
) -> None:
    before = control.state()
    error = control.error(method, path, {**body, "bogus_field": 1}, status=400)
    assert "bogus_field" in error
    assert control.state() == before


def test_a_state_that_is_not_a_json_object_is_400(control: Control) -> None:
    before = control.state()
    for raw in ("{not json", "[]", '"state"'):
        error = control.error(
            "PUT", "/state", data=raw, content_type="application/json", status=400
        )
        assert "state document" in error
    assert control.state() == before


#: (method, path, body, words the error must contain): every one is a 400.
BAD_INPUT: list[tuple[str, str, dict[str, Any], str]] = [
    # reset
    ("POST", "/reset", {"first_message_id": "5"}, "first_message_id"),
    ("POST", "/reset", {"first_message_id": 0}, "first message ID"),
    ("POST", "/reset", {"first_message_id": 1.5}, "first_message_id"),
    ("POST", "/reset", {"first_message_id": True}, "first_message_id"),
    ("POST", "/reset", {"seed": "7"}, "seed"),
    ("POST", "/reset", {"seed": None}, "seed"),
    # quote
    ("POST", "/quote", {}, "message"),
    ("POST", "/quote", {"message": 5}, "message"),
    ("POST", "/quote", {"message": "hi", "account": 5}, "account"),
    ("POST", "/quote", {"message": "hi", "max_parts": "2"}, "max_parts"),
    ("POST", "/quote", {"message": "hi", "max_parts": 0}, "max_parts"),
    ("POST", "/quote", {"message": "hi", "max_parts": 7}, "max_parts"),
    ("POST", "/quote", {"message": "hi", "max_parts": 2.5}, "max_parts"),
    # accounts
    ("POST", "/accounts", {"username": "x", "password": "pw"}, "api_key"),
    ("POST", "/accounts", {"username": "", "password": "pw", "api_key": "k"}, "username"),
    ("POST", "/accounts", {"username": 5, "password": "pw", "api_key": "k"}, "username"),
    (
        "POST",
        "/accounts",
        {"username": "x", "password": "p", "api_key": "k", "credits": "12abc"},
        "credits",
    ),
    (
        "POST",
        "/accounts",
        {"username": "x", "password": "p", "api_key": "k", "credits": -1},
        "credits",
    ),
    (
        "POST",
        "/accounts",
        {"username": "x", "password": "p", "api_key": "k", "credits": [5]},
        "credits",
    ),
    (
        "POST",
        "/accounts",
        {"username": "x", "password": "p", "api_key": "k", "trial": "yes"},
        "trial",
    ),
    (
        "POST",
        "/accounts",
        {"username": "x", "password": "p", "api_key": "k", "own_numbers": N1},
        "own_numbers",
    ),
    (
        "POST",
        "/accounts",
        {"username": "x", "password": "p", "api_key": "k", "own_numbers": ["2782555010a"]},
        "own_numbers",
    ),
    (
        "POST",
        "/accounts",
        {"username": "x", "password": "p", "api_key": "k", "short_codes": [""]},
        "short_codes",
    ),
    (
        "POST",
        "/accounts",
        {"username": "x", "password": "p", "api_key": "k", "rest_dialect": "v2"},
        "rest_dialect",
    ),
    (
        "POST",
        "/accounts",
        {"username": "x", "password": "p", "api_key": "k", "parent": ""},
        "parent",
    ),
    (
        "POST",
        "/accounts",
        {"username": "x", "password": "p", "api_key": "k", "account_number": 0},
        "account_number",
    ),
    (
        "POST",
        "/accounts",
        {"username": "x", "password": "p", "api_key": "k", "account_number": "7"},
        "account_number",
    ),
    (
        "POST",
        "/accounts",
        {"username": "x", "password": "p", "api_key": "k", "delivery_delay_seconds": 10**9},
        "delivery_delay_seconds",
    ),
    (
        "POST",
        "/accounts",
        {"username": "x", "password": "p", "api_key": "k", "price_per_part": "1,5"},
        "price_per_part",
    ),
    # patch
    ("PATCH", f"/accounts/{USER}", {"credits": True}, "credits"),
    ("PATCH", f"/accounts/{USER}", {"credits": "5 credits"}, "credits"),
    ("PATCH", f"/accounts/{USER}", {"locked": "true"}, "locked"),
    ("PATCH", f"/accounts/{USER}", {"username": "harry"}, "username"),
    ("PATCH", f"/accounts/{USER}", {"parent": "shop"}, "parent"),
    ("PATCH", f"/accounts/{USER}", {"account_number": 5}, "account_number"),
    ("PATCH", f"/accounts/{USER}", {"password": ""}, "password"),
    # numbers
    ("POST", f"/accounts/{USER}/opt-outs", {}, "number"),
    ("POST", f"/accounts/{USER}/opt-outs", {"number": 27825550101}, "number"),
    ("POST", f"/accounts/{USER}/opt-outs", {"number": "+27825550101"}, "not a mobile number"),
    ("POST", f"/accounts/{USER}/opt-outs", {"number": "2782555010a"}, "not a mobile number"),
    ("POST", "/dnc", {"number": "2782555010a"}, "not a mobile number"),
    ("POST", "/dnc", {"number": 27825550101}, "number"),
    ("POST", "/dnc", {"number": "27 82 555 0101"}, "not a mobile number"),
    ("POST", "/dnc", {"number": "٢٧٨٢٥٥٥٠١٠١"}, "not a mobile number"),
    ("POST", "/blacklist", {"number": "27825550101x"}, "not a mobile number"),
    ("POST", "/blacklist", {"number": None}, "number"),
    # outcomes
    ("POST", "/outcomes", {"number": N1, "status": "LOST", "status_code": 101}, "LOST"),
    ("POST", "/outcomes", {"number": N1, "status": "NOTFOUND", "status_code": -2}, "final state"),
    (
        "POST",
        "/outcomes",
        {"number": N1, "status": "SENDINGFAILED", "status_code": "101"},
        "status_code",
    ),
    ("POST", "/outcomes", {"number": N1, "status": "SENDINGFAILED", "status_code": 999}, "999"),
    (
        "POST",
        "/outcomes",
        {"number": N1, "status": "SENDINGFAILED", "status_code": 0},
        "does not go with",
    ),
    (
        "POST",
        "/outcomes",
        {"number": N1, "status": "DELIVERED", "status_code": 0, "after_seconds": "5s"},
        "after_seconds",
    ),
    (
        "POST",
        "/outcomes",
        {"number": N1, "status": "DELIVERED", "status_code": 0, "after_seconds": -1},
        "after_seconds",
    ),
    (
        "POST",
        "/outcomes",
        {"number": N1, "status": "DELIVERED", "status_code": 0, "after_seconds": 1e12},
        "after_seconds",
    ),
    (
        "POST",
        "/outcomes",
        {"number": "abc", "status": "DELIVERED", "status_code": 0},
        "not a mobile number",
    ),
    ("POST", "/outcomes", {"number": N1, "status": "DELIVERED"}, "status_code"),
    # handsets
    ("POST", "/replies", {"from": 27825550101, "message": "x"}, "from"),
    ("POST", "/replies", {"from": N1, "message": 5}, "message"),
    ("POST", "/replies", {"message": "x"}, "from"),
    ("POST", "/replies", {"from": "2782555010l", "message": "x"}, "not a mobile number"),
    ("POST", "/short-codes/42001/messages", {"from": "x", "message": "hi"}, "not a mobile number"),
    ("POST", "/short-codes/42001/messages", {"from": N1, "message": None}, "message"),
    # clock
    ("POST", "/clock", {}, "exactly one"),
    ("POST", "/clock", {"advance_seconds": 5, "now": START}, "exactly one"),
    ("POST", "/clock", {"advance_seconds": -1}, "advance_seconds"),
    ("POST", "/clock", {"advance_seconds": "10s"}, "advance_seconds"),
    ("POST", "/clock", {"advance_seconds": None}, "advance_seconds"),
    ("POST", "/clock", {"advance_seconds": 10**400}, "clock"),
    ("POST", "/clock", {"now": "tomorrow"}, "ISO-8601"),
    ("POST", "/clock", {"now": "2025-01-01T10:00:00"}, "UTC offset"),
    ("POST", "/clock", {"now": 1735718400}, "now"),
    # faults
    ("POST", "/faults", {}, "kind"),
    ("POST", "/faults", {"kind": "boom"}, "kind"),
    ("POST", "/faults", {"kind": "http_error", "match": "rest"}, "match"),
    ("POST", "/faults", {"kind": "http_error", "match": {"host": "x"}}, "host"),
    ("POST", "/faults", {"kind": "http_error", "api": "soap"}, "match.api"),
    ("POST", "/faults", {"kind": "http_error", "path": 5}, "match.path"),
    ("POST", "/faults", {"kind": "latency"}, "latency"),
    ("POST", "/faults", {"kind": "latency", "seconds": 61}, "latency"),
    ("POST", "/faults", {"kind": "latency", "seconds": "1"}, "seconds"),
    ("POST", "/faults", {"kind": "http_error", "status": 302}, "status"),
    ("POST", "/faults", {"kind": "http_error", "status": "503"}, "status"),
    ("POST", "/faults", {"kind": "http_error", "times": 0}, "times"),
    ("POST", "/faults", {"kind": "http_error", "probability": 0}, "probability"),
    ("POST", "/faults", {"kind": "http_error", "probability": 1.5}, "probability"),
    ("POST", "/faults", {"kind": "http_error", "times": 1, "probability": 0.5}, "not both"),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "words"),
    BAD_INPUT,
    ids=[f"{m} {p} {json.dumps(b)[:60]}" for m, p, b, _ in BAD_INPUT],
)
def test_bad_input_is_400_naming_what_is_wrong_and_changes_nothing(
    control: Control, method: str, path: str, body: dict[str, Any], words: str
) -> None:
    before = control.state()
    assert words in control.error(method, path, body, status=400)
    assert control.state() == before


@pytest.mark.parametrize(
    ("path", "raw"),
    [
        ("/accounts", '{"username": "x", "password": "p", "api_key": "k", "credits": NaN}'),
        ("/accounts", '{"username": "x", "password": "p", "api_key": "k", "credits": Infinity}'),
        ("/clock", '{"advance_seconds": NaN}'),
        ("/clock", '{"advance_seconds": Infinity}'),
        (
            "/outcomes",
            '{"number": "27825550101", "status": "SENT", "status_code": 106, "after_seconds": NaN}',
        ),
        ("/faults", '{"kind": "latency", "seconds": NaN}'),
        ("/faults", '{"kind": "http_error", "probability": NaN}'),
    ],
)
def test_nan_and_infinity_are_not_numbers(control: Control, path: str, raw: str) -> None:
    before = control.state()
    control.error("POST", path, data=raw, content_type="application/json", status=400)
    assert control.state() == before


# -- 404: no such thing ----------------------------------------------------------------------------


NOT_FOUND: list[tuple[str, str, Any, str]] = [
    ("GET", "/accounts/nobody", None, "nobody"),
    ("PATCH", "/accounts/nobody", {"credits": 5}, "nobody"),
    ("POST", "/accounts/nobody/reset", None, "nobody"),
    ("GET", "/accounts/nobody/messages", None, "nobody"),
    ("GET", "/accounts/nobody/replies", None, "nobody"),
    ("GET", "/accounts/nobody/short-code-messages", None, "nobody"),
    ("GET", "/accounts/nobody/opt-outs", None, "nobody"),
    ("POST", "/accounts/nobody/opt-outs", {"number": N1}, "nobody"),
    ("DELETE", f"/accounts/nobody/opt-outs/{N1}", None, "nobody"),
    ("DELETE", f"/accounts/{USER}/opt-outs/{N1}", None, N1),
    ("GET", "/messages/99", None, "99"),
    ("GET", "/messages/abc", None, "abc"),
    ("DELETE", f"/dnc/{N1}", None, N1),
    ("DELETE", f"/blacklist/{N1}", None, N1),
    ("DELETE", f"/outcomes/{N1}", None, N1),
    ("POST", "/short-codes/99999/messages", {"from": N1, "message": "hi"}, "99999"),
    ("POST", "/quote", {"message": "hi", "account": "nobody"}, "nobody"),
    (
        "POST",
        "/accounts",
        {"username": "sub", "password": "p", "api_key": "s", "parent": "nobody"},
        "nobody",
    ),
    ("GET", "/no-such-endpoint", None, "/_emulator/no-such-endpoint"),
    ("POST", "/accounts/hpotter/nothing", {}, "nothing"),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "words"), NOT_FOUND, ids=[f"{m} {p}" for m, p, _, _ in NOT_FOUND]
)
def test_a_missing_thing_is_404_naming_it(
    control: Control, method: str, path: str, body: Any, words: str
) -> None:
    before = control.state()
    kwargs: dict[str, Any] = {} if body is None else {"body": body}
    assert words in control.error(method, path, status=404, **kwargs)
    assert control.state() == before


def test_a_method_a_path_does_not_have_is_405_in_json(control: Control) -> None:
    error = control.error("DELETE", "/clock", status=405)
    assert error.startswith("DELETE is not allowed on /_emulator/clock; use ")
    assert sorted(error.rsplit("use ", 1)[1].split(", ")) == ["GET", "POST"]
    assert control.error("PUT", "/accounts", {}, status=405).startswith("PUT is not allowed")


# -- 409: conflicts with the current state ---------------------------------------------------------


CONFLICTS: list[tuple[str, str, dict[str, Any], str]] = [
    ("POST", "/accounts", {"username": USER, "password": "p", "api_key": "fresh"}, USER),
    ("POST", "/accounts", {"username": "x", "password": "p", "api_key": "shop-key"}, "API key"),
    (
        "POST",
        "/accounts",
        {"username": "x", "password": "p", "api_key": "k", "short_codes": ["42001"]},
        "42001",
    ),
    (
        "POST",
        "/accounts",
        {"username": "x", "password": "p", "api_key": "k", "account_number": 10001},
        "10001",
    ),
    ("PATCH", f"/accounts/{USER}", {"api_key": "shop-key"}, "API key"),
    ("PATCH", f"/accounts/{USER}", {"short_codes": ["42001"]}, "42001"),
    ("POST", "/clock", {"now": "2025-01-01T07:59:59+02:00"}, "backwards"),
    ("POST", "/clock", {"now": "2025-01-01T05:59:59Z"}, "backwards"),
    ("POST", "/replies", {"from": "27845550909", "message": "who?"}, "27845550909"),
    # N2's only message is still queued: nobody has texted it yet
    ("POST", "/replies", {"from": N2, "message": "early"}, N2),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "words"),
    CONFLICTS,
    ids=[f"{m} {p} {json.dumps(b)[:50]}" for m, p, b, _ in CONFLICTS],
)
def test_a_conflict_with_the_current_state_is_409(
    control: Control, method: str, path: str, body: dict[str, Any], words: str
) -> None:
    before = control.state()
    assert words in control.error(method, path, body, status=409)
    assert control.state() == before


def test_the_api_key_an_account_already_has_may_be_given_again(control: Control) -> None:
    control.patch(f"/accounts/{USER}", {"api_key": "hpotter-api-key"})


def test_the_clock_cannot_move_after_time_went_forward(control: Control) -> None:
    control.advance(3600)
    assert "backwards" in control.error("POST", "/clock", {"now": START}, status=409)


@pytest.mark.parametrize("body", [{"advance_seconds": 5}, {"now": "2030-01-01T00:00:00+02:00"}])
def test_a_real_clock_cannot_be_moved(body: dict[str, Any]) -> None:
    control = make_control(EmulatorConfig(clock="real"))
    assert "real time" in control.error("POST", "/clock", body, status=409)
    assert control.get("/clock")["mode"] == "real"


def test_a_reset_of_a_real_clock_is_allowed_and_keeps_it_real() -> None:
    control = make_control(EmulatorConfig(clock="real"))
    assert control.reset()["clock"]["mode"] == "real"


# -- 401: the admin token --------------------------------------------------------------------------


@pytest.fixture
def guarded() -> Control:
    return make_control(EmulatorConfig(admin_token="s3cret"))


def test_without_the_admin_token_the_control_plane_is_401(guarded: Control) -> None:
    before = guarded.call("GET", "/state", headers={"X-Emulator-Token": "s3cret"}).body
    error = guarded.error("POST", "/dnc", {"number": N1}, status=401)
    assert error == "this control plane needs the admin token"
    assert guarded.call("GET", "/state", headers={"X-Emulator-Token": "s3cret"}).body == before


def test_a_wrong_admin_token_is_401(guarded: Control) -> None:
    for headers in ({"X-Emulator-Token": "guess"}, {"Authorization": "Bearer guess"}):
        guarded.call("GET", "/accounts", headers=headers, status=401)


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Emulator-Token": "s3cret"},
        {"Authorization": "Bearer s3cret"},
        {"Authorization": "bearer s3cret"},
    ],
    ids=["X-Emulator-Token", "Bearer", "lower-case bearer"],
)
def test_the_admin_token_opens_the_control_plane(guarded: Control, headers: dict[str, str]) -> None:
    assert guarded.call("POST", "/dnc", {"number": N1}, headers=headers, status=201).body == {
        "number": N1
    }


def test_health_and_ready_need_no_admin_token(guarded: Control) -> None:
    assert guarded.get("/health")["status"] == "ok"
    assert guarded.get("/ready")["status"] == "ready"


def test_the_admin_token_does_not_guard_the_winsms_apis(guarded: Control) -> None:
    assert guarded.xml_send("hi", N1) == ["1"]
    assert guarded.rest("GET", "/credits/balance")[0] == 200


# -- no input gets a 500 ---------------------------------------------------------------------------

_HUGE = st.sampled_from(
    [10**400, -(10**400), 2**63, 2**64 + 1, -(2**63) - 1, 1e308, -1e308, 5e-324, 10**20]
)
_LONG_TEXT = st.builds(lambda ch, n: ch * n, st.characters(), st.integers(500, 20_000))
_DIGITS = st.text("0123456789", min_size=1, max_size=25)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | _HUGE
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | _DIGITS
    | _LONG_TEXT
    | st.sampled_from(["DELIVERED", "SENDINGFAILED", "SENT", "rest", "xml", "latency", START])
)
_JSON = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)

#: The fields each body endpoint reads, so generated bodies get past the first check.
_FIELDS: dict[str, list[str]] = {
    "/reset": ["first_message_id", "seed"],
    "/accounts/hpotter/reset": [],
    "/state": ["format", "version", "clock", "accounts", "messages", "outcomes", "faults"],
    "/quote": ["message", "account", "max_parts"],
    "/accounts": [
        "username",
        "password",
        "api_key",
        "credits",
        "trial",
        "own_numbers",
        "locked",
        "dnc_bypass",
        "price_per_part",
        "delivery_delay_seconds",
        "short_codes",
        "rest_dialect",
        "parent",
        "account_number",
        "first_name",
        "surname",
    ],
    "/accounts/hpotter": [
        "password",
        "api_key",
        "credits",
        "trial",
        "own_numbers",
        "locked",
        "dnc_bypass",
        "price_per_part",
        "delivery_delay_seconds",
        "short_codes",
        "rest_dialect",
    ],
    "/accounts/hpotter/opt-outs": ["number"],
    "/dnc": ["number"],
    "/blacklist": ["number"],
    "/outcomes": ["number", "status", "status_code", "after_seconds"],
    "/replies": ["from", "message"],
    "/short-codes/42001/messages": ["from", "message"],
    "/clock": ["advance_seconds", "now"],
    "/faults": [
        "kind",
        "match",
        "api",
        "path",
        "operation",
        "account",
        "seconds",
        "status",
        "times",
        "probability",
    ],
}
_FUZZED = [
    ("POST", "/reset"),
    ("POST", "/accounts/hpotter/reset"),
    ("PUT", "/state"),
    ("POST", "/quote"),
    ("POST", "/accounts"),
    ("PATCH", "/accounts/hpotter"),
    ("POST", "/accounts/hpotter/opt-outs"),
    ("POST", "/dnc"),
    ("POST", "/blacklist"),
    ("POST", "/outcomes"),
    ("POST", "/replies"),
    ("POST", "/short-codes/42001/messages"),
    ("POST", "/clock"),
    ("POST", "/faults"),
]
_VALID = {path: body for _, path, body in BODY_ENDPOINTS}


def _bodies(path: str) -> st.SearchStrategy[Any]:
    names = _FIELDS[path]
    keys = st.sampled_from(names) | st.text(max_size=10) if names else st.text(max_size=10)
    valid = _VALID.get(path, {})
    return st.one_of(
        _JSON,
        st.dictionaries(keys, _JSON, max_size=6),
        st.builds(
            lambda over: {**valid, **over},
            st.dictionaries(st.sampled_from(names) if names else st.text(), _JSON, max_size=2),
        ),
        st.binary(max_size=200).map(lambda raw: ("raw", raw)),
    )


@pytest.mark.parametrize(("method", "path"), _FUZZED, ids=[f"{m} {p}" for m, p in _FUZZED])
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_no_generated_json_body_gets_a_500(method: str, path: str, data: st.DataObject) -> None:
    control = _SHARED.control
    control.reset()
    body = data.draw(_bodies(path), label="body")
    if isinstance(body, tuple):
        answer = control.call(method, path, data=body[1], content_type="application/json")
    else:
        answer = control.call(method, path, body)
    # Control.call has checked the answer against the document (no 5xx, strict JSON,
    # the status listed for the operation, {"error"} for a 4xx); only these are right
    assert answer.status in {200, 201, 204, 400, 404, 409}
    control.get("/state")  # the emulator still answers after it


class _SharedWorld:
    """One world for the whole module; each test and generated example begins with a reset."""

    _control: Control | None = None

    @property
    def control(self) -> Control:
        if self._control is None:
            self._control = control_for(_world().app)
        return self._control


_SHARED = _SharedWorld()


_EXTREMES: list[Any] = [10**400, -(10**400), 1e308, -1e308, 2**63, "9" * 400, "x" * 100_000]


@pytest.mark.parametrize(("method", "path"), _FUZZED, ids=[f"{m} {p}" for m, p in _FUZZED])
def test_extreme_values_in_any_field_get_no_500_and_strict_json(method: str, path: str) -> None:
    """Huge numbers, huge digit strings and long texts, in each field of an accepted body."""
    control = _SHARED.control
    problems = []
    for field in _FIELDS[path]:
        for value in _EXTREMES:
            control.reset()
            body = {**_VALID.get(path, {}), field: value}
            response = control.client.open(PREFIX + path, method=method, json=body)
            raw = response.get_data(as_text=True)
            try:
                check_answer(method, PREFIX + path, response.status_code, response.mimetype, raw)
            except (AssertionError, pytest.fail.Exception) as exc:
                shown = repr(value) if len(repr(value)) < 30 else f"{repr(value)[:20]}..."
                problems.append(f"{field}={shown}: {str(exc).splitlines()[0][:200]}")
    assert not problems, "\n".join(problems)
