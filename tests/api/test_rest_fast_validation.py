"""The compiled request check (jsonschema-rs) never accepts a body the reference validator
(jsonschema) refuses: the reference alone decides and explains, the compiled one only
saves it the work on bodies that are fine."""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from winsms_emulator.adapters.rest.validation import openapi

#: Every component a request body is checked against.
REQUEST_SCHEMAS = (
    "CurrentSendRequest",
    "CurrentSendMultiRequest",
    "SeedSendRequest",
    "ApiMessageIds",
    "SeedDeleteRequest",
    "CreditTransferRequest",
)

#: Text that tests the patterns' edges: every kind of white space, controls, astral signs.
CHARS = st.sampled_from(
    [chr(c) for c in range(0x30)]
    + ["\x85", "\xa0", "\u1680", "\u180e", "\u2000", "\u200a", "\u200b", "\u2028"]
    + ["\u2029", "\u202f", "\u205f", "\u3000", "\ufeff", "a", "7", "😀", "é"]
)
TEXT = st.text(CHARS, max_size=6)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)


def _names(schema: Any) -> set[str]:
    """Every property name anywhere in a schema, so generated bodies use the real ones."""
    found: set[str] = set()
    if isinstance(schema, dict):
        found |= set(schema.get("properties", {}))
        for value in schema.values():
            found |= _names(value)
    elif isinstance(schema, list):
        for value in schema:
            found |= _names(value)
    return found


NAMES = st.sampled_from(sorted(_names(openapi().document["components"]["schemas"])))
#: Objects made of the document's own field names: bodies that are nearly right.
NEAR = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(NAMES, inner, max_size=5),
    max_leaves=10,
)


def _reference_errors(schema: str, body: Any) -> list[Any]:
    return list(openapi().validators[schema].iter_errors(body))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(REQUEST_SCHEMAS), JSON | NEAR)
def test_the_fast_check_never_accepts_what_the_reference_refuses(schema: str, body: Any) -> None:
    if openapi().accepts_fast(schema, body):
        assert _reference_errors(schema, body) == []


VALID = {
    "CurrentSendRequest": {"message": "Hi", "recipients": [{"mobileNumber": "27825550101"}]},
    "SeedSendRequest": {"message": "Hi", "mobileNumbers": [{"mobileNumber": "27825550101"}]},
    "CurrentSendMultiRequest": {
        "messages": [{"message": "Hi", "recipients": [{"mobileNumber": "27825550101"}]}]
    },
    "ApiMessageIds": [1, 2, 3],
    "CreditTransferRequest": {
        "sendingAccountNumber": 1,
        "receivingAccountNumber": 2,
        "transferQuantity": 5,
    },
}


@pytest.mark.parametrize("schema", sorted(VALID))
def test_published_bodies_pass_both_checks(schema: str) -> None:
    assert openapi().accepts_fast(schema, VALID[schema])
    assert _reference_errors(schema, VALID[schema]) == []


@pytest.mark.parametrize(
    "text",
    ["a\ud800b", "\udfff"],  # text UTF-8 cannot carry: the compiled check cannot read it
)
def test_unreadable_text_goes_to_the_reference(text: str) -> None:
    body = {"message": text, "recipients": [{"mobileNumber": "27825550101"}]}
    assert not openapi().accepts_fast("CurrentSendRequest", body)
    assert _reference_errors("CurrentSendRequest", body) == []  # the reference decides


def test_the_not_blank_pattern_reads_alike_in_both_engines() -> None:
    """The document's "not blank" pattern: Python's and the compiled engine's notions of
    white space differ (U+001C..U+001F), so it names the characters one by one."""
    document = json.loads(json.dumps(openapi().document))
    pattern = document["components"]["schemas"]["CurrentRecipient"]["properties"]["mobileNumber"]
    pattern = pattern["pattern"]
    check = openapi().fast_validator("CurrentRecipient")
    for code in [*range(0x10000), 0x1F600, sys.maxunicode]:
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        blank = char.isspace()
        assert (re.search(pattern, char) is None) == blank, hex(code)
        assert check.is_valid({"mobileNumber": char}) is not blank, hex(code)
