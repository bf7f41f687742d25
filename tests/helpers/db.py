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
