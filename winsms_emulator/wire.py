"""Which wire format a path speaks, and the app-level error answers in it.

Every answer the emulator gives is in the format of the API it was asked on:
REST v1 paths answer JSON ``errorDetails``, XML API paths answer the
endpoint's ``<Error>`` document, and the control plane answers
``{"error": ...}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Response, current_app, json
from lxml import etree
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from winsms_emulator.domain.sast import millisecond_stamp
from winsms_emulator.errors import RequestError

REST_PREFIX = "/api/rest/v1"
CONTROL_PREFIX = "/_emulator"
REST_VERSION = "1.0"


@dataclass(frozen=True)
class XmlEndpoint:
    """One endpoint of the XML API."""

    name: str  # the .asp file name, lower case, without the extension
    operation: str
    request_root: str
    response_root: str
    schema_stem: str  # file name stem under schemas/published and schemas/emulator


XML_ENDPOINTS: dict[str, XmlEndpoint] = {
    e.name: e
    for e in (
        XmlEndpoint(
            "xmlsendsmsmulti", "send", "WinSMS_Multi_Message", "XMLGateway_Response", "sendsmsmulti"
        ),
        XmlEndpoint(
            "xmlgetstatus",
            "status",
            "WinSMS_StatusRequest",
            "XMLGatewayStatus_Response",
            "getstatus",
        ),
        XmlEndpoint(
            "xmldeletescheduled",
            "delete_scheduled",
            "WinSMS_DeleteScheduled",
            "XMLGatewayDeleteScheduled_Response",
            "deletescheduled",
        ),
        XmlEndpoint(
            "xmlgetreplies", "replies", "WinSMS_Replies", "XMLGateway_Replies", "getreplies"
        ),
        XmlEndpoint(
            "xmlgetscmessages",
            "short_code_messages",
            "WinSMS_SCmessages",
            "XMLGateway_SCmessages",
            "getscmessages",
        ),
    )
}


def xml_endpoint_for_path(path: str) -> XmlEndpoint | None:
    """The XML endpoint a path names, matched without case and with or without ``/api``."""
    lowered = path.lower().rstrip("/")
    for prefix in ("/api/", "/"):
        if lowered.startswith(prefix):
            rest = lowered[len(prefix) :]
            if rest.endswith(".asp") and "/" not in rest:
                return XML_ENDPOINTS.get(rest[: -len(".asp")])
    return None


def api_of_path(path: str) -> str:
    """``rest``, ``xml`` or ``control``: the format an answer on ``path`` takes."""
    lowered = path.lower()
    if lowered.startswith(REST_PREFIX):
        return "rest"
    if lowered.endswith(".asp") or lowered.startswith("/api/"):
        return "xml"
    return "control"


def _now() -> datetime:
    from winsms_emulator.app import gateway

    return gateway().now()


def rest_error(status: int, message: str) -> Response:
    """A REST ``errorDetails`` answer (the seed shape's ResponseError2 has the same fields)."""
    body = {
        "timeStamp": millisecond_stamp(_now()),
        "version": REST_VERSION,
        "statusCode": status,
        "errorMessage": message,
    }
    return current_app.response_class(json.dumps(body), status=status, mimetype="application/json")


def control_error(status: int, message: str) -> Response:
    return current_app.response_class(
        json.dumps({"error": message}), status=status, mimetype="application/json"
    )


def xml_response(root: etree._Element, status: int = 200) -> Response:
    body = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    return current_app.response_class(body, status=status, mimetype="text/xml")


def xml_error(root_name: str, error: RequestError, status: int = 200) -> Response:
    root = etree.Element(root_name)
    etree.SubElement(root, "Error").text = error.value
    return xml_response(root, status)


def rest_message_for(exc: HTTPException, method: str) -> str:
    """The current OpenAPI document's wording for an app-level HTTP error."""
    from flask import request

    if exc.code == 404:
        return (
            "The resource requested does not exist. "
            "Please verify the path, spelling, and capitalisation"
        )
    if exc.code == 405 and isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        allowed = next((m for m in exc.valid_methods if m not in ("HEAD", "OPTIONS")), "POST")
        return f"Request method should be set to '{allowed}', not '{method}'."
    if exc.code == 413:
        from winsms_emulator.app import state

        size = request.content_length or 0
        limit = state().config.rest_max_body_bytes
        return (
            f"Request POST data is: {(size + 1023) // 1024}kb. "
            f"The maximum POST size allowed is {limit // 1024}kb."
        )
    return exc.description or exc.name


def error_response_for_path(path: str, method: str, exc: HTTPException) -> Response:
    """Answer an app-level HTTP error (404, 405, 413, ...) in the path's own format."""
    status = exc.code or 500
    api = api_of_path(path)
    if api == "rest":
        return rest_error(status, rest_message_for(exc, method))
    if api == "xml":
        endpoint = xml_endpoint_for_path(path)
        root = endpoint.response_root if endpoint else "XMLGateway_Response"
        return xml_error(root, RequestError.NOT_VALID_XML, status)
    if status == 405 and isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        allowed = ", ".join(m for m in exc.valid_methods if m not in ("HEAD", "OPTIONS"))
        return control_error(405, f"{method} is not allowed on {path}; use {allowed}")
    if status == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        return control_error(413, f"the request body is larger than {limit} bytes")
    return control_error(status, f"{exc.name}: {path}")


def journal_request(
    *,
    api: str,
    operation: str,
    account: str | None,
    response: Response,
    outcome: str,
    started: float,
    violations: tuple[str, ...] = (),
    detail: str = "",
) -> None:
    """Write one API request to the gateway's request journal."""
    import time

    from flask import g as request_globals
    from flask import request

    from winsms_emulator.app import gateway
    from winsms_emulator.journal import JournalEntry

    request_globals.winsms_account = account
    g = gateway()
    g.record(
        JournalEntry(
            at=g.now(),
            method=request.method,
            path=request.path,
            api=api,
            operation=operation,
            account=account,
            http_status=response.status_code,
            outcome=outcome,
            violations=violations,
            detail=detail,
            duration_ms=round((time.perf_counter() - started) * 1000, 3),
        )
    )
