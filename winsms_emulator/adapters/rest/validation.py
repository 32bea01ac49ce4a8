"""Request bodies checked against the emulator's OpenAPI document.

An invalid body is answered with the current document's own words (``There is an
error in the 'recipients' array.``); what exactly was wrong (which field, which value)
goes to the request journal and the ``X-Emulator-Detail`` header, said in JSON's words
(``null``, not ``None``) and never repeating a whole array.

Each body is checked twice at most: first by a compiled validator (jsonschema-rs), which
only says yes or no and costs a few microseconds; a body it refuses, or cannot read (a
lone surrogate, a number beyond 64 bits), is checked again by the reference validator
(jsonschema), which alone decides and explains. The fast check never accepts a body the
reference refuses: the document's patterns are written so both regular-expression
engines read them alike, and ``tests/api/test_rest_fast_validation.py`` holds them to it.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from winsms_emulator.adapters.rest.dialect import RestError
from winsms_emulator.journal import MAX_VIOLATIONS_KEPT
from winsms_emulator.resources import schemas_dir

#: The arrays whose errors the document names as arrays.
ARRAYS = ("recipients", "mobileNumbers", "messages")
#: What the document calls each item of a sendmulti request's ``messages``.
MESSAGE_DETAILS = "of one or more messageDetails objects"


class OpenApi:
    """The emulator's OpenAPI document and a validator per component schema."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        components = document["components"]["schemas"]

        def inline(node: Any) -> Any:
            # the components refer to each other without cycles, so every $ref can be
            # written out in place once: validation then never looks a reference up
            if isinstance(node, dict):
                if set(node) == {"$ref"}:
                    return inline(components[node["$ref"].rsplit("/", 1)[1]])
                return {key: inline(value) for key, value in node.items()}
            if isinstance(node, list):
                return [inline(value) for value in node]
            return node

        inlined = {name: inline(schema) for name, schema in components.items()}
        self.validators = {name: Draft202012Validator(s) for name, s in inlined.items()}
        self.inlined = inlined
        self.fast: dict[str, Any] = {}  # compiled on first use: only request bodies need one
        self.id_lists = {name: ids for name, s in inlined.items() if (ids := _id_list(s))}

    def check(self, schema: str, data: Any) -> list[ValidationError]:
        bounds = self.id_lists.get(schema)
        if bounds is not None and _is_id_list(data, *bounds):
            return []  # a list of IDs, checked in one pass rather than item by item
        if self.accepts_fast(schema, data):
            return []
        return list(self.validators[schema].iter_errors(data))

    def fast_validator(self, schema: str) -> Any:
        """The compiled validator of one component (compiled on first use)."""
        fast = self.fast.get(schema)
        if fast is None:
            fast = self.fast[schema] = jsonschema_rs.Draft202012Validator(self.inlined[schema])
        return fast

    def accepts_fast(self, schema: str, data: Any) -> bool:
        """The compiled validator's yes; no when it refuses or cannot read ``data``."""
        try:
            return bool(self.fast_validator(schema).is_valid(data))
        except (ValueError, OverflowError):  # text UTF-8 cannot carry, a huge number, ...
            return False


#: The keys a schema of a plain list of IDs may have.
_ID_LIST_KEYS = frozenset({"type", "items", "minItems", "maxItems", "description", "title"})


def _id_list(schema: Any) -> tuple[int, float] | None:
    """(minItems, maxItems) when ``schema`` is exactly an array of whole numbers >= 0."""
    if not isinstance(schema, dict) or not set(schema) <= _ID_LIST_KEYS:
        return None
    if schema.get("type") != "array" or schema.get("items") != {"type": "integer", "minimum": 0}:
        return None
    return int(schema.get("minItems", 0)), float(schema.get("maxItems", float("inf")))


def _is_id_list(data: Any, least: int, most: float) -> bool:
    return (
        type(data) is list
        and least <= len(data) <= most
        and all(type(i) is int and i >= 0 for i in data)
    )


@cache
def openapi() -> OpenApi:
    """The REST document, read and compiled once per process (it never changes)."""
    path = schemas_dir() / "rest-v1.openapi.json"
    return OpenApi(json.loads(path.read_text(encoding="utf-8")))


def validate(schema: str, data: Any, message: str | None = None) -> None:
    """Check ``data`` against an OpenAPI component: 422 in the document's words (or
    ``message``), with the detail of everything wrong."""
    errors = openapi().check(schema, data)
    if not errors:
        return
    best = best_match(errors)
    others = (describe(e) for e in errors[:MAX_VIOLATIONS_KEPT] if e is not best)
    details = (describe(best), *others)
    raise RestError(
        422,
        message or documented(best),
        details[:MAX_VIOLATIONS_KEPT],
        details[0],
        violation_count=len(errors),
    )


def field_error(name: str, nested: bool = False) -> str:
    """The document's words for an error in one field (of a sendmulti message)."""
    kind = "array" if name in ARRAYS else "field"
    return f"There is an error in the '{name}' {kind}" + (f" {MESSAGE_DETAILS}." if nested else ".")


def documented(error: ValidationError) -> str:
    """The document's words for where ``error`` is (a missing field is where it is missing)."""
    names = [p for p in error.absolute_path if isinstance(p, str)]
    missing = _missing(error)
    if missing and not any(isinstance(p, int) for p in error.absolute_path):
        names.append(missing)
    if not names:
        return "There is an error in the request body."
    nested = len(names) > 1 and names[0] == "messages"
    return field_error(names[1] if nested else names[0], nested)


def _missing(error: ValidationError) -> str | None:
    """The first property a ``required`` error finds missing."""
    if error.validator != "required" or not isinstance(error.instance, dict):
        return None
    wanted: Any = error.validator_value
    return next((name for name in wanted if name not in error.instance), None)


def show(value: Any) -> str:
    """A value as JSON says it, short: an array or object by its size beyond a few items."""
    if isinstance(value, list) and len(value) > 3:
        return f"an array of {len(value)} items"
    if isinstance(value, dict) and len(value) > 3:
        return f"an object of {len(value)} fields"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def where(error: ValidationError) -> str:
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    return path.lstrip(".") or "the body"


def describe(error: ValidationError) -> str:
    """What is wrong, in JSON's words: ``maxSegments: null is not of type integer``."""
    keyword = str(error.validator)
    expected: Any = error.validator_value
    value: Any = error.instance
    schema: Any = error.schema
    if keyword == "type":
        types = expected if isinstance(expected, list) else [expected]
        problem = f"{show(value)} is not of type {' or '.join(map(str, types))}"
    elif keyword == "required":
        problem = f"'{_missing(error)}' is missing"
    elif keyword == "additionalProperties":
        allowed = set(schema.get("properties", {})) if isinstance(schema, dict) else set()
        extra = sorted(set(value) - allowed) if isinstance(value, dict) else []
        problem = f"unexpected field(s): {', '.join(map(repr, extra))}"
    elif keyword in ("minItems", "maxItems"):
        bound = "at least" if keyword == "minItems" else "at most"
        problem = f"{len(value)} items; {bound} {expected} are allowed"
    elif keyword in ("minLength", "maxLength"):
        bound = "at least" if keyword == "minLength" else "at most"
        problem = f"{show(value)} has {len(value)} characters; {bound} {expected} are allowed"
    elif keyword in ("minimum", "maximum"):
        bound = "at least" if keyword == "minimum" else "at most"
        problem = f"{show(value)} must be {bound} {expected}"
    elif keyword == "pattern":
        problem = f"{show(value)} does not match {expected}"
    elif keyword in ("enum", "const"):
        choices = expected if keyword == "enum" else [expected]
        problem = f"{show(value)} is not one of {show(choices)}"
    elif keyword in ("anyOf", "oneOf"):
        problem = f"{show(value)} matches none of the forms allowed here"
    else:
        problem = f"{show(value)} fails '{keyword}' {show(expected)}"
    return f"{where(error)}: {problem}"
