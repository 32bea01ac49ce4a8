"""Appendix D: the words in a reply that opt its sender out."""

from __future__ import annotations

import re

#: Replies that opt out when they are the entire message, as Appendix D spells them.
WHOLE_MESSAGE_TRIGGERS = ("Stop", "End", "Cancel", "Unsubscribe", "Quit")

#: Replies that opt out by how they start, as Appendix D spells them, each with its
#: pattern ("Opt*out": "Opt", any one character, "out"). "Opt out" is named before the
#: "Opt*out" it is a case of.
STARTS_WITH_TRIGGERS = (
    ("Stop send", re.compile(r"stop send", re.IGNORECASE)),
    ("Opt out", re.compile(r"opt out", re.IGNORECASE)),
    ("Opt*out", re.compile(r"opt.out", re.IGNORECASE | re.DOTALL)),
)

#: Every trigger's name, in Appendix D's order.
TRIGGERS = (*WHOLE_MESSAGE_TRIGGERS, *(name for name, _ in STARTS_WITH_TRIGGERS))

_WHOLE = {word.casefold(): word for word in WHOLE_MESSAGE_TRIGGERS}


def opt_out_trigger(message: str) -> str | None:
    """The Appendix D trigger a reply is (one of :data:`TRIGGERS`), after trimming white
    space, in any case; ``None`` when it is none."""
    text = message.strip()
    whole = _WHOLE.get(text.casefold())
    if whole is not None:
        return whole
    return next((name for name, start in STARTS_WITH_TRIGGERS if start.match(text)), None)


def is_opt_out_trigger(message: str) -> bool:
    """Whether a reply is an opt-out request, after trimming white space, in any case."""
    return opt_out_trigger(message) is not None
