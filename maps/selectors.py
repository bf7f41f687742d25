"""Reads the map pages need beyond the layer APIs."""

import uuid

from django.contrib.gis.db.models import Extent
from django.contrib.gis.db.models.functions import Envelope
from django.utils.translation import gettext as _

from core.errors import NotFound
from layers.models import Territory
from maps.models import PackJob


def territory_bounds() -> list[list[float]] | None:
    """Return [[south, west], [north, east]] of every territory, or None when there is none.

    Degrees in EPSG:4326, rounded to 6 decimals (about 0.1 m).
    """
    extent = Territory.objects.aggregate(extent=Extent("boundary"))["extent"]
    if extent is None:
        return None
    west, south, east, north = (round(value, 6) for value in extent)
    return [[south, west], [north, east]]


def village_bounds() -> dict[str, list[float]]:
    """Return {KATOTTG code: [west, south, east, north]} of the villages with a boundary
    (degrees, EPSG:4326, 6 decimals), for the print page's map to show a chosen village."""
    from layers.models import Settlement

    rows = Settlement.objects.filter(boundary__isnull=False).annotate(box=Envelope("boundary"))
    return {row.katottg: [round(v, 6) for v in row.box.extent] for row in rows.only("katottg")}


def pack_job_for(user, job_id) -> PackJob:
    """Return the council pack job `job_id` (without its PDF) if `user` may have it: it
    holds only layers they may print. NotFound (404) for an unknown or malformed id."""
    from maps.services import pack_key

    try:
        job = PackJob.objects.defer("pdf").get(pk=uuid.UUID(str(job_id)))
    except (ValueError, PackJob.DoesNotExist):
        raise NotFound(_("There is no council pack job %(id)s.") % {"id": job_id}) from None
    if job.key != pack_key(user, paper=job.paper, map_date=job.map_date):
        raise NotFound(_("There is no council pack job %(id)s.") % {"id": job_id})
    return job


def pack_pdf(job) -> bytes:
    """Return the stored PDF of a job that is done; NotFound (404) otherwise."""
    pdf = PackJob.objects.filter(pk=job.pk, status=PackJob.Status.DONE).values_list(
        "pdf", flat=True
    )
    found = next(iter(pdf), None)
    if found is None:
        raise NotFound(_("The council pack is not ready."))
    return bytes(found)
