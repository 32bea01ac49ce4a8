"""Fuzzing REST v1: generated and mutated JSON bodies, headers and query strings.

For every operation of ``schemas/rest-v1.openapi.json``: never a 5xx; always
a status the document lists for that path and method, with a JSON body that
passes the document's schema for it; and a 4xx answer changes nothing
(``GET /_emulator/state`` is the same before and after).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fuzz_support import (
    API_KEYS,
    new_emulator,
    repopulate,
    rest_operations,
    rest_response_validator,
    world,
)
from hypothesis import currently_in_test_context, event, given, note
from hypothesis import strategies as st

from winsms_emulator import Emulator

REST = "/api/rest/v1"
OPERATIONS = rest_operations()


@pytest.fixture(scope="module")
def emulator() -> Emulator:
    return new_emulator()


# -- bodies ------------------------------------------------------------------------------------

#: Stands for an integer too long to write with json.dumps; swapped in as raw text.
HUGE_MARK = "__HUGE_INTEGER__"
HUGE_TEXT = "9" * 5000

odd_scalars = st.sampled_from(
    [
        None,
        True,
        False,
        0,
        -1,
        1,
        2**31,
        2**63,
        10**30,
        1.5,
        1.0,
        -0.0,
        1e308,
        "",
        " ",
        "\t",
        "27825550101",
        "0825550101",
        "abc",
        "٢٧٨",
        "😀" * 3,
        "x" * 2000,
        "202501011000",
        "20250230",
        "1",
        HUGE_MARK,
    ]
)
json_values = st.recursive(
    odd_scalars | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)

SEED_SEND = {
    "message": "Hi",
    "mobileNumbers": [{"mobileNumber": "27825550101", "clientMessageId": "a"}],
}
CURRENT_SEND = {
    "message": "Hi",
    "recipients": [{"mobileNumber": "27825550101", "clientMessageId": "a"}],
    "maxSegments": 1,
    "scheduledTime": "",
}
TEMPLATES: dict[tuple[str, str], list[Any]] = {
    ("/sms/outgoing/send", "post"): [SEED_SEND, CURRENT_SEND],
    ("/sms/outgoing/sendmulti", "post"): [{"messages": [CURRENT_SEND, CURRENT_SEND]}],
    ("/sms/outgoing/status", "post"): [[1, 2, 3, 4, 5, 6, 99]],
    ("/sms/scheduled/delete", "post"): [
        [4, 5],
        {"messages": [{"serverMessageId": 4}, {"serverMessageId": 5}]},
    ],
    ("/credits/transfer", "post"): [
        {"sendingAccountNumber": 20001, "receivingAccountNumber": 20002, "transferQuantity": 1}
    ],
}


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*prefix, index)))
    return found


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


def _mutated(value: Any, ops: list[tuple[str, int, Any, str]]) -> Any:
    value = json.loads(json.dumps(value))
    for kind, index, replacement, key in ops:
        paths = _paths(value)
        if kind == "blank":  # white space in place of one of the strings
            paths = [p for p in paths if p and isinstance(_at(value, p), str)] or paths
        path = paths[index % len(paths)]
        if not path:
            if kind == "replace":
                value = replacement
            continue
        parent = value
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        if kind == "replace":
            parent[last] = replacement
        elif kind == "delete":
            del parent[last]
        elif kind == "add" and isinstance(parent, dict):
            parent[key] = replacement
        elif kind == "repeat" and isinstance(parent, list):
            parent.extend([parent[last]] * (1001 if index % 3 == 0 else 1))
        elif kind == "wrap":
            parent[last] = [parent[last]]
        elif kind == "blank" and isinstance(parent[last], str):
            parent[last] = key
    return value


WHITE_SPACE = [" ", "\t", "\u0085", "\u3000", "\n \r"]
json_ops = st.lists(
    st.tuples(
        st.sampled_from(["replace", "delete", "add", "repeat", "wrap", "blank", "blank"]),
        st.integers(0, 50),
        json_values,
        # a key to add, or the white space a "blank" puts in place of a string
        st.sampled_from(
            ["message", "recipients", "mobileNumbers", "maxSegments", "extra", *WHITE_SPACE]
        ),
    ),
    max_size=3,
)


def serialise(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).replace(f'"{HUGE_MARK}"', HUGE_TEXT).encode()


RAW_BODIES = [
    b"",
    b" ",
    b"{",
    b"null",
    b"NaN",
    b"[1, 2,]",
    b'{"message": "Hi", "message": 5}',
    b"\xff\xfe\x00{",
    b'{"message": "\xc3\x28"}',
    b"[" * 5000 + b"]" * 5000,
    b"[" * 900 + b"]" * 900,
    b"[" * 400 + b"1" + b"]" * 400,
    b'{"a":' * 600 + b"1" + b"}" * 600,
    json.dumps({"message": "x" * (210 * 1024), "recipients": []}).encode(),
]


@st.composite
def bodies(draw: st.DrawFn, path: str, method: str) -> bytes | None:
    kind = draw(st.sampled_from(["template", "template", "json", "raw", "none"]))
    templates = TEMPLATES.get((path, method))
    if kind == "template" and templates:
        return serialise(_mutated(draw(st.sampled_from(templates)), draw(json_ops)))
    if kind == "json":
        return serialise(draw(json_values))
    if kind == "raw":
        return draw(st.sampled_from(RAW_BODIES))
    return None


keys = st.one_of(
    st.sampled_from(API_KEYS),
    st.sampled_from(API_KEYS),
    st.sampled_from(["", "nope", " hpotter-api-key", "HPOTTER-API-KEY", None]),
)
header_names = st.sampled_from(["Authorization", "authorization", "AUTHORIZATION"])
content_types = st.sampled_from(
    [
        "application/json",
        "application/json",
        "application/json; charset=utf-8",
        "application/vnd.winsms+json",
        "APPLICATION/JSON",
        "text/plain",
        "application/x-www-form-urlencoded",
        None,
    ]
)
query_values = st.sampled_from(
    ["0", "1", "5", "100", "1000", "1001", "-1", "", " ", "abc", "1.5", "9" * 30, "٣", "+1"]
) | st.text(max_size=8)
queries = st.dictionaries(
    st.sampled_from(["offset", "limit", "other", "OFFSET"]), query_values, max_size=3
)


# -- the checks -----------------------------------------------------------------------------------


def call_and_check(
    emulator: Emulator,
    path: str,
    method: str,
    *,
    body: bytes | None,
    headers: dict[str, str],
    query: dict[str, str],
    documented_method: str | None = None,
) -> int:
    """One request; the answer must be documented; a 4xx must change nothing."""
    client = emulator.client()
    before = world(client)
    answer = client.open(
        REST + path, method=method.upper(), data=body, headers=headers, query_string=query
    )
    emulator.raise_errors()
    status = answer.status_code
    if currently_in_test_context():
        event(f"status {status}")
    assert status < 500, answer.data[:500]
    validator = rest_response_validator(path, documented_method or method, status)
    assert validator is not None, f"{status} is not documented for {method} {path}"
    assert answer.mimetype == "application/json", answer.mimetype
    data = json.loads(answer.get_data())
    errors = sorted(validator.iter_errors(data), key=str)
    assert not errors, (status, [e.message for e in errors[:3]], data)
    if 400 <= status < 500:
        assert world(client) == before, f"a {status} answer changed the state"
    return status


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
@given(data=st.data())
def test_fuzzed_requests_get_documented_answers(
    emulator: Emulator, path: str, method: str, data: st.DataObject
) -> None:
    repopulate(emulator)
    headers: dict[str, str] = {}
    key = data.draw(keys)
    if key is not None:
        headers[data.draw(header_names)] = key
    content_type = data.draw(content_types)
    if content_type is not None:
        headers["Content-Type"] = content_type
    body = data.draw(bodies(path, method))
    query = data.draw(queries) if method == "get" else {}
    note(f"{method.upper()} {path} {headers} {query} {body[:1000] if body else body!r}")
    call_and_check(emulator, path, method, body=body, headers=headers, query=query)


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
@given(wrong=st.sampled_from(["get", "post", "put", "patch", "delete"]), key=keys)
def test_wrong_methods_get_a_documented_405(
    emulator: Emulator, path: str, method: str, wrong: str, key: str | None
) -> None:
    if wrong == method:
        return
    repopulate(emulator)
    headers = {"Authorization": key} if key is not None else {}
    status = call_and_check(
        emulator, path, wrong, body=None, headers=headers, query={}, documented_method=method
    )
    assert status == 405


WHITE_SPACE_TEXT = st.text(
    st.sampled_from([" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x85", "\xa0", "\u2000", "\u3000"]),
    min_size=1,
    max_size=3,
)


@pytest.mark.parametrize(("path", "method"), sorted(TEMPLATES))
@given(data=st.data(), blank=WHITE_SPACE_TEXT, key=st.sampled_from(API_KEYS))
def test_white_space_in_any_string_of_a_valid_body_gets_a_documented_answer(
    emulator: Emulator, path: str, method: str, data: st.DataObject, blank: str, key: str
) -> None:
    """A blank ``message`` or ``mobileNumber`` is an invalid field, not a recipient code."""
    repopulate(emulator)
    body = data.draw(st.sampled_from(TEMPLATES[(path, method)]))
    strings = [p for p in _paths(body) if p and isinstance(_at(body, p), str)]
    if strings:
        chosen = data.draw(st.sampled_from(strings))
        body = _mutated(body, [])
        parent = _at(body, chosen[:-1])
        parent[chosen[-1]] = blank
    note(f"{key}: {body!r}")
    headers = {"Authorization": key, "Content-Type": "application/json"}
    call_and_check(emulator, path, method, body=serialise(body), headers=headers, query={})
