"""`manage.py db_worker` is ours: each app warmed up, then django-tasks' database worker."""

import io
import logging

import pytest
from django.apps import apps
from django.core.management import call_command, get_commands

pytestmark = pytest.mark.django_db


def test_the_command_found_is_cores_warm_up_then_the_worker():
    assert get_commands()["db_worker"] == "core"


def test_the_worker_warms_each_app_up_before_it_runs_tasks(monkeypatch):
    from django_tasks_db.management.commands.db_worker import Worker

    called = []
    maps = apps.get_app_config("maps")
    monkeypatch.setattr(maps, "worker_warm_up", lambda: called.append("maps"), raising=False)
    # The loop itself is django-tasks' (it closes the test's connection between polls).
    monkeypatch.setattr(Worker, "run", lambda worker: called.append(worker.queue_names))
    monkeypatch.setattr(Worker, "configure_signals", lambda worker: None)  # pytest keeps its own
    call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0,
                 stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    assert called == ["maps", ["default"]]


def test_a_failing_warm_up_is_logged_and_the_others_still_run(monkeypatch, caplog):
    def broken():
        raise OSError("no fonts")

    called = []
    monkeypatch.setattr(apps.get_app_config("layers"), "worker_warm_up", broken, raising=False)
    monkeypatch.setattr(
        apps.get_app_config("maps"), "worker_warm_up", lambda: called.append("maps"), raising=False
    )
    from core.management.commands.db_worker import warm_up

    with caplog.at_level(logging.ERROR):
        warm_up()
    assert called == ["maps"]
    assert "layers app's warm-up failed" in caplog.text


def test_the_maps_warm_up_loads_the_printing_stack_without_reading_the_database(
    django_assert_num_queries,
):
    with django_assert_num_queries(0):
        apps.get_app_config("maps").worker_warm_up()
