"""Free Wi-Fi hotspots: each stored with its coverage area, a disc buffered in the
territory's metric CRS (Territory.metric_srid)."""

from datetime import date

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point
from django.db import connection, transaction

from core.errors import InvalidInput
from coverage import compute
from coverage.models import CoverageArea, WifiHotspot
from coverage.services.areas import provider_get, snapshot_follow
from coverage.snapshot.incremental import AreaState
from layers.models import Facility
from layers.selectors import metric_srid_current


def hotspot_buffer(location: Point, radius_m: float) -> MultiPolygon:
    """Return the disc of `radius_m` metres around a point, buffered in the territory's
    metric CRS (its УСК-2000 zone), as an EPSG:4326 MultiPolygon (32 segments per
    quarter circle)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT ST_AsEWKB(ST_Multi(ST_Transform(
                   ST_Buffer(ST_Transform(ST_GeomFromEWKB(%s), %s), %s, 32), 4326)))""",
            [bytes(location.ewkb), metric_srid_current(), radius_m],
        )
        return GEOSGeometry(memoryview(bytes(cursor.fetchone()[0])))


@transaction.atomic
def hotspot_save(
    *,
    name: str,
    provider: str,
    location: Point,
    radius_m: float,
    facility_id: int | None = None,
    opened_on: date | None = None,
    down_mbps: int = 100,
    up_mbps: int = 20,
    is_demo: bool = False,
) -> WifiHotspot:
    """Create or update (by name) a Free Wi-Fi hotspot and its buffered coverage area.

    Raises InvalidInput for a non-positive or absurd radius (> HOTSPOT_MAX_RADIUS_M), an
    unknown provider or facility.
    """
    try:
        radius_m = compute.validate_radius_m(radius_m)
    except ValueError as exc:
        raise InvalidInput(str(exc), code="invalid_radius") from None
    owner = provider_get(provider)
    if facility_id is not None and not Facility.objects.filter(pk=facility_id).exists():
        raise InvalidInput(f"Unknown facility {facility_id}.", code="unknown_facility")
    location = Point(location.x, location.y, srid=4326)
    hotspot, _ = WifiHotspot.objects.update_or_create(
        name=name,
        defaults={
            "provider": owner,
            "location": location,
            "radius_m": round(radius_m),
            "facility_id": facility_id,
            "opened_on": opened_on,
            "down_mbps": down_mbps,
            "up_mbps": up_mbps,
            "is_demo": is_demo,
        },
    )
    old = CoverageArea.objects.filter(hotspot=hotspot).first()
    before = [] if old is None else [AreaState.of(old)]
    area, _ = CoverageArea.objects.update_or_create(
        hotspot=hotspot,
        defaults={
            "provider": owner,
            "technology": "wifi",
            "down_mbps": down_mbps,
            "up_mbps": up_mbps,
            "source": CoverageArea.Source.HOTSPOT,
            "valid_from": opened_on,
            "area": hotspot_buffer(location, radius_m),
            "note": name,
            "is_demo": is_demo,
        },
    )
    snapshot_follow(before=before, after=[AreaState.of(area)])
    return hotspot
