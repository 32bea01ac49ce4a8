"""Schemathesis against the emulator's own OpenAPI documents, in process.

REST v1 (``/api/rest/v1/openapi.json``, authenticated with the default
account's key), the HTTP (GET) API (``/api/http/openapi.json``) and the control
plane (``/_emulator/openapi.json``): every generated request gets no 5xx and an
answer that conforms to the document.
The example count per operation is bounded by the Hypothesis profile.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from winsms_emulator import Emulator
from winsms_emulator.resources import schemas_dir

API_KEY = "hpotter-api-key"
CHECKS = [not_a_server_error, response_schema_conformance]
CONTROL_DOCUMENT = schemas_dir() / "control-plane.openapi.json"


def bounded() -> settings:
    """A fifth of the profile's examples per operation (20 under ``ci``)."""
    base = settings()
    return settings(
        base,
        max_examples=max(5, base.max_examples // 5),
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )


emulator = Emulator()  # manual clock, the default account hpotter
rest_schema = schemathesis.openapi.from_wsgi("/api/rest/v1/openapi.json", emulator.app)


@pytest.fixture
def fresh_emulator() -> Iterator[Emulator]:
    emulator.reset()
    yield emulator
    emulator.raise_errors()


@rest_schema.parametrize()
@bounded()
def test_rest_v1_conforms_to_its_openapi_document(
    case: schemathesis.Case, fresh_emulator: Emulator
) -> None:
    case.call_and_validate(headers={"Authorization": API_KEY}, checks=CHECKS)


http_schema = schemathesis.openapi.from_wsgi("/api/http/openapi.json", emulator.app)


@http_schema.parametrize()
@bounded()
def test_the_http_api_conforms_to_its_openapi_document(
    case: schemathesis.Case, fresh_emulator: Emulator
) -> None:
    case.call_and_validate(checks=CHECKS)


if CONTROL_DOCUMENT.exists():
    control_schema = schemathesis.openapi.from_wsgi("/_emulator/openapi.json", emulator.app)
    # A scripted fault answers later requests 5xx (or late) on purpose: not fuzzed here.
    control_schema = control_schema.exclude(path="/_emulator/faults", method="POST")

    @control_schema.parametrize()
    @bounded()
    def test_control_plane_conforms_to_its_openapi_document(
        case: schemathesis.Case, fresh_emulator: Emulator
    ) -> None:
        _no_real_waiting(case)
        case.call_and_validate(checks=CHECKS)

    def _no_real_waiting(case: schemathesis.Case) -> None:
        """A generated ``wait=`` of some real seconds becomes 0: the read still answers
        as a wait whose time is up (408) or that only emulator time can end (409), at
        once. A value that is no number is left to be refused."""
        query = case.query
        if not query or "wait" not in query:
            return
        try:
            seconds = float(query["wait"])
        except (TypeError, ValueError):
            return
        if seconds > 0:
            query["wait"] = "0"

else:

    def test_control_plane_conforms_to_its_openapi_document() -> None:
        pytest.skip(f"{CONTROL_DOCUMENT.name} is not written yet")
