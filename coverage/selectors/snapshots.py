"""Reads of the current snapshot: its figures, gaps, hexagons and unserved addresses.

Nothing here computes coverage: it reads the CoverageSnapshot written by
coverage.services.coverage_compute. GeoJSON is built in PostGIS (EPSG:4326).
"""

import csv
import io
from collections.abc import Iterator

from django.db.models import F

from core.errors import InvalidInput, NotFound
from core.names import local_name, sorted_by_name
from coverage import compute
from coverage.models import (
    CoverageGap,
    CoverageHexagon,
    CoverageSnapshot,
    UnservedAddress,
)
from layers.geojson import feature_collection


def snapshot_current() -> CoverageSnapshot:
    """Return the current snapshot; NotFound (code "no_snapshot") before the first one."""
    snapshot = CoverageSnapshot.objects.filter(is_current=True).first()
    if snapshot is None:
        raise NotFound(
            "Coverage has not been computed yet (manage.py coverage_compute --commit).",
            code="no_snapshot",
        )
    return snapshot


# The decoded results of the latest snapshot read, per process: a snapshot is written once
# (results, then its duration, in the transaction that makes it current) and never changed,
# and its results are megabytes of JSON at oblast size (8.6 MB for 1,500 villages).
_RESULTS: dict[tuple, dict] = {}


def snapshot_current_read() -> CoverageSnapshot | None:
    """Return the current snapshot with its results (decoded once per process), or None.

    The results are shared between callers: read them, never change them in place.
    """
    snapshot = CoverageSnapshot.objects.filter(is_current=True).defer("results").first()
    if snapshot is None:
        return None
    key = (snapshot.pk, snapshot.computed_at, snapshot.duration_ms)
    results = _RESULTS.get(key)
    if results is None:
        results = CoverageSnapshot.objects.values_list("results", flat=True).get(pk=snapshot.pk)
        _RESULTS.clear()
        _RESULTS[key] = results
    snapshot.results = results
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


def village_shares_current() -> list[dict]:
    """Each village's homes and its share with high-speed fixed internet (%) in the current
    snapshot, by name: the map's labels as a table, which a phone's map cannot show all of
    at once and a screen reader cannot read at all. Empty before the first snapshot."""
    snapshot = snapshot_current_read()
    if snapshot is None:
        return []
    rows = [
        {
            "name": local_name(village),
            "households": village["households_total"],
            "served_pct": village["groups"]["fixed"]["served"]["households_pct"],
        }
        for village in snapshot.results["settlements"]
    ]
    return sorted_by_name(rows, name=lambda row, language: row["name"])


def coverage_settlements_latest() -> dict:
    """Return every village's figures and the priority list of the current snapshot."""
    snapshot = snapshot_current()
    return {
        **_header(snapshot),
        "settlements": snapshot.results["settlements"],
        "priorities": snapshot.results["priorities"],
    }


def _gap_checked(group: str, tier: str) -> None:
    """Raise InvalidInput (400) unless (group, tier) is one of compute.GAP_CHOICES."""
    if tier not in compute.TIERS:
        raise InvalidInput(f"tier must be one of {', '.join(compute.TIERS)}.", code="unknown_tier")
    if (group, tier) not in compute.GAP_CHOICES:
        known = ", ".join(f"{g}/{t}" for g, t in compute.GAP_CHOICES)
        raise InvalidInput(f"group/tier must be one of {known}.", code="unknown_gap")


def gaps_geojson(*, tier: str, group: str = "any") -> str:
    """Return the current snapshot's gap of technology `group` below `tier` as a GeoJSON
    FeatureCollection, one feature per territory with a gap (EPSG:4326; area_m2 measured
    in METRIC_SRID)."""
    _gap_checked(group, tier)
    gaps = CoverageGap.objects.filter(
        snapshot=snapshot_current(), group=group, tier=tier, area__isnull=False
    ).order_by("territory_id", "id")
    return feature_collection(
        gaps,
        geometry="area",
        properties={
            "group": "group",
            "tier": "tier",
            "territory_katottg": "territory__katottg",
            "area_m2": "area_m2",
            "as_of": F("snapshot__as_of"),
        },
    )


def gaps_gpkg(*, tier: str, group: str = "any") -> bytes:
    """Return the current snapshot's gap of `group` below `tier` as a GeoPackage (EPSG:4326)."""
    import tempfile
    from pathlib import Path

    import geopandas as gpd
    import shapely

    _gap_checked(group, tier)
    snapshot = snapshot_current()
    gaps = list(
        CoverageGap.objects.filter(snapshot=snapshot, group=group, tier=tier)
        .select_related("territory")
        .order_by("territory_id", "id")
    )
    frame = gpd.GeoDataFrame(
        {
            "tier": [gap.tier for gap in gaps],
            "territory_katottg": [gap.territory.katottg if gap.territory else None for gap in gaps],
            "area_m2": [gap.area_m2 for gap in gaps],
            "as_of": [str(snapshot.as_of)] * len(gaps),
        },
        geometry=[shapely.from_wkb(bytes(gap.area.wkb)) if gap.area else None for gap in gaps],
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


UNSERVED_COLUMNS = ("address_id", "settlement", "address", "households", "lon", "lat")


def unserved_addresses_csv() -> Iterator[str]:
    """Yield CSV lines of the current snapshot's unserved addresses (planners only); village
    and address in the request's language (English: name_en or the official
    transliteration)."""
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
                local_name(row.settlement),
                local_name(str(address)) if address else "",
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
