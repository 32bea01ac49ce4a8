"""Appendix D: which replies opt their sender out."""

from __future__ import annotations

import pytest

from winsms_emulator.domain.optout import is_opt_out_trigger


def casings(word: str) -> list[str]:
    return [word, word.lower(), word.upper(), word.capitalize(), word.swapcase()]


def padded(word: str) -> list[str]:
    return [f"  {word}", f"{word}   ", f"\t{word}\n", f"\r\n {word} \t "]


@pytest.mark.parametrize("text", casings("Stop") + padded("STOP"))
def test_whole_message_stop_in_any_case_and_padding_is_a_trigger(text: str) -> None:
    assert is_opt_out_trigger(text) is True


@pytest.mark.parametrize("text", casings("End") + padded("end"))
def test_whole_message_end_in_any_case_and_padding_is_a_trigger(text: str) -> None:
    assert is_opt_out_trigger(text) is True


@pytest.mark.parametrize("text", casings("Cancel") + padded("CaNcEl"))
def test_whole_message_cancel_in_any_case_and_padding_is_a_trigger(text: str) -> None:
    assert is_opt_out_trigger(text) is True


@pytest.mark.parametrize("text", casings("Unsubscribe") + padded("unsubscribe"))
def test_whole_message_unsubscribe_in_any_case_and_padding_is_a_trigger(text: str) -> None:
    assert is_opt_out_trigger(text) is True


@pytest.mark.parametrize("text", casings("Quit") + padded("QUIT"))
def test_whole_message_quit_in_any_case_and_padding_is_a_trigger(text: str) -> None:
    assert is_opt_out_trigger(text) is True


@pytest.mark.parametrize(
    "text",
    ["Stop send", "stop sending me these", "STOP SEND NOW", "  Stop Send please", "stop send."],
)
def test_a_message_starting_with_stop_send_is_a_trigger(text: str) -> None:
    assert is_opt_out_trigger(text) is True


@pytest.mark.parametrize(
    "text", ["Opt out", "opt out", "OPT OUT", "Opt out please", " opt out of this list\n"]
)
def test_a_message_starting_with_opt_out_is_a_trigger(text: str) -> None:
    assert is_opt_out_trigger(text) is True


def test_opt_hyphen_out_is_a_trigger() -> None:
    assert is_opt_out_trigger("Opt-out") is True


def test_opt_underscore_out_is_a_trigger() -> None:
    assert is_opt_out_trigger("Opt_out") is True


def test_opt_dot_out_followed_by_more_words_is_a_trigger() -> None:
    assert is_opt_out_trigger("OPT.OUT please") is True


@pytest.mark.parametrize("middle", ["*", "/", "1", "é", "\n"])
def test_opt_any_one_character_out_is_a_trigger(middle: str) -> None:
    assert is_opt_out_trigger(f"opt{middle}out") is True


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("stop it", id="stop-then-other-words"),
        pytest.param("Please stop", id="stop-not-first"),
        pytest.param("Optout", id="no-character-between-opt-and-out"),
        pytest.param("Opt  out", id="two-characters-between-opt-and-out"),
        pytest.param("Stopped", id="stop-inside-a-longer-word"),
        pytest.param("Ending", id="end-inside-a-longer-word"),
        pytest.param("cancel my order", id="cancel-then-other-words"),
        pytest.param("I want to opt out", id="opt-out-not-at-the-start"),
        pytest.param("Stopsend", id="stop-send-without-a-space"),
        pytest.param("send stop", id="words-the-wrong-way-round"),
        pytest.param("Thanks!", id="an-ordinary-reply"),
        pytest.param("", id="empty"),
        pytest.param("   ", id="white-space-only"),
    ],
)
def test_other_replies_are_not_triggers(text: str) -> None:
    assert is_opt_out_trigger(text) is False
