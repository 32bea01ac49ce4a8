"""Message text: GSM 03.38 or UCS-2, how many parts, what it costs.

A message is GSM 03.38 when every character is in the default alphabet or its
extension table (an extension character takes two septets: escape + itself).
Any other character makes the whole message UCS-2, counted in UTF-16 code
units, so a character outside the Basic Multilingual Plane counts two.
"""

from __future__ import annotations

import math
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
#: The gateway's limit: 6 parts (918 GSM septets, 402 UCS-2 units).
MAX_PARTS = 6


class Encoding(Enum):
    GSM = "GSM"
    UCS2 = "UCS2"


@dataclass(frozen=True, slots=True)
class TextInfo:
    """How a message text travels: its encoding, length in its units, and parts."""

    encoding: Encoding
    length: int  # septets for GSM, UTF-16 code units for UCS-2
    parts: int
    ucs2_characters: tuple[str, ...]  # the characters that forced UCS-2, in order, once each

    def fits(self, max_parts: int = MAX_PARTS) -> bool:
        """Whether the text may be sent when at most ``max_parts`` parts are allowed."""
        return self.parts <= min(max_parts, MAX_PARTS)

    def cost(self, price_per_part: Decimal) -> Decimal:
        return price_per_part * self.parts


def _utf16_units(text: str) -> int:
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def parts_for(encoding: Encoding, length: int) -> int:
    """The number of SMS parts a text of ``length`` units needs (0 for an empty text)."""
    if encoding is Encoding.GSM:
        single, multi = GSM_SINGLE_PART_SEPTETS, GSM_MULTIPART_SEPTETS
    else:
        single, multi = UCS2_SINGLE_PART_UNITS, UCS2_MULTIPART_UNITS
    if length <= single:
        return 1 if length else 0
    return math.ceil(length / multi)


def analyse(text: str) -> TextInfo:
    """Work out the encoding, length and parts of ``text``."""
    septets = 0
    forcing: dict[str, None] = {}
    for ch in text:
        if ch in GSM_DEFAULT_ALPHABET:
            septets += 1
        elif ch in GSM_EXTENSION_TABLE:
            septets += 2
        else:
            forcing.setdefault(ch)
    if forcing:
        units = _utf16_units(text)
        return TextInfo(Encoding.UCS2, units, parts_for(Encoding.UCS2, units), tuple(forcing))
    return TextInfo(Encoding.GSM, septets, parts_for(Encoding.GSM, septets), ())
