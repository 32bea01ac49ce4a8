"""Properties of the encoding rules, checked against the GSM 03.38 tables written out here."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from winsms_emulator.domain.encoding import Encoding, analyse, parts_of

# GSM 03.38, written out independently of the code under test: the default
# alphabet in table order (0x1B, the escape, is not a character) ...
GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
# ... and the extension table, each character sent as escape + itself.
GSM_EXTENSION = "\f^{}\\[~]|€"
GSM_ALL = frozenset(GSM_BASIC + GSM_EXTENSION)

gsm_chars = st.sampled_from(GSM_BASIC + GSM_EXTENSION)
gsm_texts = st.text(alphabet=gsm_chars, max_size=1000)
non_gsm_chars = st.characters(codec="utf-8").filter(lambda c: c not in GSM_ALL)
any_chars = st.characters(codec="utf-8")


@st.composite
def texts_with_a_non_gsm_character(draw: st.DrawFn) -> str:
    before = draw(st.text(alphabet=any_chars, max_size=250))
    forcing = draw(non_gsm_chars)
    after = draw(st.text(alphabet=any_chars, max_size=250))
    return before + forcing + after


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def size_of(char: str, encoding: Encoding) -> int:
    if encoding is Encoding.GSM:
        return 2 if char in GSM_EXTENSION else 1
    return len(char.encode("utf-16-le")) // 2


def expected_pieces(text: str, encoding: Encoding) -> list[str]:
    """A handset's split, written out again: one part when the whole fits, else parts of
    at most 153 septets / 67 units, and a character never cut in two."""
    single, limit = (160, 153) if encoding is Encoding.GSM else (70, 67)
    if sum(size_of(c, encoding) for c in text) <= single:
        return [text] if text else []
    pieces: list[str] = []
    rest = text
    while rest:
        taken, room = 0, limit
        while taken < len(rest) and size_of(rest[taken], encoding) <= room:
            room -= size_of(rest[taken], encoding)
            taken += 1
        pieces.append(rest[:taken])
        rest = rest[taken:]
    return pieces


def test_the_tables_here_are_the_127_basic_and_10_extension_characters() -> None:
    assert len(GSM_BASIC) == len(set(GSM_BASIC)) == 127
    assert len(GSM_EXTENSION) == 10


@given(gsm_texts.filter(bool))
def test_gsm_text_counts_basic_characters_once_and_extension_characters_twice(
    text: str,
) -> None:
    info = analyse(text)
    septets = sum(1 for c in text if c in GSM_BASIC) + 2 * sum(
        1 for c in text if c in GSM_EXTENSION
    )
    assert info.encoding is Encoding.GSM
    assert info.length == septets
    assert parts_of(text) == expected_pieces(text, Encoding.GSM)
    assert info.parts == len(expected_pieces(text, Encoding.GSM))
    assert math.ceil(septets / 153) <= info.parts <= max(1, math.ceil(septets / 152))
    assert info.ucs2_characters == ()


@given(texts_with_a_non_gsm_character())
def test_text_with_any_non_gsm_character_is_ucs2_counted_in_utf16_units(text: str) -> None:
    info = analyse(text)
    units = utf16_units(text)
    assert info.encoding is Encoding.UCS2
    assert info.length == units
    assert parts_of(text) == expected_pieces(text, Encoding.UCS2)
    assert info.parts == len(expected_pieces(text, Encoding.UCS2))
    assert set(info.ucs2_characters) == {c for c in text if c not in GSM_ALL}


@given(gsm_texts, st.lists(gsm_chars, min_size=1, max_size=200))
def test_appending_gsm_characters_to_gsm_text_never_lowers_the_parts(
    text: str, more: list[str]
) -> None:
    previous = analyse(text).parts
    for char in more:
        text += char
        info = analyse(text)
        assert info.encoding is Encoding.GSM
        assert info.parts >= previous
        previous = info.parts


@given(texts_with_a_non_gsm_character(), st.lists(any_chars, min_size=1, max_size=200))
def test_appending_characters_to_ucs2_text_never_lowers_the_parts(
    text: str, more: list[str]
) -> None:
    previous = analyse(text).parts
    for char in more:
        text += char
        info = analyse(text)
        assert info.encoding is Encoding.UCS2
        assert info.parts >= previous
        previous = info.parts


@st.composite
def texts_near_the_part_limit(draw: st.DrawFn) -> str:
    """Texts of either encoding, long enough to reach 6 parts and beyond."""
    char = draw(st.one_of(gsm_chars, non_gsm_chars))
    filler = draw(st.sampled_from(["a", "€", "ç", "😀"]))
    count = draw(st.integers(min_value=0, max_value=1000))
    return char + filler * count


@given(texts_near_the_part_limit(), st.integers(min_value=1, max_value=6))
def test_fits_is_exactly_at_most_six_parts(text: str, max_parts: int) -> None:
    info = analyse(text)
    assert info.fits() is (info.parts <= 6)
    assert info.fits(max_parts) is (info.parts <= max_parts)
