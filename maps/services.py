"""Writes of the maps app: council packs started from the web and made by the worker."""

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from layers.models import Settlement
from maps.models import PackJob

logger = logging.getLogger(__name__)
# A job that has not moved for this long lost its worker (killed, machine restarted): a
# new request starts again instead of waiting for it forever. A page takes seconds.
STALE_AFTER = timedelta(minutes=15)
# The pages besides the villages' atlas pages: cover, overview map, reports summary.
PACK_EXTRA_PAGES = 3


def pack_key(user, *, paper: str, map_date) -> str:
    """Return what a pack for `user` holds: paper, date and the layers they may print
    (two people who see the same layers get the same pack)."""
    from maps.printing import print_layers

    layers = ",".join(sorted(spec.id for spec in print_layers(user)))
    return f"{paper}|{map_date:%Y-%m-%d}|{layers}"


def _stale_fail(key: str) -> None:
    PackJob.objects.filter(
        key=key, status__in=PackJob.ACTIVE, updated_at__lt=timezone.now() - STALE_AFTER
    ).update(
        status=PackJob.Status.FAILED,
        error=_("The pack stopped making progress (the worker was stopped). Start it again."),
    )


def pack_job_start(user, *, paper: str = "A4") -> PackJob:
    """Queue the council pack for `user`, or return the job already making the same pack.

    PrintError (400) for a paper the printer cannot take. Two requests at once get one
    job: the second one's INSERT hits the partial unique index and reads the first's.
    """
    from maps.printing.document import today
    from maps.printing.options import options_check
    from maps.tasks import council_pack_task

    options_check(paper=paper, orientation="portrait", layers=("territory",))
    map_date = today()
    key = pack_key(user, paper=paper, map_date=map_date)
    _stale_fail(key)
    active = PackJob.objects.filter(key=key, status__in=PackJob.ACTIVE).defer("pdf")
    job = active.first()
    if job is not None:
        return job
    try:
        with transaction.atomic():
            job = PackJob.objects.create(
                key=key,
                paper=paper,
                map_date=map_date,
                requested_by=user,
                pages_total=Settlement.objects.count() + PACK_EXTRA_PAGES,
            )
            council_pack_task.enqueue(str(job.pk))
    except IntegrityError:
        return active.get()
    return job


def _progress(job_id) -> None:
    PackJob.objects.filter(pk=job_id).update(
        pages_done=F("pages_done") + 1, updated_at=timezone.now()
    )


def pack_job_run(job_id: str) -> None:
    """Draw the pack of a queued job, counting pages; store the PDF only when it is whole.

    A failure marks the job failed with a message for the page (a print error's own
    message, otherwise a general one; the details go to the log) and stores no PDF.
    """
    from maps.printing.pack import council_pack_pdf

    claimed = PackJob.objects.filter(pk=job_id, status=PackJob.Status.QUEUED).update(
        status=PackJob.Status.RUNNING, pages_done=0, updated_at=timezone.now()
    )
    if not claimed:
        return  # already made, failed or taken by another worker
    job = PackJob.objects.select_related("requested_by").defer("pdf").get(pk=job_id)
    try:
        if job.requested_by is None or not job.requested_by.is_active:
            raise ApplicationError(_("The person who asked for the pack can no longer print."))
        pdf = council_pack_pdf(
            job.requested_by,
            paper=job.paper,
            map_date=job.map_date,
            progress=lambda step: _progress(job_id),
        )
    except Exception as exc:
        logger.exception("council pack %s failed", job_id)
        message = exc.message if isinstance(exc, ApplicationError) else ""
        PackJob.objects.filter(pk=job_id).update(
            status=PackJob.Status.FAILED,
            error=message or _("The pack could not be made because of an error on the server."),
            updated_at=timezone.now(),
        )
        return
    PackJob.objects.filter(pk=job_id).update(
        status=PackJob.Status.DONE, pdf=pdf, pages_done=F("pages_total"), updated_at=timezone.now()
    )
