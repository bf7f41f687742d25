"""Public lists of reports: the map's GeoJSON and the open reports near a new one."""

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db.models import CharField, F, Value
from django.db.models.functions import Coalesce, Concat, Left, NullIf

from layers import geojson
from reports.models import Report
from reports.selectors.fields import first_photo, open311_status, statuses_expand

DUPLICATE_RADIUS_M = 50


REPORT_PROPERTIES = {
    "number": "number",
    "category_code": "category__code",
    "category_name": "category__name_uk",
    "status": "status",
    "open311_status": open311_status(),
    "settlement_katottg": "settlement__katottg",
    "settlement_name": "settlement__name_uk",
    "address": "address_text",
    "summary": Left("description", 140),
    "supporters": "supporters_count",
    "created_at": "created_at",
    "url": Concat(Value("/reports/"), F("number"), Value("/")),
    # NULL when the report has no photo.
    "thumbnail": NullIf(
        Concat(
            Value(settings.MEDIA_URL),
            Coalesce(first_photo("thumbnail"), Value("")),
            output_field=CharField(),
        ),
        Value(settings.MEDIA_URL),
    ),
}


def report_list_geojson(
    *,
    bbox: tuple[float, float, float, float] | None = None,
    statuses: list[str] | None = None,
    category: str | None = None,
    settlement: str | None = None,
) -> str:
    """Return public reports as a GeoJSON FeatureCollection (EPSG:4326), newest first.

    `statuses` may hold our status codes and "open"/"closed"; InvalidInput for others.
    """
    queryset = Report.objects.public().order_by("-created_at", "-id")
    if bbox:
        queryset = queryset.in_bbox(bbox)
    if statuses:
        queryset = queryset.filter(status__in=statuses_expand(statuses))
    if category:
        queryset = queryset.filter(category__code=category)
    if settlement:
        queryset = queryset.filter(settlement__katottg=settlement)
    return geojson.feature_collection(
        queryset, geometry="location", properties=REPORT_PROPERTIES, id_field="number"
    )


def reports_nearby_open(
    *, lat: float, lon: float, category: str, radius_m: float = DUPLICATE_RADIUS_M
) -> list[dict]:
    """Return open public reports of a category within `radius_m` m of a point, nearest first.

    Offered before filing a new report: "is it one of these?".
    """
    point = Point(lon, lat, srid=4326)
    reports = (
        Report.objects.public()
        .open()
        .filter(category__code=category)
        .near(point, radius_m)
        .select_related("category")[:10]
    )
    return [
        {
            "number": report.number,
            "summary": report.description[:140],
            "status": report.status,
            "status_name": report.get_status_display(),
            "supporters": report.supporters_count,
            "distance_m": round(report.distance.m, 1),
            "created_at": report.created_at.isoformat(),
            "url": f"/reports/{report.number}/",
        }
        for report in reports
    ]
