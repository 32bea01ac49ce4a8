"""The WinSMS XML API: the five ``.asp`` endpoints.

Each request is parsed with a hardened parser (no entities, no DTD, no network),
checked against the endpoint's published request schema, read by the documented meaning
of its known elements, passed to the gateway, and answered with a document built by
lxml. The body is the document whatever the Content-Type.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from urllib.parse import unquote_plus

from flask import Flask, Response
from lxml import etree
from werkzeug.exceptions import HTTPException

from winsms_emulator.adapters.xml_documents import (
    Rejected,
    child,
    children,
    empty_cli_violations,
    message_ids,
    parse_document,
    sub,
    text_of,
)
from winsms_emulator.domain.accounts import Account
from winsms_emulator.domain.sast import minute_stamp, parse_minute_stamp, status_stamp
from winsms_emulator.domain.sending import OutgoingMessage, Recipient, TooManyRecipients
from winsms_emulator.errors import GatewayError, NotFound, RequestError
from winsms_emulator.journal import MAX_VIOLATIONS_KEPT
from winsms_emulator.operations import Answered, Operation, Surface, operation_facts
from winsms_emulator.outcomes import (
    Family,
    Reader,
    Universe,
    code_facts,
    delete_facts,
    delete_results,
    delivery_statuses,
    fact,
    listing,
    listing_facts,
    opt_out_facts,
    opt_outs,
    reading,
    recipients,
    request_errors,
    sent_facts,
    sent_messages,
    status_codes,
    status_facts,
    xml_word,
)
from winsms_emulator.resources import schemas_dir
from winsms_emulator.web import exchange
from winsms_emulator.web.answers import text_response, xml_error, xml_response
from winsms_emulator.web.context import app, config, gateway, request
from winsms_emulator.xsd import SchemaSet, compiled

SCHEMAS = "xml_schemas"


@dataclass(frozen=True)
class XmlSpec:
    """One endpoint's documents: the request and response roots and the schema files."""

    asp: str  # the .asp file name, lower case
    request_root: str
    response_root: str
    schema_stem: str  # file name stem under schemas/published and schemas/emulator

    @property
    def key(self) -> str:
        return self.asp.removesuffix(".asp")


def _login(root: etree._Element) -> Account:
    account = gateway().sms.authenticate(
        text_of(root, "User") or "", text_of(root, "Password") or ""
    )
    if account is None:
        raise Rejected(RequestError.BAD_CREDENTIALS, "unknown user or wrong password")
    exchange.current().account = account.username
    return account


# -- the endpoints -----------------------------------------------------------------------


def send(root: etree._Element) -> etree._Element:
    account = _login(root)
    scheduled_text = text_of(root, "Scheduled")
    scheduled = None
    if scheduled_text:
        scheduled = parse_minute_stamp(scheduled_text)
        if scheduled is None:
            raise Rejected(
                RequestError.INVALID_DATE, f"Scheduled {scheduled_text!r} is not ccyymmddhhmm"
            )
    messages = []
    for group in children(root, "Messages"):
        for item in children(group, "Message"):
            text_element = child(item, "MessageText")
            text = None if text_element is None else unquote_plus(text_element.text or "")
            numbers = child(item, "Numbers")
            recipients = (
                None
                if numbers is None
                else [Recipient(n.text or "") for n in children(numbers, "Number")]
            )
            messages.append(OutgoingMessage(text, recipients, scheduled_for=scheduled))
    if not messages:
        raise Rejected(RequestError.NOT_VALID_XML, "no Message in the request")
    try:
        results = gateway().sms.send(
            account.username, messages, api="xml", request_id=exchange.current().request_id
        )
    except TooManyRecipients as exc:
        raise Rejected(RequestError.NOT_VALID_XML, exc.message) from None
    exchange.current().results = results
    out = etree.Element("XMLGateway_Response")
    for index, result in enumerate(results, start=1):
        block = etree.SubElement(out, "SendResult")
        sub(block, "MessageNumber", index)
        for recipient in result.recipients:  # a thousand at most: no call it can spare
            number_id = etree.SubElement(block, "NumberID")
            number = recipient.number
            if number.isascii() and number.isprintable():
                etree.SubElement(number_id, "Number").text = number
            else:
                sub(number_id, "Number", number)
            code = recipient.message_id  # None unless accepted
            etree.SubElement(number_id, "ID").text = str(
                code if code is not None else recipient.outcome.xml_code
            )
    return out


def status(root: etree._Element) -> etree._Element:
    account = _login(root)
    ids = message_ids(root)
    results = gateway().sms.status(account.username, [message_id for _, message_id, _ in ids])
    exchange.current().results = results
    out = etree.Element("XMLGatewayStatus_Response")
    for (shown, _, cli), result in zip(ids, results, strict=True):
        block = etree.SubElement(out, "StatusID")
        sub(block, "MessageID", shown)
        sub(block, "CLI", cli)
        sub(block, "Status", result.state.status.value)
        sub(block, "StatusDateTime", status_stamp(result.state.at))
        sub(block, "StatusCode", int(result.state.code))
    return out


def delete_scheduled(root: etree._Element) -> etree._Element:
    account = _login(root)
    ids = message_ids(root)
    reports = gateway().sms.delete_scheduled(account.username, [i for _, i, _ in ids])
    exchange.current().results = reports
    out = etree.Element("XMLGatewayDeleteScheduled_Response")
    for (shown, _, cli), report in zip(ids, reports, strict=True):
        block = etree.SubElement(out, "DeleteStatus")
        sub(block, "MessageID", shown)
        sub(block, "CLI", cli)
        sub(block, "Status", report.result.value)
    return out


def replies(root: etree._Element) -> etree._Element:
    account = _login(root)
    out = etree.Element("XMLGateway_Replies")
    returned = gateway().sms.take_replies(account.username)[0]
    exchange.current().results = returned
    for reply in returned:
        block = etree.SubElement(out, "Reply")
        sub(block, "CLI", reply.number)
        sub(block, "DateReceived", minute_stamp(reply.received_at))
        sub(block, "Message", reply.message)
        sub(block, "SentMessageID", reply.sent_message_id)
    return out


def short_code_messages(root: etree._Element) -> etree._Element:
    account = _login(root)
    out = etree.Element("XMLGateway_SCmessages")
    returned = gateway().sms.take_short_code_messages(account.username)[0]
    exchange.current().results = returned
    for message in returned:
        block = etree.SubElement(out, "SCmessage")
        sub(block, "SC", message.code)
        sub(block, "CLI", message.number)
        sub(block, "DateReceived", minute_stamp(message.received_at))
        sub(block, "Message", message.message)
    return out


# -- what each endpoint can show a client, and how its answers show it -----------------------

#: Only a send has a ``Scheduled`` date to get wrong.
NO_DATE: Mapping[Enum, str] = {RequestError.INVALID_DATE: "only a send has a Scheduled date"}


def facts(answered: Answered) -> tuple[str, ...]:
    """An ``<Error>`` answer shows its error; any other, what its operation's results show."""
    if answered.error is not None:
        return (fact(Family.ERROR, answered.error),)
    return operation_facts(answered)


def _operation(
    name: str,
    handler: Callable[[etree._Element], etree._Element],
    spec: XmlSpec,
    summary: str,
    universe: Universe,
    read: Reader,
) -> Operation:
    return Operation(
        surface="xml",
        name=name,
        paths=(f'/<anycase("{spec.asp}"):path>',),
        methods=("POST",),
        handler=handler,
        spec=spec,
        summary=summary,
        universe={"": universe},
        facts=read,
    )


OPERATIONS = (
    _operation(
        "send",
        send,
        XmlSpec(
            "xmlsendsmsmulti.asp", "WinSMS_Multi_Message", "XMLGateway_Response", "sendsmsmulti"
        ),
        "Send Batch: messages to up to 1000 recipients, now or scheduled",
        request_errors() + recipients(xml_word) + sent_messages(),
        reading(lambda results: sent_facts(results, xml_word)),
    ),
    _operation(
        "status",
        status,
        XmlSpec(
            "xmlgetstatus.asp", "WinSMS_StatusRequest", "XMLGatewayStatus_Response", "getstatus"
        ),
        "Status of sent messages",
        request_errors(NO_DATE) + delivery_statuses() + status_codes(),
        reading(status_facts, code_facts),
    ),
    _operation(
        "delete_scheduled",
        delete_scheduled,
        XmlSpec(
            "xmldeletescheduled.asp",
            "WinSMS_DeleteScheduled",
            "XMLGatewayDeleteScheduled_Response",
            "deletescheduled",
        ),
        "Delete scheduled messages",
        request_errors(NO_DATE) + delete_results(),
        reading(delete_facts),
    ),
    _operation(
        "replies",
        replies,
        XmlSpec("xmlgetreplies.asp", "WinSMS_Replies", "XMLGateway_Replies", "getreplies"),
        "Replies to sent messages, each returned once",
        request_errors(NO_DATE) + listing() + opt_outs(),
        reading(listing_facts, opt_out_facts),
    ),
    _operation(
        "short_code_messages",
        short_code_messages,
        XmlSpec(
            "xmlgetscmessages.asp", "WinSMS_SCmessages", "XMLGateway_SCmessages", "getscmessages"
        ),
        "Messages to the account's short and long codes, each returned once",
        request_errors(NO_DATE) + listing(),
        reading(listing_facts),
    ),
)


# -- the surface ------------------------------------------------------------------------------


def schemas() -> SchemaSet:
    found: SchemaSet = app().extensions[SCHEMAS]
    return found


def _setup(app: Flask) -> None:
    base = schemas_dir()
    specs = [op.spec for op in OPERATIONS]
    app.extensions[SCHEMAS] = SchemaSet(
        {s.key: compiled(base / "published" / f"{s.schema_stem}.request.xsd") for s in specs},
        {s.key: compiled(base / "emulator" / f"{s.schema_stem}.response.xsd") for s in specs},
    )


def run(operation: Operation) -> Response:
    """Answer one XML request: parse, check against the schema, log in, hand over."""
    spec: XmlSpec = operation.spec
    record = exchange.current()
    try:
        root = parse_document(request.get_data(cache=False), spec.request_root)
        found = schemas().requests[spec.key].check(root, keep=MAX_VIOLATIONS_KEPT)
        cli = empty_cli_violations(root)
        record.violations = (*found.messages, *cli[: MAX_VIOLATIONS_KEPT - len(found.messages)])
        record.violation_count = found.count + len(cli)
        if record.violation_count and config().strict:
            raise Rejected(RequestError.NOT_VALID_XML, "the document breaks the published schema")
        response = xml_response(_handle(operation, root))
        record.outcome = "ok"
    except Rejected as exc:
        record.outcome = exc.error.value
        record.detail = exc.detail
        response = xml_error(spec.response_root, exc.error)
    return response


def _handle(operation: Operation, root: etree._Element) -> etree._Element:
    """Run the handler; a refusal from the gateway it did not expect is still one of the
    documented errors (an account gone since the login is a bad login now)."""
    try:
        answer: etree._Element = operation.handler(root)
    except NotFound as exc:
        raise Rejected(RequestError.BAD_CREDENTIALS, exc.message) from None
    except GatewayError as exc:
        raise Rejected(RequestError.NOT_VALID_XML, exc.message) from None
    return answer


def error(exc: HTTPException) -> Response:
    """An app-level error on an XML path: the endpoint's ``<Error>``, with the HTTP status."""
    found = exchange.current().operation
    root = found.spec.response_root if found is not None else "XMLGateway_Response"
    record = exchange.current()
    record.outcome = RequestError.NOT_VALID_XML.value
    if exc.code == 405:
        record.detail = f"{request.method} is not allowed; use POST"
    elif exc.code == 413:
        record.detail = "the request body is too large"
    elif exc.code == 404 and found is None and exc.description:  # no such endpoint
        return xml_error(root, f"Not Found: {exc.description}", 404)
    return xml_error(root, RequestError.NOT_VALID_XML, exc.code or 500)


def who() -> str | None:
    """The ``<User>`` of the document, read without changing anything."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    with contextlib.suppress(etree.XMLSyntaxError, ValueError, HTTPException):
        root = etree.fromstring(request.get_data(cache=True), parser)
        user = child(root, "User")
        return (user.text or "").strip() if user is not None else None
    return None


def claims(path: str) -> bool:
    """``.asp`` paths, and ``/api/...`` paths that are not REST's."""
    lowered = path.lower().rstrip("/")
    return lowered.endswith(".asp") or (
        lowered.startswith("/api/") and not lowered.startswith("/api/rest/")
    )


SURFACE = Surface(
    name="xml",
    operations=OPERATIONS,
    run=run,
    error=error,
    injected_error=lambda status, text: text_response(status, text),
    truncated=("<XMLGateway_Response><Send", "text/xml"),
    who=who,
    claims=claims,
    setup=_setup,
    title="XML",
    facts=facts,
)
