"""Background work of the maps app, run by the task worker (`manage.py db_worker`)."""

from django_tasks import task


@task()
def council_pack_task(job_id: str) -> None:
    """Make the council pack of PackJob `job_id` (a UUID string); see pack_job_run."""
    from maps.services import pack_job_run  # the task module is imported at start-up

    pack_job_run(job_id)
