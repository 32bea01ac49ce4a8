"""WinSMS REST v1, in both published shapes, at ``/api/rest/v1``.

The *seed* shape is the apidocs reference (``mobileNumbers``, ``serverMessageId``,
numeric times, ``authResult``/``validationResult`` in every body); the *current* shape
is the later OpenAPI document (``recipients``, ``apiMessageId``, string times, paging).
An account's ``rest_dialect`` picks the shape; a send body using ``recipients`` or
``mobileNumbers`` picks it whatever the setting.

* :mod:`.pipeline`: the one request pipeline (413, 401, 415, 400, 422, handler);
* :mod:`.dialect`, :mod:`.seed`, :mod:`.current`: each shape's renderers;
* :mod:`.operations`: the handlers and their registry entries.
"""

from __future__ import annotations

from flask import Flask, Response

from winsms_emulator.adapters.rest.operations import OPERATIONS
from winsms_emulator.adapters.rest.pipeline import (
    DIALECTS,
    REST_PREFIX,
    claims,
    error,
    facts,
    rest_error,
    run,
    who,
)
from winsms_emulator.adapters.rest.validation import openapi
from winsms_emulator.operations import Surface
from winsms_emulator.web.answers import json_response


def _setup(app: Flask) -> None:
    document = openapi().document

    def openapi_document() -> Response:
        """The emulator's OpenAPI 3.1 description of REST v1 in both shapes (no key needed)."""
        return json_response(200, document)

    app.add_url_rule(f"{REST_PREFIX}/openapi.json", "rest_v1.openapi", openapi_document)


SURFACE = Surface(
    name="rest",
    operations=OPERATIONS,
    run=run,
    error=error,
    injected_error=rest_error,
    truncated=('{"statusCode": 200, "recipi', "application/json"),
    who=who,
    claims=claims,
    setup=_setup,
    title="REST",
    shapes=tuple(DIALECTS),
    facts=facts,
)
