"""Reading and writing the XML API's documents: a hardened parser for what clients send,
readers of the documented elements, and a safe way to write text into an answer."""

from __future__ import annotations

import io
import re

from lxml import etree

from winsms_emulator.errors import RequestError


class Rejected(Exception):
    """The whole request is answered with one documented ``<Error>``."""

    def __init__(self, error: RequestError, detail: str) -> None:
        super().__init__(detail)
        self.error = error
        self.detail = detail


# Careful: lxml's collect_ids=False makes libxml2 load an external DTD subset from disk
# despite load_dtd=False, so it is left at its default.
_PARSER_OPTIONS: dict[str, bool] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


def _parser() -> etree.XMLParser:
    return etree.XMLParser(**_PARSER_OPTIONS)


#: The most elements and attributes a request may have. The largest documented request
#: (1000 recipients in 1000 messages) has about 4,000; a status request of 10,000 IDs
#: with their CLIs (9,000 of them past the documented 1000 and answered SKIPPED) has
#: 30,000. A document beyond this is refused before the schema check, the login or
#: anything else reads it.
MAX_NODES = 40_000


def _too_large() -> Rejected:
    return Rejected(
        RequestError.NOT_VALID_XML,
        f"the document has more than {MAX_NODES:,} elements and attributes, which no WinSMS "
        "request needs (the largest has a few thousand); it was not read further",
    )


def _parse(body: bytes) -> etree._Element:
    """The document's root, or :class:`Rejected` when it is not well-formed or has more
    than :data:`MAX_NODES` elements and attributes.

    Every element has a start tag, so a body with no more ``<`` (less ``</``) than the
    limit cannot exceed it in elements: it is parsed in one go and its nodes counted.
    A larger one is read a node at a time and dropped as soon as the count passes the
    limit, so a huge document costs no more than one at the limit.
    """
    try:
        if body.count(b"<") - body.count(b"</") <= MAX_NODES:
            root = etree.fromstring(body, _parser())
            if int(root.xpath("count(//*)")) + int(root.xpath("count(//@*)")) > MAX_NODES:
                raise _too_large()
            return root
        nodes = 0
        events = etree.iterparse(io.BytesIO(body), events=("start",), **_PARSER_OPTIONS)
        for _, element in events:
            nodes += 1 + len(element.attrib)
            if nodes > MAX_NODES:
                raise _too_large()
        found: etree._Element = events.root
        return found
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise Rejected(RequestError.NOT_VALID_XML, f"not well-formed XML: {exc}") from None


def parse_document(body: bytes, request_root: str) -> etree._Element:
    """Parse untrusted XML; refuse DTDs and entities, documents beyond :data:`MAX_NODES`
    and anything but the endpoint's document."""
    if not body.strip():
        raise Rejected(RequestError.NOT_VALID_XML, "the request body is empty")
    root = _parse(body)
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise Rejected(RequestError.NOT_VALID_XML, "a DOCTYPE (DTD or entities) is not allowed")
    if next(root.iter(etree.Entity), None) is not None:  # looked for in libxml2, not here
        raise Rejected(RequestError.NOT_VALID_XML, "entity references are not allowed")
    if root.tag != request_root:
        raise Rejected(
            RequestError.NOT_VALID_XML,
            f"the document is <{root.tag}>, not <{request_root}>",
        )
    return root


def children(parent: etree._Element, name: str) -> list[etree._Element]:
    return list(parent.iterchildren(name))


def child(parent: etree._Element, name: str) -> etree._Element | None:
    return next((c for c in parent if c.tag == name), None)


def text_of(parent: etree._Element, name: str) -> str | None:
    """The trimmed text of the first child called ``name`` (``None`` when there is none)."""
    element = child(parent, name)
    if element is None:
        return None
    return (element.text or "").strip()


def empty_cli_violations(root: etree._Element) -> list[str]:
    """An empty ``<CLI/>`` passes the schema's xs:string, but the guide makes CLI optional:
    the emulator's decisions count sending it empty as a deviation, like leaving it out."""
    return [
        f"line {cli.sourceline}: Element 'CLI': empty; leave the optional CLI out instead"
        for cli in root.iter("CLI")
        if not (cli.text or "").strip() and len(cli) == 0
    ]


#: No message ID is longer than this; a longer one (still digits) is simply unknown.
_LONGEST_ID = 18


def message_ids(root: etree._Element) -> list[tuple[str, int, str]]:
    """The (ID digits, ID, CLI) of a status or delete request; a blank or non-numeric ID
    refuses it. An ID too long to be any message's is looked up as 0, which none has."""
    found = []
    for group in children(root, "MessageIDs"):
        for item in children(group, "MessageID"):
            raw = text_of(item, "ID") or ""
            if not raw or not raw.isascii() or not raw.isdigit():
                raise Rejected(RequestError.NOT_VALID_XML, f"the ID {raw[:40]!r} is not a number")
            digits = raw.lstrip("0") or "0"
            cli = child(item, "CLI")
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


def sub(parent: etree._Element, name: str, text: object) -> etree._Element:
    """A child element holding ``text`` (characters XML cannot carry become U+FFFD)."""
    element = etree.SubElement(parent, name)
    value = str(text)
    element.text = (
        value if value.isascii() and value.isprintable() else _NOT_XML.sub("\ufffd", value)
    )
    return element
