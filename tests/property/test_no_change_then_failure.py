"""No request changes the state and then fails.

Over every operation of every API surface in the registry (so a surface added later is
covered too) and every control-plane operation, with hostile text (lone UTF-16
surrogates, NULs, long and odd strings) where text goes: whenever the answer is a 5xx,
``GET /_emulator/state`` is exactly as it was before the request. A request that fails
half way would leave the client unable to tell whether it took effect (a retry pays
twice) or lose what it changed (a reply marked returned and never delivered).

An injected ``http_error`` fault answers 5xx by design; the fault's own hit counter is
the only thing such a request changes, so it is left out of the comparison.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fuzz_support import API_KEYS, new_emulator, repopulate, world
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from winsms_emulator import Emulator
from winsms_emulator.operations import Operation
from winsms_emulator.registry import SURFACES
from winsms_emulator.resources import schemas_dir

CONTROL = json.loads((schemas_dir() / "control-plane.openapi.json").read_text(encoding="utf-8"))

#: Text as hostile clients send it: lone surrogates (which JSON's \u escape carries and
#: no encoding can), NUL and other control characters, long, blank and plausible values.
TEXT = st.sampled_from(
    [
        "\ud800",
        "\udfff",
        "a\ud800b",
        "Stop\udfff",
        "\udc00\ud83d",
        "\x00",
        "\x1b[0m",
        "",
        " ",
        "Hello",
        "Stop",
        "\U0001f600 emoji",
        "é" * 80,
        "a" * 1200,
        "27825550101",
        "27825550102",
        "0",
        "31337",
        "hpotter",
        "cur",
        "w1Zard",
        "<x/>&amp;",
    ]
)
NUMBERS = st.sampled_from([0, 1, 2, 3, 4, 5, -1, 10**20, 1.5, None, True])
VALUE = st.one_of(TEXT, NUMBERS)


def _json(node: Any) -> st.SearchStrategy[Any]:
    """A JSON body shaped like ``node``: each string becomes hostile text (often), each
    number an odd one (sometimes); the shape is kept so the request reaches deep."""
    if isinstance(node, dict):
        return st.fixed_dictionaries({k: _json(v) for k, v in node.items()})
    if isinstance(node, list):
        return st.lists(_json(node[0]), min_size=1, max_size=3) if node else st.just([])
    if isinstance(node, str):
        return st.one_of(st.just(node), TEXT, TEXT)
    return st.one_of(st.just(node), VALUE)


# -- the API surfaces ------------------------------------------------------------------------

REST_BODIES: dict[str, Any] = {
    "send": [
        {
            "message": "Hi",
            "mobileNumbers": [{"mobileNumber": "27825550101", "clientMessageId": "c"}],
        },
        {"message": "Hi", "recipients": [{"mobileNumber": "27825550101", "clientMessageId": "c"}]},
    ],
    "sendmulti": [
        {
            "messages": [
                {
                    "message": "Hi",
                    "recipients": [{"mobileNumber": "27825550101", "clientMessageId": "c"}],
                }
            ]
        }
    ],
    "status": [[1, 2, 3], ["1"]],
    "delete_scheduled": [[4, 5], {"messages": [{"serverMessageId": 4}]}],
    "transfer": [
        {"sendingAccountNumber": 20001, "receivingAccountNumber": 20002, "transferQuantity": 1}
    ],
}
XML_FIELDS = "<User>{user}</User><Password>{password}</Password>"
XML_BODIES = {
    "WinSMS_Multi_Message": XML_FIELDS
    + "<Scheduled>{scheduled}</Scheduled><Messages><Message><MessageText>{text}</MessageText>"
    "<Numbers><Number>{number}</Number></Numbers></Message></Messages>",
    "WinSMS_StatusRequest": XML_FIELDS
    + "<MessageIDs><MessageID><ID>{number}</ID><CLI>{text}</CLI></MessageID></MessageIDs>",
    "WinSMS_DeleteScheduled": XML_FIELDS
    + "<MessageIDs><MessageID><ID>{number}</ID><CLI>{text}</CLI></MessageID></MessageIDs>",
    "WinSMS_Replies": XML_FIELDS,
    "WinSMS_SCmessages": XML_FIELDS,
}
XML_TEXT = st.sampled_from(
    [
        "hpotter",
        "w1Zard",
        "Hi",
        "",
        "&#xD800;",
        "&#0;",
        "%ED%A0%80",
        "a%00b",
        "4",
        "27825550101",
        "x" * 2000,
    ]
)


def _concrete(rule: str) -> str:
    """A path a URL rule matches: ``/<anycase("x.asp"):path>`` is ``/api/x.asp``."""
    path = re.sub(r'<anycase\("([^"]+)"\):\w+>', r"api/\1", rule)
    return re.sub(r"<[^>]+>", "1", path)


@st.composite
def api_request(draw: st.DrawFn, operation: Operation) -> dict[str, Any]:
    path = _concrete(operation.paths[0])
    method = operation.methods[0]
    if operation.surface == "xml":
        root = operation.spec.request_root
        template = XML_BODIES.get(root, XML_FIELDS)
        fields = {k: draw(XML_TEXT) for k in ("user", "password", "scheduled", "text", "number")}
        body = f"<{root}>{template.format(**fields)}</{root}>"
        return {"method": method, "path": path, "data": body.encode("utf-8")}
    headers = {"Authorization": draw(st.sampled_from(API_KEYS))}
    if operation.surface == "rest":
        query = draw(st.sampled_from(["", "offset=0&limit=2", "offset=1", "limit=1000"]))
        shapes = REST_BODIES.get(operation.name)
        if method == "GET" or shapes is None:
            return {"method": method, "path": path, "query": query, "headers": headers}
        body = draw(_json(draw(st.sampled_from(shapes))))
        data = json.dumps(body)  # lone surrogates go as \u escapes, as clients send them
        headers["Content-Type"] = "application/json"
        return {"method": method, "path": path, "data": data, "headers": headers}
    # a surface this test does not know: every text parameter it might read, hostile
    names = ("user", "password", "message", "numbers", "scheduled", "id", "text", "from")
    params = {name: draw(VALUE) for name in draw(st.lists(st.sampled_from(names), max_size=5))}
    form = draw(st.booleans())
    return {
        "method": method if not form else "POST",
        "path": path,
        "query": "" if form else _query(params),
        "data": _query(params) if form else None,
        "headers": {"Content-Type": "application/x-www-form-urlencoded"} if form else {},
    }


def _query(params: dict[str, Any]) -> str:
    from urllib.parse import quote

    return "&".join(
        f"{quote(k)}={quote(str(v), errors='surrogatepass')}" for k, v in params.items()
    )


# -- the control plane -------------------------------------------------------------------------

CONTROL_BODIES: dict[str, Any] = {
    "/_emulator/reset": {"first_message_id": 1, "seed": 1},
    "/_emulator/quote": {"message": "Hi", "account": "hpotter", "max_parts": 2},
    "/_emulator/accounts": {
        "username": "new",
        "password": "pw",
        "api_key": "new-key",
        "first_name": "N",
    },
    "/_emulator/accounts/{username}": {"surname": "S", "short_codes": ["555"], "credits": 10},
    "/_emulator/accounts/{username}/opt-outs": {"number": "27825550101"},
    "/_emulator/dnc": {"number": "27825550101"},
    "/_emulator/blacklist": {"number": "27825550101"},
    "/_emulator/outcomes": {"number": "27825550101", "status": "DELIVERED", "status_code": 0},
    "/_emulator/replies": {"from": "27825550101", "message": "Stop"},
    "/_emulator/short-codes/{code}/messages": {"from": "27825550109", "message": "JOIN"},
    "/_emulator/clock": {"advance_seconds": 1},
    "/_emulator/faults": {
        "kind": "http_error",
        "status": 503,
        "times": 1,
        "match": {"account": "cur"},
    },
}
PARAMETERS = {
    "username": st.sampled_from(["hpotter", "cur", "sub", "nobody", "%ED%A0%80"]),
    "code": st.sampled_from(["31337", "1", "%00"]),
    "number": st.sampled_from(["27825550101", "0", "x"]),
    "message_id": st.sampled_from(["1", "4", "999"]),
    "name": st.sampled_from(["sink", "a%20b"]),
}
CONTROL_OPERATIONS = [
    (method.upper(), template)
    for template, item in CONTROL["paths"].items()
    for method in item
    if method in ("get", "put", "post", "patch", "delete")
    and not template.startswith("/_emulator/ui")
]


@st.composite
def control_request(draw: st.DrawFn, method: str, template: str, state: Any) -> dict[str, Any]:
    path = re.sub(r"\{(\w+)\}", lambda m: draw(PARAMETERS[m.group(1)]), template)
    request: dict[str, Any] = {"method": method, "path": path}
    if template == "/_emulator/state" and method == "PUT":
        document = json.loads(json.dumps(state))
        target = draw(st.sampled_from(["messages", "replies", "accounts"]))
        field = {"messages": "text", "replies": "message", "accounts": "surname"}[target]
        if document[target]:
            document[target][0][field] = draw(TEXT)
        request["data"] = json.dumps(document)
    elif method in ("POST", "PUT", "PATCH") and template in CONTROL_BODIES:
        request["data"] = json.dumps(draw(_json(CONTROL_BODIES[template])))
    if "data" in request:
        request["headers"] = {"Content-Type": "application/json"}
    return request


# -- the property --------------------------------------------------------------------------------

API_OPERATIONS = [op for surface in SURFACES for op in surface.operations]


@st.composite
def any_request(draw: st.DrawFn, state: Any) -> dict[str, Any]:
    if draw(st.booleans()):
        surface = draw(st.sampled_from(SURFACES))
        operation = draw(st.sampled_from(surface.operations))
        return draw(api_request(operation))
    method, template = draw(st.sampled_from(CONTROL_OPERATIONS))
    return draw(control_request(method, template, state))


def _without_fault_hits(state: Any) -> Any:
    found = json.loads(json.dumps(state))
    for rule in found["faults"]["rules"]:
        rule.pop("hits", None)
        rule.pop("times", None)  # a fault that fires a number of times counts down
    return found


@pytest.fixture(scope="module")
def emulator() -> Emulator:
    return new_emulator()


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_a_5xx_answer_leaves_the_state_as_it_was(emulator: Emulator, data: st.DataObject) -> None:
    repopulate(emulator)
    client = emulator.client()
    for _ in range(data.draw(st.integers(1, 6), label="requests")):
        before = world(client)
        request = data.draw(any_request(before), label="request")
        query = request.get("query", "")
        url = request["path"] + (f"?{query}" if query else "")
        response = client.open(
            url, method=request["method"], data=request.get("data"), headers=request.get("headers")
        )
        note(f"{request['method']} {url} -> {response.status_code}")
        if response.status_code >= 500:
            assert _without_fault_hits(world(client)) == _without_fault_hits(before), (
                f"{request['method']} {url} answered {response.status_code} "
                f"after changing the state: {response.get_data()[:300]!r}"
            )


def test_every_surface_of_the_registry_is_exercised() -> None:
    assert {op.surface for op in API_OPERATIONS} == {s.name for s in SURFACES}
    assert {op.name for op in API_OPERATIONS if op.surface == "rest"} >= set(REST_BODIES)
