"""Write step: one transaction (all or nothing), one COPY helper, one ORM writer."""

import struct
from collections.abc import Callable, Iterable

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.errors import Conflict
from core.imports.kinds import Kind
from core.imports.plan import Plan
from core.imports.report import Outcome

Progress = Callable[[int, int], None]


def write_plan(kind: Kind, context, plan: Plan, *, progress: Progress | None = None) -> None:
    """Write the plan in one transaction; Conflict (nothing written) if the database refuses.

    The kind's after_commit (cache bumps: COPY sends no model signals) runs on commit.
    """
    try:
        with transaction.atomic():
            kind.write(context, plan, progress)
            if kind.after_commit is not None:
                transaction.on_commit(kind.after_commit)
    except IntegrityError as exc:
        raise Conflict(kind.say("conflict", error=exc), code=kind.codes.get("conflict")) from exc


def write_orm(model, plan: Plan, progress: Progress | None = None) -> None:
    """Create the new rows and save the changed fields of the changed ones, in file order.

    `progress(done, total)` is called after every planned row, unchanged ones included.
    """
    total = len(plan.rows)
    for done, planned in enumerate(plan.rows, start=1):
        if planned.outcome == Outcome.NEW:
            model.objects.create(**planned.values)
        elif planned.outcome == Outcome.CHANGED:
            for name, value in planned.changes.items():
                setattr(planned.stored, name, value)
            planned.stored.save(update_fields=list(planned.changes))
        if progress:
            progress(done, total)


def copy_rows(cursor, table: str, columns: list[str], rows: Iterable[list]) -> None:
    """COPY rows (lists of values in `columns` order) into `table`; cursor: psycopg 3's."""
    names = ", ".join(f'"{column}"' for column in columns)
    with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)


def copy_create_with_history(model, rows: list[dict], *, user, reason: str) -> None:
    """Insert new `model` rows and their "+" history rows (django-simple-history) by COPY.

    `rows` are {attname: value} (geometry as EWKB hex, see ewkb_point); missing fields get
    their defaults. Ids come from the table's sequence first, so history rows can name
    them. bulk_create runs at ~1,000 rows/s, COPY at several times that.
    """
    if not rows:
        return
    fields = model._meta.concrete_fields
    defaults = {f.attname: f.get_default() for f in fields if not f.primary_key}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, len(rows)],
        )
        for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
            row["id"] = pk
        columns, names = [f.column for f in fields], [f.attname for f in fields]
        copy_rows(cursor.cursor, model._meta.db_table, columns, _values(rows, names, defaults))
        history = model.history.model
        tracked = [f for f in history._meta.concrete_fields if not f.name.startswith("history_")]
        stamp = {
            "history_date": timezone.now(),
            "history_change_reason": reason,
            "history_type": "+",
            "history_user_id": user.pk if user is not None else None,
        }
        columns = [f.column for f in tracked] + list(stamp)
        names = [f.attname for f in tracked] + list(stamp)
        values = _values(rows, names, {**defaults, **stamp})
        copy_rows(cursor.cursor, history._meta.db_table, columns, values)


_EWKB_POINT_4326 = struct.Struct("<BIIdd")


def ewkb_point(point: tuple[float, float]) -> str:
    """Return a lon/lat point as EWKB hex, SRID 4326: PostGIS reads it faster than WKT."""
    return _EWKB_POINT_4326.pack(1, 0x20000001, 4326, *point).hex()


def _values(rows: list[dict], names: list[str], defaults: dict):
    """Yield each row's values in `names` order, defaults filling the gaps."""
    for row in rows:
        yield [row[name] if name in row else defaults[name] for name in names]
