"""Reads of the base layers for the APIs and pages."""

from django.conf import settings
from django.contrib.gis.geos import Point, Polygon
from django.db import connection
from django.db.models import F, FloatField, Func, Q

from core.errors import InvalidInput, NotFound
from layers import compute, geojson
from layers.models import Facility, Settlement, Territory


class _AreaKm2(Func):
    """Area of a geometry (EPSG:4326) in km² rounded to 3 decimals, measured in the metric
    CRS its territory stored (`srid`: an expression naming Territory.metric_srid)."""

    template = "ROUND((ST_Area(ST_Transform(%(expressions)s)) / 1e6)::numeric, 3)"
    output_field = FloatField()

    def __init__(self, expression, srid):
        super().__init__(expression, srid)


TERRITORY_PROPERTIES = {
    "katottg": "katottg",
    "name_uk": "name_uk",
    "name_en": "name_en",
    "area_km2": _AreaKm2(F("boundary"), F("metric_srid")),
    "position_accuracy": "position_accuracy",
    "is_demo": "is_demo",
}

SETTLEMENT_PROPERTIES = {
    "katottg": "katottg",
    "name_uk": "name_uk",
    "name_en": "name_en",
    "kind": "kind",
    "population": "population",
    "households": "households",
    "area_km2": _AreaKm2(F("boundary"), F("territory__metric_srid")),
    "position_accuracy": "position_accuracy",
    "territory_katottg": "territory__katottg",
    "is_demo": "is_demo",
}

FACILITY_PROPERTIES = {
    "name": "name",
    "kind": "kind",
    "settlement_katottg": "settlement__katottg",
    "settlement_name_uk": "settlement__name_uk",
    "address_text": "address_text",
    "internet": "internet",
    "technology": "technology",
    "down_mbps": "down_mbps",
    "up_mbps": "up_mbps",
    "connected_since": "connected_since",
    "position_accuracy": "position_accuracy",
    "is_demo": "is_demo",
}


def metric_srid_current() -> int:
    """Return the EPSG code of the metric CRS to measure and draw in: the УСК-2000 zone
    stored with the loaded territory (the one most territories share when several are
    loaded), settings.METRIC_SRID (6385) when none is."""
    return metric_srid_of(Territory.objects.order_by("id"))


def metric_srid_of(territories) -> int:
    """Return the metric CRS (EPSG code) of these territories measured together: the zone
    most of them share, settings.METRIC_SRID for none. `territories`: Territory rows or a
    queryset of them."""
    if hasattr(territories, "values_list"):
        srids = territories.values_list("metric_srid", flat=True)
    else:
        srids = (t.metric_srid for t in territories)
    return compute.common_srid(srids, settings.METRIC_SRID)


def territory_geojson() -> str:
    """Return every territory as a FeatureCollection (boundaries, EPSG:4326)."""
    return geojson.feature_collection(
        Territory.objects.order_by("katottg"), geometry="boundary", properties=TERRITORY_PROPERTIES
    )


def settlement_list_geojson(*, geometry: str = "boundary") -> str:
    """Return every settlement as a FeatureCollection; geometry "boundary" or "centre"."""
    return geojson.feature_collection(
        Settlement.objects.order_by("name_uk"),
        geometry=geometry,
        properties=SETTLEMENT_PROPERTIES,
        id_field="katottg",
    )


def settlement_detail_geojson(*, katottg: str, geometry: str = "boundary") -> str:
    """Return one settlement as a Feature; NotFound when the code is unknown."""
    text = geojson.feature(
        Settlement.objects.filter(katottg=katottg),
        geometry=geometry,
        properties=SETTLEMENT_PROPERTIES,
        id_field="katottg",
    )
    if text is None:
        raise NotFound(f"No settlement with KATOTTG code {katottg}.")
    return text


def facility_list_geojson(
    *, settlement: str | None = None, kind: str | None = None, internet: str | None = None
) -> str:
    """Return facilities as a FeatureCollection, filtered by settlement code, kind, internet."""
    queryset = Facility.objects.order_by("settlement__name_uk", "name")
    if settlement:
        if not Settlement.objects.filter(katottg=settlement).exists():
            raise NotFound(f"No settlement with KATOTTG code {settlement}.")
        queryset = queryset.filter(settlement__katottg=settlement)
    queryset = queryset.filter(**_choice_filter("kind", kind, Facility.Kind))
    queryset = queryset.filter(**_choice_filter("internet", internet, Facility.Internet))
    return geojson.feature_collection(queryset, geometry="location", properties=FACILITY_PROPERTIES)


def _choice_filter(field: str, value: str | None, choices) -> dict:
    """Return a filter on a choice field, or raise InvalidInput naming the allowed values."""
    if not value:
        return {}
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        raise InvalidInput(
            f"Unknown {field} '{value}'. Allowed: {allowed}.", code=f"invalid_{field}"
        )
    return {field: value}


def location_describe(*, lat: float, lon: float) -> dict:
    """Tell which territory and settlement contain a point (EPSG:4326 degrees).

    When no settlement contains it, name the nearest one within LOCATE_NEAREST_MAX_M
    metres (measured in METRIC_SRID) with its distance.
    """
    point = Point(lon, lat, srid=4326)
    territory = Territory.objects.filter(boundary__intersects=point).first()
    inside = Settlement.objects.containing(point).select_related("territory").first()
    result = {
        "lat": lat,
        "lon": lon,
        "in_territory": territory is not None,
        "territory": _territory_brief(territory),
        "settlement": _settlement_brief(inside),
        "nearest": None,
    }
    if inside is None:
        result["nearest"] = _nearest_settlement(point)
    return result


# Half the side of the box (degrees) a nearest settlement is looked for in: 0.1° is at
# least 11 km north-south, far more than LOCATE_NEAREST_MAX_M.
_NEAR_BOX_DEG = 0.1


def _nearest_settlement(point: Point) -> dict | None:
    # Only settlements in a box around the point are measured: a point far from any of
    # them (latitude 89, a fuzzer's favourite) lies outside the metric CRS's domain, and
    # ST_Transform of it fails (a 500) where the answer is simply "none nearby".
    box = Polygon.from_bbox(
        (
            point.x - _NEAR_BOX_DEG,
            point.y - _NEAR_BOX_DEG,
            point.x + _NEAR_BOX_DEG,
            point.y + _NEAR_BOX_DEG,
        )
    )
    box.srid = 4326
    near = Q(boundary__bboverlaps=box) | Q(boundary__isnull=True, centre__bboverlaps=box)
    candidates = Settlement.objects.filter(near)
    # Asked first, apart: PostgreSQL folds the point's ST_Transform at planning time, so
    # the distance query fails for such a point even when the box matches no row.
    if not candidates.exists():
        return None
    nearest = candidates.with_distance_m(point).first()
    if nearest is None or nearest.distance.m > settings.LOCATE_NEAREST_MAX_M:
        return None
    return {**_settlement_brief(nearest), "distance_m": round(nearest.distance.m, 1)}


def _territory_brief(territory: Territory | None) -> dict | None:
    if territory is None:
        return None
    return {
        "katottg": territory.katottg,
        "name_uk": territory.name_uk,
        "name_en": territory.name_en,
    }


def _settlement_brief(settlement: Settlement | None) -> dict | None:
    if settlement is None:
        return None
    return {
        "katottg": settlement.katottg,
        "name_uk": settlement.name_uk,
        "name_en": settlement.name_en,
    }


def system_versions() -> dict:
    """Return PostgreSQL, PostGIS, GEOS, PROJ and GDAL versions as the database reports them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('server_version'), PostGIS_Lib_Version(), "
            "PostGIS_GEOS_Version(), PostGIS_PROJ_Version()"
        )
        postgres, postgis, geos, proj = cursor.fetchone()
    from django.contrib.gis.gdal import gdal_version

    return {
        "postgresql": postgres,
        "postgis": postgis,
        "geos": geos,
        "proj": proj,
        "gdal": gdal_version().decode(),
    }
