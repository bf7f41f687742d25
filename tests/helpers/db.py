"""Data made once for a module or package, rolled back after it.

pytest-django's `db` fixture runs each test in a transaction (a savepoint here) on top
of the one `rolled_back` opens, so a test sees the shared data and what it writes
itself is undone at its end. Not for modules with transactional tests (`live_server`,
`transaction=True`): their flush would empty the shared data under the others.
"""

from contextlib import contextmanager

from django.db import transaction


@contextmanager
def rolled_back(django_db_blocker):
    """Open a transaction the shared data is written in; roll it back on leaving."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def copy_rows(model, rows: list[dict]) -> None:
    """Write rows of `model` with PostgreSQL's COPY: tens of thousands in a second.

    A row names the fields it sets by attname (`street_id`), geometries as EWKT text;
    every other field takes its default, as `bulk_create` would give it (no save(), no
    signals). `bulk_create` spends its time building model instances, GEOS points and
    SQL in Python.
    """
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    template = model()
    defaults = {
        f.attname: f.get_db_prep_save(f.pre_save(template, add=True), connection) for f in fields
    }
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    names = [f.attname for f in fields]
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([row[name] if name in row else defaults[name] for name in names])


def fast_flush(original):
    """Wrap a backend's `sql_flush` so that emptying the tables after a transactional
    test (`live_server`, `transaction=True`) deletes their rows instead of truncating.

    PostgreSQL's TRUNCATE makes new files for every table and index (about a second for
    this schema); a test leaves a few rows, which DELETE removes in milliseconds. The
    foreign keys Django makes are deferrable, so the order of the deletes does not
    matter. The end state is the same: every table empty, sequences as they were.
    """

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return original(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        quote = self.quote_name
        return ["SET CONSTRAINTS ALL DEFERRED", *(f"DELETE FROM {quote(t)}" for t in tables)]

    return sql_flush
