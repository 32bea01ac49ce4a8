"""The query parameters of each webhook notification, in one table.

WinSMS's public "Webhooks" page gives, for a Reply Notification, ``type=deliver``,
``date`` (``YYYYMMDD-HHMMSS`` in GMT+2) and ``from``. Every other name here is the
emulator's reading, chosen in the same style; they sit in this one table so they are
easy to correct (the README shows the same table, and a test holds them together).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from winsms_emulator.domain.sast import to_sast

PUBLIC = "WinSMS Webhooks page"
EMULATOR = "emulator's reading"


@dataclass(frozen=True, slots=True)
class WebhookField:
    """One query parameter of one kind of notification, and where its name comes from."""

    kind: str  # "reply", "short_code" (a reply to a short/long code) or "delivery"
    name: str
    source: str  # PUBLIC or EMULATOR
    meaning: str


FIELDS: tuple[WebhookField, ...] = (
    WebhookField("reply", "type", PUBLIC, "always `deliver`"),
    WebhookField("reply", "date", PUBLIC, "when the reply arrived, `YYYYMMDD-HHMMSS` GMT+2"),
    WebhookField("reply", "from", PUBLIC, "the handset's number, international, digits only"),
    WebhookField("reply", "message", EMULATOR, "the reply's text"),
    WebhookField("reply", "id", EMULATOR, "the reply's ID (as the XML replies call gives it)"),
    WebhookField("reply", "messageid", EMULATOR, "the ID of the message it replies to"),
    WebhookField("short_code", "type", PUBLIC, "always `deliver`"),
    WebhookField("short_code", "date", PUBLIC, "when it arrived, `YYYYMMDD-HHMMSS` GMT+2"),
    WebhookField("short_code", "from", PUBLIC, "the handset's number"),
    WebhookField("short_code", "to", EMULATOR, "the short or long code it was sent to"),
    WebhookField("short_code", "message", EMULATOR, "the text"),
    WebhookField("short_code", "id", EMULATOR, "the short-code message's ID"),
    WebhookField("delivery", "type", EMULATOR, "always `status`"),
    WebhookField("delivery", "date", EMULATOR, "when the final state was reached, GMT+2"),
    WebhookField("delivery", "messageid", EMULATOR, "the message's ID, as the send gave it"),
    WebhookField("delivery", "number", EMULATOR, "the recipient's number"),
    WebhookField("delivery", "status", EMULATOR, "`DELIVERED` or `SENDINGFAILED`"),
    WebhookField("delivery", "statuscode", EMULATOR, "the Appendix B status code, e.g. 0, 101"),
    WebhookField("delivery", "clientmessageid", EMULATOR, "the client's own ID, when it gave one"),
)

#: The constant ``type`` of each kind.
TYPES = {"reply": "deliver", "short_code": "deliver", "delivery": "status"}


def webhook_date(moment: datetime) -> str:
    """``YYYYMMDD-HHMMSS`` in GMT+2, as the Webhooks page writes ``date``."""
    return to_sast(moment).strftime("%Y%m%d-%H%M%S")


def parameters(kind: str, values: Mapping[str, object]) -> tuple[tuple[str, str], ...]:
    """The query parameters of a ``kind`` notification, in the table's order: ``type``
    from the table, the rest from ``values`` (a value of ``None`` is left out)."""
    found = []
    for entry in FIELDS:
        if entry.kind != kind:
            continue
        value = TYPES[kind] if entry.name == "type" else values[entry.name]
        if value is not None:
            found.append((entry.name, str(value)))
    return tuple(found)
