"""Fuzzing the XML API: generated and mutated documents for each of the five endpoints.

Whatever arrives, the answer is never a 5xx, is always the endpoint's own
response document and passes the emulator's response schema; a request
answered with an ``<Error>`` changes nothing (``GET /_emulator/state`` is the
same before and after).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fuzz_support import (
    XML_ERRORS,
    XML_RESPONSE_ROOTS,
    new_emulator,
    parse_xml,
    repopulate,
    world,
)
from hypothesis import currently_in_test_context, event, given, note
from hypothesis import strategies as st
from lxml import etree

from winsms_emulator import Emulator

ENDPOINTS = tuple(XML_RESPONSE_ROOTS)
REQUEST_ROOTS = {
    "xmlsendsmsmulti": "WinSMS_Multi_Message",
    "xmlgetstatus": "WinSMS_StatusRequest",
    "xmldeletescheduled": "WinSMS_DeleteScheduled",
    "xmlgetreplies": "WinSMS_Replies",
    "xmlgetscmessages": "WinSMS_SCmessages",
}
VOCABULARY = (
    *REQUEST_ROOTS.values(),
    "User",
    "Password",
    "Scheduled",
    "Schedule",
    "CLI",
    "Messages",
    "Message",
    "MessageText",
    "Numbers",
    "Number",
    "MessageIDs",
    "MessageID",
    "ID",
    "Unknown",
)


@pytest.fixture(scope="module")
def emulator() -> Emulator:
    return new_emulator()


@dataclass
class Node:
    """An element as the strategies build it: tag, text and children."""

    tag: str
    text: str | None = None
    children: tuple[Node, ...] = ()

    def element(self) -> etree._Element:
        element = etree.Element(self.tag)
        element.text = self.text
        for child in self.children:
            element.append(child.element())
        return element


# -- values -----------------------------------------------------------------------------------

#: Text lxml can carry (XML 1.0 characters, no surrogates).
xml_text = st.text(
    st.characters(
        codec="utf-8",
        exclude_categories=("Cs",),
        exclude_characters="\ufffe\uffff",
        min_codepoint=0x09,
    ).filter(lambda c: c in "\t\n\r" or ord(c) >= 0x20),
    max_size=30,
)
HUGE = "9" * 5000
users = st.sampled_from(["hpotter", "cur", "nobody", "", " hpotter ", "HPOTTER"]) | xml_text
passwords = st.sampled_from(["w1Zard", "pw-cur", "wrong", "", "w1Zard "]) | xml_text
scheduled = (
    st.sampled_from(
        [
            "",
            "   ",
            "202501011000",
            "201811141025",
            "202502300000",
            "2025010110",
            "abcdefghijkl",
            "9" * 40,
            "202501011000 ",
            "２０２５０１０１１０００",
            "-20250101100",
        ]
    )
    | xml_text
)
message_texts = (
    st.sampled_from(
        ["Hello", "%0A", "%ZZ", "%", "+", "%F0%9F%98%80", "%FF%FE", "a" * 1000, "   ", "€" * 470]
    )
    | xml_text
)
numbers = (
    st.sampled_from(
        [
            "27825550101",
            "0825550101",
            "",
            "  ",
            "2782555010x",
            "9" * 400,
            HUGE,
            "-27825550101",
            "٢٧٨٢٥٥٥٠١٠١",
            "27825550104",
        ]
    )
    | xml_text
)
ids = (
    st.sampled_from(
        ["1", "2", "4", "5", "0", "-1", "", " 3 ", "1e3", "0x10", "9" * 400, HUGE, "١", "²", "+4"]
    )
    | xml_text
)


def leaf(tag: str, values: st.SearchStrategy[str]) -> st.SearchStrategy[Node]:
    return values.map(lambda text: Node(tag, text))


#: Mostly a real login, so that most documents get past it.
_real_login = st.sampled_from([("hpotter", "w1Zard"), ("cur", "pw-cur"), ("sub", "pw-sub")]).map(
    lambda pair: (Node("User", pair[0]), Node("Password", pair[1]))
)
login = st.one_of(
    _real_login,
    _real_login,
    _real_login,
    st.tuples(leaf("User", users), leaf("Password", passwords)),
)


@st.composite
def send_documents(draw: st.DrawFn) -> Node:
    head = list(draw(login))
    if draw(st.booleans()):
        head.append(draw(leaf("Scheduled", scheduled)))
    messages = draw(
        st.lists(
            st.builds(
                lambda text, nums: Node("Message", None, (text, Node("Numbers", None, nums))),
                leaf("MessageText", message_texts),
                st.lists(leaf("Number", numbers), max_size=4).map(tuple),
            ),
            max_size=3,
        )
    )
    return Node("WinSMS_Multi_Message", None, (*head, Node("Messages", None, tuple(messages))))


@st.composite
def id_documents(draw: st.DrawFn, root: str) -> Node:
    items = draw(
        st.lists(
            st.builds(
                lambda i, cli: Node("MessageID", None, (i, cli)),
                leaf("ID", ids),
                leaf("CLI", xml_text),
            ),
            max_size=4,
        )
    )
    return Node(root, None, (*draw(login), Node("MessageIDs", None, tuple(items))))


def documents(endpoint: str) -> st.SearchStrategy[Node]:
    if endpoint == "xmlsendsmsmulti":
        return send_documents()
    if endpoint in ("xmlgetstatus", "xmldeletescheduled"):
        return id_documents(REQUEST_ROOTS[endpoint])
    return login.map(lambda pair: Node(REQUEST_ROOTS[endpoint], None, pair))


def random_trees() -> st.SearchStrategy[Node]:
    tags = st.sampled_from(VOCABULARY)
    return st.recursive(
        st.builds(Node, tags, st.none() | xml_text),
        lambda children: st.builds(
            Node, tags, st.none() | xml_text, st.lists(children, max_size=4).map(tuple)
        ),
        max_leaves=25,
    )


# -- mutations -----------------------------------------------------------------------------------

mutations = st.lists(
    st.tuples(
        st.sampled_from(["delete", "duplicate", "rename", "text", "insert", "nest", "attribute"]),
        st.integers(0, 40),
        st.sampled_from(VOCABULARY) | st.text("abcXYZ_", min_size=1, max_size=8),
        ids | numbers,
    ),
    max_size=4,
)


def mutate(root: etree._Element, ops: list[tuple[str, int, str, str]]) -> None:
    for op, index, name, value in ops:
        nodes = list(root.iter())
        node = nodes[index % len(nodes)]
        parent = node.getparent()
        if op == "delete" and parent is not None:
            parent.remove(node)
        elif op == "duplicate" and parent is not None:
            node.addnext(copy.deepcopy(node))
        elif op == "rename":
            node.tag = name
        elif op == "text":
            node.text = value
        elif op == "insert":
            etree.SubElement(node, name).text = value
        elif op == "nest":
            # very deep nesting: libxml2 refuses documents deeper than 256 by default
            depth = 20 if index % 2 else 300
            inner = node
            for _ in range(depth):
                inner = etree.SubElement(inner, name)
        elif op == "attribute":
            node.set(name, value)


ENCODINGS = (
    "utf-8",
    "no-declaration",
    "utf-16",
    "latin-1",
    "utf-8-bom",
    "invalid-utf-8",
    "lying-declaration",
    "doctype-entity",
    "external-entity",
    "billion-laughs",
    "undefined-entity",
    "character-references",
    "nul-reference",
    "truncated",
    "cdata-and-comment",
)


def serialise(root: etree._Element, how: str, cut: int) -> bytes:
    """The document as bytes, in one of many encodings and shapes a client might send."""
    if how == "utf-16":
        return etree.tostring(root, encoding="utf-16", xml_declaration=True)
    if how == "latin-1":
        return etree.tostring(root, encoding="iso-8859-1", xml_declaration=True)
    plain = etree.tostring(root, encoding="utf-8")
    declared = b'<?xml version="1.0" encoding="utf-8"?>\n' + plain
    first_close = plain.find(b">") + 1
    if how == "no-declaration":
        return plain
    if how == "utf-8-bom":
        return b"\xef\xbb\xbf" + declared
    if how == "invalid-utf-8":
        return declared[: len(declared) // 2] + b"\xc3\x28\xff" + declared[len(declared) // 2 :]
    if how == "lying-declaration":
        return b'<?xml version="1.0" encoding="utf-16"?>' + plain
    tag = root.tag.encode()
    if how == "doctype-entity":
        dtd = b"<!DOCTYPE " + tag + b' [<!ENTITY who "hpotter">]>'
        return dtd + plain[:first_close] + b"<User>&who;</User>" + plain[first_close:]
    if how == "external-entity":
        dtd = b"<!DOCTYPE " + tag + b' [<!ENTITY who SYSTEM "file:///etc/hostname">]>'
        return dtd + plain[:first_close] + b"<User>&who;</User>" + plain[first_close:]
    if how == "billion-laughs":
        dtd = (
            b"<!DOCTYPE " + tag + b' [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        )
        return dtd + plain[:first_close] + b"<User>&c;</User>" + plain[first_close:]
    if how == "undefined-entity":
        return plain[:first_close] + b"<User>&nobody;</User>" + plain[first_close:]
    if how == "character-references":
        refs = b"".join(b"&#%d;" % ord(c) for c in "w1Zard")
        login = b"<User>&#104;potter</User><Password>" + refs + b"</Password>"
        return plain[:first_close] + login + plain[first_close:]
    if how == "nul-reference":
        return plain[:first_close] + b"<User>&#0;</User>" + plain[first_close:]
    if how == "truncated":
        return declared[: cut % max(len(declared), 1)]
    if how == "cdata-and-comment":
        extra = b"<!-- a comment --><?pi x?><CLI><![CDATA[<not markup>]]></CLI>"
        return declared.replace(b"</" + tag + b">", extra + b"</" + tag + b">")
    return declared


# -- the checks -------------------------------------------------------------------------------


def post_and_check(emulator: Emulator, endpoint: str, body: bytes, path: str | None = None) -> str:
    """Post ``body``; check the answer is documented; an ``<Error>`` changed nothing.
    Returns the error's text, or "" for a normal answer."""
    client = emulator.client()
    before = world(client)
    answer = client.post(path or f"/api/{endpoint}.asp", data=body)
    emulator.raise_errors()
    assert answer.status_code < 500, answer.data[:500]
    assert answer.status_code in (200, 413), (answer.status_code, answer.data[:500])
    assert answer.mimetype == "text/xml", answer.mimetype
    root = parse_xml(answer.get_data())
    assert root.tag == XML_RESPONSE_ROOTS[endpoint], root.tag
    violations = emulator.app.extensions["xml_schemas"].responses[endpoint].violations(root)
    assert not violations, (violations, answer.data[:500])
    error = root.find("Error")
    if currently_in_test_context():
        event(f"answer: {error.text if error is not None else 'normal'}")
    if error is None:
        return ""
    assert error.text in XML_ERRORS, error.text
    assert world(client) == before, "a request answered <Error> changed the state"
    return error.text or ""


@pytest.fixture
def fresh(emulator: Emulator) -> Iterator[Emulator]:
    repopulate(emulator)
    yield emulator


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@given(data=st.data())
def test_mutated_documents_get_documented_answers(
    emulator: Emulator, endpoint: str, data: st.DataObject
) -> None:
    repopulate(emulator)
    root = data.draw(documents(endpoint)).element()
    mutate(root, data.draw(mutations))
    how = data.draw(st.sampled_from(["utf-8", "no-declaration"]) | st.sampled_from(ENCODINGS))
    body = serialise(root, how, data.draw(st.integers(0, 10_000)))
    note(f"{how}: {body[:2000]!r}")
    post_and_check(emulator, endpoint, body)


@given(
    endpoint=st.sampled_from(ENDPOINTS),
    tree=random_trees(),
    how=st.sampled_from(["utf-8"]) | st.sampled_from(ENCODINGS),
    path_shape=st.sampled_from(["/api/{}.asp", "/{}.asp", "/API/{}.ASP", "/Api/{}.Asp/"]),
)
def test_random_trees_get_documented_answers(
    emulator: Emulator, endpoint: str, tree: Node, how: str, path_shape: str
) -> None:
    repopulate(emulator)
    body = serialise(tree.element(), how, 0)
    note(repr(body[:2000]))
    post_and_check(emulator, endpoint, body, path_shape.format(endpoint))


@given(endpoint=st.sampled_from(ENDPOINTS), body=st.binary(max_size=300))
def test_random_bytes_get_documented_answers(
    emulator: Emulator, endpoint: str, body: bytes
) -> None:
    repopulate(emulator)
    assert post_and_check(emulator, endpoint, body) == "Not Valid XML Document"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_other_methods_get_the_endpoints_error_document(
    fresh: Emulator, endpoint: str, method: str
) -> None:
    client = fresh.client()
    before = world(client)
    answer = client.open(f"/api/{endpoint}.asp", method=method, data=b"<x/>")
    assert answer.status_code == 405
    root = parse_xml(answer.get_data())
    assert root.tag == XML_RESPONSE_ROOTS[endpoint]
    assert [(c.tag, c.text) for c in root] == [("Error", "Not Valid XML Document")]
    assert world(client) == before


def test_a_body_over_8_mb_is_refused_whole(fresh: Emulator) -> None:
    body = b"<WinSMS_Replies><User>hpotter</User>" + b" " * (8 * 1024 * 1024) + b"</WinSMS_Replies>"
    assert post_and_check(fresh, "xmlgetreplies", body) == "Not Valid XML Document"
