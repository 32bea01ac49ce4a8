"""Reads over HTTP that filter and wait: their query parameters, and their answers.

A view that reads with :mod:`winsms_emulator.forms.queries` parameters wraps itself in
:func:`answers_waits`: a refusal is ``{"error"}`` with 400/404/409, a wait whose time
ran out is 408 with the error and what the read saw last (``{"error", "messages":
[...]}``), and one that only emulator time can satisfy is 409 at once. To add a wait
to another read: parse with :func:`~winsms_emulator.forms.queries.read_wait`, wait with
:func:`~winsms_emulator.services.waiting.wait_until`, raise
:class:`~winsms_emulator.errors.WaitTimedOut` or
:class:`~winsms_emulator.errors.NeedsEmulatorTime`, and wrap the view in this.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec

from flask import request

from winsms_emulator.errors import GatewayError, WaitTimedOut
from winsms_emulator.web.answers import control_error, json_response

P = ParamSpec("P")
_STATUS_BY_KIND = {"invalid": 400, "not_found": 404, "conflict": 409, "timeout": 408}


def query_parameters() -> dict[str, str]:
    """The request's query parameters by name; a name given twice is a comma list."""
    return {name: ",".join(request.args.getlist(name)) for name in request.args}


def answers_waits(view: Callable[P, Any]) -> Callable[P, Any]:
    """Turn the refusals of a read (and its waits) into their answers."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Any:
        try:
            return view(*args, **kwargs)
        except WaitTimedOut as exc:
            return json_response(408, {"error": exc.message, **exc.state})
        except GatewayError as exc:
            return control_error(_STATUS_BY_KIND.get(exc.kind, 400), exc.message)

    return wrapper
