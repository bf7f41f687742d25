"""Background work of the reports app, run by the task worker (`manage.py db_worker`).

Queued inside the transaction that files a report (django_tasks_db writes the task's row
on the same connection), so a report that rolls back queues nothing, and a filed report's
mail is not lost when the web process stops right after the commit.
"""

from django_tasks import task


@task()
def report_filed_mail_task(report_id: int) -> None:
    """Send the mail of a new report (staff, reporter, subscribers); see report_filed_mail."""
    from reports.notify import report_filed_mail  # the task module is imported at start-up

    report_filed_mail(report_id)


@task()
def photo_finish_task(photo_id: int) -> None:
    """Make a filed photo's stored copy from the file as sent; see photo_finish."""
    from reports.services.photos import photo_finish

    photo_finish(photo_id)
