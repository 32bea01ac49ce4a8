"""The README as the emulator serves it: split into sections at its headings, each with
the anchor GitHub gives it (``## Python API`` is ``#python-api``), so the landing page
can link every section and ``/_emulator/readme`` can show them without a Markdown
renderer (the text is shown as written, code blocks set apart)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass
class Section:
    """One heading and what follows it up to the next: ``blocks`` of ``(kind, text)``
    where kind is ``text`` or ``code``."""

    level: int
    title: str
    anchor: str
    blocks: list[tuple[str, str]] = field(default_factory=list)


def anchor(title: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to ``-``."""
    kept = re.sub(r"[^\w\- ]", "", title.lower())
    return kept.replace(" ", "-")


def sections(text: str) -> list[Section]:
    """The README's sections in order (what comes before the first heading is level 0)."""
    found = [Section(0, "", "")]
    seen: dict[str, int] = {}
    lines: list[str] = []
    fence: str | None = None

    def flush(kind: str) -> None:
        body = "\n".join(lines).strip("\n")
        if body.strip():
            found[-1].blocks.append((kind, body))
        lines.clear()

    for line in text.splitlines():
        marker = _FENCE.match(line)
        if fence is not None:
            if marker and marker.group(1) == fence:
                flush("code")
                fence = None
            else:
                lines.append(line)
            continue
        if marker:
            flush("text")
            fence = marker.group(1)
            continue
        heading = _HEADING.match(line)
        if heading:
            flush("text")
            title = heading.group(2)
            slug = anchor(title)
            n = seen.get(slug, 0)
            seen[slug] = n + 1
            found.append(Section(len(heading.group(1)), title, f"{slug}-{n}" if n else slug))
            continue
        lines.append(line)
    flush("code" if fence else "text")
    return found
