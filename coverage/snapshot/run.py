"""The orchestration of a computation: the pipeline's steps on two threads, one transaction.

inputs → unions → areas → addresses → hexagons → results; `coverage_compute` stores a new
CoverageSnapshot and makes it current in one transaction, so readers see either the old
snapshot or the new one, never half of it.
"""

import os
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import replace
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from coverage import hexagons, sql
from coverage.snapshot.addresses import gather, unserved
from coverage.snapshot.areas import areas_measured
from coverage.snapshot.background import Jobs, background, background_result
from coverage.snapshot.hexagons import hexagon_rows, hexagons_draw, homes_locate
from coverage.snapshot.inputs import (
    read_areas,
    read_points,
    territories_get,
    thresholds_from_settings,
)
from coverage.snapshot.partials import finite_or_fail, partials_encode
from coverage.snapshot.people import population_sums
from coverage.snapshot.results import appeals_of, results_assemble, snapshot_start, wifi_zones_of
from coverage.snapshot.unions import Progress
from coverage.snapshot.window_reads import areas_signature
from layers.selectors import metric_srid_of


def _noop(message: str) -> None:
    return None


def _partials_store(cursor, snapshot, gathered, tids: list[int], signature: list) -> None:
    """Store the partial sums the results were assembled from (incremental.py)."""
    finite_or_fail(gathered.area_m2, gathered.area_covered, [vars(v) for v in gathered.villages])
    snapshot.partials = {
        **partials_encode(
            area_m2=gathered.area_m2,
            area_covered=gathered.area_covered,
            villages=gathered.villages,
            tids=tids,
        ),
        "signature": signature,
    }
    sql.snapshot_partials_set(cursor, snapshot.id, sql.json_text(snapshot.partials))


# The computation's two threads are kept for the process's life: pyproj builds its PROJ
# transformer again in every new thread (42 ms of CPU each), and fresh threads made two of
# them per computation, most of a demo-size computation's time. Two computations of one
# process never use them at once: each takes the advisory lock before submitting.
def _new_threads() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="coverage-compute")


_THREADS = _new_threads()


def _threads_after_fork() -> None:
    """A forked child has none of its parent's threads, but a pool copied from a parent
    that used it still counts them, and would start no new one: give the child its own."""
    global _THREADS  # noqa: PLW0603 — the one pool of this process, replaced in a child
    _THREADS = _new_threads()


os.register_at_fork(after_in_child=_threads_after_fork)


class _KeptThreads:
    """Submit to the kept threads; on leaving, wait for all that was submitted (as leaving
    a `with ThreadPoolExecutor()` block does), so no task outlives the cursor it uses."""

    def __init__(self):
        self.futures: list[Future] = []

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        wait(self.futures)

    def submit(self, fn, *args) -> Future:
        future = _THREADS.submit(fn, *args)
        self.futures.append(future)
        return future


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
    (coverage.overlay), in the metric CRS stored with the territories (their УСК-2000
    zone, Territory.metric_srid; the one most share when several are computed). as_of:
    the date whose valid coverage areas, open hotspots and connected facilities count
    (default today). The snapshot also holds the gaps, the unserved addresses, the H3
    hexagons of the public map and, when a population raster is loaded,
    population-weighted shares. territory_ids: compute over
    these territories together (benchmarks); default the one loaded territory. workers:
    threads for the unions. Concurrent runs queue on an advisory lock. Raises Conflict
    when no territory (or more than one) is loaded. Returns the new CoverageSnapshot.
    """
    log = progress or _noop
    started = time.perf_counter()
    as_of = as_of or timezone.localdate()
    territories = territories_get(territory_ids)
    t = thresholds_from_settings()
    srid = metric_srid_of(territories)
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
    with connection.cursor() as cursor, _KeptThreads() as pool:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('coverage_compute'))")
        rows = read_areas(cursor, tids, as_of)
        # What the snapshot was computed from, for snapshot_patch to tell whether an edit
        # can be applied to it (incremental.py).
        signature = areas_signature(cursor, as_of)
        measuring = pool.submit(areas_measured, rows, params, log, workers)
        drawing = pool.submit(hexagons_draw, rows.territories_ll(), srid)
        # PostgreSQL packs the points on its own core meanwhile (the cursor stays on this
        # thread).
        points = read_points(cursor, params)
        log("inputs read")
        # The hexagon of each address, on the core the unions leave free at their end.
        locating = pool.submit(homes_locate, drawing, points.addresses)
        inputs, geo = measuring.result()
        inputs = replace(inputs, **vars(points))
        jobs = Jobs()
        beside = pool.submit(background, inputs, geo, drawing, jobs)
        gathered, adr = gather(inputs, geo, log)
        zonal = population_sums(inputs, geo, drawing, gathered, log, srid=srid)
        wifi, appeals = wifi_zones_of(as_of), appeals_of(as_of)
        jobs.help(beside)
        back = background_result(jobs, beside, drawing, locating)
        hexes = back.hexes
        counts = {**gathered.counts, "hexagons": len(hexes.cells), "wifi_hotspots": wifi["open"]}
        snapshot = snapshot_start(params, counts)
        if rows.skipped:  # shown on the planners' page (coverage/_skipped_areas.html)
            snapshot.input_counts["skipped_areas"] = rows.skipped
        table = hexagon_rows(back, inputs, adr, zonal)
        # PostgreSQL copies the hexagons (the raw cursor, on another thread) while this
        # one assembles and encodes the results; nothing else uses the connection meanwhile.
        storing = pool.submit(hexagons.insert, cursor, snapshot.id, table, hexes.copy_prefixes)
        snapshot.results = results_assemble(territories, gathered, zonal, wifi, appeals)
        encoded = sql.json_text(snapshot.results)
        snapshot.input_counts["hexagons"] = storing.result()
        log("H3 hexagons stored")
        sql.snapshot_results_set(cursor, snapshot.id, encoded)
        _partials_store(cursor, snapshot, gathered, tids, signature)
        sql.gaps_insert(cursor, snapshot.id, back.gaps, srid, tids)
        if adr is not None:
            snapshot.input_counts["unserved_addresses"] = sql.unserved_addresses_copy(
                cursor, snapshot.id, unserved(inputs, adr)
            )
        log("results, gaps and unserved addresses stored")
    snapshot.duration_ms = round((time.perf_counter() - started) * 1000)
    snapshot.save(update_fields=["duration_ms", "input_counts"])
    return snapshot
