"""One migrated template database per test run; each xdist worker's database a copy.

pytest-django gives every xdist worker its own test database (`<name>_gw0`, `_gw1`…) and
migrates each of them: four workers ran the same migrations four times at once on two
cores (about 30 s of CPU each). Here the first worker to arrive migrates one template
database (`<name>_template`) while the others wait on a PostgreSQL advisory lock; then
each worker's database is made with `CREATE DATABASE … TEMPLATE`, a file copy of well
under a second.

The template carries a stamp (its database comment): a hash of every migration file and
of Django's version, plus, unless the databases are reused (`--reuse-db` without
`--create-db`), the xdist run's id, so that each run migrates a fresh template once and
a template left by an older run or older migrations is never copied. The controller
drops the template when the run ends (tests/conftest.py `pytest_sessionfinish`).

PostgreSQL refuses to copy a database another session is connected to: the template is
only ever connected to while it is being migrated, inside the lock, and the copies are
made inside the same lock.
"""

from __future__ import annotations

import hashlib
import sys
from contextlib import contextmanager
from pathlib import Path

TEMPLATE_SUFFIX = "_template"


def template_name(test_name: str, worker: str | None) -> str:
    """The template's name for a worker's test database name (`test_x_gw0` ->
    `test_x_template`), or for the controller's unsuffixed one."""
    base = test_name.removesuffix(f"_{worker}") if worker else test_name
    return base + TEMPLATE_SUFFIX


def controller_test_name(connection) -> str:
    """The unsuffixed test database name, as Django would choose it."""
    return connection.settings_dict["TEST"]["NAME"] or "test_" + connection.settings_dict["NAME"]


def migrations_hash() -> str:
    """A hash of Django's version and of every migration file on disk (the project's and
    the installed apps'): a new or edited migration makes a new template."""
    import django
    from django.db.migrations.loader import MigrationLoader

    digest = hashlib.sha256(django.get_version().encode())
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for key in sorted(loader.disk_migrations):
        module = sys.modules[type(loader.disk_migrations[key]).__module__]
        digest.update(repr(key).encode())
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:24]


def _lock_key(name: str) -> int:
    """A signed 64-bit advisory-lock key of its own for each template name, so that other
    checkouts' runs (other HROMADA_TEST_DB names) never wait for this one."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def _locked_cursor(connection, name: str):
    """A cursor on the maintenance database holding the advisory lock of `name`."""
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_lock_key(name)])
        try:
            yield cursor
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_lock_key(name)])


def _stamp_of(cursor, name: str) -> str | None:
    cursor.execute(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        [name],
    )
    row = cursor.fetchone()
    return row[0] if row else None


def _exists(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cursor.fetchone() is not None


def _migrate_template(connection, template: str, stamp: str, verbosity: int) -> None:
    """Create and migrate `template` with Django's own machinery, stamp it, and leave no
    session connected to it."""
    from django.conf import settings

    saved = connection.settings_dict["NAME"], connection.settings_dict["TEST"]["NAME"]
    connection.settings_dict["TEST"]["NAME"] = template
    try:
        connection.creation.create_test_db(
            verbosity=verbosity, autoclobber=True, serialize=False, keepdb=False
        )
        quoted = connection.ops.quote_name(template)
        with connection.cursor() as cursor:
            cursor.execute(f"COMMENT ON DATABASE {quoted} IS %s", [stamp])
    finally:
        connection.close()
        connection.settings_dict["NAME"], connection.settings_dict["TEST"]["NAME"] = saved
        settings.DATABASES[connection.alias]["NAME"] = saved[0]


def worker_database(connection, *, worker: str, stamp: str, keep: bool, verbosity: int):
    """Make this worker's test database a copy of the run's template (migrating the
    template first if no worker has yet) and point `connection` at it. Return the name
    the connection had, for `destroy_test_db`."""
    from django.conf import settings

    old_name = connection.settings_dict["NAME"]
    database = connection.settings_dict["TEST"]["NAME"]
    template = template_name(database, worker)
    quote = connection.ops.quote_name
    with _locked_cursor(connection, template) as cursor:
        stale = _stamp_of(cursor, template) != stamp
        if stale:
            _migrate_template(connection, template, stamp, verbosity)
        if stale or not (keep and _exists(cursor, database)):
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(database)}")
            cursor.execute(f"CREATE DATABASE {quote(database)} TEMPLATE {quote(template)}")
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = database
    connection.settings_dict["NAME"] = database
    connection.ensure_connection()
    return old_name


def destroy_worker_database(connection, old_name: str) -> None:
    """Drop this worker's test database at the end of its run and point `connection` back
    at `old_name`. WITH (FORCE): a server thread or a task-worker thread of a browser test
    may still hold a session on it, and a plain DROP then failed the run's last test."""
    from django.conf import settings
    from django.db import connections

    database = connection.settings_dict["NAME"]
    connections.close_all()
    settings.DATABASES[connection.alias]["NAME"] = old_name
    connection.settings_dict["NAME"] = old_name
    with connection.creation._nodb_cursor() as cursor:
        quoted = connection.ops.quote_name(database)
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")


def drop_template(connection) -> None:
    """Drop the run's template (the controller, at the end of an xdist run)."""
    template = template_name(controller_test_name(connection), None)
    with _locked_cursor(connection, template) as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(template)}")
