"""The emulator's OpenAPI document of REST v1: served, valid, and self-consistent."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from rest_helpers import (
    DOC,
    OPERATIONS,
    PREFIX,
    component_validator,
    make_rest,
    request_schema,
    schema_branches,
)

PAGED = {"/sms/scheduled", "/sms/incoming", "/shortcode/incoming"}


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def test_the_document_is_served_without_a_key() -> None:
    rest = make_rest()

    response = rest.client.get(f"{PREFIX}/openapi.json")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert json.loads(response.get_data(as_text=True)) == DOC


def test_the_document_is_a_valid_openapi_3_1_document() -> None:
    validator = pytest.importorskip("openapi_spec_validator")

    validator.validate(DOC)


def test_the_document_is_openapi_3_1_with_every_ref_resolving() -> None:
    assert DOC["openapi"].startswith("3.1.")
    assert {"title", "version"} <= set(DOC["info"])
    schemas = DOC["components"]["schemas"]
    for ref in set(refs(DOC)):
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.removeprefix("#/components/schemas/") in schemas, ref


@pytest.mark.parametrize("name", sorted(DOC["components"]["schemas"]))
def test_each_component_is_a_valid_draft_2020_12_schema(name: str) -> None:
    Draft202012Validator.check_schema(DOC["components"]["schemas"][name])
    component_validator(name).is_valid(None)  # its refs resolve


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_each_operation_describes_its_errors_and_body(method: str, path: str) -> None:
    op = DOC["paths"][path][method.lower()]
    statuses = set(op["responses"])

    assert {"200", "401", "404", "405"} <= statuses
    for response in op["responses"].values():
        schema_branches(response["content"]["application/json"]["schema"])
    if method == "POST":
        assert {"400", "413", "415", "422"} <= statuses
        assert op["requestBody"]["required"] is True
    else:
        assert "requestBody" not in op
        assert not {"400", "413", "415"} & statuses
    names = {p["name"] for p in op.get("parameters", [])}
    assert names == ({"offset", "limit"} if path in PAGED else set())
    assert ("422" in statuses) == (method == "POST" or path in PAGED)


VALID_BODIES: list[tuple[str, Any]] = [
    ("/sms/outgoing/status", [2316, 2317]),
    ("/sms/outgoing/status", [1892, 1893, 1894]),
    ("/sms/scheduled/delete", [2316, 2317]),
    ("/sms/outgoing/send", {"message": "Hi", "recipients": [{"mobileNumber": "27825550101"}]}),
    ("/sms/outgoing/send", {"message": "Hi", "mobileNumbers": [{"mobileNumber": "27825550101"}]}),
]


@pytest.mark.parametrize(("path", "body"), VALID_BODIES)
def test_a_valid_request_body_passes_the_request_schema_whichever_shapes_it_fits(
    path: str, body: Any
) -> None:
    """A bare array of IDs is both shapes at once, so the request schemas combine their
    shapes with ``anyOf``: a ``oneOf`` would refuse a body that fits two of them."""
    schema = request_schema("POST", path)
    names = schema_branches(schema)

    matched = [n for n in names if component_validator(n).is_valid(body)]

    assert "oneOf" not in schema
    assert matched, f"{body} matches none of {names}"
