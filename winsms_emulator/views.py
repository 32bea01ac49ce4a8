"""The emulator's objects as JSON-ready dicts: one form for the control plane and Python."""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING, Any

from winsms_emulator.accounts_json import account_to_json
from winsms_emulator.domain.accounts import Account, OptOut
from winsms_emulator.domain.inbound import Reply, ShortCodeMessage
from winsms_emulator.domain.messages import FinalOutcome
from winsms_emulator.domain.sast import to_sast
from winsms_emulator.errors import Invalid
from winsms_emulator.faults import FAULT_KINDS, Fault, FaultMatch, fault_problem
from winsms_emulator.journal import JournalEntry

if TYPE_CHECKING:  # the service writes its state with these views, so no import cycle
    from winsms_emulator.service import Gateway, MessageRecord, Quote


def iso(moment: datetime | None) -> str | None:
    return to_sast(moment).isoformat() if moment is not None else None


def account_json(account: Account, server_dialect: str) -> dict[str, Any]:
    data = account_to_json(account, server_dialect=server_dialect)
    data["opt_outs"] = [opt_out_json(o) for o in account.opt_outs.values()]
    return data


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


def opt_out_json(opt_out: OptOut) -> dict[str, Any]:
    return {
        "number": opt_out.number,
        "at": iso(opt_out.at),
        "source": opt_out.source,
        "reply_id": opt_out.reply_id,
        "message": opt_out.message,
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
        "at": iso(entry.at),
        "method": entry.method,
        "path": entry.path,
        "api": entry.api,
        "operation": entry.operation,
        "account": entry.account,
        "http_status": entry.http_status,
        "outcome": entry.outcome,
        "violations": list(entry.violations),
        "detail": entry.detail,
        "duration_ms": entry.duration_ms,
    }


def clock_json(gateway: Gateway) -> dict[str, Any]:
    return {"now": iso(gateway.now()), "mode": gateway.clock.mode}


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


def _optional(data: dict[str, Any], name: str, kinds: tuple[type, ...], label: str) -> Any:
    value: Any = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, kinds):
        raise Invalid(f"{name} must be {label}")
    if isinstance(value, int | float):
        try:
            as_float = float(value)
        except OverflowError:
            raise Invalid(f"{name} is out of range") from None
        if not math.isfinite(as_float):
            raise Invalid(f"{name} must be a finite number")
    return value


def fault_from_json(data: dict[str, Any]) -> Fault:
    """A fault from the control plane's JSON (raises Invalid naming what is wrong)."""
    allowed = {"kind", "match", "api", "path", "operation", "account", "seconds", "status"}
    allowed |= {"times", "probability"}
    unknown = set(data) - allowed
    if unknown:
        raise Invalid(f"unknown fault field(s): {', '.join(sorted(unknown))}")
    kind = data.get("kind")
    if not isinstance(kind, str):
        raise Invalid(f"kind must be one of {', '.join(FAULT_KINDS)}")
    match = data.get("match", {})
    if not isinstance(match, dict):
        raise Invalid("match must be an object")
    match = {**{k: data[k] for k in ("api", "path", "operation", "account") if k in data}, **match}
    for name, value in match.items():
        if name not in ("api", "path", "operation", "account"):
            raise Invalid(f"unknown match field {name!r}")
        if value is not None and not isinstance(value, str):
            raise Invalid(f"match.{name} must be a string")
    seconds = _optional(data, "seconds", (int, float), "a number of seconds") or 0.0
    status = _optional(data, "status", (int,), "an HTTP status code")
    times = _optional(data, "times", (int,), "a whole number")
    if times is not None and times < 1:
        raise Invalid("times must be 1 or more")
    probability = _optional(data, "probability", (int, float), "a number")
    fault = Fault(
        id=0,
        kind=kind,
        match=FaultMatch(**match),
        seconds=float(seconds),
        status=503 if status is None else status,
        times=times,
        probability=None if probability is None else float(probability),
    )
    problem = fault_problem(fault)
    if problem is not None:
        raise Invalid(problem)
    return fault


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
        "ucs2_characters": list(info.ucs2_characters),
        "max_parts": quote.max_parts,
        "fits": info.fits(quote.max_parts),
    }
