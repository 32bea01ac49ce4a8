"""The coverage report as JSON (control plane, Python API, the pytest option's file) and
the tallies as JSON (what each pytest-xdist worker hands the controller)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from winsms_emulator.coverage import OperationCoverage, Report, SectionCoverage
from winsms_emulator.errors import Invalid
from winsms_emulator.forms.values import iso
from winsms_emulator.outcomes import Outcome
from winsms_emulator.tally import OperationTally, Tally


def _outcome(outcome: Outcome, count: int) -> dict[str, Any]:
    return {
        "fact": outcome.fact,
        "family": outcome.family.value,
        "name": outcome.name,
        "label": outcome.label,
        "count": count,
    }


def _operation(op: OperationCoverage) -> dict[str, Any]:
    return {
        "operation": op.operation.name,
        "summary": op.operation.summary,
        "requests": op.requests,
        "exercised": [_outcome(s.outcome, s.count) for s in op.exercised],
        "never": [_outcome(o, 0) for o in op.never],
        "undocumented": [{"fact": f, "count": n} for f, n in op.undocumented],
        "violations": {
            "requests": op.violating,
            "messages": [{"message": m, "count": n} for m, n in op.violations],
        },
    }


def _totals(of: Report | SectionCoverage) -> dict[str, Any]:
    operations = of.operations_total if isinstance(of, Report) else len(of.operations)
    return {
        "requests": of.requests,
        "operations_exercised": of.operations_exercised,
        "operations_total": operations,
        "outcomes_exercised": of.outcomes_exercised,
        "outcomes_called_total": of.outcomes_called_total,
        "outcomes_total": of.outcomes_total,
    }


def report_json(report: Report) -> dict[str, Any]:
    """The report: its scope, its totals over the shapes used, and per shape and
    operation what was exercised (with counts), never exercised, seen outside the
    documents, and the schema violations."""
    return {
        "scope": report.scope,
        "since": iso(report.since),
        "account": report.account,
        **_totals(report),
        "percent": report.percent,
        "percent_all": report.percent_all,
        "sections": [
            {
                "api": section.surface.name,
                "shape": section.shape or None,
                "title": section.title,
                "used": section.used,
                **_totals(section),
                "operations": [_operation(op) for op in section.operations],
            }
            for section in report.sections
        ],
    }


# -- tallies ------------------------------------------------------------------------------------


def tally_json(tally: Tally) -> dict[str, Any]:
    return {
        "since": tally.since.isoformat(),
        "accounts": [
            {
                "account": account,
                "operations": [
                    {
                        "api": api,
                        "shape": shape,
                        "operation": operation,
                        "requests": counted.requests,
                        "facts": dict(counted.facts),
                        "violating": counted.violating,
                        "violations": dict(counted.violations),
                    }
                    for (api, shape, operation), counted in operations.items()
                ],
            }
            for account, operations in tally.accounts.items()
        ],
    }


def tally_from_json(data: Any) -> Tally:
    """A tally written by :func:`tally_json` (refused with :class:`Invalid` otherwise)."""
    try:
        tally = Tally(datetime.fromisoformat(data["since"]))
        for item in data["accounts"]:
            operations = tally.accounts.setdefault(item["account"], {})
            for op in item["operations"]:
                key = (str(op["api"]), str(op["shape"]), str(op["operation"]))
                operations[key] = OperationTally(
                    int(op["requests"]),
                    Counter({str(f): int(n) for f, n in op["facts"].items()}),
                    int(op["violating"]),
                    Counter({str(m): int(n) for m, n in op["violations"].items()}),
                )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise Invalid(f"not a coverage tally: {exc}") from None
    return tally
