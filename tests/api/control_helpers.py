"""Shared helpers for the control-plane tests (``test_control_*.py``).

Every answer a test receives from ``/_emulator/...`` goes through
:meth:`Control.call`, which checks it against
``schemas/control-plane.openapi.json``:

- the path must be one the document describes (else the answer must be 404),
  the method one it lists for that path (else 405), and the status one it
  lists for the operation;
- the body must be strict JSON (no ``NaN`` or ``Infinity``) with
  ``Content-Type: application/json`` and match the status's schema; a 204 has
  no body;
- every 4xx body is ``{"error": "..."}`` (a wait's 408 adds the state it had),
  and no answer is a 5xx.

It also has small helpers to send through the XML API and REST v1 (their
answers are checked by their own test helpers elsewhere; here they only set
the scene).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from lxml import etree

from winsms_emulator import EmulatorConfig, create_app
from winsms_emulator.resources import schemas_dir

PREFIX = "/_emulator"
DOC_FILE = schemas_dir() / "control-plane.openapi.json"
DOC: dict[str, Any] = json.loads(DOC_FILE.read_text(encoding="utf-8"))

USER = "hpotter"
PASSWORD = "w1Zard"
KEY = "hpotter-api-key"
START = "2025-01-01T08:00:00+02:00"

#: Possible South African mobile numbers.
N1 = "27825550101"
N2 = "27835550505"
N3 = "27845550909"
N4 = "27825550202"

SEND = "/api/xmlsendsmsmulti.asp"
STATUS = "/api/xmlgetstatus.asp"
DELETE = "/api/xmldeletescheduled.asp"
REPLIES = "/api/xmlgetreplies.asp"
SC_MESSAGES = "/api/xmlgetscmessages.asp"
REST = "/api/rest/v1"

_UNSET: Any = object()
_METHODS = ("get", "put", "post", "delete", "patch")


# -- the document -------------------------------------------------------------------------


def _template_regex(template: str) -> re.Pattern[str]:
    pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
    return re.compile(f"^{pattern}$")


TEMPLATES: list[tuple[str, re.Pattern[str]]] = [(t, _template_regex(t)) for t in DOC["paths"]]


def template_of(path: str) -> str | None:
    """The document's path template that ``path`` (without query) falls under."""
    found = [t for t, regex in TEMPLATES if regex.match(path)]
    assert len(found) <= 1, f"{path} matches several templates: {found}"
    return found[0] if found else None


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow a ``$ref`` inside the document."""
    while "$ref" in node:
        target: Any = DOC
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


@cache
def _validator_for(pointer: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": pointer, "components": DOC["components"]})


def schema_validator(schema: dict[str, Any]) -> Draft202012Validator:
    """A validator for a schema found in the document (its ``$ref``s resolved)."""
    if set(schema) == {"$ref"}:
        return _validator_for(schema["$ref"])
    return Draft202012Validator({**schema, "components": DOC["components"]})


def component(name: str) -> Draft202012Validator:
    return _validator_for(f"#/components/schemas/{name}")


def response_spec(method: str, path: str, status: int) -> dict[str, Any]:
    """The document's response object for this answer; fails the test if it lists none."""
    template = template_of(path)
    if template is None:
        assert status == 404, f"{method} {path} is no documented path, yet it answered {status}"
        return resolve({"$ref": "#/components/responses/E404"})
    item = DOC["paths"][template]
    operation = item.get(method.lower())
    if operation is None:
        assert status == 405, f"{template} has no {method}, yet it answered {status}"
        return {"description": "405", "content": {"application/json": {"schema": _error_ref()}}}
    responses = operation["responses"]
    assert str(status) in responses, (
        f"{method} {template} answered {status}, which the document does not list "
        f"(it lists {sorted(responses)})"
    )
    return resolve(responses[str(status)])


def _error_ref() -> dict[str, Any]:
    return {"$ref": "#/components/schemas/Error"}


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def strict_json(raw: str) -> Any:
    """Parse ``raw`` as RFC 8259 JSON: ``NaN`` and ``Infinity`` are refused."""
    return json.loads(raw, parse_constant=_no_constants)


def check_answer(method: str, path: str, status: int, mimetype: str | None, raw: str) -> Any:
    """Check one control-plane answer against the document; its body (``None`` for 204)."""
    assert status < 500, f"{method} {path} answered {status}: {raw[:1000]}"
    spec = response_spec(method, path, status)
    content = spec.get("content")
    if content is None:
        assert raw == "", f"{method} {path} answered {status} with a body: {raw[:500]!r}"
        return None
    assert mimetype == "application/json", (method, path, status, mimetype, raw[:300])
    try:
        body = strict_json(raw)
    except ValueError as exc:
        pytest.fail(f"{method} {path} answered {status} with invalid JSON ({exc}): {raw[:500]}")
    schema = content["application/json"]["schema"]
    validator = schema_validator(schema)
    errors = list(validator.iter_errors(body))
    if errors:
        pytest.fail(
            f"{method} {path} answered {status} outside the document's schema: "
            f"{best_match(errors).message}\n{json.dumps(body)[:1500]}"
        )
    if status == 408:  # a wait whose time ran out: the error and what the read saw last
        assert "error" in body and body["error"] and len(body) >= 2, body
    elif 400 <= status < 500:
        assert set(body) == {"error"} and body["error"], body
    return body


# -- the client -----------------------------------------------------------------------------


@dataclass
class Answer:
    """One checked control-plane answer."""

    status: int
    body: Any

    @property
    def error(self) -> str:
        assert isinstance(self.body, dict) and "error" in self.body, self.body
        text: str = self.body["error"]
        return text


@dataclass
class Control:
    """An emulator application, a test client for it, and checked control-plane calls."""

    app: Flask
    client: FlaskClient

    def call(
        self,
        method: str,
        path: str,
        body: Any = _UNSET,
        *,
        data: bytes | str | None = None,
        content_type: str | None = None,
        query: str = "",
        status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        """``method`` ``/_emulator`` + ``path``; ``status`` (if given) must be the answer's."""
        headers = dict(headers or {})
        if body is not _UNSET:
            data = json.dumps(body)
            content_type = content_type or "application/json"
        if content_type is not None:
            headers["Content-Type"] = content_type
        full = PREFIX + path
        url = full + (f"?{query}" if query else "")
        response = self.client.open(url, method=method, data=data, headers=headers)
        raw = response.get_data(as_text=True)
        parsed = check_answer(method, full, response.status_code, response.mimetype, raw)
        answer = Answer(response.status_code, parsed)
        if status is not None:
            assert answer.status == status, (method, url, answer.status, parsed)
        return answer

    def get(self, path: str, **kwargs: Any) -> Any:
        """GET that must answer 200 (unless ``status`` says); the body."""
        kwargs.setdefault("status", 200)
        return self.call("GET", path, **kwargs).body

    def post(self, path: str, body: Any = _UNSET, **kwargs: Any) -> Any:
        kwargs.setdefault("status", 201)
        return self.call("POST", path, body, **kwargs).body

    def patch(self, path: str, body: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("status", 200)
        return self.call("PATCH", path, body, **kwargs).body

    def put(self, path: str, body: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("status", 200)
        return self.call("PUT", path, body, **kwargs).body

    def delete(self, path: str, **kwargs: Any) -> Any:
        kwargs.setdefault("status", 204)
        return self.call("DELETE", path, **kwargs).body

    def error(self, method: str, path: str, body: Any = _UNSET, **kwargs: Any) -> str:
        """The ``error`` text of a call that must fail with ``status``."""
        assert "status" in kwargs, "say which error status is expected"
        return self.call(method, path, body, **kwargs).error

    # -- the control plane, as plain values ---------------------------------------------------

    def state(self) -> dict[str, Any]:
        found: dict[str, Any] = self.get("/state")
        return found

    def account(self, user: str = USER) -> dict[str, Any]:
        found: dict[str, Any] = self.get(f"/accounts/{user}")
        return found

    def add_account(self, username: str, **fields: Any) -> dict[str, Any]:
        """Create an account with password ``pw`` and API key ``<username>-key``."""
        body = {"username": username, "password": "pw", "api_key": f"{username}-key", **fields}
        found: dict[str, Any] = self.post("/accounts", body)
        return found

    def outbox(self, user: str = USER) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.get(f"/accounts/{user}/messages")["messages"]
        return found

    def replies(self, user: str = USER) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.get(f"/accounts/{user}/replies")["replies"]
        return found

    def short_code_messages(self, user: str = USER) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.get(f"/accounts/{user}/short-code-messages")["messages"]
        return found

    def journal(self, query: str = "") -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.get("/requests", query=query)["requests"]
        return found

    def credits(self, user: str = USER) -> float:
        value: float = self.account(user)["credits"]
        return value

    def advance(self, seconds: float) -> dict[str, Any]:
        found: dict[str, Any] = self.call(
            "POST", "/clock", {"advance_seconds": seconds}, status=200
        ).body
        return found

    def reply(self, number: str, message: str) -> dict[str, Any]:
        found: dict[str, Any] = self.post("/replies", {"from": number, "message": message})
        return found

    def short_code_message(self, code: str, number: str, message: str) -> dict[str, Any]:
        found: dict[str, Any] = self.post(
            f"/short-codes/{code}/messages", {"from": number, "message": message}
        )
        return found

    def reset(self, **body: Any) -> dict[str, Any]:
        found: dict[str, Any] = self.call("POST", "/reset", body, status=200).body
        return found

    def add_fault(self, **body: Any) -> dict[str, Any]:
        found: dict[str, Any] = self.post("/faults", body)
        return found

    # -- the WinSMS APIs, to set the scene --------------------------------------------------------

    def xml(self, path: str, document: str, *, status: int = 200) -> etree._Element:
        response = self.client.post(path, data=document.encode("utf-8"))
        assert response.status_code == status, (response.status_code, response.get_data())
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        return etree.fromstring(response.get_data(), parser)

    def xml_send(
        self,
        text: str,
        *numbers: str,
        user: str = USER,
        password: str = PASSWORD,
        scheduled: str = "",
    ) -> list[str]:
        """Send one message over the XML API; the ID (or code) each recipient got."""
        root = self.xml(SEND, send_doc(text, numbers, user=user, password=password, at=scheduled))
        assert root.find("Error") is None, etree.tostring(root)
        return [item.findtext("ID") or "" for item in root.iter("NumberID")]

    def xml_whole_error(self, path: str, document: str) -> str | None:
        error = self.xml(path, document).find("Error")
        return None if error is None else error.text

    def xml_delete(self, *ids: int, user: str = USER, password: str = PASSWORD) -> list[str]:
        items = "".join(f"<MessageID><ID>{i}</ID><CLI>c</CLI></MessageID>" for i in ids)
        document = (
            f"<WinSMS_DeleteScheduled>{_login(user, password)}<MessageIDs>{items}</MessageIDs>"
            "</WinSMS_DeleteScheduled>"
        )
        root = self.xml(DELETE, document)
        return [item.findtext("Status") or "" for item in root.iter("DeleteStatus")]

    def xml_replies(self, user: str = USER, password: str = PASSWORD) -> list[str]:
        """Fetch replies over XML; the texts returned."""
        root = self.xml(REPLIES, f"<WinSMS_Replies>{_login(user, password)}</WinSMS_Replies>")
        return [item.findtext("Message") or "" for item in root.iter("Reply")]

    def rest(self, method: str, path: str, body: Any = None, *, key: str = KEY) -> Any:
        response = self.client.open(
            REST + path,
            method=method,
            json=body,
            headers={"Authorization": key},
        )
        return response.status_code, response.get_json(silent=True)

    def rest_send(
        self, text: str, *numbers: str, key: str = KEY, scheduled: str | None = None
    ) -> list[dict[str, Any]]:
        """Send in the seed shape over REST; the ``messages`` results."""
        body: dict[str, Any] = {
            "message": text,
            "mobileNumbers": [{"mobileNumber": n} for n in numbers],
        }
        if scheduled is not None:
            body["scheduledTime"] = int(scheduled)
        status, answer = self.rest("POST", "/sms/outgoing/send", body, key=key)
        assert status == 200, answer
        found: list[dict[str, Any]] = answer["messages"]
        return found


def _login(user: str, password: str) -> str:
    return f"<User>{escape(user)}</User><Password>{escape(password)}</Password>"


def send_doc(
    text: str, numbers: tuple[str, ...] | list[str], *, user: str, password: str, at: str = ""
) -> str:
    """An XML Send Batch document with one message."""
    number_xml = "".join(f"<Number>{escape(n)}</Number>" for n in numbers)
    return (
        f"<WinSMS_Multi_Message>{_login(user, password)}<Scheduled>{at}</Scheduled>"
        f"<Messages><Message><MessageText>{escape(text)}</MessageText>"
        f"<Numbers>{number_xml}</Numbers></Message></Messages></WinSMS_Multi_Message>"
    )


def make_control(config: EmulatorConfig | None = None) -> Control:
    """A fresh emulator (manual clock at 2025-01-01 08:00 SAST, hpotter with 1000.0 credits)."""
    app = create_app(config=config)
    return Control(app, app.test_client())


def control_for(app: Flask) -> Control:
    return Control(app, app.test_client())


#: Every operation of the document: (method, template).
OPERATIONS: list[tuple[str, str]] = [
    (method.upper(), template)
    for template, item in DOC["paths"].items()
    for method in item
    if method in _METHODS
]
