"""`manage.py db_worker`: django-tasks' database worker, each app warmed up first.

The same command, options and behaviour as django_tasks_db's (this one is found first:
INSTALLED_APPS lists the project's apps before django_tasks_db), with one step before the
worker claims its first task: every app config's `worker_warm_up()`, when it has one, so
that the first task waits for no library to load (maps: the printing stack, about two
seconds of a council pack otherwise). A warm-up that fails is logged and the worker
starts anyway: the task then loads what it needs as it would have.
"""

import logging
import os

from django.apps import apps
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

logger = logging.getLogger(__name__)


def warm_up() -> None:
    """Call each installed app's `worker_warm_up()`, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        hook = getattr(config, "worker_warm_up", None)
        if hook is None:
            continue
        try:
            hook()
        except Exception:
            logger.exception("the %s app's warm-up failed; the worker starts anyway", config.label)


class Command(DatabaseWorker):
    help = f"{DatabaseWorker.help} Each app's worker_warm_up() runs first."

    def handle(self, *args, **options) -> None:
        # With --reload, the first process only watches the files and restarts a child
        # that runs the tasks: only that child warms up.
        if not options.get("reload") or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            warm_up()
        super().handle(*args, **options)
