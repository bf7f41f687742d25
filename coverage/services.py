"""Writes of the coverage app: the snapshot computation, coverage areas and hotspots.

The computation runs in PostGIS (coverage.sql) and is assembled by coverage.compute;
`coverage_compute` stores a new CoverageSnapshot and makes it current in one transaction,
so readers see either the old snapshot or the new one, never half of it.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Point
from django.db import connection, transaction
from django.utils import timezone

from coverage import compute, hexagons, sql
from coverage.compute import COVERAGE_TECHNOLOGIES, LEVELS, TIERS, Thresholds, VillageInputs
from coverage.models import CoverageArea, CoverageSnapshot, Provider, WifiHotspot
from coverage.raster import RasterError
from layers.errors import Conflict, InvalidInput, NotFound
from layers.models import Facility, Territory

Progress = Callable[[str], None]
WIFI_NEW_SINCE_YEAR = 2020


def thresholds_from_settings() -> Thresholds:
    """Return the speed tiers configured in settings (COVERAGE_*_MBPS)."""
    return Thresholds.from_pairs(settings.COVERAGE_SERVED_MBPS, settings.COVERAGE_UNDERSERVED_MBPS)


def _the_territory() -> Territory:
    territories = list(Territory.objects.only("id", "katottg", "name_uk", "name_en")[:2])
    if not territories:
        raise Conflict("No territory is loaded; load the community first.", code="no_territory")
    if len(territories) > 1:
        raise Conflict("More than one territory is loaded.", code="many_territories")
    return territories[0]


def _territories(territory_ids: list[int] | None) -> list[Territory]:
    """The one loaded territory, or the listed ones (benchmarks compute many at once)."""
    if territory_ids is None:
        return [_the_territory()]
    found = list(Territory.objects.filter(pk__in=territory_ids).order_by("id"))
    if not found or len(found) != len(set(territory_ids)):
        raise NotFound("Unknown territory id.", code="no_territory")
    return found


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


def _noop(message: str) -> None:
    return None


@dataclass
class _Gathered:
    area_m2: float
    area_covered: dict
    villages: list[VillageInputs]
    counts: dict = field(default_factory=dict)


def _village_inputs(rows, v_area, a_tot, a_cov, f_tot, f_cov) -> list[VillageInputs]:
    out = []
    for vid, katottg, name_uk, name_en, households, area_m2 in rows:
        n_addr, addr_hh = a_tot.get(vid, (0, 0.0))
        n_fac, n_conn, n_fast = f_tot.get(vid, (0, 0, 0))

        def pick(d, i=None, vid=vid):
            return {(g, lv): (v if i is None else v[i]) for (s, g, lv), v in d.items() if s == vid}

        out.append(
            VillageInputs(
                id=vid,
                katottg=katottg,
                name_uk=name_uk,
                name_en=name_en or "",
                households_register=households,
                area_m2=float(area_m2) if area_m2 is not None else None,
                area_covered=pick(v_area),
                addresses=n_addr,
                address_households=addr_hh,
                addresses_covered=pick(a_cov, 0),
                address_households_covered=pick(a_cov, 1),
                facilities=n_fac,
                facilities_connected=n_conn,
                facilities_high_speed=n_fast,
                facilities_covered=pick(f_cov),
            )
        )
    return out


def _gather(cursor, params: dict, srid: int, log: Progress) -> _Gathered:
    area_m2 = sql.territory_area(cursor, params["tids"], srid)
    area_covered = sql.territory_area_covered(cursor)
    log("territory areas measured")
    v_area = sql.village_area_covered(cursor)
    log("village areas measured")
    counts = {"addresses": 0, "addresses_unlocated": 0}
    a_tot, a_cov = {}, {}
    if sql.table_exists("addresses_address"):
        sql.address_levels(cursor, params)
        a_tot, a_cov = sql.address_totals(cursor, params), sql.address_covered(cursor)
        counts["addresses"] = sum(n for n, _ in a_tot.values())
        counts["addresses_unlocated"] = sql.address_unlocated(cursor, params)
        log(f"addresses located: {counts['addresses']}")
    f_tot, f_cov = sql.facility_totals(cursor, params), sql.facility_covered(cursor, params)
    rows = sql.villages(cursor, params["tids"], srid)
    villages = _village_inputs(rows, v_area, a_tot, a_cov, f_tot, f_cov)
    counts["villages"] = len(villages)
    counts["facilities"] = sum(n for n, _, _ in f_tot.values())
    return _Gathered(area_m2=area_m2, area_covered=area_covered, villages=villages, counts=counts)


def _appeals(as_of: date) -> dict:
    """Count problem reports by year filed and channel, up to `as_of`."""
    if not sql.table_exists("reports_report"):
        return {}
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from reports.models import Channel, Report

    electronic = {Channel.WEB, Channel.API}
    rows = (
        Report.objects.filter(created_at__date__lte=as_of)
        .annotate(year=ExtractYear("created_at"))
        .values("year", "channel")
        .annotate(n=Count("id"))
    )
    return compute.appeals_by_year((r["year"], r["channel"] in electronic, r["n"]) for r in rows)


def _wifi_zones(as_of: date) -> dict:
    opened = WifiHotspot.objects.values_list("opened_on", flat=True)
    return compute.wifi_zone_counts(opened, as_of=as_of, since_year=WIFI_NEW_SINCE_YEAR)


def _parameters(as_of: date, t: Thresholds, srid: int, grid_m: float) -> dict:
    return {
        **t.as_dict(),
        "as_of": as_of.isoformat(),
        "village_connected_share": settings.COVERAGE_VILLAGE_CONNECTED_SHARE,
        "priority_villages": list(settings.COVERAGE_PRIORITY_VILLAGES),
        "metric_srid": srid,
        "grid_m": grid_m,
        "h3_resolution": hexagons.H3_RESOLUTION,
        "h3_min_addresses": settings.COVERAGE_H3_MIN_ADDRESSES,
    }


def _population(cursor, params: dict, gathered: _Gathered, log: Progress):
    """Sum the current population raster by zone and put it on the villages; None without
    a raster. Conflict when the stored raster can no longer be read."""
    from coverage import population

    raster = population.current()
    if raster is None:
        return None
    try:
        grid = population.read_grid(raster.file.path)
    except (RasterError, OSError) as exc:
        raise Conflict(f"The population raster cannot be read: {exc}", code="bad_raster") from None
    zonal = population.zonal_sums(cursor, grid, params)
    for village in gathered.villages:
        village.population, village.population_covered = zonal.villages.get(village.id, (None, {}))
    gathered.counts["population_raster"] = raster.name
    log("population summed by zone")
    return zonal


def _hexagon_rows(cursor, params: dict, gathered: _Gathered, zonal) -> list[tuple]:
    measured = hexagons.areas(cursor)
    homes = hexagons.households(cursor, params) if gathered.counts["addresses"] else {}
    return hexagons.rows(
        measured,
        homes,
        zonal.hexagons if zonal is not None else None,
        min_addresses=settings.COVERAGE_H3_MIN_ADDRESSES,
    )


@transaction.atomic
def coverage_compute(
    *,
    as_of: date | None = None,
    progress: Progress | None = None,
    territory_ids: list[int] | None = None,
):
    """Compute every coverage share in PostGIS and store it as the current snapshot.

    as_of: the date whose valid coverage areas, open hotspots and connected facilities
    count (default today). Areas are measured in settings.METRIC_SRID. The snapshot also
    holds the H3 hexagons of the public map and, when a population raster is loaded,
    population-weighted shares. territory_ids: compute over these territories together
    (benchmarks); default the one loaded territory. Concurrent runs queue on an advisory
    lock. Raises Conflict when no territory (or more than one) is loaded. Returns the new
    CoverageSnapshot.
    """
    log = progress or _noop
    started = time.perf_counter()
    as_of = as_of or timezone.localdate()
    territories = _territories(territory_ids)
    t = thresholds_from_settings()
    srid, grid_m = settings.METRIC_SRID, float(settings.COVERAGE_GRID_M)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('coverage_compute'))")
        params = sql.prepare(
            cursor,
            territory_ids=[x.id for x in territories],
            as_of=as_of,
            t=t,
            srid=srid,
            grid_m=grid_m,
        )
        log("coverage unioned per grid cell")
        gathered = _gather(cursor, params, srid, log)
        cursor.execute("SELECT COUNT(*) FROM cov_src")
        gathered.counts["coverage_areas"] = cursor.fetchone()[0]
        gathered.counts["hexagons"] = hexagons.prepare(cursor, params)
        zonal = _population(cursor, params, gathered, log)
        wifi = _wifi_zones(as_of)
        results = compute.snapshot_results(
            territory=_territory_header(territories, gathered.area_m2),
            area_covered=gathered.area_covered,
            villages=gathered.villages,
            min_share=settings.COVERAGE_VILLAGE_CONNECTED_SHARE,
            priority_codes=settings.COVERAGE_PRIORITY_VILLAGES,
            wifi_zones=wifi,
            appeals=_appeals(as_of),
            population=(zonal.territory, zonal.territory_covered) if zonal else None,
        )
        CoverageSnapshot.objects.filter(is_current=True).update(is_current=False)
        snapshot = CoverageSnapshot.objects.create(
            as_of=as_of,
            is_current=True,
            parameters=_parameters(as_of, t, srid, grid_m),
            input_counts={**gathered.counts, "wifi_hotspots": wifi["open"]},
            results=results,
        )
        sql.gaps_insert(cursor, snapshot.id, {tier: LEVELS[tier] for tier in TIERS})
        if sql.table_exists("addresses_address"):
            snapshot.input_counts["unserved_addresses"] = sql.unserved_addresses_insert(
                cursor, params, snapshot.id
            )
        log("gaps and unserved addresses stored")
        table = _hexagon_rows(cursor, params, gathered, zonal)
        snapshot.input_counts["hexagons"] = hexagons.insert(cursor, snapshot.id, table)
        log("H3 hexagons stored")
    snapshot.duration_ms = round((time.perf_counter() - started) * 1000)
    snapshot.save(update_fields=["duration_ms", "input_counts"])
    return snapshot


# --- coverage areas -------------------------------------------------------------------------


@dataclass
class AreaInput:
    """A coverage area as received from the API or an import, before any check."""

    provider: str
    technology: str
    down_mbps: int
    up_mbps: int
    geometry: dict | str
    source: str = CoverageArea.Source.PROVIDER_MAP
    valid_from: date | None = None
    valid_to: date | None = None
    note: str = ""


def provider_get(name: str) -> Provider:
    """Return the provider called `name`; InvalidInput (unknown_provider) when none is."""
    try:
        return Provider.objects.get(name=name)
    except Provider.DoesNotExist:
        raise InvalidInput(f"Unknown provider: {name!r}.", code="unknown_provider") from None


def geometry_to_multipolygon(value: dict | str | GEOSGeometry) -> MultiPolygon:
    """Parse GeoJSON (dict or text) or a GEOS geometry into a valid EPSG:4326 MultiPolygon.

    Raises InvalidInput: "invalid_geometry" (unreadable, empty, not valid) or
    "wrong_geometry_type" (not a Polygon/MultiPolygon).
    """
    import json

    try:
        geom = (
            value
            if isinstance(value, GEOSGeometry)
            else GEOSGeometry(json.dumps(value) if isinstance(value, dict) else value)
        )
    except (GEOSException, GDALException, ValueError, TypeError) as exc:
        raise InvalidInput(f"Unreadable geometry: {exc}", code="invalid_geometry") from None
    if geom.srid is None:
        geom.srid = 4326
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise InvalidInput(
            f"A coverage area must be a Polygon or MultiPolygon, not {geom.geom_type}.",
            code="wrong_geometry_type",
        )
    if geom.empty:
        raise InvalidInput("The geometry is empty.", code="invalid_geometry")
    if not geom.valid:
        raise InvalidInput(f"Invalid geometry: {geom.valid_reason}.", code="invalid_geometry")
    if geom.srid != 4326:
        geom.transform(4326)
    return MultiPolygon(geom, srid=4326) if geom.geom_type == "Polygon" else geom


def _check_area(data: AreaInput) -> tuple[Provider, MultiPolygon]:
    if data.technology not in COVERAGE_TECHNOLOGIES:
        raise InvalidInput(
            f"Unknown technology {data.technology!r}; one of {', '.join(COVERAGE_TECHNOLOGIES)}.",
            code="unknown_technology",
        )
    if data.source not in CoverageArea.Source.values:
        raise InvalidInput(f"Unknown source {data.source!r}.", code="unknown_source")
    for name in ("down_mbps", "up_mbps"):
        value = getattr(data, name)
        if not isinstance(value, int) or value < 0 or value > 100_000:
            raise InvalidInput(f"{name} must be a whole number from 0 to 100000.")
    if data.valid_from and data.valid_to and data.valid_to < data.valid_from:
        raise InvalidInput("valid_to is before valid_from.", code="invalid_period")
    return provider_get(data.provider), geometry_to_multipolygon(data.geometry)


def area_warnings(area: MultiPolygon) -> list[str]:
    """Return warnings about an area: it lies entirely outside the territory."""
    if Territory.objects.filter(boundary__intersects=area).exists():
        return []
    return ["The area lies entirely outside the territory; it is kept but counts nowhere."]


@transaction.atomic
def area_create(*, data: AreaInput) -> tuple[CoverageArea, list[str]]:
    """Check and store a coverage area; return it with warnings. InvalidInput on bad input."""
    provider, area = _check_area(data)
    row = CoverageArea.objects.create(
        provider=provider,
        technology=data.technology,
        down_mbps=data.down_mbps,
        up_mbps=data.up_mbps,
        source=data.source,
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        note=data.note,
        area=area,
    )
    return row, area_warnings(area)


@transaction.atomic
def area_update(*, area_id: int, data: AreaInput) -> tuple[CoverageArea, list[str]]:
    """Replace every field of a coverage area; NotFound, InvalidInput as area_create."""
    row = _area_get(area_id)
    provider, area = _check_area(data)
    row.provider, row.area = provider, area
    for name in ("technology", "down_mbps", "up_mbps", "source", "valid_from", "valid_to", "note"):
        setattr(row, name, getattr(data, name))
    row.save()
    return row, area_warnings(area)


def _area_get(area_id: int) -> CoverageArea:
    row = CoverageArea.objects.select_for_update().filter(pk=area_id).first()
    if row is None:
        raise NotFound(f"No coverage area {area_id}.")
    if row.hotspot_id:
        raise Conflict("This area belongs to a Wi-Fi hotspot; change the hotspot instead.")
    return row


@transaction.atomic
def area_delete(*, area_id: int) -> None:
    """Delete a coverage area (not a hotspot's); NotFound when it does not exist."""
    _area_get(area_id).delete()


# --- Wi-Fi hotspots -------------------------------------------------------------------------


def hotspot_buffer(location: Point, radius_m: float) -> MultiPolygon:
    """Return the disc of `radius_m` metres around a point, buffered in METRIC_SRID, as an
    EPSG:4326 MultiPolygon (32 segments per quarter circle)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT ST_AsEWKB(ST_Multi(ST_Transform(
                   ST_Buffer(ST_Transform(ST_GeomFromEWKB(%s), %s), %s, 32), 4326)))""",
            [bytes(location.ewkb), settings.METRIC_SRID, radius_m],
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
    CoverageArea.objects.update_or_create(
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
    return hotspot


# --- signal rasters -------------------------------------------------------------------------


@dataclass
class RasterImport:
    """What a raster import found (and, with commit, wrote)."""

    path: str
    provider: str
    technology: str
    down_mbps: int
    up_mbps: int
    area_m2: float
    cells_above: int
    cells_kept: int
    crs: str
    warnings: list[str]
    area_id: int | None = None


def _area_m2(geom: GEOSGeometry) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Area(ST_Transform(ST_GeomFromEWKB(%s), %s))",
            [bytes(geom.ewkb), settings.METRIC_SRID],
        )
        return float(cursor.fetchone()[0])


@transaction.atomic
def raster_import(
    *,
    path,
    provider: str,
    technology: str,
    min_dbm: float,
    down_mbps: int | None = None,
    up_mbps: int | None = None,
    sieve_px: int | None = None,
    valid_from: date | None = None,
    commit: bool = False,
) -> RasterImport:
    """Turn a signal-strength GeoTIFF into one coverage area (source "raster").

    Speeds default to compute.TYPICAL_MBPS of the technology. Writes only with `commit`.
    Raises InvalidInput: unknown provider or technology (checked before the raster is
    read), a raster without CRS, all nodata or nothing above `min_dbm`.
    """
    from coverage import raster

    if technology not in COVERAGE_TECHNOLOGIES:
        raise InvalidInput(f"Unknown technology {technology!r}.", code="unknown_technology")
    owner = provider_get(provider)
    typical = compute.TYPICAL_MBPS.get(technology, (0, 0))
    down, up = (
        down_mbps if down_mbps is not None else typical[0],
        up_mbps if up_mbps is not None else typical[1],
    )
    try:
        found = raster.raster_to_coverage(
            path, min_dbm=min_dbm, sieve_px=sieve_px or raster.DEFAULT_SIEVE_PX
        )
    except raster.RasterError as exc:
        raise InvalidInput(str(exc), code="bad_raster") from None
    area = GEOSGeometry(found.geometry.wkt, srid=4326)
    report = RasterImport(
        path=str(path),
        provider=owner.name,
        technology=technology,
        down_mbps=down,
        up_mbps=up,
        area_m2=_area_m2(area),
        cells_above=found.cells_above,
        cells_kept=found.cells_kept,
        crs=found.crs,
        warnings=found.warnings + area_warnings(area),
    )
    if commit:
        report.area_id = CoverageArea.objects.create(
            provider=owner,
            technology=technology,
            down_mbps=down,
            up_mbps=up,
            source=CoverageArea.Source.RASTER,
            valid_from=valid_from,
            area=area,
            note=f"raster: {Path(path).name} ≥ {min_dbm:g} dBm",
        ).pk
    return report
