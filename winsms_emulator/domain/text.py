"""Text the gateway can keep.

Every text the emulator stores is written out again later: in XML, in JSON, in the
web inbox, in a saved state. UTF-8 carries every character, but not a lone UTF-16
surrogate (U+D800 to U+DFFF on its own), which JSON's ``\\ud800`` escape can smuggle
into a string. Such text is refused at the door, before anything changes, so no answer
can fail on it afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from winsms_emulator.errors import Invalid

_SURROGATE = re.compile("[\ud800-\udfff]")


def unencodable_at(text: str) -> int | None:
    """Where ``text`` holds its first lone surrogate (``None`` when it holds none)."""
    if text.isascii():
        return None
    found = _SURROGATE.search(text)
    return found.start() if found is not None else None


def printable(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD, for writing it out."""
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


def problem(text: str, what: str) -> str | None:
    """Why ``text`` cannot be kept, said of ``what`` (``None`` when it can)."""
    at = unencodable_at(text)
    if at is None:
        return None
    return (
        f"{what} holds a lone UTF-16 surrogate (U+{ord(text[at]):04X}) at position {at}, "
        "which is not a character any encoding can carry"
    )


def require_text(text: str | None, what: str) -> None:
    """Refuse (:class:`Invalid`) a text that cannot be kept; ``None`` passes."""
    if text is None:
        return
    reason = problem(text, what)
    if reason is not None:
        raise Invalid(reason)


def require_texts(texts: Iterable[str | None], what: str) -> None:
    for text in texts:
        require_text(text, what)


def first_unencodable(value: Any, where: str = "") -> str | None:
    """Why a JSON-like value (dicts, lists, strings, numbers) cannot be kept: the place of
    a string in it (key or value) with a lone surrogate, or ``None`` when it has none."""
    stack: list[tuple[Any, str]] = [(value, where)]
    while stack:
        item, place = stack.pop()
        if isinstance(item, str):
            if unencodable_at(item) is not None:
                return problem(item, f"'{place}'" if place else "the value")
        elif isinstance(item, Mapping):
            for key in item:
                if isinstance(key, str) and unencodable_at(key) is not None:
                    return problem(key, f"a field name in '{place}'" if place else "a field name")
            stack.extend(
                (child, f"{place}.{key}" if place else str(key)) for key, child in item.items()
            )
        elif isinstance(item, list | tuple):
            for index, child in enumerate(item):
                # numbers, flags and nulls, the most of a long list, need no look
                if isinstance(child, str | Mapping | list | tuple):
                    stack.append((child, f"{place}[{index}]"))
    return None
