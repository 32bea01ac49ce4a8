"""Whatever a client sends to a REST v1 operation, the answer is one the document allows.

For every operation, generated requests (valid and invalid JSON bodies, the
right keys with wrong types, huge numbers, long and unicode strings, raw bytes,
with and without a key, with wrong content types and paging parameters) must
never get a 5xx, must get a status the document lists for the operation, and
a body that matches the document's schema for that status. :meth:`Rest.call`
checks all three.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_helpers import KEY, N1, N2, OPERATIONS, make_rest

NUMBERS = [N1, N2, "27444444444", "0825550101", "27abc", "", " ", "2" * 40]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["", " ", "\u0000", "😀" * 3, "ж" * 80, "€" * 90, "202501011000", "0"]),
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


def maybe(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``value`` most of the time, any JSON value some of the time."""
    return st.one_of(value, value, value, json_values)


messages = maybe(st.one_of(st.text(max_size=200), st.sampled_from(["x" * 161, "x" * 919, " "])))
numbers = maybe(st.one_of(st.sampled_from(NUMBERS), st.text(alphabet="0123456789+", max_size=20)))
recipient = st.fixed_dictionaries(
    {"mobileNumber": numbers}, optional={"clientMessageId": maybe(st.text(max_size=20) | st.none())}
)
recipients = maybe(st.lists(maybe(recipient), max_size=4))
scheduled = maybe(
    st.one_of(
        st.none(),
        st.sampled_from(["", "202501011000", "201813011200", "202401010000", "2025"]),
        st.text(alphabet="0123456789", min_size=12, max_size=12),
    )
)
segments = maybe(st.integers(min_value=-2, max_value=8))
current_send = st.fixed_dictionaries(
    {"message": messages, "recipients": recipients},
    optional={"scheduledTime": scheduled, "maxSegments": segments},
)
seed_send = st.fixed_dictionaries(
    {"message": messages, "mobileNumbers": recipients},
    optional={"scheduledTime": maybe(st.integers(min_value=0, max_value=10**13))},
)
ids = maybe(
    st.lists(maybe(st.integers(min_value=-5, max_value=50)), max_size=6)
    | st.sampled_from([list(range(1, 1002)), [2**70], [0], []])
)
seed_delete = st.fixed_dictionaries(
    {"messages": maybe(st.lists(st.fixed_dictionaries({"serverMessageId": ids}), max_size=3))}
)
account_number = maybe(st.integers(min_value=10000, max_value=10006) | st.integers())
transfer = st.fixed_dictionaries(
    {
        "sendingAccountNumber": account_number,
        "receivingAccountNumber": account_number,
        "transferQuantity": maybe(st.integers(min_value=-2, max_value=3000)),
    }
)
good_recipients = st.lists(
    st.fixed_dictionaries(
        {"mobileNumber": st.sampled_from([n for n in NUMBERS if n.strip()])},
        optional={"clientMessageId": st.text(max_size=10) | st.none()},
    ),
    min_size=1,
    max_size=4,
)
good_message = st.text(min_size=1, max_size=300).filter(lambda text: not text.isspace())
good_current = st.fixed_dictionaries(
    {"message": good_message, "recipients": good_recipients},
    optional={
        "scheduledTime": st.sampled_from(["", None, "202501011000", "202401010000"]),
        "maxSegments": st.integers(min_value=1, max_value=6),
    },
)
good_ids = st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=6)
VALID: dict[str, st.SearchStrategy[Any]] = {
    "/sms/outgoing/send": st.one_of(
        good_current,
        st.fixed_dictionaries(
            {"message": good_message, "mobileNumbers": good_recipients},
            optional={"scheduledTime": st.sampled_from([None, 0, 202501011000, 202401010000])},
        ),
    ),
    "/sms/outgoing/sendmulti": st.fixed_dictionaries(
        {"messages": st.lists(good_current, min_size=1, max_size=3)}
    ),
    "/sms/outgoing/status": good_ids,
    "/sms/scheduled/delete": st.one_of(
        good_ids,
        st.fixed_dictionaries(
            {"messages": st.lists(st.fixed_dictionaries({"serverMessageId": st.integers(0, 9)}))}
        ).filter(lambda body: body["messages"]),
    ),
    "/credits/transfer": st.fixed_dictionaries(
        {
            "sendingAccountNumber": st.integers(min_value=10001, max_value=10004),
            "receivingAccountNumber": st.integers(min_value=10001, max_value=10004),
            "transferQuantity": st.integers(min_value=1, max_value=2000),
        }
    ),
}
BODIES: dict[str, st.SearchStrategy[Any]] = {
    "/sms/outgoing/send": st.one_of(current_send, seed_send),
    "/sms/outgoing/sendmulti": st.fixed_dictionaries(
        {"messages": maybe(st.lists(maybe(current_send), max_size=3))}
    ),
    "/sms/outgoing/status": ids,
    "/sms/scheduled/delete": st.one_of(ids, seed_delete),
    "/credits/transfer": transfer,
}
paging_value = st.one_of(
    st.integers(min_value=-3, max_value=1003).map(str),
    st.sampled_from(["", "abc", "1.5", "1e3", "٣", " 5", "99999999999999999999"]),
)
queries = st.one_of(
    st.just(""),
    st.dictionaries(st.sampled_from(["offset", "limit", "other"]), paging_value).map(urlencode),
)
content_types = st.sampled_from(
    [
        "application/json",
        "application/json",
        "application/json",
        "application/json",
        "application/json; charset=utf-8",
        None,
        "text/plain",
        "application/xml",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ]
)
keys = st.sampled_from([KEY, KEY, KEY, KEY, "modern-key", "modern-key", None, "", "nope"])


@st.composite
def raw_bodies(draw: st.DrawFn, path: str) -> bytes:
    """A body for ``path``: structured, any JSON value, or arbitrary bytes."""
    kind = draw(st.sampled_from(["valid", "valid", "structured", "structured", "any", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    strategy = {"valid": VALID, "structured": BODIES}.get(kind, {}).get(path, json_values)
    value = draw(strategy)
    return json.dumps(value, ensure_ascii=draw(st.booleans())).encode("utf-8")


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_any_request_gets_a_documented_status_and_a_body_matching_its_schema(
    method: str, path: str
) -> None:
    rest = make_rest()
    main = rest.account()["account_number"]
    rest.add_account("modern", credits=5, rest_dialect="current", parent="hpotter")
    rest.add_account("shop", credits=5, short_codes=["31337"])
    rest.add_account("ron", credits=5, parent="hpotter")
    rest.send_ids("Hi", N1)
    rest.send_ids("Later", N2, scheduledTime="202501011000")
    rest.reply(N1, "STOP")
    assert main == 10001

    @settings(
        max_examples=100,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        body=raw_bodies(path),
        key=keys,
        content_type=content_types,
        query=queries,
    )
    def request(body: bytes, key: str | None, content_type: str | None, query: str) -> None:
        rest.call(
            method,
            path,
            data=body,
            key=key,
            content_type=content_type,
            query=query,
        )

    request()
