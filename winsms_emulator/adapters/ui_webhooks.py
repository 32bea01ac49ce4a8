"""The web inbox's webhooks panel: the chosen account's webhook settings, every delivery
attempt (newest first) and what waits to be delivered. The page's form changes the
settings and its buttons send test notifications, through the control plane."""

from __future__ import annotations

from typing import Any

from winsms_emulator.forms.webhooks import attempt_json, notification_json
from winsms_emulator.services import Gateway

#: The panel shows at most this many attempts, newest first.
MAX_ATTEMPTS_SHOWN = 100


def webhook_panel(g: Gateway, username: str | None) -> dict[str, Any]:
    """What the panel shows for ``username`` (nothing without an account)."""
    if username is None:
        return {"attempts": [], "attempt_count": 0, "pending": []}
    attempts = g.webhooks.attempts(username)
    return {
        "attempts": [attempt_json(a) for a in reversed(attempts[-MAX_ATTEMPTS_SHOWN:])],
        "attempt_count": len(attempts),
        "pending": [notification_json(n) for n in g.webhooks.pending(username)],
    }
