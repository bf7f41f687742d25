"""Write step: one transaction (all or nothing), one COPY helper, one ORM writer."""

import struct
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

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


# An import that makes up at least this share of a table once written (a first load, a
# reload into an emptied register) goes in faster with the table's secondary indexes and
# foreign keys set aside and rebuilt after the COPY: one sorted build per index and one
# anti-join per foreign key, instead of a random insertion into every index and a deferred
# check per row. At 1,000,000 addresses (bench/RESULTS.md, search branch) the database
# side took a third of the time. Below half, rebuilding over the rows already there
# costs more than it saves, and the rebuild holds the table's exclusive lock (readers
# wait) for its whole length, so a small import into a large table maintains the indexes.
REBUILD_SHARE = 0.5
# Memory for the index builds of one import (a sort of a million keys fits), this
# transaction only.
REBUILD_MEMORY = "256MB"

_SECONDARY_INDEXES_SQL = """
SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
ORDER BY i.relname
"""
_FOREIGN_KEYS_SQL = """
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname
"""


def rebuild_pays(cursor, table: str, incoming: int) -> bool:
    """Return whether `incoming` new rows are at least REBUILD_SHARE of `table` once
    written (counting at most the rows that decide it, so a large table costs little)."""
    if incoming <= 0:
        return False
    enough = int(incoming * (1 - REBUILD_SHARE) / REBUILD_SHARE)
    cursor.execute(f'SELECT count(*) FROM (SELECT 1 FROM "{table}" LIMIT %s) t', [enough + 1])
    return cursor.fetchone()[0] <= enough


@contextmanager
def indexes_set_aside(cursor, table: str, incoming: int) -> Iterator[bool]:
    """Drop `table`'s secondary indexes and foreign keys for a bulk write of `incoming`
    rows when rebuild_pays, and build them again on leaving; yield whether it did.

    Runs inside the caller's transaction: PostgreSQL's DDL is transactional, so a failure
    anywhere (a duplicate the rebuilt unique index refuses, a foreign key the re-added
    constraint finds broken: IntegrityError) rolls the indexes back with the rows.
    Indexes behind a table constraint (primary key, UNIQUE) stay, maintained. The
    foreign keys' deferred checks pending so far run at once. Dropping a foreign key
    locks the table it refers to as well (ACCESS EXCLUSIVE): every reader and writer of
    `table` and of those tables (for addresses: streets, settlements, users) waits for
    the commit.
    """
    if not rebuild_pays(cursor, table, incoming):
        yield False
        return
    cursor.execute(_SECONDARY_INDEXES_SQL, [table])
    indexes = cursor.fetchall()
    cursor.execute(_FOREIGN_KEYS_SQL, [table])
    foreign_keys = cursor.fetchall()
    # A foreign key cannot be dropped while checks deferred to the commit are pending on
    # its tables (the streets just created): run those checks now.
    connection.check_constraints()
    for name, _definition in foreign_keys:
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    yield True
    cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [REBUILD_MEMORY])
    for _name, definition in indexes:
        cursor.execute(definition)
    for name, definition in foreign_keys:
        cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    # The planner's statistics of a table that at least doubled are stale.
    cursor.execute(f'ANALYZE "{table}"')


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
        table = model._meta.db_table
        with indexes_set_aside(cursor, table, len(rows)):
            copy_rows(cursor.cursor, table, columns, _values(rows, names, defaults))
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
        table = history._meta.db_table
        with indexes_set_aside(cursor, table, len(rows)):
            copy_rows(cursor.cursor, table, columns, values)


_EWKB_POINT_4326 = struct.Struct("<BIIdd")


def ewkb_point(point: tuple[float, float]) -> str:
    """Return a lon/lat point as EWKB hex, SRID 4326: PostGIS reads it faster than WKT."""
    return _EWKB_POINT_4326.pack(1, 0x20000001, 4326, *point).hex()


def _values(rows: list[dict], names: list[str], defaults: dict):
    """Yield each row's values in `names` order, defaults filling the gaps."""
    for row in rows:
        yield [row[name] if name in row else defaults[name] for name in names]
