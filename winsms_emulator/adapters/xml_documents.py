"""Reading and writing the XML API's documents: a hardened parser for what clients send,
readers of the documented elements, and a safe way to write text into an answer."""

from __future__ import annotations

import re

from lxml import etree

from winsms_emulator.errors import RequestError


class Rejected(Exception):
    """The whole request is answered with one documented ``<Error>``."""

    def __init__(self, error: RequestError, detail: str) -> None:
        super().__init__(detail)
        self.error = error
        self.detail = detail


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


#: The most elements and attributes a request may have. The largest documented request
#: (1000 recipients in 1000 messages) has about 4,000; a status request of 10,000 IDs
#: with their CLIs (9,000 of them past the documented 1000 and answered SKIPPED) has
#: 30,000. A document beyond this is refused before the schema check, the login or
#: anything else reads it.
MAX_NODES = 40_000


def parse_document(body: bytes, request_root: str) -> etree._Element:
    """Parse untrusted XML; refuse DTDs and entities, documents beyond :data:`MAX_NODES`
    and anything but the endpoint's document."""
    if not body.strip():
        raise Rejected(RequestError.NOT_VALID_XML, "the request body is empty")
    try:
        root = etree.fromstring(body, _parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise Rejected(RequestError.NOT_VALID_XML, f"not well-formed XML: {exc}") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise Rejected(RequestError.NOT_VALID_XML, "a DOCTYPE (DTD or entities) is not allowed")
    nodes = int(root.xpath("count(//*)")) + int(root.xpath("count(//@*)"))
    if nodes > MAX_NODES:
        raise Rejected(
            RequestError.NOT_VALID_XML,
            f"the document has {nodes:,} elements and attributes; no more than "
            f"{MAX_NODES:,} are read (no WinSMS request needs more than a few thousand)",
        )
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        raise Rejected(RequestError.NOT_VALID_XML, "entity references are not allowed")
    if root.tag != request_root:
        raise Rejected(
            RequestError.NOT_VALID_XML,
            f"the document is <{root.tag}>, not <{request_root}>",
        )
    return root


def children(parent: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in parent if child.tag == name]


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
