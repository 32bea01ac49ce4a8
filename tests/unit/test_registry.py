"""One registry of operations: every layer reads its names from it, so none can drift."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from winsms_emulator import Emulator
from winsms_emulator.errors import HttpRequestError, Invalid, SendOutcome
from winsms_emulator.operations import SURFACE_NAMES
from winsms_emulator.registry import OPERATIONS, SURFACES
from winsms_emulator.resources import schemas_dir

ROOT = Path(__file__).resolve().parents[2]
REST_DOC = json.loads((schemas_dir() / "rest-v1.openapi.json").read_text("utf-8"))
HTTP_DOC = json.loads((schemas_dir() / "http-api.openapi.json").read_text("utf-8"))


def test_each_operation_has_one_name_on_its_surface_and_one_endpoint() -> None:
    endpoints = [op.endpoint for op in OPERATIONS]
    assert len(endpoints) == len(set(endpoints))
    assert {s.name for s in SURFACES} == set(SURFACE_NAMES)
    assert all(op.surface in SURFACE_NAMES for op in OPERATIONS)


def test_the_rest_document_describes_exactly_the_registrys_rest_operations() -> None:
    documented = {
        (method.upper(), "/api/rest/v1" + path)
        for path, item in REST_DOC["paths"].items()
        for method in item
        if path != "/openapi.json" and method in ("get", "post", "put", "delete", "patch")
    }
    registered = {
        (method, path)
        for op in OPERATIONS
        if op.surface == "rest"
        for path in op.paths
        for method in op.methods
    }
    assert registered == documented


def test_the_http_document_describes_exactly_the_registrys_http_operations() -> None:
    [server] = HTTP_DOC["servers"]
    documented = {
        (method.upper(), server["url"] + path, item[method]["operationId"].removesuffix("Post"))
        for path, item in HTTP_DOC["paths"].items()
        for method in item
    }
    registered = {
        (method, f"/api/{op.spec.asp}", op.name)
        for op in OPERATIONS
        if op.surface == "http"
        for method in op.methods
    }
    assert registered == documented


def test_the_http_document_lists_each_operations_parameters() -> None:
    for op in OPERATIONS:
        if op.surface == "http":
            item = HTTP_DOC["paths"][f"/{op.spec.asp}"]
            query = item["get"]["parameters"]
            assert [p["name"] for p in query] == list(op.spec.known)
            assert [p["name"] for p in query if p["required"]] == list(op.spec.required)
            form = item["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]
            assert list(form["schema"]["properties"]) == list(op.spec.known)


def test_the_http_send_answer_pattern_admits_every_code_and_whole_request_error() -> None:
    schema = HTTP_DOC["paths"]["/batchmessage.asp"]["get"]["responses"]["200"]["content"]
    pattern = schema["text/plain"]["schema"]["pattern"]
    for outcome in SendOutcome:
        code = "1001" if outcome.accepted else outcome.xml_code
        assert re.fullmatch(pattern, f"27825550101={code};"), outcome
    for error in HttpRequestError:
        if error not in (HttpRequestError.METHOD_NOT_ALLOWED, HttpRequestError.TOO_LARGE):
            assert re.fullmatch(pattern, error.answer), error
    for outcome in (SendOutcome.ACCOUNT_LOCKED, SendOutcome.NO_MESSAGE, SendOutcome.NO_NUMBER):
        assert re.fullmatch(pattern, f"Error={outcome.xml_code}"), outcome


def test_every_request_schema_the_rest_operations_name_is_in_the_document() -> None:
    components = REST_DOC["components"]["schemas"]
    for op in OPERATIONS:
        if op.surface == "rest":
            assert set(op.spec.schemas.values()) <= set(components), op.name


def test_every_xml_operation_has_its_published_and_its_answer_schema() -> None:
    for op in OPERATIONS:
        if op.surface == "xml":
            stem = op.spec.schema_stem
            assert (schemas_dir() / "published" / f"{stem}.request.xsd").is_file()
            assert (schemas_dir() / "emulator" / f"{stem}.response.xsd").is_file()


def test_the_journal_and_the_fault_layer_use_the_registrys_names() -> None:
    emulator = Emulator()
    client = emulator.client()
    for op in OPERATIONS:
        emulator.clear_faults()
        fault = emulator.add_fault("http_error", status=418, api=op.surface, operation=op.name)
        path = re.sub(r"<[^>]*\(\"([^\"]+)\"\):path>", r"api/\1", op.paths[0])
        answer = client.open(path, method=op.methods[0])
        assert answer.status_code == 418, op.endpoint
        [entry] = emulator.journal()[-1:]
        assert (entry["api"], entry["operation"]) == (op.surface, op.name)
        assert entry["outcome"] == f"fault {fault['id']}: http_error"


def test_a_fault_for_an_operation_no_surface_has_is_refused_naming_the_operations() -> None:
    with pytest.raises(Invalid, match="status"):
        Emulator().add_fault("http_error", operation="stauts")


def test_the_readme_lists_every_operation_a_fault_can_match() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    listed = readme.split("`operation` (", 1)[1].split(")", 1)[0]
    assert set(re.findall(r"`([a-z_]+)`", listed)) == {op.name for op in OPERATIONS}
