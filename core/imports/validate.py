"""Validate-rows step: typed fields, blank cells, duplicates within a file.

Each kind checks its own rows; these are the pieces every kind needs. Messages here are
the layer import's historical English wording (kept verbatim for its CLI).
"""

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass

from core.imports.report import Issue


@dataclass(frozen=True)
class Field:
    """An input column: `parse` turns a non-blank cell into a value or raises ValueError."""

    name: str
    parse: Callable[[object], object]
    required: bool = False
    default: object = None


def is_blank(value) -> bool:
    """Tell whether a cell is empty: None, NaN/NA/NaT or a string of spaces."""
    if isinstance(value, str):
        return not value.strip()
    if value is None:
        return True
    import pandas as pd

    return pd.api.types.is_scalar(value) and bool(pd.isna(value))


def clean_fields(props: Mapping, fields: Sequence[Field], *, row: int) -> tuple[dict, list[Issue]]:
    """Parse the cells of one row; only columns present in `props` produce values.

    A blank cell takes the field's default, or is an error when the field is required.
    """
    values, issues = {}, []
    for spec in fields:
        if spec.name not in props:
            continue
        cell = props[spec.name]
        if is_blank(cell):
            if spec.required:
                issues.append(Issue(row, spec.name, "required value is empty"))
            values[spec.name] = spec.default
            continue
        try:
            values[spec.name] = spec.parse(cell)
        except ValueError as exc:
            issues.append(Issue(row, spec.name, str(exc)))
    return values, issues


def missing_columns(fields: Sequence[Field], columns: Mapping[str, str]) -> list[Issue]:
    """Return a file-level issue (row 0) for each required field without a column."""
    return [
        Issue(0, spec.name, "required column is missing")
        for spec in fields
        if spec.required and spec.name not in columns
    ]


class FirstSeen:
    """Remember the first row of each key; name the later rows that repeat one."""

    def __init__(self, field_name: str):
        self.field_name = field_name
        self.rows: dict[Hashable, int] = {}

    def check(self, row: int, key: Hashable) -> list[Issue]:
        """Return a "duplicate of row N" issue when `key` (not None) was seen before."""
        if key is None:
            return []
        first = self.rows.setdefault(key, row)
        if first == row:
            return []
        return [Issue(row, self.field_name, f"duplicate of row {first}")]
