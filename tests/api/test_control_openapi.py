"""``schemas/control-plane.openapi.json``: a valid OpenAPI 3.1 document of the control plane.

Every other ``test_control_*`` file checks each answer it receives against the
document (through :class:`control_helpers.Control`). This file checks the
document itself: that it is valid, that it describes exactly the routes the
application has, and that every status it lists for an operation can really
be produced (each one is provoked here and its answer checked).
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import pytest
from control_helpers import (
    DOC,
    DOC_FILE,
    N1,
    N2,
    N3,
    N4,
    OPERATIONS,
    PREFIX,
    USER,
    Control,
    component,
    make_control,
    resolve,
)

from winsms_emulator import EmulatorConfig, create_app
from winsms_emulator.app import EXTENSION


def test_the_document_is_valid_openapi_3_1() -> None:
    assert DOC["openapi"].startswith("3.1")
    try:
        from openapi_spec_validator import validate
    except ImportError:  # not a dependency of the project: check the outline instead
        assert set(DOC) >= {"openapi", "info", "paths", "components"}
        assert {"title", "version"} <= set(DOC["info"])
        for item in DOC["paths"].values():
            for method in ("get", "put", "post", "delete", "patch"):
                if method in item:
                    assert item[method]["responses"], item[method]
        return
    validate(DOC)


def test_the_file_is_pretty_printed_utf8_json() -> None:
    text = DOC_FILE.read_text(encoding="utf-8")
    assert json.loads(text) == DOC
    assert text.endswith("\n")


def test_every_operation_has_a_unique_operation_id() -> None:
    ids = [DOC["paths"][t][m.lower()]["operationId"] for m, t in OPERATIONS]
    assert len(ids) == len(set(ids))


def _routes() -> set[tuple[str, str]]:
    app = create_app()
    found = set()
    for rule in app.url_map.iter_rules():
        # the control plane's own routes (the browser UI under /_emulator/ui is not JSON)
        if not rule.endpoint.startswith(("control.", "control_webhooks.")):
            continue
        template = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in rule.methods or ():
            if method not in ("HEAD", "OPTIONS"):
                found.add((method, template))
    return found


def test_the_document_describes_exactly_the_control_planes_routes() -> None:
    assert set(OPERATIONS) == _routes()


def test_every_path_parameter_is_declared() -> None:
    for template, item in DOC["paths"].items():
        names = set(re.findall(r"\{([a-z_]+)\}", template))
        declared = {p["name"] for p in item.get("parameters", [])}
        assert names == declared, template


def test_every_error_answer_is_the_error_object() -> None:
    for method, template in OPERATIONS:
        for status, response in DOC["paths"][template][method.lower()]["responses"].items():
            if status.startswith("4") and status != "408":  # a wait's 408 also shows the state
                schema = resolve(response)["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (method, template)


def test_the_error_schema_takes_only_a_non_empty_error_text() -> None:
    error = component("Error")
    assert error.is_valid({"error": "no account named 'x'"})
    assert not error.is_valid({"error": ""})
    assert not error.is_valid({"error": "x", "detail": "y"})
    assert not error.is_valid({"message": "x"})


def test_the_schemas_hold_the_control_planes_answers_to_their_word() -> None:
    control = make_control()
    account = control.account()
    assert not component("Account").is_valid({**account, "credits": "1000.0"})
    assert not component("Account").is_valid({k: v for k, v in account.items() if k != "api_key"})
    clock = control.get("/clock")
    assert not component("Clock").is_valid({**clock, "now": "2025-01-01T06:00:00+00:00"})
    quote = control.post("/quote", {"message": "hi"}, status=200)
    assert not component("Quote").is_valid({**quote, "encoding": "UCS2"})


def test_the_served_document_is_the_file() -> None:
    assert make_control().get("/openapi.json") == json.loads(DOC_FILE.read_text("utf-8"))


# -- every documented status can be produced ------------------------------------------------------


#: Nothing listens there: attempts to it fail at once (and are retried later).
SHOP_SINK = "http://127.0.0.1:9/_emulator/webhook-sink/shop"


def _world(control: Control) -> None:
    hooks = {"reply_url": SHOP_SINK, "delivery_url": SHOP_SINK}
    control.add_account("shop", short_codes=["42001"], webhooks=hooks)
    control.xml_send("hi", N1)
    control.xml_send("later", N4, user="shop", password="pw", scheduled="203001010800")
    control.post("/dnc", {"number": N2})
    control.post("/blacklist", {"number": N2})
    control.post("/outcomes", {"number": N2, "status": "SENT", "status_code": 106})
    control.post(f"/accounts/{USER}/opt-outs", {"number": N3})


_BIG = {"message": "x" * 1000}
_ACCOUNT = {"username": "new", "password": "pw", "api_key": "new-key"}
_NONE: Any = None
#: The smallest whole state: no accounts, nothing sent.
WHOLE_STATE = {
    "format": "winsms-emulator-state",
    "version": 1,
    "clock": {"mode": "manual", "now": "2025-01-01T08:00:00+02:00", "start": None},
    "accounts": [],
    "messages": [],
    "replies": [],
    "short_code_messages": [],
    "dnc": [],
    "blacklist": [],
    "outcomes": {},
    "faults": {"seed": 0, "next_id": 1, "rules": []},
    "next_message_id": 1,
    "next_incoming_id": 1,
    "next_account_number": 10001,
}

#: (method, template, status) -> (path, body) that answers it, in the world above.
CASES: dict[tuple[str, str, int], tuple[str, Any]] = {
    ("GET", "/_emulator/health", 200): ("/health", _NONE),
    ("GET", "/_emulator/ready", 200): ("/ready", _NONE),
    ("GET", "/_emulator/openapi.json", 200): ("/openapi.json", _NONE),
    ("POST", "/_emulator/reset", 200): ("/reset", {"first_message_id": 9, "seed": 3}),
    ("POST", "/_emulator/reset", 400): ("/reset", {"first_message_id": -1}),
    ("POST", "/_emulator/reset", 413): ("/reset", _BIG),
    ("GET", "/_emulator/state", 200): ("/state", _NONE),
    ("PUT", "/_emulator/state", 200): ("/state", WHOLE_STATE),
    ("PUT", "/_emulator/state", 400): ("/state", {"accounts": "none"}),
    ("PUT", "/_emulator/state", 413): ("/state", _BIG),
    ("POST", "/_emulator/quote", 200): ("/quote", {"message": "hi ✓", "account": "shop"}),
    ("POST", "/_emulator/quote", 400): ("/quote", {"message": None}),
    ("POST", "/_emulator/quote", 404): ("/quote", {"message": "hi", "account": "nobody"}),
    ("POST", "/_emulator/quote", 413): ("/quote", _BIG),
    ("GET", "/_emulator/accounts", 200): ("/accounts", _NONE),
    ("POST", "/_emulator/accounts", 201): ("/accounts", _ACCOUNT),
    ("POST", "/_emulator/accounts", 400): ("/accounts", {**_ACCOUNT, "credits": "12abc"}),
    ("POST", "/_emulator/accounts", 404): ("/accounts", {**_ACCOUNT, "parent": "nobody"}),
    ("POST", "/_emulator/accounts", 409): ("/accounts", {**_ACCOUNT, "username": "shop"}),
    ("POST", "/_emulator/accounts", 413): ("/accounts", _BIG),
    ("GET", "/_emulator/accounts/{username}", 200): (f"/accounts/{USER}", _NONE),
    ("GET", "/_emulator/accounts/{username}", 404): ("/accounts/nobody", _NONE),
    ("PATCH", "/_emulator/accounts/{username}", 200): (f"/accounts/{USER}", {"credits": 1}),
    ("PATCH", "/_emulator/accounts/{username}", 400): (f"/accounts/{USER}", {"trial": 1}),
    ("PATCH", "/_emulator/accounts/{username}", 404): ("/accounts/nobody", {"trial": True}),
    ("PATCH", "/_emulator/accounts/{username}", 409): (
        f"/accounts/{USER}",
        {"api_key": "shop-key"},
    ),
    ("PATCH", "/_emulator/accounts/{username}", 413): (f"/accounts/{USER}", _BIG),
    ("POST", "/_emulator/accounts/{username}/reset", 200): (f"/accounts/{USER}/reset", _NONE),
    ("POST", "/_emulator/accounts/{username}/reset", 404): ("/accounts/nobody/reset", _NONE),
    ("GET", "/_emulator/accounts/{username}/messages", 200): (f"/accounts/{USER}/messages", _NONE),
    ("GET", "/_emulator/accounts/{username}/messages", 404): ("/accounts/nobody/messages", _NONE),
    ("GET", "/_emulator/accounts/{username}/messages", 400): (
        f"/accounts/{USER}/messages?status=LOST",
        _NONE,
    ),
    ("GET", "/_emulator/accounts/{username}/messages", 408): (
        f"/accounts/{USER}/messages?count=5",
        _NONE,
    ),
    ("GET", "/_emulator/accounts/{username}/messages", 409): (
        f"/accounts/{USER}/messages?status=DELIVERED&count=1",
        _NONE,
    ),
    ("GET", "/_emulator/messages/{message_id}", 200): ("/messages/1", _NONE),
    ("GET", "/_emulator/messages/{message_id}", 400): ("/messages/1?wait=soon", _NONE),
    ("GET", "/_emulator/messages/{message_id}", 404): ("/messages/3", _NONE),
    ("GET", "/_emulator/messages/{message_id}", 408): (
        "/messages/1?wait=0&status=SENDINGFAILED",
        _NONE,
    ),
    ("GET", "/_emulator/messages/{message_id}", 409): (
        "/messages/1?wait=0&status=DELIVERED",
        _NONE,
    ),
    ("GET", "/_emulator/accounts/{username}/messages/{message_id}", 200): (
        f"/accounts/{USER}/messages/1",
        _NONE,
    ),
    ("GET", "/_emulator/accounts/{username}/messages/{message_id}", 400): (
        f"/accounts/{USER}/messages/1?count=1",
        _NONE,
    ),
    ("GET", "/_emulator/accounts/{username}/messages/{message_id}", 404): (
        "/accounts/shop/messages/1",
        _NONE,
    ),
    ("GET", "/_emulator/accounts/{username}/messages/{message_id}", 408): (
        f"/accounts/{USER}/messages/1?wait=0&status=SENDINGFAILED",
        _NONE,
    ),
    ("GET", "/_emulator/accounts/{username}/messages/{message_id}", 409): (
        f"/accounts/{USER}/messages/1?wait=0&status=DELIVERED",
        _NONE,
    ),
    ("GET", "/_emulator/accounts/{username}/refused", 200): (f"/accounts/{USER}/refused", _NONE),
    ("GET", "/_emulator/accounts/{username}/refused", 404): ("/accounts/nobody/refused", _NONE),
    ("GET", "/_emulator/accounts/{username}/replies", 200): (f"/accounts/{USER}/replies", _NONE),
    ("GET", "/_emulator/accounts/{username}/replies", 404): ("/accounts/nobody/replies", _NONE),
    ("GET", "/_emulator/accounts/{username}/replies", 400): (
        f"/accounts/{USER}/replies?returned=maybe",
        _NONE,
    ),
    ("GET", "/_emulator/accounts/{username}/replies", 408): (
        f"/accounts/{USER}/replies?count=1",
        _NONE,
    ),
    ("GET", "/_emulator/accounts/{username}/short-code-messages", 200): (
        "/accounts/shop/short-code-messages",
        _NONE,
    ),
    ("GET", "/_emulator/accounts/{username}/short-code-messages", 404): (
        "/accounts/nobody/short-code-messages",
        _NONE,
    ),
    ("GET", "/_emulator/accounts/{username}/opt-outs", 200): (f"/accounts/{USER}/opt-outs", _NONE),
    ("GET", "/_emulator/accounts/{username}/opt-outs", 404): ("/accounts/nobody/opt-outs", _NONE),
    ("POST", "/_emulator/accounts/{username}/opt-outs", 201): (
        f"/accounts/{USER}/opt-outs",
        {"number": N1},
    ),
    ("POST", "/_emulator/accounts/{username}/opt-outs", 400): (
        f"/accounts/{USER}/opt-outs",
        {"number": "x"},
    ),
    ("POST", "/_emulator/accounts/{username}/opt-outs", 404): (
        "/accounts/nobody/opt-outs",
        {"number": N1},
    ),
    ("POST", "/_emulator/accounts/{username}/opt-outs", 413): (f"/accounts/{USER}/opt-outs", _BIG),
    ("DELETE", "/_emulator/accounts/{username}/opt-outs/{number}", 204): (
        f"/accounts/{USER}/opt-outs/{N3}",
        _NONE,
    ),
    ("DELETE", "/_emulator/accounts/{username}/opt-outs/{number}", 404): (
        f"/accounts/{USER}/opt-outs/{N1}",
        _NONE,
    ),
    ("GET", "/_emulator/dnc", 200): ("/dnc", _NONE),
    ("POST", "/_emulator/dnc", 201): ("/dnc", {"number": N1}),
    ("POST", "/_emulator/dnc", 400): ("/dnc", {"number": "27a"}),
    ("POST", "/_emulator/dnc", 413): ("/dnc", _BIG),
    ("DELETE", "/_emulator/dnc/{number}", 204): (f"/dnc/{N2}", _NONE),
    ("DELETE", "/_emulator/dnc/{number}", 404): (f"/dnc/{N1}", _NONE),
    ("GET", "/_emulator/blacklist", 200): ("/blacklist", _NONE),
    ("POST", "/_emulator/blacklist", 201): ("/blacklist", {"number": N1}),
    ("POST", "/_emulator/blacklist", 400): ("/blacklist", {}),
    ("POST", "/_emulator/blacklist", 413): ("/blacklist", _BIG),
    ("DELETE", "/_emulator/blacklist/{number}", 204): (f"/blacklist/{N2}", _NONE),
    ("DELETE", "/_emulator/blacklist/{number}", 404): (f"/blacklist/{N1}", _NONE),
    ("GET", "/_emulator/outcomes", 200): ("/outcomes", _NONE),
    ("POST", "/_emulator/outcomes", 201): (
        "/outcomes",
        {"number": N1, "status": "DELIVERED", "status_code": 0, "after_seconds": "2.5"},
    ),
    ("POST", "/_emulator/outcomes", 400): ("/outcomes", {"number": N1}),
    ("POST", "/_emulator/outcomes", 413): ("/outcomes", _BIG),
    ("DELETE", "/_emulator/outcomes/{number}", 204): (f"/outcomes/{N2}", _NONE),
    ("DELETE", "/_emulator/outcomes/{number}", 404): (f"/outcomes/{N1}", _NONE),
    ("POST", "/_emulator/replies", 201): ("/replies", {"from": N1, "message": "Stop"}),
    ("POST", "/_emulator/replies", 400): ("/replies", {"from": N1}),
    ("POST", "/_emulator/replies", 409): ("/replies", {"from": N3, "message": "hi"}),
    ("POST", "/_emulator/replies", 413): ("/replies", _BIG),
    ("POST", "/_emulator/short-codes/{code}/messages", 201): (
        "/short-codes/42001/messages",
        {"from": N1, "message": "hi"},
    ),
    ("POST", "/_emulator/short-codes/{code}/messages", 400): ("/short-codes/42001/messages", {}),
    ("POST", "/_emulator/short-codes/{code}/messages", 404): (
        "/short-codes/1/messages",
        {"from": N1, "message": "hi"},
    ),
    ("POST", "/_emulator/short-codes/{code}/messages", 413): ("/short-codes/1/messages", _BIG),
    ("GET", "/_emulator/clock", 200): ("/clock", _NONE),
    ("POST", "/_emulator/clock", 200): ("/clock", {"advance_seconds": "1.5"}),
    ("POST", "/_emulator/clock", 400): ("/clock", {}),
    ("POST", "/_emulator/clock", 409): ("/clock", {"now": "2020-01-01T00:00:00+02:00"}),
    ("POST", "/_emulator/clock", 413): ("/clock", _BIG),
    ("GET", "/_emulator/faults", 200): ("/faults", _NONE),
    ("POST", "/_emulator/faults", 201): ("/faults", {"kind": "latency", "seconds": 1}),
    ("POST", "/_emulator/faults", 400): ("/faults", {"kind": "latency"}),
    ("POST", "/_emulator/faults", 413): ("/faults", _BIG),
    ("DELETE", "/_emulator/faults", 204): ("/faults", _NONE),
    ("GET", "/_emulator/requests", 200): ("/requests?operation=send&number=" + N1, _NONE),
    ("GET", "/_emulator/requests", 400): ("/requests?api=soap", _NONE),
    ("GET", "/_emulator/requests", 408): ("/requests?count=99", _NONE),
    ("DELETE", "/_emulator/requests", 204): ("/requests", _NONE),
    ("GET", "/_emulator/coverage", 200): (f"/coverage?account={USER}&since=start", _NONE),
    ("GET", "/_emulator/coverage", 400): ("/coverage?since=yesterday", _NONE),
    ("GET", "/_emulator/coverage", 404): ("/coverage?account=nobody", _NONE),
    ("POST", "/_emulator/coverage/mark", 200): ("/coverage/mark", _NONE),
    ("POST", "/_emulator/accounts/{username}/webhooks/test", 202): (
        "/accounts/shop/webhooks/test",
        {"event": "reply"},
    ),
    ("POST", "/_emulator/accounts/{username}/webhooks/test", 400): (
        "/accounts/shop/webhooks/test",
        {"event": "status"},
    ),
    ("POST", "/_emulator/accounts/{username}/webhooks/test", 404): (
        "/accounts/nobody/webhooks/test",
        {"event": "reply"},
    ),
    ("POST", "/_emulator/accounts/{username}/webhooks/test", 409): (
        f"/accounts/{USER}/webhooks/test",
        {"event": "delivery"},
    ),
    ("POST", "/_emulator/accounts/{username}/webhooks/test", 413): (
        "/accounts/shop/webhooks/test",
        _BIG,
    ),
    ("GET", "/_emulator/webhooks/deliveries", 200): (
        "/webhooks/deliveries?account=shop&event=reply",
        _NONE,
    ),
    ("GET", "/_emulator/webhooks/deliveries", 400): ("/webhooks/deliveries?event=status", _NONE),
    ("GET", "/_emulator/webhooks/deliveries", 408): (
        f"/webhooks/deliveries?account={USER}&wait=0&count=1",
        _NONE,
    ),
    ("GET", "/_emulator/webhooks/deliveries", 409): (
        "/webhooks/deliveries?account=shop&event=delivery&wait=5",
        _NONE,
    ),
    ("GET", "/_emulator/webhook-sink/{name}", 200): ("/webhook-sink/shop?type=deliver", _NONE),
    ("GET", "/_emulator/webhook-sink/{name}", 400): ("/webhook-sink/a%20b", _NONE),
    ("POST", "/_emulator/webhook-sink/{name}", 200): ("/webhook-sink/shop", {"any": "thing"}),
    ("POST", "/_emulator/webhook-sink/{name}", 400): ("/webhook-sink/a%20b", {}),
    ("GET", "/_emulator/webhook-sink/{name}/requests", 200): ("/webhook-sink/shop/requests", _NONE),
    ("GET", "/_emulator/webhook-sink/{name}/requests", 400): (
        "/webhook-sink/shop/requests?count=2",
        _NONE,
    ),
    ("GET", "/_emulator/webhook-sink/{name}/requests", 408): (
        "/webhook-sink/other/requests?wait=0",
        _NONE,
    ),
    ("GET", "/_emulator/webhook-sink/{name}/requests", 409): (
        "/webhook-sink/shop/requests?wait=5&count=1",
        _NONE,
    ),
}


@cache
def _cases_world() -> Control:
    """One emulator (bodies over 700 bytes are 413) whose start state is the world above."""
    control = make_control(EmulatorConfig(max_body_bytes=700))
    _world(control)
    gateway = control.app.extensions[EXTENSION].gateway
    gateway.control.import_state(gateway.control.export_state(), as_start=True)
    return control


def _documented() -> set[tuple[str, str, int]]:
    return {
        (method, template, int(status))
        for method, template in OPERATIONS
        for status in DOC["paths"][template][method.lower()]["responses"]
    }


#: Every operation but health and ready answers 401 without the admin token, when one is set.
TOKEN_CASES = sorted(
    (method, template, 401)
    for method, template in OPERATIONS
    if "401" in DOC["paths"][template][method.lower()]["responses"]
)


def test_every_documented_status_has_a_case_here() -> None:
    assert set(CASES) | set(TOKEN_CASES) == _documented()


def test_only_health_and_ready_are_open_without_the_admin_token() -> None:
    open_ones = set(OPERATIONS) - {(m, t) for m, t, _ in TOKEN_CASES}
    assert open_ones == {
        ("GET", "/_emulator/health"),
        ("GET", "/_emulator/ready"),
        # webhook senders do not carry the admin token
        ("GET", "/_emulator/webhook-sink/{name}"),
        ("POST", "/_emulator/webhook-sink/{name}"),
    }


_EXAMPLE_PARAMETERS = {
    "username": USER,
    "number": N1,
    "code": "42001",
    "message_id": "1",
    "name": "sink",
}


@pytest.mark.parametrize(
    ("method", "template", "status"), TOKEN_CASES, ids=[f"{m} {t}" for m, t, _ in TOKEN_CASES]
)
def test_without_the_admin_token_an_operation_is_401(
    method: str, template: str, status: int
) -> None:
    control = _token_world()
    path = re.sub(r"\{([a-z_]+)\}", lambda m: _EXAMPLE_PARAMETERS[m[1]], template)
    kwargs: dict[str, Any] = {"body": {}} if method in ("POST", "PUT", "PATCH") else {}
    answer = control.call(method, path.removeprefix(PREFIX), status=status, **kwargs)
    assert answer.error == "this control plane needs the admin token"


@cache
def _token_world() -> Control:
    return make_control(EmulatorConfig(admin_token="s3cret"))


@pytest.mark.parametrize(
    ("method", "template", "status"),
    sorted(CASES),
    ids=[f"{m} {t} {s}" for m, t, s in sorted(CASES)],
)
def test_every_documented_status_can_be_produced_and_matches_its_schema(
    method: str, template: str, status: int
) -> None:
    control = _cases_world()
    control.reset()
    path, body = CASES[(method, template, status)]
    path, _, query = path.partition("?")
    kwargs: dict[str, Any] = {} if body is None else {"body": body}
    control.call(method, path, status=status, query=query, **kwargs)
