"""Reading the HTTP (GET) API's parameters as an ASP page on IIS would get them.

The parameters are the query string's, then (for a POST) the body's, read as a URL-encoded
form whatever its Content-Type. Pairs are split on ``&`` only (``;`` separates the
numbers), ``+`` is a space, and names are matched without regard to case (``User``,
``user`` and ``USER`` are one parameter). Each value's bytes are read as UTF-8 when they
are UTF-8 and as Windows-1252 otherwise: the VB sample percent-encodes the ANSI code of
each character, the PHP sample UTF-8. So no value ever holds a lone surrogate, and no
byte sequence can fail the request after the gateway has acted on it.

What the published page does not allow (an unknown parameter such as ``Deliver=No``, one
given twice, a missing required one, a value that is not UTF-8) is recorded as a
violation: tolerated and journalled, refused under ``--strict``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

#: What the journal shows instead of a password.
MASK = "***"
#: The journal keeps at most this many characters of a value, and this many parameters.
JOURNAL_VALUE_LIMIT = 10_000
JOURNAL_PARAMETER_LIMIT = 50
#: At most this many violations are listed; the rest are counted.
VIOLATION_LIMIT = 20


def _windows_1252() -> str:
    # the five bytes Windows-1252 leaves undefined map to the same code point, as Windows does
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256))


_CP1252 = _windows_1252()


def decode(raw: bytes) -> tuple[str, bool]:
    """The text of a parameter's bytes, and whether they were UTF-8."""
    try:
        return raw.decode("utf-8"), True
    except UnicodeDecodeError:
        return "".join(_CP1252[b] for b in raw), False


def _pairs(encoded: bytes) -> list[tuple[bytes, bytes]]:
    # latin-1 maps each byte to one character and back, so the percent-decoded bytes survive
    text = encoded.decode("latin-1")
    return [
        (name.encode("latin-1"), value.encode("latin-1"))
        for name, value in parse_qsl(
            text, keep_blank_values=True, encoding="latin-1", errors="strict", separator="&"
        )
    ]


@dataclass(frozen=True)
class Parameters:
    """One request's parameters: the known ones by lower-case name, what was sent (for the
    journal, password masked) and what broke the published page's rules."""

    values: dict[str, str]
    shown: tuple[tuple[str, str], ...]
    violations: tuple[str, ...]

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def text(self, name: str) -> str:
        """The value, trimmed (``""`` when it is missing)."""
        return (self.values.get(name) or "").strip()


def _shown(name: str, value: str) -> tuple[str, str]:
    if name.lower() == "password":
        return name, MASK
    if len(value) > JOURNAL_VALUE_LIMIT:
        value = value[:JOURNAL_VALUE_LIMIT] + f"… ({len(value)} characters in all)"
    return name, value


def read(
    query: bytes, body: bytes | None, known: tuple[str, ...], required: tuple[str, ...]
) -> Parameters:
    """The parameters of a request to an endpoint that takes ``known`` (lower case)."""
    values: dict[str, str] = {}
    counts: dict[str, int] = {}
    shown: list[tuple[str, str]] = []
    problems: list[str] = []
    unknown: list[str] = []
    pairs = _pairs(query) + (_pairs(body) if body else [])
    for raw_name, raw_value in pairs:
        name = decode(raw_name)[0]
        key = name.lower()
        if len(shown) < JOURNAL_PARAMETER_LIMIT:
            shown.append(_shown(name, decode(raw_value)[0]))
        if key not in known:
            if len(unknown) <= VIOLATION_LIMIT and name not in unknown:
                unknown.append(name)
            continue
        counts[key] = counts.get(key, 0) + 1
        if key in values:
            continue
        value, value_ok = decode(raw_value)
        values[key] = value
        if not value_ok:
            problems.append(f"parameter {name!r} is not UTF-8; it was read as Windows-1252")
    problems.extend(f"unknown parameter {name!r}" for name in unknown)
    problems.extend(
        f"parameter {key!r} given {count} times; the first is used"
        for key, count in counts.items()
        if count > 1
    )
    problems.extend(
        f"required parameter {key!r} is missing" for key in required if key not in values
    )
    if len(problems) > VIOLATION_LIMIT:
        problems = [*problems[:VIOLATION_LIMIT], "... and more"]
    return Parameters(values, tuple(shown), tuple(problems))
