"""Step 6, results: the snapshot row, its parameters and its results document.

The results are assembled by coverage.compute.snapshot_results from what the earlier
steps measured (areas in m², counts, household weights), with the Free Wi-Fi zones and
the electronic appeals counted from the ORM.
"""

from datetime import date

from django.conf import settings

from coverage import compute, hexagons, sql
from coverage.compute import Thresholds
from coverage.models import CoverageSnapshot, WifiHotspot
from coverage.snapshot.addresses import Gathered
from layers.models import Territory

WIFI_NEW_SINCE_YEAR = 2020


def _territory_header(territories: list[Territory], area_m2: float) -> dict:
    if len(territories) == 1:
        t = territories[0]
        return {
            "katottg": t.katottg,
            "name_uk": t.name_uk,
            "name_en": t.name_en,
            "area_m2": area_m2,
        }
    n = len(territories)
    return {
        "katottg": "",
        "name_uk": f"{n} громад",
        "name_en": f"{n} territories",
        "area_m2": area_m2,
    }


def appeals_of(as_of: date) -> dict:
    """Count problem reports by year filed and channel, up to `as_of`."""
    if not sql.table_exists("reports_report"):
        return {}
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from reports.models import Report
    from reports.states import ELECTRONIC_CHANNELS as electronic  # web, API and e-mail

    rows = (
        Report.objects.filter(created_at__date__lte=as_of)
        .annotate(year=ExtractYear("created_at"))
        .values("year", "channel")
        .annotate(n=Count("id"))
    )
    return compute.appeals_by_year((r["year"], r["channel"] in electronic, r["n"]) for r in rows)


def wifi_zones_of(as_of: date) -> dict:
    opened = WifiHotspot.objects.values_list("opened_on", flat=True)
    return compute.wifi_zone_counts(opened, as_of=as_of, since_year=WIFI_NEW_SINCE_YEAR)


def parameters_of(as_of: date, t: Thresholds, srid: int) -> dict:
    """The settings a snapshot is computed with (`srid`: its metric CRS, an EPSG code);
    stored with it, so that a patch can tell whether they changed since."""
    return {
        **t.as_dict(),
        "as_of": as_of.isoformat(),
        "village_connected_share": settings.COVERAGE_VILLAGE_CONNECTED_SHARE,
        "priority_villages": list(settings.COVERAGE_PRIORITY_VILLAGES),
        "metric_srid": srid,
        "h3_resolution": hexagons.H3_RESOLUTION,
        "h3_min_addresses": settings.COVERAGE_H3_MIN_ADDRESSES,
    }


def snapshot_start(params: dict, counts: dict) -> CoverageSnapshot:
    """Store the new snapshot, current, without its results yet (see results_assemble), in the
    caller's transaction."""
    as_of = params["as_of"]
    CoverageSnapshot.objects.filter(is_current=True).update(is_current=False)
    return CoverageSnapshot.objects.create(
        as_of=as_of,
        is_current=True,
        parameters=parameters_of(as_of, params["thresholds"], params["srid"]),
        input_counts=counts,
    )


def results_assemble(territories, gathered: Gathered, zonal, wifi: dict, appeals: dict) -> dict:
    return compute.snapshot_results(
        territory=_territory_header(territories, gathered.area_m2),
        area_covered=gathered.area_covered,
        villages=gathered.villages,
        min_share=settings.COVERAGE_VILLAGE_CONNECTED_SHARE,
        priority_codes=settings.COVERAGE_PRIORITY_VILLAGES,
        wifi_zones=wifi,
        appeals=appeals,
        population=(zonal.territory, zonal.territory_covered) if zonal else None,
    )
