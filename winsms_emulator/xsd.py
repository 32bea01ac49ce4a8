"""XML schemas, compiled once per process.

``schemas/published/`` holds the guide's schemas (typos corrected) that requests are
checked against; ``schemas/emulator/`` holds the schemas of what the emulator really
answers. A compiled schema is read-only and shared by every application in the process;
lxml keeps one error log per validator, so each use takes the validator's own lock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lxml import etree


@dataclass
class Validator:
    """One compiled schema, safe to use from many threads."""

    path: Path
    schema: etree.XMLSchema
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def violations(self, document: etree._Element) -> list[str]:
        """The schema's own messages for everything ``document`` breaks (empty when valid)."""
        with self._lock:
            if self.schema.validate(document):
                return []
            return [f"line {e.line}: {e.message}" for e in self.schema.error_log]


@cache
def compiled(path: Path) -> Validator:
    """The schema at ``path``, compiled on first use (raises if it is missing or broken)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return Validator(path, etree.XMLSchema(etree.parse(str(path), parser)))


@dataclass(frozen=True)
class SchemaSet:
    """The request schema and the emulator's response schema of every XML endpoint,
    by endpoint name (``xmlgetstatus``, ...)."""

    requests: dict[str, Validator]
    responses: dict[str, Validator]

    @property
    def count(self) -> int:
        return len(self.requests) + len(self.responses)
