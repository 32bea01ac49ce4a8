"""Refused recipients as JSON: the control plane's and the Python API's form
(``GET /_emulator/accounts/<user>/refused``, ``Emulator.refused``) and the saved-state
document's form (``"refused"``, each account's newest ones, oldest first).

A saved state holds no request journal: a refusal read back from one names a request the
journal no longer holds (restoring a state moves the journal's numbering past it, so the
number never comes to name another request).
"""

from __future__ import annotations

from typing import Any

from winsms_emulator.domain.refusals import REASONS, STAGES, Refusal
from winsms_emulator.domain.text import require_texts
from winsms_emulator.errors import Invalid, StatusCode
from winsms_emulator.forms.statefile import Reader
from winsms_emulator.forms.values import iso


def refusal_json(refusal: Refusal) -> dict[str, Any]:
    """What the control plane and the Python API show of a refused recipient."""
    return {
        "account": refusal.account,
        "number": refusal.number,
        "text": refusal.text,
        "reason": refusal.reason,
        "description": refusal.description,
        "status_code": refusal.status_code,
        "api": refusal.api,
        "request_id": refusal.request_id,
        "at": iso(refusal.at),
        "stage": refusal.stage,
        "message_id": refusal.message_id,
        "client_message_id": refusal.client_message_id,
    }


def refusal_to_state(refusal: Refusal) -> dict[str, Any]:
    return {
        "account": refusal.account,
        "number": refusal.number,
        "text": refusal.text,
        "reason": refusal.reason,
        "status_code": refusal.status_code,
        "api": refusal.api,
        "request_id": refusal.request_id,
        "at": refusal.at.isoformat(),
        "stage": refusal.stage,
        "message_id": refusal.message_id,
        "client_message_id": refusal.client_message_id,
    }


_FIELDS = frozenset(
    {"account", "number", "text", "reason", "status_code", "api", "request_id", "at", "stage"}
    | {"message_id", "client_message_id"}
)


def refusal_from_state(data: Any, where: str) -> Refusal:
    r = Reader(data, where, _FIELDS)
    reason = r.text("reason")
    if reason not in REASONS:
        raise Invalid(f"state: {where}.reason must be one of {', '.join(REASONS)}")
    stage = r.text("stage")
    if stage not in STAGES:
        raise Invalid(f"state: {where}.stage must be one of {', '.join(STAGES)}")
    code = r.whole("status_code", None)
    if code is not None and StatusCode.lookup(code) is None:
        raise Invalid(f"state: {where}.status_code is not an Appendix B code")
    refusal = Refusal(
        account=r.text("account"),
        number=r.text("number"),
        text=r.text("text", None),
        reason=reason,
        status_code=code,
        api=r.text("api"),
        request_id=r.whole("request_id", None),
        at=r.time("at"),
        stage=stage,
        message_id=r.whole("message_id", None),
        client_message_id=r.text("client_message_id", None),
    )
    texts = (refusal.account, refusal.number, refusal.text, refusal.api, refusal.client_message_id)
    require_texts(texts, f"state: {where}")
    return refusal
