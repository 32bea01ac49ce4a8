"""The WinSMS XML API: the five ``.asp`` endpoints.

Each request is parsed with a hardened parser (no entities, no DTD, no
network), checked against the endpoint's published request schema, read by
the documented meaning of its known elements, passed to the gateway, and
answered with a document built by lxml. Paths match without regard to case
and with or without the ``/api`` prefix; the body is the document whatever
the Content-Type.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote_plus

from flask import Flask, Response, request
from lxml import etree
from werkzeug.exceptions import RequestEntityTooLarge

from winsms_emulator.app import gateway, state
from winsms_emulator.domain.accounts import Account
from winsms_emulator.domain.sast import minute_stamp, parse_minute_stamp, status_stamp
from winsms_emulator.domain.sending import OutgoingMessage, Recipient
from winsms_emulator.errors import RequestError
from winsms_emulator.service import TooManyRecipients
from winsms_emulator.wire import (
    XmlEndpoint,
    journal_request,
    xml_endpoint_for_path,
    xml_error,
    xml_response,
)
from winsms_emulator.xsd import SchemaSet, load_schemas

SCHEMAS = "xml_schemas"


class Rejected(Exception):
    """The whole request is answered with one documented ``<Error>``."""

    def __init__(self, error: RequestError, detail: str) -> None:
        super().__init__(detail)
        self.error = error
        self.detail = detail


@dataclass
class Exchange:
    """One XML request on its way through: what the journal will say of it."""

    endpoint: XmlEndpoint
    account: str | None = None
    violations: list[str] = field(default_factory=list)
    detail: str = ""


def register(app: Flask) -> None:
    """Compile the schemas once and answer the XML API's paths."""
    schemas = load_schemas()
    app.extensions[SCHEMAS] = schemas
    app.before_request(_dispatch)


def schemas() -> SchemaSet:
    from flask import current_app

    found: SchemaSet = current_app.extensions[SCHEMAS]
    return found


def _dispatch() -> Response | None:
    endpoint = xml_endpoint_for_path(request.path)
    if endpoint is None:
        return None
    started = time.perf_counter()
    exchange = Exchange(endpoint)
    outcome = "ok"
    status = 200
    try:
        if request.method != "POST":
            status = 405
            raise Rejected(RequestError.NOT_VALID_XML, f"{request.method} is not allowed; use POST")
        try:
            body = request.get_data(cache=False)
        except RequestEntityTooLarge:
            status = 413
            raise Rejected(RequestError.NOT_VALID_XML, "the request body is too large") from None
        root = parse_document(body, endpoint)
        exchange.violations = [
            *schemas().requests[endpoint.name].violations(root),
            *_empty_cli_violations(root),
        ]
        if exchange.violations and state().config.strict:
            raise Rejected(RequestError.NOT_VALID_XML, "the document breaks the published schema")
        response = HANDLERS[endpoint.name](root, exchange)
    except Rejected as exc:
        outcome = exc.error.value
        exchange.detail = exc.detail
        response = xml_error(endpoint.response_root, exc.error, status)
    journal_request(
        api="xml",
        operation=endpoint.operation,
        account=exchange.account,
        response=response,
        outcome=outcome,
        started=started,
        violations=tuple(exchange.violations),
        detail=exchange.detail,
    )
    return response


def _parser() -> etree.XMLParser:
    # Careful: lxml's collect_ids=False makes libxml2 load an external DTD subset from
    # disk despite load_dtd=False, so it is left at its default.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_document(body: bytes, endpoint: XmlEndpoint) -> etree._Element:
    """Parse untrusted XML; refuse DTDs and entities and anything but the endpoint's document."""
    if not body.strip():
        raise Rejected(RequestError.NOT_VALID_XML, "the request body is empty")
    try:
        root = etree.fromstring(body, _parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise Rejected(RequestError.NOT_VALID_XML, f"not well-formed XML: {exc}") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise Rejected(RequestError.NOT_VALID_XML, "a DOCTYPE (DTD or entities) is not allowed")
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        raise Rejected(RequestError.NOT_VALID_XML, "entity references are not allowed")
    if root.tag != endpoint.request_root:
        raise Rejected(
            RequestError.NOT_VALID_XML,
            f"the document is <{root.tag}>, not <{endpoint.request_root}>",
        )
    return root


# -- reading the known elements ------------------------------------------------------------


def _children(parent: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in parent if child.tag == name]


def _child(parent: etree._Element, name: str) -> etree._Element | None:
    return next((child for child in parent if child.tag == name), None)


def _text(parent: etree._Element, name: str) -> str | None:
    element = _child(parent, name)
    if element is None:
        return None
    return (element.text or "").strip()


def _login(root: etree._Element, exchange: Exchange) -> Account:
    account = gateway().authenticate(_text(root, "User") or "", _text(root, "Password") or "")
    if account is None:
        raise Rejected(RequestError.BAD_CREDENTIALS, "unknown user or wrong password")
    exchange.account = account.username
    return account


def _empty_cli_violations(root: etree._Element) -> list[str]:
    """An empty ``<CLI/>`` passes the schema's xs:string, but the guide makes CLI optional:
    the emulator's decisions count sending it empty as a deviation, like leaving it out."""
    return [
        f"line {cli.sourceline}: Element 'CLI': empty; leave the optional CLI out instead"
        for cli in root.iter("CLI")
        if not (cli.text or "").strip() and len(cli) == 0
    ]


#: No message ID is longer than this; a longer one (still digits) is simply unknown.
_LONGEST_ID = 18


def _message_ids(root: etree._Element) -> list[tuple[str, int, str]]:
    """The (ID digits, ID, CLI) of a status or delete request; a blank or non-numeric ID
    refuses it. An ID too long to be any message's is looked up as 0, which none has."""
    found = []
    for group in _children(root, "MessageIDs"):
        for item in _children(group, "MessageID"):
            raw = _text(item, "ID") or ""
            if not raw or not raw.isascii() or not raw.isdigit():
                raise Rejected(RequestError.NOT_VALID_XML, f"the ID {raw[:40]!r} is not a number")
            digits = raw.lstrip("0") or "0"
            cli = _child(item, "CLI")
            found.append(
                (
                    digits,
                    int(digits) if len(digits) <= _LONGEST_ID else 0,
                    (cli.text or "") if cli is not None else "",
                )
            )
    if not found:
        raise Rejected(RequestError.NOT_VALID_XML, "no MessageID in the request")
    return found


# Characters XML 1.0 cannot carry (a reply injected over JSON may hold them).
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _sub(parent: etree._Element, name: str, text: object) -> etree._Element:
    element = etree.SubElement(parent, name)
    element.text = _NOT_XML.sub("\ufffd", str(text))
    return element


# -- the endpoints -----------------------------------------------------------------------


def send(root: etree._Element, exchange: Exchange) -> Response:
    account = _login(root, exchange)
    scheduled_text = _text(root, "Scheduled")
    scheduled = None
    if scheduled_text:
        scheduled = parse_minute_stamp(scheduled_text)
        if scheduled is None:
            raise Rejected(
                RequestError.INVALID_DATE, f"Scheduled {scheduled_text!r} is not ccyymmddhhmm"
            )
    messages = []
    for group in _children(root, "Messages"):
        for item in _children(group, "Message"):
            text_element = _child(item, "MessageText")
            text = None if text_element is None else unquote_plus(text_element.text or "")
            numbers = _child(item, "Numbers")
            recipients = (
                None
                if numbers is None
                else [Recipient(n.text or "") for n in _children(numbers, "Number")]
            )
            messages.append(OutgoingMessage(text, recipients, scheduled_for=scheduled))
    if not messages:
        raise Rejected(RequestError.NOT_VALID_XML, "no Message in the request")
    try:
        results = gateway().send(account.username, messages, api="xml")
    except TooManyRecipients as exc:
        raise Rejected(RequestError.NOT_VALID_XML, exc.message) from None
    out = etree.Element("XMLGateway_Response")
    for index, result in enumerate(results, start=1):
        block = etree.SubElement(out, "SendResult")
        _sub(block, "MessageNumber", index)
        for recipient in result.recipients:
            number_id = etree.SubElement(block, "NumberID")
            _sub(number_id, "Number", recipient.number)
            code = recipient.message_id if recipient.accepted else recipient.outcome.xml_code
            _sub(number_id, "ID", code)
    return xml_response(out)


def status(root: etree._Element, exchange: Exchange) -> Response:
    account = _login(root, exchange)
    ids = _message_ids(root)
    results = gateway().status(account.username, [message_id for _, message_id, _ in ids])
    out = etree.Element("XMLGatewayStatus_Response")
    for (shown, _, cli), result in zip(ids, results, strict=True):
        block = etree.SubElement(out, "StatusID")
        _sub(block, "MessageID", shown)
        _sub(block, "CLI", cli)
        _sub(block, "Status", result.state.status.value)
        _sub(block, "StatusDateTime", status_stamp(result.state.at))
        _sub(block, "StatusCode", int(result.state.code))
    return xml_response(out)


def delete_scheduled(root: etree._Element, exchange: Exchange) -> Response:
    account = _login(root, exchange)
    ids = _message_ids(root)
    reports = gateway().delete_scheduled(account.username, [message_id for _, message_id, _ in ids])
    out = etree.Element("XMLGatewayDeleteScheduled_Response")
    for (shown, _, cli), report in zip(ids, reports, strict=True):
        block = etree.SubElement(out, "DeleteStatus")
        _sub(block, "MessageID", shown)
        _sub(block, "CLI", cli)
        _sub(block, "Status", report.result.value)
    return xml_response(out)


def replies(root: etree._Element, exchange: Exchange) -> Response:
    account = _login(root, exchange)
    out = etree.Element("XMLGateway_Replies")
    for reply in gateway().fetch_replies(account.username):
        block = etree.SubElement(out, "Reply")
        _sub(block, "CLI", reply.number)
        _sub(block, "DateReceived", minute_stamp(reply.received_at))
        _sub(block, "Message", reply.message)
        _sub(block, "SentMessageID", reply.sent_message_id)
    return xml_response(out)


def short_code_messages(root: etree._Element, exchange: Exchange) -> Response:
    account = _login(root, exchange)
    out = etree.Element("XMLGateway_SCmessages")
    for message in gateway().fetch_short_code_messages(account.username):
        block = etree.SubElement(out, "SCmessage")
        _sub(block, "SC", message.code)
        _sub(block, "CLI", message.number)
        _sub(block, "DateReceived", minute_stamp(message.received_at))
        _sub(block, "Message", message.message)
    return xml_response(out)


HANDLERS: dict[str, Callable[[etree._Element, Exchange], Response]] = {
    "xmlsendsmsmulti": send,
    "xmlgetstatus": status,
    "xmldeletescheduled": delete_scheduled,
    "xmlgetreplies": replies,
    "xmlgetscmessages": short_code_messages,
}
