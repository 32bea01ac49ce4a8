"""Lists of IDs beyond the documented 1000: the current shape refuses them whole (422, as
send does) before reading them; the seed shape answers status IDs past the 1000th
SKIPPED (108) up to 10,000 and refuses a longer list; a delete of more than 1000 IDs is
refused in both shapes and deletes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from rest_helpers import N1, make_current, make_rest

from winsms_emulator.adapters.rest import validation
from winsms_emulator.adapters.rest.validation import OpenApi, openapi

STATUS = "/sms/outgoing/status"
DELETE = "/sms/scheduled/delete"
BAD_IDS = "At least one non-numeric api Id was supplied in the apiIds array."
LATER = 202501011000  # two hours after the manual clock's start


def _schema_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The OpenAPI components bodies are checked against from now on."""
    checked: list[str] = []
    original = OpenApi.check

    def counted(self: OpenApi, schema: str, data: Any) -> Any:
        checked.append(schema)
        return original(self, schema, data)

    monkeypatch.setattr(OpenApi, "check", counted)
    return checked


def _post(rest: Any, path: str, body: Any) -> Any:
    return rest.call(
        "POST", path, data=json.dumps(body, separators=(",", ":")), content_type="application/json"
    )


@pytest.mark.parametrize("path", [STATUS, DELETE])
def test_the_current_shape_refuses_100000_ids_before_reading_them(
    monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    rest = make_current()
    checked = _schema_checks(monkeypatch)

    answer = _post(rest, path, [1] * 100_000)

    assert (answer.status, answer.message) == (422, BAD_IDS)
    assert checked == []
    [entry] = rest.journal()
    assert entry["detail"] == "100000 IDs in one request; no more than 1000 are allowed"


def test_a_current_delete_of_1001_ids_deletes_nothing() -> None:
    rest = make_current()
    [queued] = rest.send_ids("Later", N1, scheduledTime=str(LATER))

    answer = _post(rest, DELETE, [queued, *range(10_000, 11_000)])

    assert answer.status == 422
    assert [m["status"] for m in rest.control("GET", "/accounts/hpotter/messages")["messages"]] == [
        "NOTFOUND"  # still queued
    ]
    assert rest.balance() == 999.0


@pytest.mark.parametrize(
    "body",
    [
        lambda queued: [queued, *range(10_000, 11_000)],
        lambda queued: {"messages": [{"serverMessageId": i} for i in [queued, *range(1, 1001)]]},
    ],
)
def test_a_seed_delete_of_more_than_1000_ids_is_400_and_deletes_nothing(body: Any) -> None:
    rest = make_rest()
    [queued] = [r["serverMessageId"] for r in rest.send_seed("Later", N1, scheduledTime=LATER)]

    answer = _post(rest, DELETE, body(queued))

    assert answer.status == 400
    assert "1001 IDs in one request; no more than 1000 are allowed" in answer.message
    assert rest.balance() == 999.0


def test_a_seed_delete_of_1000_ids_is_served() -> None:
    rest = make_rest()
    [queued] = [r["serverMessageId"] for r in rest.send_seed("Later", N1, scheduledTime=LATER)]

    answer = _post(rest, DELETE, [queued, *range(10_000, 10_999)])

    assert answer.status == 200
    assert len(answer.body["messages"]) == 1000
    assert answer.body["messages"][0]["statusErrorCode"] == 102
    assert rest.balance() == 1000.0


def test_a_seed_status_of_10000_ids_answers_1000_and_skips_9000() -> None:
    rest = make_rest()
    [sent] = rest.send_ids("Hi", N1)

    answer = _post(rest, STATUS, [*range(2, 1001), sent, *range(1001, 10_001)])

    assert answer.status == 200
    messages = answer.body["messages"]
    assert len(messages) == 10_000
    assert messages[999]["statusErrorCode"] == 105
    assert {m["statusErrorCode"] for m in messages[1000:]} == {108}


def test_a_seed_status_of_more_than_10000_ids_is_refused_before_reading_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rest = make_rest()
    checked = _schema_checks(monkeypatch)

    answer = _post(rest, STATUS, [1] * 10_001)

    assert answer.status == 400
    assert "10001 IDs in one request; no more than 10000 are allowed" in answer.message
    assert checked == []


# -- a list of IDs is checked in one pass, with the schema's own verdict --------------------------

IDS = st.lists(
    st.one_of(
        st.integers(-3, 2**40),
        st.booleans(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=3),
        st.none(),
    ),
    max_size=6,
)


@given(IDS)
def test_the_quick_check_of_an_id_list_agrees_with_the_schema(ids: list[Any]) -> None:
    for name in ("ApiMessageIds", "SeedMessageIds"):
        document = openapi()
        schema_says_valid = not list(
            Draft202012Validator.iter_errors(document.validators[name], ids)
        )
        bounds = document.id_lists[name]

        if validation._is_id_list(ids, *bounds):
            assert schema_says_valid
        assert (document.check(name, ids) == []) == schema_says_valid


def test_both_id_schemas_have_the_quick_check() -> None:
    assert set(openapi().id_lists) >= {"ApiMessageIds", "SeedMessageIds"}
