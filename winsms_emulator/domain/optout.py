"""Appendix D: the words in a reply that opt its sender out."""

from __future__ import annotations

import re

#: Replies that opt out when they are the entire message.
WHOLE_MESSAGE_TRIGGERS = frozenset({"stop", "end", "cancel", "unsubscribe", "quit"})

# "Stop send..." or "Opt<any one character>out..." (which covers "Opt out").
_STARTS_WITH_TRIGGER = re.compile(r"(?:stop send|opt.out)", re.IGNORECASE | re.DOTALL)


def is_opt_out_trigger(message: str) -> bool:
    """Whether a reply is an opt-out request, after trimming white space, in any case."""
    text = message.strip()
    if text.casefold() in WHOLE_MESSAGE_TRIGGERS:
        return True
    return _STARTS_WITH_TRIGGER.match(text) is not None
