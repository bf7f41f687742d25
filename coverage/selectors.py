"""Reads of the coverage app. Nothing here computes coverage: it reads the current
CoverageSnapshot written by coverage.services.coverage_compute."""

import csv
import io
from collections.abc import Iterator

from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone

from core.errors import InvalidInput, NotFound
from coverage import compute, sql
from coverage.models import (
    CoverageArea,
    CoverageGap,
    CoverageHexagon,
    CoverageSnapshot,
    StrategyTarget,
    UnservedAddress,
    WifiHotspot,
)
from layers.geojson import feature_collection
from layers.models import Facility


def snapshot_current() -> CoverageSnapshot:
    """Return the current snapshot; NotFound (code "no_snapshot") before the first one."""
    snapshot = CoverageSnapshot.objects.filter(is_current=True).first()
    if snapshot is None:
        raise NotFound(
            "Coverage has not been computed yet (manage.py coverage_compute --commit).",
            code="no_snapshot",
        )
    return snapshot


def _header(snapshot: CoverageSnapshot) -> dict:
    return {
        "snapshot_id": snapshot.pk,
        "computed_at": snapshot.computed_at.isoformat(),
        "as_of": snapshot.as_of.isoformat(),
        "parameters": snapshot.parameters,
    }


def coverage_summary_latest() -> dict:
    """Return the territory's figures of the current snapshot, with the village counts."""
    snapshot = snapshot_current()
    results = snapshot.results
    return {
        **_header(snapshot),
        "input_counts": snapshot.input_counts,
        "territory": results["territory"],
        "villages": results["villages"],
        "wifi_zones": results["wifi_zones"],
        "appeals": results.get("appeals", {}),
    }


def coverage_settlements_latest() -> dict:
    """Return every village's figures and the priority list of the current snapshot."""
    snapshot = snapshot_current()
    return {
        **_header(snapshot),
        "settlements": snapshot.results["settlements"],
        "priorities": snapshot.results["priorities"],
    }


def gaps_geojson(*, tier: str) -> str:
    """Return the current snapshot's gap of `tier` as a GeoJSON FeatureCollection."""
    if tier not in compute.TIERS:
        raise InvalidInput(f"tier must be one of {', '.join(compute.TIERS)}.", code="unknown_tier")
    gaps = CoverageGap.objects.filter(snapshot=snapshot_current(), tier=tier, area__isnull=False)
    return feature_collection(
        gaps,
        geometry="area",
        properties={"tier": "tier", "area_m2": "area_m2", "as_of": F("snapshot__as_of")},
    )


def gaps_gpkg(*, tier: str) -> bytes:
    """Return the current snapshot's gap of `tier` as a GeoPackage file (EPSG:4326)."""
    import tempfile
    from pathlib import Path

    import geopandas as gpd
    import shapely

    gap = CoverageGap.objects.filter(snapshot=snapshot_current(), tier=tier).first()
    if gap is None:
        raise InvalidInput(f"tier must be one of {', '.join(compute.TIERS)}.", code="unknown_tier")
    geometry = [shapely.from_wkb(bytes(gap.area.wkb))] if gap.area else [None]
    frame = gpd.GeoDataFrame(
        {"tier": [gap.tier], "area_m2": [gap.area_m2], "as_of": [str(gap.snapshot.as_of)]},
        geometry=geometry,
        crs=4326,
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gaps.gpkg"
        frame.to_file(path, layer=f"gaps_{tier}", driver="GPKG")
        return path.read_bytes()


HEXAGON_PROPERTIES = {
    "h3": "h3",
    "area_m2": "area_m2",
    "covered_pct": "covered_pct",
    "served_pct": "served_pct",
    "fixed_served_pct": "fixed_served_pct",
    "households_served_pct": "households_served_pct",
    "population_served_pct": "population_served_pct",
}


def hexagons_geojson() -> str:
    """Return the current snapshot's H3 hexagons with their shares as GeoJSON (public:
    aggregates only, no address). NotFound before the first snapshot."""
    rows = CoverageHexagon.objects.filter(snapshot=snapshot_current()).order_by("h3")
    return feature_collection(rows, geometry="area", properties=HEXAGON_PROPERTIES, id_field="h3")


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
            "provider_name": F("provider__name"),
            "technology": "technology",
            "down_mbps": "down_mbps",
            "up_mbps": "up_mbps",
            "source": "source",
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
        properties={
            "provider_name": F("provider__name"),
            "technology": "technology",
            "down_mbps": "down_mbps",
            "up_mbps": "up_mbps",
            "source": "source",
        },
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


UNSERVED_COLUMNS = ("address_id", "settlement", "address", "households", "lon", "lat")


def unserved_addresses_csv() -> Iterator[str]:
    """Yield CSV lines of the current snapshot's unserved addresses (planners only)."""
    from addresses.models import Address

    snapshot = snapshot_current()
    rows = UnservedAddress.objects.filter(snapshot=snapshot).order_by("settlement__name_uk")
    addresses = {
        a.pk: a
        for a in Address.objects.filter(pk__in=rows.values("address_id")).select_related("street")
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(UNSERVED_COLUMNS + ("best_down_mbps", "best_up_mbps"))
    for row in rows.select_related("settlement").iterator():
        address = addresses.get(row.address_id)
        point = address.location if address else None
        writer.writerow(
            [
                row.address_id,
                row.settlement.name_uk,
                str(address) if address else "",
                row.households,
                f"{point.x:.6f}" if point else "",
                f"{point.y:.6f}" if point else "",
                row.best_down_mbps if row.best_down_mbps is not None else "",
                row.best_up_mbps if row.best_up_mbps is not None else "",
            ]
        )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


# --- where to put the next Free Wi-Fi zone --------------------------------------------------


def _candidates(points: list[tuple[float, float]] | None) -> list[dict]:
    if points:
        return [
            {"kind": "point", "id": i + 1, "name": f"#{i + 1}", "lon": lon, "lat": lat}
            for i, (lon, lat) in enumerate(points)
        ]
    return [
        {"kind": "facility", "id": f.pk, "name": f.name, "lon": f.location.x, "lat": f.location.y}
        for f in Facility.objects.only("id", "name", "location")
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
    *, k: int, radius_m: float, points: list[tuple[float, float]] | None = None
) -> dict:
    """Pick up to k sites for new Free Wi-Fi zones that newly reach the most households.

    Candidates are the posted points (lon, lat in EPSG:4326) or else every municipal
    facility. A household counts once, and not at all when an existing Wi-Fi zone already
    reaches its address. Distances in METRIC_SRID. InvalidInput for k < 1 or a bad radius.
    """
    if not 1 <= k <= compute.WIFI_SITES_MAX_K:
        raise InvalidInput(f"k must be from 1 to {compute.WIFI_SITES_MAX_K}.", code="invalid_k")
    try:
        radius_m = compute.validate_radius_m(radius_m)
    except ValueError as exc:
        raise InvalidInput(str(exc), code="invalid_radius") from None
    candidates = _candidates(points)
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
    return {"k": k, "radius_m": radius_m, "candidates": len(candidates), "sites": out}


# --- strategy targets -----------------------------------------------------------------------


def _actual(indicator: str, year: int, snapshot: CoverageSnapshot | None, latest) -> float | None:
    if indicator == StrategyTarget.Indicator.APPEALS:
        appeals = (latest.results.get("appeals", {}) if latest else {}).get(str(year))
        return appeals["electronic_pct"] if appeals else None
    if snapshot is None:
        return None
    r = snapshot.results
    return {
        StrategyTarget.Indicator.TERRITORY: lambda: r["territory"]["groups"]["any"]["covered"][
            "area_pct"
        ],
        StrategyTarget.Indicator.VILLAGES: lambda: r["villages"]["connected_pct"],
        StrategyTarget.Indicator.PRIORITY_VILLAGES: lambda: r["villages"]["priority_connected"],
        StrategyTarget.Indicator.FACILITIES: lambda: r["territory"]["facilities"]["high_speed_pct"],
        StrategyTarget.Indicator.WIFI: lambda: r["wifi_zones"].get("new_since_2020"),
    }[indicator]()


def _snapshot_of_year(year: int) -> CoverageSnapshot | None:
    """The latest computation made for a date in `year`; the current one for this year."""
    found = (
        CoverageSnapshot.objects.filter(as_of__year=year).order_by("-as_of", "-computed_at").first()
    )
    if found is None and year == timezone.localdate().year:
        found = CoverageSnapshot.objects.filter(is_current=True).first()
    return found


def _met(actual: float | None, target: float, comparison: str) -> bool | None:
    if actual is None:
        return None
    return actual > target if comparison == "gt" else actual >= target - 1e-9


def targets_table() -> list[dict]:
    """Return each strategy target beside the actual value of its year's snapshot."""
    latest = CoverageSnapshot.objects.filter(is_current=True).first()
    rows = []
    for target in StrategyTarget.objects.all():
        snapshot = _snapshot_of_year(target.year)
        actual = _actual(target.indicator, target.year, snapshot, latest)
        rows.append(
            {
                "indicator": target.indicator,
                "label": str(target.get_indicator_display()),
                "year": target.year,
                "target": target.target,
                "comparison": target.comparison,
                "actual": actual,
                "met": _met(actual, target.target, target.comparison),
                "as_of": snapshot.as_of.isoformat() if snapshot else None,
                "note": target.note,
            }
        )
    return rows


def coverage_at(*, lat: float, lon: float) -> dict:
    """Return what reaches a point today: each provider's technology and advertised speeds,
    best first, and the point's tier. A point-in-polygon read, not a computation."""
    from coverage.services import thresholds_from_settings

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


def progress_series() -> tuple[dict, dict]:
    """Return ({indicator: [(year, value)]}, {indicator: [(year, target)]}) for the chart:
    the percent indicators of the latest snapshot of each year, and their targets."""
    by_year: dict[int, CoverageSnapshot] = {}
    for snapshot in CoverageSnapshot.objects.order_by("as_of", "computed_at"):
        by_year[snapshot.as_of.year] = snapshot
    percent = [
        StrategyTarget.Indicator.TERRITORY,
        StrategyTarget.Indicator.VILLAGES,
        StrategyTarget.Indicator.FACILITIES,
    ]
    series = {
        str(StrategyTarget.Indicator(i).label): [
            (year, _actual(i, year, s, None)) for year, s in sorted(by_year.items())
        ]
        for i in percent
    }
    targets = {
        str(StrategyTarget.Indicator(i).label): list(
            StrategyTarget.objects.filter(indicator=i).values_list("year", "target")
        )
        for i in percent
    }
    return series, targets
