"""Writes of the coverage app: the snapshot computation, coverage areas and hotspots.

The computation reads its inputs from PostGIS (coverage.sql), does the geometry with
shapely/GEOS on arrays (coverage.overlay) and is assembled by coverage.compute;
`coverage_compute` stores a new CoverageSnapshot and makes it current in one transaction,
so readers see either the old snapshot or the new one, never half of it.
"""

import json
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import numpy as np
import shapely
import shapely.geometry
from django.conf import settings
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Point
from django.db import connection, transaction
from django.utils import timezone

from core.errors import Conflict, InvalidInput, NotFound
from coverage import compute, hexagons, overlay, sql
from coverage.compute import COVERAGE_TECHNOLOGIES, LEVELS, TIERS, Thresholds, VillageInputs
from coverage.models import CoverageArea, CoverageSnapshot, Provider, WifiHotspot
from coverage.raster import RasterError
from layers.models import Facility, Territory

Progress = Callable[[str], None]
WIFI_NEW_SINCE_YEAR = 2020
GAP_GRID_M = 0.001  # precision of the stored gap outlines, metres


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
class _Inputs:
    """What one computation reads, geometry in EPSG:4326 (`*_ll`) and METRIC_SRID (`*_m`)."""

    areas_m: np.ndarray
    technology: np.ndarray
    level: np.ndarray
    down: np.ndarray
    up: np.ndarray
    territories_ll: np.ndarray
    territories_m: np.ndarray
    village_rows: list[tuple]
    villages_ll: np.ndarray  # None where a village has no boundary
    villages_m: np.ndarray
    addresses: sql.Points | None
    facilities: sql.Points  # None until the points are read (_read_points)
    addresses_xy: np.ndarray | None = None  # n × 2, METRIC_SRID
    facilities_xy: np.ndarray | None = None
    addresses_unlocated: int = 0
    facility_totals: dict = field(default_factory=dict)  # see sql.facility_totals


@dataclass
class _Points:
    """The addresses and facilities of a computation (see _Inputs)."""

    addresses: sql.Points | None
    addresses_xy: np.ndarray | None
    addresses_unlocated: int
    facilities: sql.Points
    facilities_xy: np.ndarray
    facility_totals: dict


def _read_points(cursor, params: dict) -> _Points:
    """Read the addresses and facilities and reproject them to params["srid"]."""
    tids, srid = params["tids"], params["srid"]
    found, unlocated = None, 0
    if sql.table_exists("addresses_address"):
        found, unlocated = sql.addresses(cursor, tids)
    facilities = sql.facilities(cursor, tids)
    return _Points(
        addresses=found,
        addresses_xy=None if found is None else _metric_xy(found, srid),
        addresses_unlocated=unlocated,
        facilities=facilities,
        facilities_xy=_metric_xy(facilities, srid),
        facility_totals=sql.facility_totals(cursor, params),
    )


def _metric_xy(found: sql.Points, srid: int) -> np.ndarray:
    return np.column_stack(overlay.reproject_xy(found.lon, found.lat, 4326, srid))


@dataclass
class _Rows:
    """The coverage areas, territories and villages as read (WKB in EPSG:4326)."""

    areas: list[tuple]  # sql.coverage_sources
    territories: list[tuple]  # sql.territories
    villages: list[tuple]  # sql.villages

    def territories_ll(self) -> np.ndarray:
        return shapely.from_wkb([bytes(w) for _, w in self.territories])


def _read_areas(cursor, tids: list[int], as_of: date) -> _Rows:
    """Read the coverage areas valid on `as_of`, the territories and their villages."""
    return _Rows(
        sql.coverage_sources(cursor, as_of),
        sql.territories(cursor, tids),
        sql.villages(cursor, tids),
    )


def _area_inputs(rows: _Rows, t: Thresholds, srid: int) -> _Inputs:
    """Make the inputs of the areas (no points yet: see _read_points), reprojected."""
    cols = list(zip(*rows.areas, strict=True)) or [()] * 5
    down, up = np.asarray(cols[2], dtype="int64"), np.asarray(cols[3], dtype="int64")
    ter = rows.territories_ll()
    vil = np.asarray([None if w is None else shapely.from_wkb(bytes(w)) for *_, w in rows.villages])
    has = np.asarray([g is not None for g in vil], dtype=bool)
    vil_m = np.full(len(vil), None, dtype=object)
    vil_m[has] = overlay.reproject(vil[has], 4326, srid)
    return _Inputs(
        areas_m=overlay.reproject(shapely.from_wkb([bytes(w) for w in cols[4]]), 4326, srid),
        technology=np.asarray(cols[1], dtype=object),
        level=overlay.levels_of(down, up, t),
        down=down,
        up=up,
        territories_ll=ter,
        territories_m=overlay.reproject(ter, 4326, srid),
        village_rows=[r[:5] for r in rows.villages],
        villages_ll=vil,
        villages_m=vil_m,
        addresses=None,
        facilities=None,
    )


@dataclass
class _Geometry:
    """The coverage unions (METRIC_SRID) and what was measured with them."""

    unions: dict  # {(group, level): MultiPolygon, not clipped}
    clipped: dict  # {(group, level): polygons of the union inside the territories}
    clipped_zone: dict  # {(group, level): the territory (index) of each of those polygons}
    area_covered: dict  # {(group, level): m² inside the territories}
    village_area: dict  # {(group, level): m² per village (index of village_rows)}


def _copy(geoms: np.ndarray) -> np.ndarray:
    return shapely.from_wkb(shapely.to_wkb(geoms))


def _areas_measured(rows: _Rows, params: dict, log: Progress, workers: int):
    """Return (the _Inputs of the areas, their _Geometry)."""
    inputs = _area_inputs(rows, params["thresholds"], params["srid"])
    return inputs, _measure_areas(inputs, log, workers)


def _measure_areas(inputs: _Inputs, log: Progress, workers: int) -> _Geometry:
    masks = overlay.group_masks(inputs.technology, inputs.level)
    unions = overlay.unions(inputs.areas_m, masks, workers=workers)
    log("coverage unioned per technology group and level")
    has = np.asarray([g is not None for g in inputs.villages_m], dtype=bool)

    def measure(union):
        # Each thread works on its own copies: GEOS prepares a geometry lazily on first
        # use, which is not safe from two threads at once.
        territories, villages = _copy(inputs.territories_m), _copy(inputs.villages_m[has])
        areas, pieces, zone = overlay.clip_to_zones(union, territories)
        per_village = np.zeros(len(has))
        per_village[has] = overlay.overlaps(overlay.polygons_of([union]), villages)[0]
        return float(areas.sum()), pieces, zone, per_village

    distinct = {id(u): u for u in unions.values()}
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        done = dict(zip(distinct, pool.map(measure, distinct.values()), strict=True))
    parts = [{key: done[id(u)][i] for key, u in unions.items()} for i in range(4)]
    log("territory and village areas measured")
    return _Geometry(unions, parts[1], parts[2], parts[0], parts[3])


@dataclass
class _PointShares:
    """Points per village (index of village_rows) by (group, level): count and weight."""

    total: np.ndarray
    weight: np.ndarray
    covered: dict
    covered_weight: dict
    levels: dict  # {group: best level per point, -1 none}
    xy: np.ndarray  # n × 2 coordinates, METRIC_SRID


def _zone_index(village_ids: np.ndarray, settlement: np.ndarray) -> np.ndarray:
    """Return the position in `village_ids` of each point's village."""
    order = np.argsort(village_ids)
    return order[np.searchsorted(village_ids, settlement, sorter=order)]


def _point_shares(found: sql.Points, xy: np.ndarray, village_ids: np.ndarray, geo: _Geometry):
    """Locate points (xy: their METRIC_SRID coordinates) in the unions and sum them by
    village."""
    levels = overlay.group_point_levels(geo.unions, xy)
    zone = _zone_index(village_ids, found.settlement)
    n = len(village_ids)
    return _PointShares(
        total=np.bincount(zone, minlength=n),
        weight=np.bincount(zone, weights=found.weight, minlength=n),
        covered=overlay.cumulative_by_zone(levels, zone, n),
        covered_weight=overlay.cumulative_by_zone(levels, zone, n, found.weight),
        levels=levels,
        xy=xy,
    )


def _at(values: dict, i: int) -> dict:
    return {key: float(v[i]) for key, v in values.items()}


def _village_inputs(
    inputs: _Inputs, geo: _Geometry, adr: _PointShares | None, fac: _PointShares
) -> list[VillageInputs]:
    out = []
    for i, (vid, katottg, name_uk, name_en, households) in enumerate(inputs.village_rows):
        n_fac, n_conn, n_fast = inputs.facility_totals.get(vid, (0, 0, 0))
        area = inputs.villages_m[i]
        out.append(
            VillageInputs(
                id=vid,
                katottg=katottg,
                name_uk=name_uk,
                name_en=name_en or "",
                households_register=households,
                area_m2=None if area is None else float(shapely.area(area)),
                area_covered=_at(geo.village_area, i) if area is not None else {},
                addresses=int(adr.total[i]) if adr else 0,
                address_households=float(adr.weight[i]) if adr else 0.0,
                addresses_covered=_at(adr.covered, i) if adr else {},
                address_households_covered=_at(adr.covered_weight, i) if adr else {},
                facilities=n_fac,
                facilities_connected=n_conn,
                facilities_high_speed=n_fast,
                facilities_covered=_at(fac.covered, i),
            )
        )
    return out


@dataclass
class _Gathered:
    area_m2: float
    area_covered: dict
    villages: list[VillageInputs]
    counts: dict = field(default_factory=dict)


def _gather(inputs: _Inputs, geo: _Geometry, log: Progress):
    """Measure addresses and facilities; return (_Gathered, address point shares or None)."""
    index = np.asarray([row[0] for row in inputs.village_rows], dtype="int64")
    counts = {"addresses": 0, "addresses_unlocated": inputs.addresses_unlocated}
    adr = None
    if inputs.addresses is not None:
        adr = _point_shares(inputs.addresses, inputs.addresses_xy, index, geo)
        counts["addresses"] = len(inputs.addresses.id)
        log(f"addresses located: {counts['addresses']}")
    fac = _point_shares(inputs.facilities, inputs.facilities_xy, index, geo)
    villages = _village_inputs(inputs, geo, adr, fac)
    counts["villages"] = len(villages)
    counts["facilities"] = sum(n for n, _, _ in inputs.facility_totals.values())
    counts["coverage_areas"] = len(inputs.areas_m)
    gathered = _Gathered(
        area_m2=float(shapely.area(inputs.territories_m).sum()),
        area_covered=geo.area_covered,
        villages=villages,
        counts=counts,
    )
    return gathered, adr


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


def _parameters(as_of: date, t: Thresholds, srid: int) -> dict:
    return {
        **t.as_dict(),
        "as_of": as_of.isoformat(),
        "village_connected_share": settings.COVERAGE_VILLAGE_CONNECTED_SHARE,
        "priority_villages": list(settings.COVERAGE_PRIORITY_VILLAGES),
        "metric_srid": srid,
        "h3_resolution": hexagons.H3_RESOLUTION,
        "h3_min_addresses": settings.COVERAGE_H3_MIN_ADDRESSES,
    }


@dataclass
class _Hexagons:
    cells: list[str]  # sorted
    outline_ll: np.ndarray  # EPSG:4326
    outline_m: np.ndarray  # METRIC_SRID
    copy_prefixes: list[str]  # the cells and outlines, for the COPY (hexagons.insert)


def _hexagons(territories_ll: np.ndarray, srid: int) -> _Hexagons:
    """Draw the H3 cells touching the territories (EPSG:4326)."""
    territory = shapely.union_all(territories_ll)
    cells = hexagons.cells_of(shapely.geometry.mapping(territory))
    rings = hexagons.outline_rings(cells)
    # The metric outlines are the stored ones with each vertex moved (overlay.reproject),
    # from the rings directly: no second pass through GEOS coordinates.
    x, y = overlay.reproject_xy(rings[..., 0].ravel(), rings[..., 1].ravel(), 4326, srid)
    outline_ll = shapely.polygons(rings)
    return _Hexagons(
        cells=cells,
        outline_ll=outline_ll,
        outline_m=shapely.polygons(np.stack([x, y], axis=-1).reshape(rings.shape)),
        copy_prefixes=hexagons.copy_prefixes(cells, outline_ll),
    )


def _population(inputs: _Inputs, geo: _Geometry, drawing, gathered, log: Progress):
    """Sum the current population raster by zone and put it on the villages; None without
    a raster. drawing: the future of the _Hexagons. Conflict when the stored raster can no
    longer be read."""
    from coverage import population

    raster = population.current()
    if raster is None:
        return None
    try:
        grid = population.read_grid(raster.file.path)
    except (RasterError, OSError) as exc:
        raise Conflict(f"The population raster cannot be read: {exc}", code="bad_raster") from None
    hexes = drawing.result()
    has = [i for i, g in enumerate(inputs.villages_ll) if g is not None]
    zones = population.Zones(
        territories=list(inputs.territories_ll),
        village_ids=[inputs.village_rows[i][0] for i in has],
        villages=[inputs.villages_ll[i] for i in has],
        covered=geo.clipped,
        srid=settings.METRIC_SRID,
        cells=hexes.cells,
        hexagons=list(hexes.outline_ll),
    )
    zonal = population.zonal_sums(grid, zones)
    for village in gathered.villages:
        village.population, village.population_covered = zonal.villages.get(village.id, (None, {}))
    gathered.counts["population_raster"] = raster.name
    log("population summed by zone")
    return zonal


@dataclass
class _Background:
    """What is computed beside the points' coverage levels (needs only the unions)."""

    hexes: _Hexagons
    inside: np.ndarray  # m² of each hexagon inside the territories
    covered: dict  # {(group, level) of hexagons.HEX_PIECES: m² covered per hexagon}
    homes_at: tuple[np.ndarray, ...] | None  # (address index, hexagon index)
    gaps: list[tuple[str, float, bytes | None]]


class _Jobs:
    """The jobs of _background, which the main thread shares once its own work is done:
    each thread takes the next job until none is left. Each thread measures against its
    own copy of the hexagons (GEOS prepares a geometry lazily on first use, which is not
    safe from two threads at once, see _measure_areas)."""

    def __init__(self):
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.results: dict = {}
        self.ready = threading.Event()  # every job queued
        self.hex_m: np.ndarray | None = None  # the main thread's copy of the hexagons

    def work(self, hex_m: np.ndarray) -> None:
        while True:
            try:
                name, job = self.queue.get_nowait()
            except queue.Empty:
                return
            self.results[name] = job(hex_m)

    def help(self, beside) -> None:
        """Take jobs from the main thread once they are queued (or _background failed)."""
        while not self.ready.wait(0.05):
            if beside.done():
                return
        self.work(self.hex_m)


def _background(inputs: _Inputs, geo: _Geometry, drawing, jobs: _Jobs) -> None:
    """Hexagon areas and the gaps. Run in a second thread while the main one locates the
    points in the unions (GEOS releases the GIL); the main thread then takes a share of the
    jobs (_Jobs). drawing: the future of the _Hexagons."""
    hexes = drawing.result()
    jobs.hex_m = _copy(hexes.outline_m)
    # Largest first; the pieces are copied: the gaps read some of them meanwhile.
    zones = {"inside": inputs.territories_m}
    zones.update({key: geo.clipped[key] for key in hexagons.HEX_PIECES})
    for name in sorted(zones, key=lambda k: -len(zones[k])):
        pieces = zones[name]
        jobs.queue.put((name, lambda hex_m, p=pieces: overlay.overlaps(_copy(p), hex_m)[0]))
    jobs.queue.put(("gaps", lambda _: _gaps(inputs, geo)))
    jobs.ready.set()
    jobs.work(hexes.outline_m)


def _background_result(jobs: _Jobs, beside, drawing, locating) -> _Background:
    """Wait for the background thread, the jobs both threads took and _locate_homes."""
    beside.result()
    r = jobs.results
    return _Background(
        hexes=drawing.result(),
        inside=r["inside"],
        covered={key: r[key] for key in hexagons.HEX_PIECES},
        homes_at=locating.result(),
        gaps=r["gaps"],
    )


def _locate_homes(drawing, found: sql.Points | None) -> tuple[np.ndarray, ...] | None:
    """Return (address index, hexagon index) of the addresses in the H3 hexagons (the
    future `drawing`), None without addresses."""
    if found is None:
        return None
    return hexagons.locate(drawing.result().outline_ll, found.lon, found.lat)


def _hexagon_rows(back: _Background, inputs: _Inputs, adr: _PointShares | None, zonal):
    homes = None
    n = len(back.hexes.cells)
    if adr is not None and back.homes_at is not None:
        served = adr.levels["fixed"] >= 2
        homes = hexagons.household_sums(n, back.homes_at, inputs.addresses.weight, served)
    people = None
    if zonal is not None:
        people = np.asarray(
            [zonal.hexagons.get(cell, (0.0, 0.0)) for cell in back.hexes.cells], dtype=float
        ).reshape(n, 2)
    return hexagons.table(
        back.inside,
        back.covered,
        homes,
        people,
        min_addresses=settings.COVERAGE_H3_MIN_ADDRESSES,
    )


def _gaps(inputs: _Inputs, geo: _Geometry) -> list[tuple[str, float, bytes | None]]:
    """Return (tier, m², WKB METRIC_SRID or None) of the territory outside any coverage of
    the tier's level."""
    out = []
    for tier in TIERS:
        key = ("any", LEVELS[tier])
        pieces, where = geo.clipped[key], geo.clipped_zone[key]
        parts = [
            overlay.gap(zone, pieces[where == i]) for i, zone in enumerate(inputs.territories_m)
        ]
        area = float(shapely.area(np.asarray(parts, dtype=object)).sum()) if parts else 0.0
        gap = shapely.union_all(overlay.polygons_of(parts)) if parts else None
        if gap is not None:
            # Slivers of a few nm² left by the overlay collapse in degrees: snap to 1 mm.
            gap = shapely.set_precision(gap, GAP_GRID_M)
        out.append((tier, area, None if gap is None or gap.is_empty else shapely.to_wkb(gap)))
    return out


def _unserved(inputs: _Inputs, adr: _PointShares) -> dict[str, np.ndarray]:
    """Return the located addresses below the underserved tier, with the best advertised
    speeds reaching them (-1 where nothing does)."""
    level = adr.levels["any"]
    low = np.flatnonzero(level < 1)
    reached = low[level[low] == 0]
    down = np.full(len(low), -1, dtype="int64")
    up = np.full(len(low), -1, dtype="int64")
    best = overlay.best_speeds(
        shapely.points(adr.xy[reached]), inputs.areas_m, inputs.level, inputs.down, inputs.up
    )
    pos = np.searchsorted(low, reached)
    down[pos], up[pos] = best
    p = inputs.addresses
    return {
        "address_id": p.id[low],
        "settlement_id": p.settlement[low],
        "households": p.weight[low],
        "best_down_mbps": down,
        "best_up_mbps": up,
    }


def _snapshot_start(params: dict, counts: dict) -> CoverageSnapshot:
    """Store the new snapshot, current, without its results yet (see _results_json), in the
    caller's transaction."""
    as_of = params["as_of"]
    CoverageSnapshot.objects.filter(is_current=True).update(is_current=False)
    return CoverageSnapshot.objects.create(
        as_of=as_of,
        is_current=True,
        parameters=_parameters(as_of, params["thresholds"], params["srid"]),
        input_counts=counts,
    )


def _results(territories, gathered: _Gathered, zonal, wifi: dict, appeals: dict) -> dict:
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


@transaction.atomic
def coverage_compute(
    *,
    as_of: date | None = None,
    progress: Progress | None = None,
    territory_ids: list[int] | None = None,
    workers: int = 2,
):
    """Compute every coverage share and store it as the current snapshot.

    PostGIS stores and serves the inputs; the geometry runs in shapely/GEOS on arrays
    (coverage.overlay), in settings.METRIC_SRID. as_of: the date whose valid coverage
    areas, open hotspots and connected facilities count (default today). The snapshot also
    holds the gaps, the unserved addresses, the H3 hexagons of the public map and, when a
    population raster is loaded, population-weighted shares. territory_ids: compute over
    these territories together (benchmarks); default the one loaded territory. workers:
    threads for the unions. Concurrent runs queue on an advisory lock. Raises Conflict
    when no territory (or more than one) is loaded. Returns the new CoverageSnapshot.
    """
    log = progress or _noop
    started = time.perf_counter()
    as_of = as_of or timezone.localdate()
    territories = _territories(territory_ids)
    t = thresholds_from_settings()
    srid = settings.METRIC_SRID
    tids = [x.id for x in territories]
    params = {
        "tids": tids,
        "as_of": as_of,
        "sd": t.served_down,
        "su": t.served_up,
        "srid": srid,
        "thresholds": t,
    }
    # Threads: GEOS, pyproj and PostgreSQL (psycopg waits) release the GIL, so the unions,
    # the H3 hexagons, the reads and the writes run side by side on the cores.
    with connection.cursor() as cursor, ThreadPoolExecutor(max_workers=2) as pool:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('coverage_compute'))")
        rows = _read_areas(cursor, tids, as_of)
        measuring = pool.submit(_areas_measured, rows, params, log, workers)
        drawing = pool.submit(_hexagons, rows.territories_ll(), srid)
        # PostgreSQL packs the points on its own core meanwhile (the cursor stays on this
        # thread).
        points = _read_points(cursor, params)
        log("inputs read")
        # The hexagon of each address, on the core the unions leave free at their end.
        locating = pool.submit(_locate_homes, drawing, points.addresses)
        inputs, geo = measuring.result()
        inputs = replace(inputs, **vars(points))
        jobs = _Jobs()
        beside = pool.submit(_background, inputs, geo, drawing, jobs)
        gathered, adr = _gather(inputs, geo, log)
        zonal = _population(inputs, geo, drawing, gathered, log)
        wifi, appeals = _wifi_zones(as_of), _appeals(as_of)
        jobs.help(beside)
        back = _background_result(jobs, beside, drawing, locating)
        hexes = back.hexes
        counts = {**gathered.counts, "hexagons": len(hexes.cells), "wifi_hotspots": wifi["open"]}
        snapshot = _snapshot_start(params, counts)
        table = _hexagon_rows(back, inputs, adr, zonal)
        # PostgreSQL copies the hexagons (the raw cursor, on another thread) while this
        # one assembles and encodes the results; nothing else uses the connection meanwhile.
        storing = pool.submit(hexagons.insert, cursor, snapshot.id, table, hexes.copy_prefixes)
        snapshot.results = _results(territories, gathered, zonal, wifi, appeals)
        encoded = json.dumps(snapshot.results)
        snapshot.input_counts["hexagons"] = storing.result()
        log("H3 hexagons stored")
        sql.snapshot_results_set(cursor, snapshot.id, encoded)
        sql.gaps_insert(cursor, snapshot.id, back.gaps, srid)
        if adr is not None:
            snapshot.input_counts["unserved_addresses"] = sql.unserved_addresses_copy(
                cursor, snapshot.id, _unserved(inputs, adr)
            )
        log("results, gaps and unserved addresses stored")
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
