"""Reads of Open311 GeoReport v2: service requests by filter, by id and by token."""

import math
import uuid
from datetime import datetime

from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db.models import Q
from django.utils.translation import gettext as _

from core.errors import NotFound
from reports.models import Report
from reports.selectors.fields import first_photo, latest_public_note, statuses_expand

OPEN311_MAX_REQUESTS = 1000


def open311_requests(
    *,
    ids: list[str] | None = None,
    service_codes: list[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    statuses: list[str] | None = None,
    near: tuple[float, float, float] | None = None,
):
    """Public reports for Open311 GET requests, newest first, at most 1,000.

    `ids` overrides every other argument (as the specification says); otherwise the
    range [start, end] is applied as given (the caller supplies the 90-day default).
    `near` (lat, long, radius in metres) keeps the reports within that distance.
    """
    queryset = _open311_base()
    if ids:
        return queryset.filter(number__in=ids)[:OPEN311_MAX_REQUESTS]
    if service_codes:
        queryset = queryset.filter(category__code__in=service_codes)
    if start:
        queryset = queryset.filter(created_at__gte=start)
    if end:
        queryset = queryset.filter(created_at__lte=end)
    if statuses:
        queryset = queryset.filter(status__in=statuses_expand(statuses))
    if near:
        queryset = queryset.filter(_near_q(*near))
    return queryset[:OPEN311_MAX_REQUESTS]


def _near_q(lat: float, lon: float, radius_m: float) -> Q:
    """Reports within `radius_m` metres of (lat, lon): a box in degrees the GiST index
    answers, then the distance on the spheroid."""
    centre = Point(lon, lat, srid=4326)
    degrees = radius_m / (111_000 * max(math.cos(math.radians(lat)), 0.01)) + 1e-6
    return Q(location__dwithin=(centre, degrees)) & Q(
        location__distance_lte=(centre, D(m=radius_m))
    )


def open311_request_get(number: str) -> Report:
    """One public report for Open311 GET requests/{id}; NotFound otherwise."""
    report = _open311_base().filter(number=number).first()
    if report is None:
        raise NotFound(_("service_request_id %s was not found.") % number)
    return report


def open311_token_get(token: str) -> Report:
    """The public report an Open311 token names; NotFound otherwise."""
    try:
        report = Report.objects.public().filter(open311_token=uuid.UUID(token)).first()
    except ValueError:
        report = None
    if report is None:
        raise NotFound(_("token %s was not found.") % token)
    return report


# Geometries a service request does not show: parsing a village's boundary polygon (and the
# street's route) once per row made a page of 1,000 requests several times slower.
_OPEN311_DEFERRED = (
    "settlement__boundary",
    "settlement__centre",
    "nearest_address__location",
    "nearest_address__street__route",
    "nearest_address__settlement__boundary",
    "nearest_address__settlement__centre",
)


def _open311_base():
    return (
        Report.objects.public()
        .select_related(
            "category", "settlement", "nearest_address__street", "nearest_address__settlement"
        )
        .defer(*_OPEN311_DEFERRED)
        .annotate(
            status_notes=latest_public_note(),
            first_photo=first_photo("image"),
        )
        .order_by("-created_at", "-id")
    )
