"""The database health check asks the socket (core/postgis/base.py): a live idle
connection is usable without a round trip; one the server ended is not, and Django
then opens a new one for the request."""

import select

import psycopg
import pytest
from django.contrib.gis.db.backends.postgis.base import DatabaseWrapper as PostGISWrapper
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def end_session_from_outside() -> None:
    """End this connection's session as a restart does, and wait for its goodbye."""
    pid = connection.connection.info.backend_pid
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    readable, _, _ = select.select([connection.connection.fileno()], [], [], 10)
    assert readable, "the server's FATAL message arrives"


def test_a_live_idle_connection_is_usable_without_a_query(monkeypatch):
    connection.ensure_connection()
    asked = []
    monkeypatch.setattr(PostGISWrapper, "is_usable", lambda self: asked.append(1) or True)
    assert connection.is_usable()
    assert asked == [], "no SELECT 1 sent"


def test_a_session_the_server_ended_is_not_usable_and_is_replaced():
    connection.ensure_connection()
    old_pid = connection.connection.info.backend_pid
    end_session_from_outside()
    assert not connection.is_usable()
    # What Django does at a request's first query with CONN_HEALTH_CHECKS on:
    connection.health_check_done = False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != old_pid
    connection.close()


def test_a_closed_connection_is_not_usable():
    connection.ensure_connection()
    connection.connection.close()
    assert not connection.is_usable()
    connection.close()
