"""The XML schemas, compiled once when an application starts.

``schemas/published/`` holds the guide's schemas (typos corrected) that
requests are checked against; ``schemas/emulator/`` holds the schemas of what
the emulator really answers. lxml validators keep an error log per validator,
so each is used under its own lock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from winsms_emulator.resources import schemas_dir
from winsms_emulator.wire import XML_ENDPOINTS


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


def _compile(path: Path) -> Validator:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return Validator(path, etree.XMLSchema(etree.parse(str(path), parser)))


@dataclass(frozen=True)
class SchemaSet:
    """The request schema and the emulator's response schema of every XML endpoint."""

    requests: dict[str, Validator]
    responses: dict[str, Validator]

    @property
    def count(self) -> int:
        return len(self.requests) + len(self.responses)


def load_schemas(folder: Path | None = None) -> SchemaSet:
    """Compile every schema the XML API uses (raises if one is missing or broken)."""
    base = folder or schemas_dir()
    requests = {}
    responses = {}
    for name, endpoint in XML_ENDPOINTS.items():
        requests[name] = _compile(base / "published" / f"{endpoint.schema_stem}.request.xsd")
        responses[name] = _compile(base / "emulator" / f"{endpoint.schema_stem}.response.xsd")
    return SchemaSet(requests, responses)
