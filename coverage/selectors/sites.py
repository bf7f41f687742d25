"""Where to put the next Free Wi-Fi zone: candidate sites ranked by the households they
would newly reach (distances in METRIC_SRID, metres)."""

from django.conf import settings
from django.db import connection
from django.utils import timezone

from core.errors import InvalidInput
from coverage import compute, sql
from layers.models import Facility

# Suggested zones may reach further than one access point (a mast with several).
WIFI_SITES_MAX_RADIUS_M = 5000


def _fixed_broadband_ids() -> set[int]:
    """Facilities inside a fixed-broadband area valid today, at any advertised speed (a
    village on DSL already has a line to build on; one without any comes first)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT f.id FROM layers_facility f
               WHERE EXISTS (SELECT 1 FROM coverage_coveragearea a
                             WHERE a.technology = ANY(%(fixed)s)
                               AND (a.valid_from IS NULL OR a.valid_from <= %(today)s)
                               AND (a.valid_to IS NULL OR a.valid_to >= %(today)s)
                               AND ST_Intersects(a.area, f.location))""",
            {"fixed": list(compute.FIXED), "today": timezone.localdate()},
        )
        return {row[0] for row in cursor.fetchall()}


def _candidates(points: list[tuple[float, float]] | None, include_served: bool) -> list[dict]:
    if points:
        return [
            {"kind": "point", "id": i + 1, "name": f"#{i + 1}", "lon": lon, "lat": lat}
            for i, (lon, lat) in enumerate(points)
        ]
    skip = set() if include_served else _fixed_broadband_ids()
    return [
        {
            "kind": "facility",
            "id": f.pk,
            "name": f.name,
            "settlement_uk": f.settlement.name_uk,
            "settlement_en": f.settlement.name_en,
            "lon": f.location.x,
            "lat": f.location.y,
        }
        for f in Facility.objects.select_related("settlement").only(
            "id", "name", "location", "settlement__name_uk", "settlement__name_en"
        )
        if f.pk not in skip
    ]


def _pairs(candidates: list[dict], radius_m: float) -> list[tuple[int, int, int, bool]]:
    """Return (candidate index, address id, households, already on Wi-Fi) pairs in reach."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.i, a.id, a.households,
                      EXISTS (SELECT 1 FROM coverage_coveragearea w
                              WHERE w.technology = 'wifi'
                                AND (w.valid_from IS NULL OR w.valid_from <= %(today)s)
                                AND (w.valid_to IS NULL OR w.valid_to >= %(today)s)
                                AND ST_Intersects(w.area, a.location))
               FROM unnest(%(lon)s::float8[], %(lat)s::float8[])
                    WITH ORDINALITY AS c(lon, lat, i)
               JOIN addresses_address a
                 ON a.status = 'active' AND a.location IS NOT NULL
                AND ST_DWithin(ST_Transform(a.location, %(srid)s),
                               ST_Transform(ST_SetSRID(ST_MakePoint(c.lon, c.lat), 4326), %(srid)s),
                               %(r)s)""",
            {
                "lon": [c["lon"] for c in candidates],
                "lat": [c["lat"] for c in candidates],
                "srid": settings.METRIC_SRID,
                "r": radius_m,
                "today": timezone.localdate(),
            },
        )
        return cursor.fetchall()


def wifi_sites_suggest(
    *,
    k: int,
    radius_m: float,
    points: list[tuple[float, float]] | None = None,
    include_served: bool = False,
) -> dict:
    """Pick up to k sites for new Free Wi-Fi zones that newly reach the most households.

    Candidates are the posted points (lon, lat in EPSG:4326) or else the municipal
    facilities, leaving out (unless `include_served`) those already inside fixed broadband
    of any speed, so villages without it come first. A household counts once, and not at
    all when an existing Wi-Fi zone already reaches its address. Distances in METRIC_SRID.
    InvalidInput for k < 1 or a bad radius.
    """
    if not 1 <= k <= compute.WIFI_SITES_MAX_K:
        raise InvalidInput(f"k must be from 1 to {compute.WIFI_SITES_MAX_K}.", code="invalid_k")
    try:
        radius_m = compute.validate_radius_m(radius_m, maximum=WIFI_SITES_MAX_RADIUS_M)
    except ValueError as exc:
        raise InvalidInput(str(exc), code="invalid_radius") from None
    candidates = _candidates(points, include_served)
    pairs = (
        _pairs(candidates, radius_m) if candidates and sql.table_exists("addresses_address") else []
    )
    reach: dict[int, set[int]] = {i: set() for i in range(1, len(candidates) + 1)}
    weights, on_wifi = {}, set()
    for i, address_id, households, already in pairs:
        reach[i].add(address_id)
        weights[address_id] = households
        if already:
            on_wifi.add(address_id)
    picks = compute.greedy_max_coverage(reach, weights, k, already_covered=on_wifi)
    total = 0
    out = []
    for pick in picks:
        total += pick.gain
        out.append(
            {
                **candidates[pick.site - 1],
                "households_added": pick.gain,
                "addresses_added": len(pick.elements),
                "households_total": total,
            }
        )
    return {
        "k": k,
        "radius_m": radius_m,
        "include_served": include_served,
        "candidates": len(candidates),
        "sites": out,
    }
