"""Run the task queue's work inside a test, as `manage.py db_worker` would."""

from django.db import transaction
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def queue_worker() -> Worker:
    """A worker configured as `manage.py db_worker` runs one task at a time."""
    return Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id="test-worker",
        excluded_queue_names=[],
    )


def run_queued_tasks(task_path: str | None = None) -> int:
    """Claim and run every ready task (only those of `task_path` when given), oldest
    first; return how many ran."""
    worker, ran = queue_worker(), 0
    ready = DBTaskResult.objects.ready()
    if task_path is not None:
        ready = ready.filter(task_path=task_path)
    while True:
        with transaction.atomic():
            task_result = ready.get_locked()
            if task_result is None:
                return ran
            task_result.claim(worker.worker_id)
        worker.run_task(task_result)
        ran += 1


PHOTO_TASK = "reports.tasks.photo_finish_task"


def finish_photos() -> int:
    """Run the queued photo tasks (the stored copies of filed photos) as the worker would,
    leaving every other task queued; return how many ran. The file as sent is deleted on
    commit: in a test inside a transaction, under django_capture_on_commit_callbacks."""
    return run_queued_tasks(PHOTO_TASK)
