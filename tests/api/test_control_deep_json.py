"""A control-plane body nested deeper than any request needs (100,000 ``[``) is a 400
with a clear message on every endpoint that reads a body, never a 500."""

from __future__ import annotations

import re

import pytest
from control_helpers import DOC, OPERATIONS, PREFIX, USER, make_control

DEEP = {
    "arrays": b"[" * 100_000,
    "objects": b'{"a":' * 100_000,
    "closed arrays": b"[" * 50_000 + b"]" * 50_000,
}
SAMPLE = {
    "username": USER,
    "code": "40001",
    "number": "27825550101",
    "message_id": "1",
    "name": "sink",
}

WRITES = [(m, t) for m, t in OPERATIONS if m in ("POST", "PUT", "PATCH")]


def _path(template: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: SAMPLE[m.group(1)], template)


@pytest.mark.parametrize("kind", sorted(DEEP))
@pytest.mark.parametrize(("method", "template"), WRITES)
def test_deeply_nested_json_is_a_400_naming_the_nesting(
    method: str, template: str, kind: str
) -> None:
    control = make_control()
    before = control.state()
    reads_body = "requestBody" in DOC["paths"][template][method.lower()]

    answer = control.call(
        method,
        _path(template).removeprefix(PREFIX),
        data=DEEP[kind],
        content_type="application/json",
    )

    if reads_body:
        assert answer.status == 400, answer
        assert "too deeply" in answer.error
        assert control.state() == before
    else:  # the body is ignored
        assert answer.status < 500
