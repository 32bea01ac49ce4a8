"""The contract coverage report: which documented operations and outcomes a client's
requests exercised, and which they never did.

The universe is the registry's: every operation of every surface, in every published
shape of the surface, with the outcomes its entry declares
(:class:`~winsms_emulator.outcomes.Universe`). What was exercised is what the tallies
counted (:mod:`winsms_emulator.tally`): the facts of every journaled request. A report
covers one scope (since the start, the last reset or the mark), the whole server or one
account. Its totals count only the shapes the requests used, so a client of one API is
not measured against the others; its headline percentage counts only the operations the
requests called (a client is not measured against operations it has no use for), and a
second one every operation of the shapes used.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from winsms_emulator.operations import Operation, Surface
from winsms_emulator.outcomes import Outcome
from winsms_emulator.tally import OperationTally, Tally


@dataclass(frozen=True)
class Seen:
    """An outcome the requests showed, and how many requests showed it."""

    outcome: Outcome
    count: int


@dataclass(frozen=True)
class OperationCoverage:
    """One operation in one shape: what its requests showed and what they never did.

    ``undocumented`` are facts seen that its universe does not have (an HTTP 500, say),
    with their counts; ``violating`` is how many requests broke a published schema, and
    ``violations`` the schema's messages with their counts.
    """

    operation: Operation
    requests: int
    exercised: tuple[Seen, ...]
    never: tuple[Outcome, ...]
    undocumented: tuple[tuple[str, int], ...]
    violating: int
    violations: tuple[tuple[str, int], ...]

    @property
    def outcomes(self) -> int:
        return len(self.exercised) + len(self.never)


@dataclass(frozen=True)
class SectionCoverage:
    """One published shape of one surface (``XML``, ``REST seed``, ``REST current``)."""

    surface: Surface
    shape: str
    operations: tuple[OperationCoverage, ...]

    @property
    def title(self) -> str:
        return self.surface.section(self.shape)

    @property
    def requests(self) -> int:
        return sum(o.requests for o in self.operations)

    @property
    def used(self) -> bool:
        return self.requests > 0

    @property
    def operations_exercised(self) -> int:
        return sum(1 for o in self.operations if o.requests)

    @property
    def outcomes_total(self) -> int:
        return sum(o.outcomes for o in self.operations)

    @property
    def outcomes_exercised(self) -> int:
        return sum(len(o.exercised) for o in self.operations)

    @property
    def outcomes_called_total(self) -> int:
        """The documented outcomes of the operations the requests called."""
        return sum(o.outcomes for o in self.operations if o.requests)


@dataclass(frozen=True)
class Report:
    """The coverage of one scope, for the whole server (``account`` ``None``) or one
    account; the totals are over the sections the requests used."""

    scope: str
    since: datetime
    account: str | None
    sections: tuple[SectionCoverage, ...]

    @property
    def used(self) -> tuple[SectionCoverage, ...]:
        return tuple(s for s in self.sections if s.used)

    @property
    def requests(self) -> int:
        return sum(s.requests for s in self.sections)

    @property
    def operations_exercised(self) -> int:
        return sum(s.operations_exercised for s in self.used)

    @property
    def operations_total(self) -> int:
        return sum(len(s.operations) for s in self.used)

    @property
    def outcomes_exercised(self) -> int:
        return sum(s.outcomes_exercised for s in self.used)

    @property
    def outcomes_total(self) -> int:
        return sum(s.outcomes_total for s in self.used)

    @property
    def outcomes_called_total(self) -> int:
        return sum(s.outcomes_called_total for s in self.used)

    @property
    def percent(self) -> float | None:
        """Outcomes exercised of those documented for the operations the requests called
        (``None`` when they called none): the figure a threshold is held to."""
        return _percent(self.outcomes_exercised, self.outcomes_called_total)

    @property
    def percent_all(self) -> float | None:
        """Outcomes exercised of those documented for every operation of the shapes used."""
        return _percent(self.outcomes_exercised, self.outcomes_total)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def report(
    surfaces: Iterable[Surface], tally: Tally, scope: str, account: str | None = None
) -> Report:
    """The report of ``tally`` (one scope's counts) against every surface's universe."""
    counted = tally.whole() if account is None else tally.of(account)
    sections = tuple(
        SectionCoverage(
            surface,
            shape,
            tuple(
                _operation(op, shape, counted.get((surface.name, shape, op.name)))
                for op in surface.operations
                if shape in op.universe
            ),
        )
        for surface in surfaces
        for shape in surface.shapes
    )
    return Report(scope, tally.since, account, sections)


def _operation(op: Operation, shape: str, counted: OperationTally | None) -> OperationCoverage:
    found = counted or OperationTally()
    documented = op.universe[shape].outcomes
    exercised = tuple(Seen(o, found.facts[o.fact]) for o in documented if found.facts[o.fact])
    never = tuple(o for o in documented if not found.facts[o.fact])
    known = {o.fact for o in documented}
    return OperationCoverage(
        op,
        found.requests,
        exercised,
        never,
        tuple((f, n) for f, n in found.facts.items() if f not in known and n),
        found.violating,
        tuple(found.violations.most_common()),
    )


# -- the short summary ------------------------------------------------------------------------


def summary(report: Report) -> list[str]:
    """A few lines for a terminal: per shape used, how much was exercised, which
    operations were never called and, per operation, exactly what was never provoked."""
    scope = _scope_words(report)
    if not report.used:
        return [f"WinSMS contract coverage{scope}: no request reached the WinSMS APIs"]
    exercised = report.outcomes_exercised
    lines = [
        f"WinSMS contract coverage{scope}: {exercised} of {report.outcomes_called_total} "
        f"documented outcomes of the operations called ({report.percent}%); "
        f"{exercised} of {report.outcomes_total} of every operation of the APIs used "
        f"({report.percent_all}%)"
    ]
    for section in report.used:
        lines.extend(_section_lines(section))
    unused = [s.title for s in report.sections if not s.used]
    if unused:
        lines.append(f"not used: {', '.join(unused)}")
    return lines


def _scope_words(report: Report) -> str:
    words = {"start": "", "reset": " since the last reset", "mark": " since the mark"}
    account = f" of account {report.account}" if report.account is not None else ""
    return account + words.get(report.scope, "")


def _section_lines(section: SectionCoverage) -> list[str]:
    lines = [
        f"{section.title}: {section.operations_exercised} of {len(section.operations)} "
        f"operations called, {section.outcomes_exercised} of "
        f"{section.outcomes_called_total} of their outcomes exercised"
    ]
    never_called = [o.operation.name for o in section.operations if not o.requests]
    if never_called:
        lines.append(f"  never called: {', '.join(never_called)}")
    for op in section.operations:
        if not op.requests:
            continue
        name = op.operation.name
        if op.never:
            lines.append(f"  {name} never provoked: {_labels(op.never)}")
        else:
            lines.append(f"  {name}: every documented outcome provoked")
        if op.undocumented:
            shown = ", ".join(f"{fact} ({count})" for fact, count in op.undocumented)
            lines.append(f"  {name} showed what no document lists: {shown}")
        if op.violating:
            lines.append(f"  {name}: {op.violating} request(s) broke a published schema")
    return lines


def _labels(outcomes: Sequence[Outcome]) -> str:
    return ", ".join(o.label for o in outcomes)


def combined(tallies: Iterable[Tally]) -> Tally | None:
    """Several tallies (pytest-xdist workers') as one (``None`` when there are none)."""
    found = list(tallies)
    if not found:
        return None
    total = Tally(found[0].since)
    for tally in found:
        total.merge(tally)
    return total
