"""Properties of the Appendix D trigger classifier, against a reference written here."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from winsms_emulator.domain.optout import is_opt_out_trigger

WHOLE_MESSAGE_WORDS = ("stop", "end", "cancel", "unsubscribe", "quit")
WHITE_SPACE = " \t\n\r\x0b\x0c"

padding = st.text(alphabet=WHITE_SPACE, max_size=5)
# Plain ASCII and a few non-ASCII letters whose case rules are ordinary, so the
# reference below and any sensible case-insensitive comparison agree.
plain_chars = st.sampled_from(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,!?-_*/'\téñç€😀"
)
# Fragments that build near misses: "stopsend", "opt  out", "Please stop", ...
fragments = st.sampled_from(
    [
        "stop",
        "STOP",
        "Stop",
        "send",
        "Send",
        "opt",
        "Opt",
        "OPT",
        "out",
        "OUT",
        "end",
        "cancel",
        "unsubscribe",
        "quit",
        "please",
        "ed",
        "s",
        " ",
        "  ",
        "-",
        ".",
        "\n",
        "x",
    ]
)
replies = st.one_of(
    st.text(alphabet=plain_chars, max_size=30),
    st.lists(fragments, max_size=6).map("".join),
)


def reference_is_trigger(message: str) -> bool:
    """Appendix D as written, for texts of plain characters."""
    text = message.strip(WHITE_SPACE)
    if text.lower() in WHOLE_MESSAGE_WORDS:
        return True
    if text[:9].lower() == "stop send":
        return True
    return len(text) >= 7 and text[:3].lower() == "opt" and text[4:7].lower() == "out"


def in_casing(word: str, upper: list[bool]) -> str:
    return "".join(c.upper() if u else c.lower() for c, u in zip(word, upper, strict=False))


casing = st.lists(st.booleans(), min_size=12, max_size=12)


@given(st.sampled_from(WHOLE_MESSAGE_WORDS), casing, padding, padding)
def test_a_whole_message_trigger_word_in_any_case_and_padding_opts_out(
    word: str, upper: list[bool], before: str, after: str
) -> None:
    assert is_opt_out_trigger(before + in_casing(word, upper) + after) is True


@given(casing, st.text(alphabet=plain_chars, max_size=20), padding)
def test_any_text_starting_with_stop_send_in_any_case_opts_out(
    upper: list[bool], rest: str, before: str
) -> None:
    assert is_opt_out_trigger(before + in_casing("stop send", upper) + rest) is True


@given(
    casing,
    casing,
    st.characters(codec="utf-8"),
    st.text(alphabet=plain_chars, max_size=20),
    padding,
)
def test_any_text_starting_with_opt_any_one_character_out_opts_out(
    upper_opt: list[bool], upper_out: list[bool], middle: str, rest: str, before: str
) -> None:
    text = before + in_casing("opt", upper_opt) + middle + in_casing("out", upper_out) + rest
    assert is_opt_out_trigger(text) is True


@given(padding, replies, padding)
def test_a_reply_that_is_no_trigger_form_never_opts_out(
    before: str, reply: str, after: str
) -> None:
    text = before + reply + after
    assume(not reference_is_trigger(text))
    assert is_opt_out_trigger(text) is False


@given(padding, replies, padding)
def test_the_classifier_agrees_with_appendix_d_on_plain_text(
    before: str, reply: str, after: str
) -> None:
    text = before + reply + after
    assert is_opt_out_trigger(text) is reference_is_trigger(text)
