"""Shared helpers for the REST v1 tests (``test_rest_*.py``).

Every answer a test receives from ``/api/rest/v1`` goes through
:meth:`Rest.call`, which checks it against ``schemas/rest-v1.openapi.json``:

- the HTTP status must be one the document lists for the operation (path and
  method); an unknown path may only answer 404 and a known path asked with a
  method it does not have only 405;
- the body must be JSON (``application/json``) and match the schema of that
  status: for a ``oneOf`` exactly one branch, whose component name is kept
  in :attr:`Answer.schema` so tests can say which shape they expect;
- the body's ``statusCode`` must be the HTTP status.

Every request body a test sends as valid is first checked against the
operation's ``requestBody`` schema (``valid_request=False`` for the ones
meant to be refused).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from werkzeug.test import TestResponse

from winsms_emulator import EmulatorConfig, create_app
from winsms_emulator.domain.sast import SAST
from winsms_emulator.resources import schemas_dir

PREFIX = "/api/rest/v1"
DOC_FILE = schemas_dir() / "rest-v1.openapi.json"
DOC: dict[str, Any] = json.loads(DOC_FILE.read_text(encoding="utf-8"))

USER = "hpotter"
KEY = "hpotter-api-key"
#: The manual clock's start: 2025-01-01 08:00 SAST.
START = datetime(2025, 1, 1, 8, 0, tzinfo=SAST)
START_STAMP = "20250101080000000"

#: Numbers that are possible South African mobile numbers.
N1 = "27825550101"
N2 = "27835550505"
N3 = "27845550909"
N4 = "27825550202"

MISSING_KEY = (
    "The 'AUTHORIZATION' header was not found. "
    "Set the 'AUTHORIZATION' request header to your WinSMS API Key"
)
BAD_JSON = "Invalid JSON payload received"
BAD_IDS = "At least one non-numeric api Id was supplied in the apiIds array."
NOT_FOUND = (
    "The resource requested does not exist. Please verify the path, spelling, and capitalisation"
)
BAD_OFFSET = "The offset parameter must be a number greater than or equal to 0."
BAD_LIMIT = "The limit parameter must be a number between 1 and 1000."

#: Every operation of the document: (method, path).
OPERATIONS: list[tuple[str, str]] = [
    (method.upper(), path) for path, item in DOC["paths"].items() for method in item
]
#: The operations only the current document has: they always answer in the current shape.
CURRENT_ONLY = [
    ("POST", "/credits/transfer"),
    ("POST", "/sms/outgoing/sendmulti"),
    ("GET", "/sms/incoming/optout"),
    ("GET", "/shortcode/incoming"),
    ("GET", "/subaccounts"),
]

_UNSET: Any = object()


def minutes(moment: datetime) -> str:
    """``ccyymmddhhmm`` in SAST."""
    return moment.astimezone(SAST).strftime("%Y%m%d%H%M")


def at(**delta: float) -> datetime:
    """The start time plus a ``timedelta``."""
    return START + timedelta(**delta)


# -- the document ---------------------------------------------------------------------------


@cache
def component_validator(name: str) -> Draft202012Validator:
    """A validator for one ``components.schemas`` entry, its ``$ref``s resolved in the document."""
    return Draft202012Validator(
        {"$ref": f"#/components/schemas/{name}", "components": DOC["components"]}
    )


def schema_branches(schema: dict[str, Any]) -> list[str]:
    """The component names a schema allows (its ``oneOf``/``anyOf`` or its ``$ref``)."""
    refs = schema.get("oneOf", schema.get("anyOf", [schema]))
    names = []
    for ref in refs:
        assert set(ref) == {"$ref"}, f"expected a $ref, not {ref}"
        names.append(ref["$ref"].removeprefix("#/components/schemas/"))
    return names


def operation(method: str, path: str) -> dict[str, Any] | None:
    item = DOC["paths"].get(path)
    if item is None:
        return None
    found: dict[str, Any] | None = item.get(method.lower())
    return found


def response_schema(method: str, path: str, status: int) -> dict[str, Any]:
    """The schema the document gives ``status`` of the operation; fails the test if none."""
    op = operation(method, path)
    if op is None:
        item = DOC["paths"].get(path)
        if item is None:
            assert status == 404, f"{method} {path} is no operation, yet it answered {status}"
        else:
            assert status == 405, f"{path} has no {method}, yet it answered {status}"
        # any operation's 404/405 (they are all errorDetails)
        some = next(iter(next(iter(DOC["paths"].values())).values()))
        schema: dict[str, Any] = some["responses"][str(status)]["content"]["application/json"][
            "schema"
        ]
        return schema
    responses = op["responses"]
    assert str(status) in responses, (
        f"{method} {path} answered {status}, which the document does not list "
        f"(it lists {sorted(responses)})"
    )
    schema = responses[str(status)]["content"]["application/json"]["schema"]
    return schema


def matching_component(schema: dict[str, Any], body: Any, what: str) -> str:
    """The one component of ``schema`` that ``body`` matches; fails the test otherwise."""
    names = schema_branches(schema)
    matched = [n for n in names if component_validator(n).is_valid(body)]
    if len(matched) != 1:
        reasons = {
            n: str(best_match(component_validator(n).iter_errors(body)))
            for n in names
            if n not in matched
        }
        pytest.fail(
            f"{what} matches {matched or 'none'} of {names}, not exactly one: "
            f"{json.dumps(body)[:1500]}\nwhy not: {reasons}"
        )
    return matched[0]


def request_schema(method: str, path: str) -> dict[str, Any]:
    op = operation(method, path)
    assert op is not None and "requestBody" in op, f"{method} {path} takes no body"
    schema: dict[str, Any] = op["requestBody"]["content"]["application/json"]["schema"]
    return schema


def check_request_body(method: str, path: str, body: Any) -> list[str]:
    """Check a body a test means to be valid against the operation's requestBody schema.

    The branches of a request ``oneOf`` overlap (a bare array of IDs is both
    ``ApiMessageIds`` and ``SeedMessageIds``), so a body here must match at
    least one; ``test_rest_openapi_document`` holds the document to ``oneOf``.
    """
    names = schema_branches(request_schema(method, path))
    matched = [n for n in names if component_validator(n).is_valid(body)]
    if not matched:
        reasons = {n: str(best_match(component_validator(n).iter_errors(body))) for n in names}
        pytest.fail(
            f"the request body for {method} {path} matches none of {names}: "
            f"{json.dumps(body)[:1500]}\nwhy not: {reasons}"
        )
    return matched


# -- the client -----------------------------------------------------------------------------


@dataclass
class Answer:
    """One checked REST answer."""

    status: int
    body: Any
    schema: str  # the component the body matched, e.g. "SeedSendResponse"
    detail: str = ""  # the X-Emulator-Detail header: exactly what was wrong

    @property
    def message(self) -> str:
        """The ``errorMessage`` of an error answer (``authError`` of a seed 401)."""
        text: str = self.body.get("errorMessage", self.body.get("authError"))
        return text


#: The header that says exactly what was wrong with a refused request.
DETAIL = "X-Emulator-Detail"


@dataclass
class Rest:
    """An emulator, a test client for it, and helpers that check every REST answer."""

    app: Flask
    client: FlaskClient

    # -- REST -----------------------------------------------------------------------------

    def call(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = _UNSET,
        data: bytes | str | None = None,
        key: str | None = KEY,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
        query: str = "",
        status: int | None = None,
        schema: str | None = None,
        valid_request: bool = True,
    ) -> Answer:
        """Send one request to ``PREFIX + path`` and check the answer against the document."""
        all_headers: dict[str, str] = {}
        if key is not None:
            all_headers["Authorization"] = key
        if json_body is not _UNSET:
            if valid_request:
                check_request_body(method, path, json_body)
            data = json.dumps(json_body)
            if content_type is None:
                content_type = "application/json"
        if content_type is not None:
            all_headers["Content-Type"] = content_type
        all_headers.update(headers or {})
        url = PREFIX + path + (f"?{query}" if query else "")
        response = self.client.open(url, method=method, data=data, headers=all_headers)
        return self.check(method, path, response, status=status, schema=schema)

    @staticmethod
    def check(
        method: str,
        path: str,
        response: TestResponse,
        *,
        status: int | None = None,
        schema: str | None = None,
    ) -> Answer:
        """Check one answer of ``method`` ``PREFIX + path`` against the document."""
        raw = response.get_data(as_text=True)
        assert response.status_code < 500, (response.status_code, raw[:1000])
        assert response.mimetype == "application/json", (response.content_type, raw[:500])
        try:
            body = json.loads(raw)
        except ValueError:
            pytest.fail(f"{method} {path} answered non-JSON: {raw[:500]!r}")
        expected = response_schema(method, path, response.status_code)
        name = matching_component(expected, body, f"the {response.status_code} answer")
        assert body["statusCode"] == response.status_code, body
        answer = Answer(response.status_code, body, name, response.headers.get(DETAIL, ""))
        if status is not None:
            assert answer.status == status, (answer.status, body)
        if schema is not None:
            assert answer.schema == schema, (answer.schema, body)
        return answer

    def get(self, path: str, **kwargs: Any) -> Answer:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body: Any = _UNSET, **kwargs: Any) -> Answer:
        return self.call("POST", path, json_body=body, **kwargs)

    # -- the operations, successful, as plain values -------------------------------------

    def send_current(
        self, message: str, *numbers: str, key: str = KEY, **extra: Any
    ) -> list[dict[str, Any]]:
        """Send in the current shape; the ``recipients`` results."""
        body = {"message": message, "recipients": [{"mobileNumber": n} for n in numbers], **extra}
        found: list[dict[str, Any]] = self.post(
            "/sms/outgoing/send", body, key=key, status=200, schema="CurrentSendResponse"
        ).body["recipients"]
        return found

    def send_seed(
        self, message: str, *numbers: str, key: str = KEY, **extra: Any
    ) -> list[dict[str, Any]]:
        """Send in the seed shape; the ``messages`` results."""
        body = {
            "message": message,
            "mobileNumbers": [{"mobileNumber": n} for n in numbers],
            **extra,
        }
        found: list[dict[str, Any]] = self.post(
            "/sms/outgoing/send", body, key=key, status=200, schema="SeedSendResponse"
        ).body["messages"]
        return found

    def send_ids(self, message: str, *numbers: str, **extra: Any) -> list[int]:
        """Send (current shape) and return the new message IDs; every recipient must be accepted."""
        results = self.send_current(message, *numbers, **extra)
        assert all(r["accepted"] for r in results), results
        return [r["apiMessageId"] for r in results]

    def balance(self, key: str = KEY) -> float:
        value: float = self.get("/credits/balance", key=key, status=200).body["creditBalance"]
        return value

    # -- the control plane ---------------------------------------------------------------

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Call the control plane; it must succeed."""
        response = self.client.open(f"/_emulator{path}", method=method, json=body)
        assert 200 <= response.status_code < 300, (response.status_code, response.get_data())
        return response.get_json(silent=True)

    def add_account(self, username: str, **fields: Any) -> dict[str, Any]:
        """Create an account with API key ``<username>-key``; its JSON (with account_number)."""
        body = {"username": username, "password": "pw", "api_key": f"{username}-key", **fields}
        created: dict[str, Any] = self.control("POST", "/accounts", body)
        return created

    def patch_account(self, user: str = USER, **changes: Any) -> dict[str, Any]:
        found: dict[str, Any] = self.control("PATCH", f"/accounts/{user}", changes)
        return found

    def account(self, user: str = USER) -> dict[str, Any]:
        found: dict[str, Any] = self.control("GET", f"/accounts/{user}")
        return found

    def advance(self, seconds: float) -> None:
        self.control("POST", "/clock", {"advance_seconds": seconds})

    def reply(self, number: str, message: str) -> dict[str, Any]:
        found: dict[str, Any] = self.control(
            "POST", "/replies", {"from": number, "message": message}
        )
        return found

    def short_code_message(self, code: str, number: str, message: str) -> dict[str, Any]:
        found: dict[str, Any] = self.control(
            "POST", f"/short-codes/{code}/messages", {"from": number, "message": message}
        )
        return found

    def journal(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.control("GET", "/requests")["requests"]
        return found


def make_rest(config: EmulatorConfig | None = None) -> Rest:
    """A fresh emulator (manual clock at 2025-01-01 08:00 SAST, hpotter with 1000.0 credits)."""
    app = create_app(config=config)
    return Rest(app, app.test_client())


def make_current() -> Rest:
    """A fresh emulator whose server default REST dialect is ``current``."""
    return make_rest(EmulatorConfig(rest_dialect="current"))
