"""What ``--log-level debug`` adds to the access log: each request's body, with passwords
and API keys masked, and the changes it made to the emulator's state.

Two loggers, both silent above DEBUG: ``winsms_emulator.requests`` (the bodies) and
``winsms_emulator.changes`` (what a WinSMS request did to messages and credits, and the
answer of every control-plane change: a clock move, an account created, a reset).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Response

from winsms_emulator.web.context import request

BODIES = logging.getLogger("winsms_emulator.requests")
CHANGES = logging.getLogger("winsms_emulator.changes")
#: The most of a body one line shows.
MAX_LOGGED = 4_000
_MASK = "***"
#: ``<Password>...</Password>`` (any case), ``"password": "..."``, ``"api_key": "..."``
#: (also ``apiKey``), and ``password=...`` in a form body.
_SECRETS = (
    re.compile(r"(?is)(<password\s*>).*?(</password\s*>)"),
    re.compile(r'(?i)("(?:password|api_?key|token)"\s*:\s*")(?:[^"\\]|\\.)*(")'),
    re.compile(r"(?i)((?:^|&)(?:password|api_?key)=)[^&]*()"),
)
_CONTROL_CHANGES = ("POST", "PUT", "PATCH", "DELETE")


def masked(text: str) -> str:
    """``text`` with every password and API key in it replaced by ``***``."""
    for pattern in _SECRETS:
        text = pattern.sub(rf"\g<1>{_MASK}\g<2>", text)
    return text


def _cut(text: str) -> str:
    return text if len(text) <= MAX_LOGGED else text[:MAX_LOGGED] + f"... ({len(text)} chars)"


def keep_body() -> None:
    """At DEBUG, read the body at the start and keep it, so it can be logged at the end
    (a surface may read it without keeping it)."""
    if BODIES.isEnabledFor(logging.DEBUG):
        request.get_data(cache=True)


def request_done(account: str | None, results: Any, response: Response) -> None:
    """Log, at DEBUG, the request's body and what it changed."""
    if BODIES.isEnabledFor(logging.DEBUG):
        raw = request.get_data(cache=True)
        if raw:
            body = masked(raw.decode("utf-8", "replace"))
            BODIES.debug("%s %s body: %s", request.method, request.path, _cut(body))
    if not CHANGES.isEnabledFor(logging.DEBUG):
        return
    for line in describe(results):
        CHANGES.debug("%s: %s", account or "-", line)
    if (
        request.path.startswith("/_emulator/")
        and request.method in _CONTROL_CHANGES
        and response.status_code < 400
        and not response.direct_passthrough
    ):
        answer = masked(response.get_data(as_text=True)) or str(response.status_code)
        CHANGES.debug("%s %s -> %s", request.method, request.path, _cut(answer))


def describe(results: Any) -> list[str]:
    """One line per message a WinSMS request sent, refused or deleted."""
    lines: list[str] = []
    items = results if isinstance(results, list | tuple) else [results]
    for item in items:
        recipients = getattr(item, "recipients", None)
        if isinstance(recipients, tuple):
            for r in recipients:
                if r.message_id is not None:
                    lines.append(
                        f"message {r.message_id} to {r.number} accepted "
                        f"(cost {r.cost}, balance {r.balance_after})"
                    )
                else:
                    lines.append(f"{r.number} refused: {r.outcome.xml_code or r.outcome.value}")
        deleted = getattr(item, "result", None)
        if deleted is not None and getattr(item, "message_id", None) is not None:
            lines.append(f"delete message {item.message_id}: {deleted.value} (refund {item.cost})")
    return lines
