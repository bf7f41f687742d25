"""Reads of the coverage areas and hotspots as drawn, and of what reaches one point.

GeoJSON is built in PostGIS (EPSG:4326); nothing here reads a snapshot.
"""

from django.db import connection
from django.db.models import F
from django.utils import timezone

from core.errors import NotFound
from core.names import local_name
from coverage import compute
from coverage.models import CoverageArea, WifiHotspot
from coverage.specs import AREA_PROPERTIES
from layers.geojson import feature_collection


def provider_names_local() -> dict[str, str]:
    """Return {stored name: name in the page's language} of the providers whose names differ.

    Providers are named as they call themselves (in Ukrainian); an English page shows
    the official transliteration (core.names.local_name). Empty on Ukrainian pages. The
    maps' tiles and GeoJSON keep the stored name (one cached answer for both languages);
    the page renames them where it shows them.
    """
    from coverage.models import Provider

    names = Provider.objects.values_list("name", flat=True)
    return {name: local_name(name) for name in names if local_name(name) != name}


def areas_geojson(*, provider: str | None = None, technology: str | None = None) -> str:
    """Return the coverage areas (optionally of one provider or technology) as GeoJSON."""
    areas = CoverageArea.objects.order_by("id")
    if provider:
        areas = areas.filter(provider__name=provider)
    if technology:
        areas = areas.filter(technology=technology)
    return feature_collection(
        areas,
        geometry="area",
        properties={
            **AREA_PROPERTIES,
            "valid_from": "valid_from",
            "valid_to": "valid_to",
            "hotspot_id": "hotspot_id",
        },
    )


def area_feature_geojson(area_id: int) -> str:
    from layers.geojson import feature

    text = feature(
        CoverageArea.objects.filter(pk=area_id),
        geometry="area",
        properties=AREA_PROPERTIES,
    )
    if text is None:
        raise NotFound(f"No coverage area {area_id}.")
    return text


def hotspots_geojson() -> str:
    """Return the Free Wi-Fi hotspots as GeoJSON points."""
    return feature_collection(
        WifiHotspot.objects.order_by("name"),
        geometry="location",
        properties={
            "name": "name",
            "provider_name": F("provider__name"),
            "radius_m": "radius_m",
            "facility_id": "facility_id",
            "opened_on": "opened_on",
            "down_mbps": "down_mbps",
            "up_mbps": "up_mbps",
        },
    )


def coverage_at(*, lat: float, lon: float) -> dict:
    """Return what reaches a point today: each provider's technology and advertised speeds,
    best first, and the point's tier. A point-in-polygon read, not a computation."""
    from coverage.snapshot.inputs import thresholds_from_settings  # loads pyproj: only here

    t = thresholds_from_settings()
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT p.name, c.technology, c.down_mbps, c.up_mbps
               FROM coverage_coveragearea c JOIN coverage_provider p ON p.id = c.provider_id
               WHERE (c.valid_from IS NULL OR c.valid_from <= %(today)s)
                 AND (c.valid_to IS NULL OR c.valid_to >= %(today)s)
                 AND ST_Intersects(c.area, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326))
               ORDER BY c.down_mbps DESC, c.up_mbps DESC, p.name""",
            {"lat": lat, "lon": lon, "today": timezone.localdate()},
        )
        rows = cursor.fetchall()
    offers = [
        {
            "provider": name,
            "technology": tech,
            "down_mbps": down,
            "up_mbps": up,
            "tier": compute.speed_tier(down, up, t),
        }
        for name, tech, down, up in rows
    ]
    level = max((compute.speed_level(o["down_mbps"], o["up_mbps"], t) for o in offers), default=0)
    return {
        "lat": lat,
        "lon": lon,
        "tier": ("unserved", "underserved", "served")[level],
        "offers": offers,
    }
