"""XML schemas, compiled once per process and thread.

``schemas/published/`` holds the guide's schemas (typos corrected) that requests are
checked against; ``schemas/emulator/`` holds the schemas of what the emulator really
answers.

lxml keeps one error log per compiled schema, so a compiled schema cannot check two
documents at once. Rather than a lock that every client would queue behind, each thread
compiles its own copy the first time it checks a document (a few milliseconds, once).

A long list is checked a slice at a time. lxml writes, for every schema error, the
error's place in the document (``/A/B/MessageID[4711]``), and working out that place
walks all the element's earlier siblings: a list of n items that each break the schema
would cost n² steps in one pass. The items of a list longer than :data:`SLICE` are
checked a slice at a time where they stand in the document (the first :data:`SLICE`
items, then :data:`LATER_SLICE` at a time), which finds the same violations with the
same messages in time that grows with the document.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lxml import etree

#: The most children of one element checked in one pass: the first slice of a list. It
#: is above every finite ``maxOccurs`` in the published schemas (1000), so such a bound
#: is always checked within it.
SLICE = 1024
#: The items of each later slice (a list that goes on past the first slice is unbounded,
#: so a small slice finds the same; the smaller, the less each error costs).
LATER_SLICE = 64

_MISSING_CHILD = "Missing child element(s)"
_CHARACTER_CONTENT = "Character content"
_NOT_EXPECTED = "This element is not expected"


@dataclass(frozen=True)
class Violations:
    """The schema's own messages for what a document breaks: the first ``messages``
    (``line N: ...``, in document order) and how many there are in all."""

    messages: tuple[str, ...]
    count: int


@dataclass
class Validator:
    """One schema, safe to use from many threads at once (a compiled copy per thread)."""

    path: Path
    source: bytes
    _local: threading.local = field(default_factory=threading.local, repr=False)

    @property
    def schema(self) -> etree.XMLSchema:
        """This thread's compiled copy of the schema."""
        found: etree.XMLSchema | None = getattr(self._local, "schema", None)
        if found is None:
            found = _compile(self.source, self.path)
            self._local.schema = found
        return found

    def violations(self, document: etree._Element) -> list[str]:
        """Every message for what ``document`` breaks (empty when it is valid)."""
        return list(self.check(document, keep=None).messages)

    def check(self, document: etree._Element, keep: int | None = None) -> Violations:
        """What ``document`` breaks: its first ``keep`` messages (all for ``None``) and
        their count. The document is left as it was."""
        found = _Found(keep)
        _check(self, document, found, None)
        return Violations(tuple(m for _, m in sorted(found.kept, key=_line)), found.count)

    def one_pass(self, document: etree._Element) -> list[tuple[int, str, str]]:
        """One pass of the schema over ``document``: (line, message, place) of each error."""
        schema = self.schema
        if schema.validate(document):
            return []
        return [(e.line, e.message, e.path or "") for e in schema.error_log]


@dataclass
class _Found:
    keep: int | None
    kept: list[tuple[int, str]] = field(default_factory=list)
    count: int = 0

    def add(self, line: int, message: str) -> None:
        self.count += 1
        if self.keep is None or len(self.kept) < self.keep:
            self.kept.append((line, f"line {line}: {message}"))


@dataclass(frozen=True)
class _Slice:
    """The slice of one list a pass sees (inside the slice of an ``outer`` list, if any).

    An error outside the list is counted by the list's first slice only; of the errors
    about the list's parent itself, "missing child" is counted by the last slice only,
    text between items by the slice that holds it (an item takes the text after it
    along), and any other (an attribute, say) by the first slice only.
    """

    place: str  # the list's parent, as lxml writes places
    index: int
    slices: int
    outer: _Slice | None
    lead: str | None = None  # the item before the slice, there for its content model

    def _in_lead(self, place: str) -> bool:
        return self.lead is not None and (place == self.lead or place.startswith(self.lead + "/"))

    def counts(self, message: str, place: str) -> bool:
        if self._in_lead(place):
            mine = False
        elif place.startswith(self.place + "/"):
            mine = True
        elif place == self.place and _says(message, _MISSING_CHILD):
            mine = self.index == self.slices - 1
        elif place == self.place and _says(message, _CHARACTER_CONTENT):
            mine = True
        else:
            mine = self.index == 0
        return mine and (self.outer is None or self.outer.counts(message, place))

    def refusing(self, message: str, place: str) -> set[str]:
        """The lists (this one, the outer ones) whose content model refuses the item the
        error is about: one pass would stop checking such a list there, so its later
        slices are not checked either."""
        found = self.outer.refusing(message, place) if self.outer is not None else set()
        if (
            _says(message, _NOT_EXPECTED)
            and not self._in_lead(place)
            and place.startswith(self.place + "/")
            and "/" not in place[len(self.place) + 1 :]
        ):
            found.add(self.place)
        return found


def _check(
    validator: Validator, document: etree._Element, found: _Found, scope: _Slice | None
) -> set[str]:
    """Check ``document``, slicing its first long list (and so on, recursively); the
    lists being sliced that refused one of their items."""
    # (a later slice and the item before it are not sliced again)
    parent = next((e for e in document.iter() if len(e) > SLICE + 1), None)
    refused: set[str] = set()
    if parent is None:
        for line, message, place in validator.one_pass(document):
            if scope is None or scope.counts(message, place):
                found.add(line, message)
            if scope is not None:
                refused |= scope.refusing(message, place)
        return refused
    items = list(parent)
    place = parent.getroottree().getpath(parent)
    bounds = [0, *range(SLICE, len(items), LATER_SLICE), len(items)]
    slices = len(bounds) - 1
    leading = parent.text  # the text before the first item: the first slice's alone
    for item in items:
        parent.remove(item)  # an element takes its tail text with it
    try:
        for index in range(slices):
            # a slice after the first starts after the item before it (without the text
            # after that item, which its own slice checked), so the list's content model
            # is where one pass would have it
            lead = items[bounds[index] - 1] if index else None
            chunk = items[bounds[index] : bounds[index + 1]]
            parent.text = None if lead is not None else leading
            passing = chunk if lead is None else [lead, *chunk]
            lead_tail = lead.tail if lead is not None else None
            if lead is not None:
                lead.tail = None
            parent.extend(passing)
            try:
                lead_place = lead.getroottree().getpath(lead) if lead is not None else None
                inner = _Slice(place, index, slices, scope, lead_place)
                refused |= _check(validator, document, found, inner)
            finally:
                for item in passing:
                    parent.remove(item)
                if lead is not None:
                    lead.tail = lead_tail
            if place in refused:
                break
    finally:
        parent.text = leading
        parent.extend(items)
    return refused - {place}


def _says(message: str, phrase: str) -> bool:
    """Whether libxml2's ``Element 'X': ...`` message goes on with ``phrase``."""
    return message.partition("': ")[2].startswith(phrase)


def _line(kept: tuple[int, str]) -> int:
    return kept[0]


def _compile(source: bytes, path: Path) -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    # the file's own place, so a schema that includes another still finds it
    return etree.XMLSchema(etree.fromstring(source, parser, base_url=str(path)))


@cache
def compiled(path: Path) -> Validator:
    """The schema at ``path``, compiled on first use (raises if it is missing or broken)."""
    source = path.read_bytes()
    validator = Validator(path, source)
    validator.schema  # noqa: B018 - compile now: a broken schema fails at start-up
    return validator


@dataclass(frozen=True)
class SchemaSet:
    """The request schema and the emulator's response schema of every XML endpoint,
    by endpoint name (``xmlgetstatus``, ...)."""

    requests: dict[str, Validator]
    responses: dict[str, Validator]

    @property
    def count(self) -> int:
        return len(self.requests) + len(self.responses)
