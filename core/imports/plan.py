"""Plan step: each valid row new, changed or unchanged against the stored rows, or refused."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from core.imports.kinds import Checked, Kind
from core.imports.report import Issue, Outcome, Report


@dataclass
class Planned:
    """A row's plan: its outcome, the kind's values, the stored row it matched, changes.

    `changes` maps a field to its (old, new) value, or to a text saying how it changed;
    `label` names the row's record for people ("Дмитрівка, вул. Шевченка, 12").
    """

    row: int
    outcome: Outcome
    values: Any
    stored: Any = None
    changes: dict = field(default_factory=dict)
    label: str = ""


@dataclass
class Plan:
    """Every valid row's plan, in file order."""

    rows: list[Planned] = field(default_factory=list)

    def of(self, outcome: Outcome) -> list[Planned]:
        return [planned for planned in self.rows if planned.outcome == outcome]

    def counts(self) -> tuple[int, int, int]:
        """Return (new, changed, unchanged)."""
        outcomes = [planned.outcome for planned in self.rows]
        return tuple(outcomes.count(o) for o in (Outcome.NEW, Outcome.CHANGED, Outcome.UNCHANGED))


def make_plan(kind: Kind, context, checked: list[Checked], report: Report) -> Plan:
    """Match the valid rows; refusals go to the report's errors. Record each row's outcome."""
    plan = Plan()
    for item in kind.match(context, checked):
        if isinstance(item, Issue):
            report.errors.append(item)
            report.outcomes[item.row] = Outcome.REFUSED
        else:
            plan.rows.append(item)
            report.outcomes[item.row] = item.outcome
    return plan


def match_stored(
    model, checked: Iterable[Checked], *, lookup: Callable[[dict], dict]
) -> Iterator[Planned]:
    """Match rows whose values are {field: value} to `model` rows by `lookup(values)`.

    Stored values are compared with ==, which GEOS geometries implement as equals_exact
    with SRID, so a geometry counts as changed only when its coordinates change.
    """
    for item in checked:
        stored = model.objects.filter(**lookup(item.values)).first()
        if stored is None:
            yield Planned(item.row, Outcome.NEW, item.values)
            continue
        changes = {k: v for k, v in item.values.items() if getattr(stored, k) != v}
        outcome = Outcome.CHANGED if changes else Outcome.UNCHANGED
        yield Planned(item.row, outcome, item.values, stored, changes)
