"""GSM 03.38 / UCS-2 encoding, parts and cost, at the documented boundaries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from winsms_emulator.domain.encoding import Encoding, TextInfo, analyse, parts_of

#: Not in the GSM default alphabet nor its extension table ('Ç' is; 'ç' is not).
NON_GSM = "ç"
EMOJI = "😀"  # outside the Basic Multilingual Plane: two UTF-16 code units


def gsm(septets: int) -> str:
    return "a" * septets


def ucs2(units: int) -> str:
    return NON_GSM * units


def assert_info(info: TextInfo, encoding: Encoding, length: int, parts: int) -> None:
    assert (info.encoding, info.length, info.parts) == (encoding, length, parts)


# -- GSM -----------------------------------------------------------------------------


def test_gsm_text_of_160_septets_is_one_part() -> None:
    assert_info(analyse(gsm(160)), Encoding.GSM, 160, 1)


def test_gsm_text_of_161_septets_is_two_parts() -> None:
    assert_info(analyse(gsm(161)), Encoding.GSM, 161, 2)


@pytest.mark.parametrize(
    ("septets", "parts"),
    [(1, 1), (306, 2), (307, 3), (459, 3), (460, 4), (612, 4), (613, 5), (765, 5), (766, 6)],
)
def test_gsm_multipart_text_takes_153_septets_a_part(septets: int, parts: int) -> None:
    assert_info(analyse(gsm(septets)), Encoding.GSM, septets, parts)


def test_gsm_text_of_918_septets_is_six_parts_and_fits() -> None:
    info = analyse(gsm(918))
    assert_info(info, Encoding.GSM, 918, 6)
    assert info.fits() is True


def test_gsm_text_of_919_septets_is_too_long() -> None:
    info = analyse(gsm(919))
    assert_info(info, Encoding.GSM, 919, 7)
    assert info.fits() is False


def test_gsm_text_uses_the_whole_default_alphabet_at_one_septet_each() -> None:
    text = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./09:;<=>?¡AZÄÖÑÜ§¿azäöñüà"
    info = analyse(text)
    assert_info(info, Encoding.GSM, len(text), 1)
    assert info.ucs2_characters == ()


@pytest.mark.parametrize("char", list("\f^{}\\[~]|€"))
def test_each_extension_character_counts_two_septets(char: str) -> None:
    assert_info(analyse("ab" + char), Encoding.GSM, 4, 1)


def test_80_euro_signs_are_160_septets_in_one_part() -> None:
    assert_info(analyse("€" * 80), Encoding.GSM, 160, 1)


def test_81_euro_signs_are_162_septets_in_two_parts() -> None:
    assert_info(analyse("€" * 81), Encoding.GSM, 162, 2)


def test_an_extension_character_can_push_a_text_over_the_single_part_limit() -> None:
    assert_info(analyse(gsm(159) + "€"), Encoding.GSM, 161, 2)


def test_456_euro_signs_fit_six_parts_and_457_do_not() -> None:
    # a part of 153 septets holds 76 escape pairs (152 septets): no pair is cut in two
    assert_info(analyse("€" * 456), Encoding.GSM, 912, 6)
    assert analyse("€" * 456).fits() is True
    assert_info(analyse("€" * 457), Encoding.GSM, 914, 7)
    assert analyse("€" * 457).fits() is False


# -- UCS-2 ----------------------------------------------------------------------------


def test_upper_case_c_cedilla_is_gsm_but_lower_case_is_not() -> None:
    assert analyse("Ç").encoding is Encoding.GSM
    assert analyse("ç").encoding is Encoding.UCS2


def test_one_non_gsm_character_makes_the_whole_message_ucs2() -> None:
    text = gsm(100) + NON_GSM
    info = analyse(text)
    assert_info(info, Encoding.UCS2, 101, 2)
    assert info.ucs2_characters == (NON_GSM,)


def test_extension_characters_count_one_unit_each_in_ucs2() -> None:
    assert_info(analyse("€€" + NON_GSM), Encoding.UCS2, 3, 1)


def test_the_characters_that_force_ucs2_are_listed_once_each_in_order() -> None:
    assert analyse("xç`ç\tx`").ucs2_characters == ("ç", "`", "\t")


def test_ucs2_text_of_70_units_is_one_part() -> None:
    assert_info(analyse(ucs2(70)), Encoding.UCS2, 70, 1)


def test_ucs2_text_of_71_units_is_two_parts() -> None:
    assert_info(analyse(ucs2(71)), Encoding.UCS2, 71, 2)


@pytest.mark.parametrize(
    ("units", "parts"),
    [(1, 1), (134, 2), (135, 3), (201, 3), (202, 4), (268, 4), (269, 5), (335, 5), (336, 6)],
)
def test_ucs2_multipart_text_takes_67_units_a_part(units: int, parts: int) -> None:
    assert_info(analyse(ucs2(units)), Encoding.UCS2, units, parts)


def test_ucs2_text_of_402_units_is_six_parts_and_fits() -> None:
    info = analyse(ucs2(402))
    assert_info(info, Encoding.UCS2, 402, 6)
    assert info.fits() is True


def test_ucs2_text_of_403_units_is_too_long() -> None:
    info = analyse(ucs2(403))
    assert_info(info, Encoding.UCS2, 403, 7)
    assert info.fits() is False


def test_an_emoji_counts_two_utf16_code_units() -> None:
    assert_info(analyse(EMOJI), Encoding.UCS2, 2, 1)


def test_35_emoji_are_70_units_in_one_part_and_one_more_character_makes_two() -> None:
    assert_info(analyse(EMOJI * 35), Encoding.UCS2, 70, 1)
    assert_info(analyse(EMOJI * 35 + "a"), Encoding.UCS2, 71, 2)


def test_198_emoji_fit_six_parts_and_199_are_too_long() -> None:
    # a part of 67 units holds 33 surrogate pairs (66 units): no pair is cut in two
    assert_info(analyse(EMOJI * 198), Encoding.UCS2, 396, 6)
    assert analyse(EMOJI * 198).fits() is True
    assert_info(analyse(EMOJI * 199), Encoding.UCS2, 398, 7)
    assert analyse(EMOJI * 199).fits() is False


# -- fits() and cost ---------------------------------------------------------------------


def test_fits_honours_a_lower_part_limit() -> None:
    info = analyse(gsm(161))
    assert info.fits(1) is False
    assert info.fits(2) is True


def test_fits_never_allows_more_than_six_parts_whatever_the_limit() -> None:
    assert analyse(gsm(919)).fits(10) is False
    assert analyse(gsm(918)).fits(10) is True


def test_cost_is_parts_times_the_price_per_part() -> None:
    assert analyse(gsm(307)).cost(Decimal("0.3")) == Decimal("0.9")
    assert analyse(ucs2(71)).cost(Decimal("1.0")) == Decimal("2.0")
    assert analyse(gsm(10)).cost(Decimal("1.5")) == Decimal("1.5")


def test_cost_is_an_exact_decimal() -> None:
    cost = analyse(gsm(918)).cost(Decimal("0.1"))
    assert isinstance(cost, Decimal)
    assert cost == Decimal("0.6")


# -- a real split: a character never straddles two parts ---------------------------------------


def test_an_escape_pair_that_would_straddle_moves_whole_to_the_next_part() -> None:
    # 152 + 2 + 152 septets: 306 would fit two parts of 153, but the € cannot be cut
    text = "a" * 152 + "€" + "a" * 152
    assert_info(analyse(text), Encoding.GSM, 306, 3)
    assert parts_of(text) == ["a" * 152, "€" + "a" * 151, "a"]


def test_a_surrogate_pair_that_would_straddle_moves_whole_to_the_next_part() -> None:
    text = "ж" * 66 + "😀" + "ж" * 66  # 66 + 2 + 66 = 134 units
    assert_info(analyse(text), Encoding.UCS2, 134, 3)
    assert parts_of(text) == ["ж" * 66, "😀" + "ж" * 65, "ж"]


def test_text_that_fits_six_parts_by_count_but_not_by_split_is_too_long() -> None:
    # 459 € signs are 918 septets: six parts by count, but each part holds 76 of them
    text = "€" * 459
    info = analyse(text)
    assert (info.length, info.parts, info.fits()) == (918, 7, False)
    assert [len(p) for p in parts_of(text)] == [76, 76, 76, 76, 76, 76, 3]


def test_part_ends_are_character_offsets_and_the_last_is_the_length() -> None:
    text = "x" * 161
    assert analyse(text).part_ends == (153, 161)
    assert analyse("").part_ends == ()
