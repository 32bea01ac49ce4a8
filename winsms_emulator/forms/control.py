"""The control plane's JSON forms of messages, replies, outcomes, faults, the journal and
the clock, and the readers of what the control plane is sent. The Python API
(:class:`~winsms_emulator.Emulator`) reads and writes the same forms."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from winsms_emulator.domain.inbound import Reply, ShortCodeMessage
from winsms_emulator.domain.messages import FinalOutcome, scripted_outcome
from winsms_emulator.domain.results import MessageRecord, Quote
from winsms_emulator.domain.text import require_text
from winsms_emulator.errors import DeliveryStatus, Invalid, StatusCode
from winsms_emulator.faults import FAULT_KINDS, Fault, FaultMatch, fault_problem
from winsms_emulator.forms.values import field, iso, mobile_number, only, optional, to_decimal
from winsms_emulator.journal import JournalEntry

# -- writing -------------------------------------------------------------------------------


def message_json(record: MessageRecord) -> dict[str, Any]:
    m, st = record.message, record.state
    return {
        "id": m.id,
        "account": m.account,
        "number": m.number,
        "message": m.text,
        "client_message_id": m.client_message_id,
        "api": m.api,
        "encoding": m.info.encoding.value,
        "length": m.info.length,
        "parts": m.info.parts,
        "cost": float(m.cost),
        "submitted_at": iso(m.submitted_at),
        "scheduled_for": iso(m.dispatch_at) if m.scheduled else None,
        "deleted_at": iso(m.deleted_at),
        "status": st.status.value,
        "status_code": int(st.code),
        "status_time": iso(st.at),
        "request_id": m.request_id,
        "timeline": [
            {
                "at": iso(e.at),
                "event": e.event,
                "status": e.status.value,
                "status_code": int(e.code),
            }
            for e in record.timeline
        ],
    }


def reply_json(reply: Reply) -> dict[str, Any]:
    return {
        "id": reply.id,
        "account": reply.account,
        "from": reply.number,
        "message": reply.message,
        "received_at": iso(reply.received_at),
        "sent_message_id": reply.sent_message_id,
        "opt_out": reply.opt_out,
        "returned": reply.returned_at is not None,
        "returned_at": iso(reply.returned_at),
    }


def short_code_json(sc: ShortCodeMessage) -> dict[str, Any]:
    return {
        "id": sc.id,
        "account": sc.account,
        "code": sc.code,
        "from": sc.number,
        "message": sc.message,
        "received_at": iso(sc.received_at),
        "returned": sc.returned_at is not None,
        "returned_at": iso(sc.returned_at),
    }


def outcome_json(number: str, outcome: FinalOutcome) -> dict[str, Any]:
    return {
        "number": number,
        "status": outcome.status.value,
        "status_code": int(outcome.code),
        "after_seconds": outcome.after.total_seconds(),
    }


def journal_json(entry: JournalEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": iso(entry.at),
        "method": entry.method,
        "path": entry.path,
        "api": entry.api,
        "operation": entry.operation,
        "account": entry.account,
        "http_status": entry.http_status,
        "outcome": entry.outcome,
        "violations": list(entry.violations),
        "violation_count": (
            entry.violation_count if entry.violation_count is not None else len(entry.violations)
        ),
        "detail": entry.detail,
        "duration_ms": entry.duration_ms,
        "parameters": _first_of_each(entry.parameters),
        "shape": entry.shape or None,
        "facts": list(entry.facts),
        "numbers": list(entry.numbers),
    }


def _first_of_each(pairs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Name to value, in the order sent; a repeated name shows its first value."""
    found: dict[str, str] = {}
    for name, value in pairs:
        found.setdefault(name, value)
    return found


def clock_json(now: datetime, mode: str) -> dict[str, Any]:
    return {"now": iso(now), "mode": mode}


def fault_json(fault: Fault) -> dict[str, Any]:
    return {
        "id": fault.id,
        "kind": fault.kind,
        "match": {
            "api": fault.match.api,
            "path": fault.match.path,
            "operation": fault.match.operation,
            "account": fault.match.account,
        },
        "seconds": fault.seconds,
        "status": fault.status,
        "times": fault.times,
        "probability": fault.probability,
        "hits": fault.hits,
    }


def quote_json(quote: Quote) -> dict[str, Any]:
    info = quote.info
    unit = "septets" if info.encoding.value == "GSM" else "units"
    return {
        "encoding": info.encoding.value,
        "parts": info.parts,
        unit: info.length,
        "length": info.length,
        "cost": float(quote.cost),
        "price_per_part": float(quote.price_per_part),
        "number": quote.number,
        "prices": {prefix: float(price) for prefix, price in quote.prices.items()},
        "ucs2_characters": list(info.ucs2_characters),
        "max_parts": quote.max_parts,
        "fits": info.fits(quote.max_parts),
        "part_ends": list(info.part_ends),
        "part_texts": info.pieces(quote.text),
    }


# -- reading -------------------------------------------------------------------------------

_MATCH_FIELDS = ("api", "path", "operation", "account")
_FAULT_FIELDS = ("kind", "match", *_MATCH_FIELDS, "seconds", "status", "times", "probability")


def fault_from_json(data: Any, *, saved: bool = False) -> Fault:
    """A fault from its JSON (raises Invalid naming what is wrong). ``saved`` also takes
    the ``id`` and ``hits`` a saved state carries."""
    data = only(data, (*_FAULT_FIELDS, "id", "hits") if saved else _FAULT_FIELDS, "a fault")
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in FAULT_KINDS:
        raise Invalid(f"kind must be one of {', '.join(FAULT_KINDS)}")
    match = data.get("match") or {}
    if not isinstance(match, dict):
        raise Invalid("match must be an object")
    match = {**{k: data[k] for k in _MATCH_FIELDS if k in data}, **match}
    for name, value in match.items():
        if name not in _MATCH_FIELDS:
            raise Invalid(f"unknown match field {name!r}")
        if value is not None and not isinstance(value, str):
            raise Invalid(f"match.{name} must be a string")
        require_text(value, f"match.{name}")
    seconds = optional(data, "seconds", (int, float), "a number of seconds") or 0.0
    status = optional(data, "status", (int,), "an HTTP status code")
    times = optional(data, "times", (int,), "a whole number")
    if times is not None and times < (0 if saved else 1):
        raise Invalid("times must be 1 or more")
    probability = optional(data, "probability", (int, float), "a number")
    fault = Fault(
        id=(optional(data, "id", (int,), "a whole number") or 0) if saved else 0,
        kind=kind,
        match=FaultMatch(**match),
        seconds=float(seconds),
        status=503 if status is None else status,
        times=times,
        probability=None if probability is None else float(probability),
        hits=(optional(data, "hits", (int,), "a whole number") or 0) if saved else 0,
    )
    problem = fault_problem(fault)
    if problem is not None:
        raise Invalid(problem)
    return fault


def outcome_from_json(data: Any) -> tuple[str, FinalOutcome]:
    """A scripted outcome: ``number``, ``status``, ``status_code``, ``after_seconds``."""
    data = only(data, ("number", "status", "status_code", "after_seconds"), "an outcome")
    number = mobile_number(field(data, "number"))
    status = DeliveryStatus.lookup(field(data, "status"))
    if status is None:
        raise Invalid(f"unknown status {data['status']!r}")
    code = StatusCode.lookup(field(data, "status_code", int))
    if code is None:
        raise Invalid(f"{data['status_code']} is not an Appendix B status code")
    after = to_decimal(data.get("after_seconds", 0), "after_seconds", maximum=None)
    return number, scripted_outcome(status, code, float(after))


def clock_move_from_json(data: Any) -> float | datetime:
    """``{"advance_seconds": n}`` (a number of seconds) or ``{"now": ISO-8601}`` (a time)."""
    data = only(data, ("advance_seconds", "now"))
    if ("advance_seconds" in data) == ("now" in data):
        raise Invalid("give exactly one of 'advance_seconds' or 'now'")
    if "advance_seconds" in data:
        # no upper bound here: the clock itself says how far it may go
        return float(to_decimal(data["advance_seconds"], "advance_seconds", maximum=None))
    text = field(data, "now")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(f"{text!r} is not an ISO-8601 time") from None
    if moment.tzinfo is None:
        raise Invalid("'now' must carry its UTC offset, e.g. 2025-01-01T10:00:00+02:00")
    return moment


def handset_text_from_json(data: Any) -> tuple[str, str]:
    """A handset's text: ``{"from", "message"}``."""
    data = only(data, ("from", "message"))
    return mobile_number(field(data, "from")), field(data, "message")
