"""Message text: GSM 03.38 or UCS-2, how it splits into parts, what it costs.

A message is GSM 03.38 when every character is in the default alphabet or its
extension table (an extension character takes two septets: escape + itself).
Any other character makes the whole message UCS-2, counted in UTF-16 code
units, so a character outside the Basic Multilingual Plane counts two.

A message that fits one part (160 septets, 70 units) is one part. A longer one is
split as a handset reassembles it: parts of at most 153 septets / 67 units, and a
character never straddles two parts (an escape pair or a surrogate pair moves whole
to the next part), so the number of parts is the number of pieces the split makes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

#: The GSM 03.38 default alphabet (the escape code 0x1B is not a character).
GSM_DEFAULT_ALPHABET = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
#: The GSM 03.38 extension table: each takes two septets.
GSM_EXTENSION_TABLE = frozenset("\f^{}\\[~]|€")

GSM_SINGLE_PART_SEPTETS = 160
GSM_MULTIPART_SEPTETS = 153
UCS2_SINGLE_PART_UNITS = 70
UCS2_MULTIPART_UNITS = 67
#: The gateway's limit: 6 parts.
MAX_PARTS = 6


class Encoding(Enum):
    GSM = "GSM"
    UCS2 = "UCS2"


@dataclass(frozen=True, slots=True)
class TextInfo:
    """How a message text travels: its encoding, length in its units, and its parts.

    ``part_ends`` is where each part ends, as a character offset into the text (the
    last is the text's length); an empty text has no parts.
    """

    encoding: Encoding
    length: int  # septets for GSM, UTF-16 code units for UCS-2
    part_ends: tuple[int, ...]
    ucs2_characters: tuple[str, ...]  # the characters that forced UCS-2, in order, once each

    @property
    def parts(self) -> int:
        return len(self.part_ends)

    def fits(self, max_parts: int = MAX_PARTS) -> bool:
        """Whether the text may be sent when at most ``max_parts`` parts are allowed."""
        return self.parts <= min(max_parts, MAX_PARTS)

    def cost(self, price_per_part: Decimal) -> Decimal:
        return price_per_part * self.parts

    def pieces(self, text: str) -> list[str]:
        """``text`` (the text this describes) cut into its parts."""
        return [text[a:b] for a, b in itertools.pairwise((0, *self.part_ends))]


def _split(sizes: list[int], single: int, multi: int) -> tuple[int, ...]:
    """Where each part ends, for characters of these sizes (in septets or units)."""
    total = sum(sizes)
    if total <= single:
        return (len(sizes),) if sizes else ()
    ends = []
    used = 0
    for index, size in enumerate(sizes):
        if used + size > multi:  # the whole character moves to the next part
            ends.append(index)
            used = 0
        used += size
    ends.append(len(sizes))
    return tuple(ends)


def analyse(text: str) -> TextInfo:
    """Work out the encoding, length and parts of ``text``."""
    forcing: dict[str, None] = {}
    septets = []
    for ch in text:
        if ch in GSM_DEFAULT_ALPHABET:
            septets.append(1)
        elif ch in GSM_EXTENSION_TABLE:
            septets.append(2)
        else:
            forcing.setdefault(ch)
    if forcing:
        units = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
        ends = _split(units, UCS2_SINGLE_PART_UNITS, UCS2_MULTIPART_UNITS)
        return TextInfo(Encoding.UCS2, sum(units), ends, tuple(forcing))
    ends = _split(septets, GSM_SINGLE_PART_SEPTETS, GSM_MULTIPART_SEPTETS)
    return TextInfo(Encoding.GSM, sum(septets), ends, ())


def parts_of(text: str) -> list[str]:
    """The text as its parts, in order."""
    return analyse(text).pieces(text)
