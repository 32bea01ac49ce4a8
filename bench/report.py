"""The results: one row per figure (with its baseline and their ratio), the table, the README.

A row is a dict, as written to ``bench/results.json``:
``name, value, unit, baseline, baseline_name, ratio, target, met`` and, for a
figure measured under load, ``p99_ms`` and ``baseline_p99_ms``. A figure that
could not be measured (a peer that cannot be installed or started) is a row
with ``skipped`` saying why.
"""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

Row = dict[str, Any]


def row(
    name: str,
    value: float,
    unit: str,
    baseline: float,
    baseline_name: str,
    target: str = "",
    met: bool | None = None,
    **extra: Any,
) -> Row:
    """One figure next to its baseline from the same run."""
    return {
        "name": name,
        "value": value,
        "unit": unit,
        "baseline": baseline,
        "baseline_name": baseline_name,
        "ratio": value / baseline if baseline else float("inf"),
        "target": target,
        "met": met,
        **extra,
    }


def skipped(name: str, reason: str, target: str = "") -> Row:
    """A row that could not be measured, and why."""
    return {"name": name, "skipped": reason, "target": target, "met": None}


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "load_average": load,
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
    }


def _format(value: float, unit: str) -> str:
    if unit == "bytes":
        return f"{value:,.0f} B"
    if unit == "req/s":
        return f"{value:,.0f}/s"
    if value < 1:
        return f"{value:,.3f} {unit}"
    return f"{value:,.2f} {unit}" if value < 100 else f"{value:,.0f} {unit}"


def _p99(value: float | None) -> str:
    return "" if value is None else f", p99 {_format(value, 'ms')}"


def table(results: list[Row]) -> str:
    lines = [
        "| measure | emulator | baseline | ratio | target | met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        if "skipped" in r:
            lines.append(f"| {r['name']} | skipped: {r['skipped']} | | | {r['target']} | |")
            continue
        met = {True: "yes", False: "NO", None: ""}[r["met"]]
        lines.append(
            f"| {r['name']} | {_format(r['value'], r['unit'])}{_p99(r.get('p99_ms'))} | "
            f"{_format(r['baseline'], r['unit'])}{_p99(r.get('baseline_p99_ms'))} "
            f"({r['baseline_name']}) | {r['ratio']:.2f}x | {r['target']} | {met} |"
        )
    return "\n".join(lines)


def update_readme(report: dict[str, Any]) -> None:
    """Put the table between the README's bench markers."""
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    m = report["machine"]
    block = (
        f"{start}\n"
        f"Measured on {m['date']}: {m['cpu'] or 'unknown CPU'}, {m['cores']} cores, "
        f"Python {m['python']}, {m['platform']}.\n\n"
        f"{table(report['results'])}\n"
        f"{end}"
    )
    before, _, rest = text.partition(start)
    _, _, after = rest.partition(end)
    readme.write_text(before + block + after, encoding="utf-8")
