"""A live server over committed data (the demo community), made once for a module.

pytest-django's `live_server` makes every test transactional, so the demo would be
loaded and flushed again for each of them; here it is committed once, served by a
server thread of the module's own, and when the module is done the tables are flushed
and what the migrations had written (groups, permissions, categories) is put back, so
the tests after it find the database as they would have.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoSite:
    url: str
    report: str  # number of a public demo report
    staff_cookies: list[dict]  # the session of a signed-in staff planner


def _staff_cookies(url: str) -> list[dict]:
    """Sign in a throw-away staff planner (no password: a forced login) and return the
    session cookie for a browser context."""
    from django.conf import settings
    from django.test import Client

    from coverage.roles import PLANNERS
    from tests.helpers.users import make_user

    user = make_user("a11y-staff", groups=[PLANNERS], is_staff=True)
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": url}]


@contextmanager
def committed_site(django_db_blocker, load):
    """Commit what `load()` writes, serve it on a thread of its own; yield (the server's
    URL, what `load` returned). After: the tables are flushed and what the migrations
    had written is put back."""
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import modify_settings
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        migrated = connection.creation.serialize_db_to_string()
        try:
            loaded = load()
            server = LiveServer("localhost")
            hosts = modify_settings(ALLOWED_HOSTS={"append": "localhost"})
            hosts.enable()
            try:
                yield server.url, loaded
            finally:
                hosts.disable()
                server.stop()
        finally:
            # Sequences are kept (the flush command resets them by default): the rows the
            # migrations wrote come back with their ids, and a sequence back at 1 would
            # hand those ids out again (a duplicate key in a later test of this worker).
            call_command(
                "flush",
                interactive=False,
                verbosity=0,
                inhibit_post_migrate=True,
                reset_sequences=False,
            )
            connection.creation.deserialize_db_from_string(migrated)


@contextmanager
def demo_site(django_db_blocker):
    """Load the demo (committed), serve it on a thread, yield a DemoSite; flush after."""
    from django.core.management import call_command

    from reports.models import Report

    def load():
        call_command("load_demo", stdout=io.StringIO())
        return Report.objects.filter(is_approved=True, is_hidden=False).order_by("pk").first()

    with committed_site(django_db_blocker, load) as (url, report):
        with django_db_blocker.unblock():
            cookies = _staff_cookies(url)
        yield DemoSite(url, report.number, cookies)
