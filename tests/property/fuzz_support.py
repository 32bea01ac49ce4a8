"""What the fuzz tests share: a populated emulator, its state, and the documented answers.

Every fuzz example starts from the same world (:func:`repopulate`): the
guide's account ``hpotter`` (seed shape), ``cur`` (current shape, owner of
short code 31337) and its sub-account ``sub``, with sent, scheduled and
delivered messages, a pending reply and a pending short-code message, so a
fuzzed request that happens to be valid has something to read, delete or
return.
"""

from __future__ import annotations

import json
from datetime import timedelta
from functools import cache
from typing import Any

from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from lxml import etree

from winsms_emulator import Emulator
from winsms_emulator.domain.sending import OutgoingMessage, Recipient
from winsms_emulator.resources import schemas_dir

ACCOUNTS: list[dict[str, Any]] = [
    {"username": "hpotter", "password": "w1Zard", "api_key": "hpotter-api-key"},
    {
        "username": "cur",
        "password": "pw-cur",
        "api_key": "cur-key",
        "credits": 50,
        "rest_dialect": "current",
        "short_codes": ["31337"],
        "account_number": 20001,
    },
    {
        "username": "sub",
        "password": "pw-sub",
        "api_key": "sub-key",
        "credits": 5,
        "parent": "cur",
        "account_number": 20002,
    },
]
API_KEYS = ("hpotter-api-key", "cur-key", "sub-key")

#: The response document root of each XML endpoint.
XML_RESPONSE_ROOTS = {
    "xmlsendsmsmulti": "XMLGateway_Response",
    "xmlgetstatus": "XMLGatewayStatus_Response",
    "xmldeletescheduled": "XMLGatewayDeleteScheduled_Response",
    "xmlgetreplies": "XMLGateway_Replies",
    "xmlgetscmessages": "XMLGateway_SCmessages",
}
XML_ERRORS = {"Not Valid XML Document", "Invalid Username or Password", "Invalid Date"}


def new_emulator() -> Emulator:
    return Emulator(accounts=ACCOUNTS)


def repopulate(emulator: Emulator) -> None:
    """Back to the start, then the same few messages, replies and short-code messages."""
    emulator.reset()
    gateway = emulator.gateway
    later = gateway.now() + timedelta(hours=1)
    gateway.sms.send("hpotter", [OutgoingMessage("Hello", [Recipient("27825550101")])])
    gateway.sms.send("cur", [OutgoingMessage("Hi", [Recipient("27825550102")])])
    emulator.advance_clock(5)  # the first two are DELIVERED now
    gateway.sms.send("hpotter", [OutgoingMessage("Now", [Recipient("27825550103")])])
    gateway.sms.send(
        "hpotter", [OutgoingMessage("Later", [Recipient("27825550104")], scheduled_for=later)]
    )
    gateway.sms.send(
        "cur", [OutgoingMessage("Later", [Recipient("27825550105")], scheduled_for=later)]
    )
    emulator.inject_reply("27825550101", "Thanks")
    emulator.inject_reply("27825550102", "Yes please")
    emulator.inject_short_code_message("31337", "27825550109", "JOIN")


def world(client: FlaskClient) -> Any:
    """Everything the emulator holds (``GET /_emulator/state``; the request journal is
    not part of it)."""
    answer = client.get("/_emulator/state")
    assert answer.status_code == 200
    return answer.get_json()


def parse_xml(body: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(body, parser)


# -- REST: the documented answers ---------------------------------------------------------------


@cache
def rest_document() -> dict[str, Any]:
    found: dict[str, Any] = json.loads(
        (schemas_dir() / "rest-v1.openapi.json").read_text(encoding="utf-8")
    )
    return found


def _pointer(*parts: str) -> str:
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


@cache
def rest_response_validator(path: str, method: str, status: int) -> Draft202012Validator | None:
    """The schema the OpenAPI document gives this answer, or ``None`` if it documents none."""
    document = rest_document()
    responses = document["paths"][path][method]["responses"]
    if str(status) not in responses:
        return None
    root = {
        "$ref": _pointer(
            "paths", path, method, "responses", str(status), "content", "application/json", "schema"
        ),
        "paths": document["paths"],
        "components": document["components"],
    }
    return Draft202012Validator(root)


def rest_operations() -> list[tuple[str, str]]:
    return [
        (path, method)
        for path, item in rest_document()["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete") and path != "/openapi.json"
    ]
