"""The answers every surface builds on: JSON, XML documents and the error formats.

Each surface writes its own errors with these (REST v1's ``errorDetails``, the XML
API's ``<Error>`` document); the control plane's are ``{"error": ...}``.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response
from lxml import etree

from winsms_emulator.domain.text import printable
from winsms_emulator.errors import RequestError


def json_response(status: int, body: Any) -> Response:
    """JSON as UTF-8; a string UTF-8 cannot carry (a lone surrogate) is written as its
    ``\\u`` escape instead of failing, so an answer never breaks on the text in it."""
    text = json.dumps(body, ensure_ascii=False)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        data = json.dumps(body).encode("ascii")
    return Response(data, status=status, mimetype="application/json")


def control_error(status: int, message: str) -> Response:
    return Response(json.dumps({"error": message}), status=status, mimetype="application/json")


def xml_response(root: etree._Element, status: int = 200) -> Response:
    body = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    return Response(body, status=status, mimetype="text/xml")


def xml_error(root_name: str, error: RequestError | str, status: int = 200) -> Response:
    """``<root><Error>text</Error></root>``: a documented error, or (for a path no endpoint
    has, which no document covers) a text of the emulator's own."""
    root = etree.Element(root_name)
    etree.SubElement(root, "Error").text = error if isinstance(error, str) else error.value
    return xml_response(root, status)


def text_response(status: int, text: str) -> Response:
    """Plain text as UTF-8 (a character UTF-8 cannot carry becomes U+FFFD)."""
    data = printable(text).encode("utf-8")
    return Response(data, status=status, mimetype="text/plain")
