"""The Python API's waits: the control plane's ``wait=`` reads as methods.

Each answers as soon as the condition holds, raises
:class:`~winsms_emulator.errors.WaitTimedOut` (with ``state``: what it saw last) when
``timeout`` real seconds pass first, and, with the manual clock, raises
:class:`~winsms_emulator.errors.NeedsEmulatorTime` at once when only emulator time could
bring it (advance the clock instead). ``timeout`` is at most 60 seconds.
"""

from __future__ import annotations

from typing import Any

from winsms_emulator.control_reads import Reads

Json = dict[str, Any]


class Waits:
    """Mixed into :class:`~winsms_emulator.Emulator`, which sets ``reads``."""

    reads: Reads

    def wait_for_messages(
        self, username: str, count: int = 1, timeout: float = 5, **filters: Any
    ) -> list[Json]:
        """Wait until at least ``count`` of the account's messages match ``filters`` (the
        outbox's: ``status="DELIVERED"``, ``number=...``, ``api=...``); returns them."""
        return self.reads.outbox(username, {**filters, "wait": timeout, "count": count})

    def wait_for_message(
        self, message_id: int, status: str | list[str] = "DELIVERED", timeout: float = 5
    ) -> Json:
        """Wait until the message has ``status`` (one of a list, e.g.
        ``["DELIVERED", "SENDINGFAILED"]``); returns it."""
        return self.reads.message(message_id, {"status": status, "wait": timeout})

    def wait_for_replies(
        self, username: str, count: int = 1, timeout: float = 5, **filters: Any
    ) -> list[Json]:
        """Wait until the account has received at least ``count`` replies matching
        ``filters`` (``number=...``, ``returned=False``, ``opt_out=True``, ...)."""
        return self.reads.replies(username, {**filters, "wait": timeout, "count": count})

    def wait_for_requests(self, count: int = 1, timeout: float = 5, **filters: Any) -> list[Json]:
        """Wait until the journal holds at least ``count`` requests matching ``filters``
        (``account=...``, ``operation="send"``, ``has_violations=True``, ...)."""
        return self.reads.journal({**filters, "wait": timeout, "count": count})
