"""Incremental recomputation: one coverage area saved or deleted, the current snapshot patched.

The design (the smallest sound one; the geometry is in coverage.snapshot.partials):

* An edit changes coverage only inside W, the metric box (in the snapshot's own CRS) of
  the edited area's old and new outlines. W is widened to W', the box of the H3
  hexagons of the snapshot that W meets (each of them lies inside W' and is measured
  again whole), plus 1 m.
* The coverage areas meeting W' are read; the "old" set is the same with the edited
  area's state before the edit (AreaState, captured by the service before it writes).
  Per (group, level), the old and the new union of those areas clipped to W'.
* The stored partial sums (CoverageSnapshot.partials: the territory's covered m², each
  village's compute.VillageInputs) get the differences: new − old covered m² of each
  territory and village meeting W', and new − old counts and household weights of the
  addresses and facilities inside W'. The results are then assembled again from them
  (compute.snapshot_results), exactly as the full computation assembles its own.
* The hexagons W meets are measured again, the unserved addresses inside W' replaced, and
  each gap patched: (gap − W') ∪ (territory ∩ W' − new union) (these stored rows:
  coverage.snapshot.stored).

Patched figures equal a full recomputation's: counts exactly, areas to rounding (about
1e-12 relative; tests/coverage/test_incremental.py checks 1e-9). The gaps' outlines carry
extra vertices along W' (the same region, to 1 mm).

It is sound only when the stored snapshot matches the areas before the edit, so a patch
is refused (None; the snapshot stays as it was, its age shown, the recompute button there)
when: there is no current snapshot or it has no partial sums; it was computed for another
date than today or with other settings; a population raster is loaded (its zonal sums
are not patched); the villages changed; or the areas' signature (count and a hash of
id + updated_at of the areas valid that day) does not match the stored one with the edit
applied: some change reached the areas without a patch.
"""

import logging
import time
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import shapely
from django.db import connection, transaction
from django.utils import timezone

from coverage import overlay, sql
from coverage.models import CoverageArea, CoverageSnapshot
from coverage.snapshot import partials as p
from coverage.snapshot import stored
from coverage.snapshot import window_reads as reads
from coverage.snapshot.addresses import Gathered
from coverage.snapshot.inputs import area_problem, territories_get, thresholds_from_settings
from coverage.snapshot.results import appeals_of, parameters_of, results_assemble, wifi_zones_of
from layers.models import Territory
from layers.selectors import metric_srid_of

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AreaState:
    """A coverage area as the computation sees it (geometry WKB, EPSG:4326)."""

    id: int
    technology: str
    down_mbps: int
    up_mbps: int
    valid_from: date | None
    valid_to: date | None
    wkb: bytes
    updated_at: datetime

    @classmethod
    def of(cls, row: CoverageArea) -> "AreaState":
        return cls(
            row.pk,
            row.technology,
            row.down_mbps,
            row.up_mbps,
            row.valid_from,
            row.valid_to,
            bytes(row.area.wkb),
            row.updated_at,
        )

    def counts_on(self, as_of: date) -> bool:
        """Tell whether the area is valid on `as_of` (as sql.coverage_sources reads)."""
        return (self.valid_from is None or self.valid_from <= as_of) and (
            self.valid_to is None or self.valid_to >= as_of
        )


# --- the patch ----------------------------------------------------------------------------------


@dataclass
class Edit:
    """The usable coverage before and after an edit, in the snapshot's metric CRS."""

    ids: set
    before: list[tuple]  # (id, technology, down, up, WKB 4326) as sql.coverage_sources
    after: list[tuple]


def _usable(states: list[AreaState], as_of: date) -> list[tuple]:
    rows = [
        (s.id, s.technology, s.down_mbps, s.up_mbps, s.wkb) for s in states if s.counts_on(as_of)
    ]
    return [r for r in rows if area_problem(shapely.from_wkb(r[4], on_invalid="ignore")) is None]


def _metric(rows: list[tuple], srid: int) -> np.ndarray:
    return overlay.reproject(shapely.from_wkb([bytes(r[4]) for r in rows]), 4326, srid)


def _arrays(rows: list[tuple], srid: int, t) -> tuple[np.ndarray, ...]:
    down = np.asarray([r[2] for r in rows], dtype="int64")
    up = np.asarray([r[3] for r in rows], dtype="int64")
    tech = np.asarray([r[1] for r in rows], dtype=object)
    return _metric(rows, srid), tech, overlay.levels_of(down, up, t), down, up


def refusal(snapshot: CoverageSnapshot | None, today: date) -> str | None:
    """Why the current snapshot cannot be patched, or None when it can."""
    if snapshot is None:
        return "no current snapshot"
    if (snapshot.partials or {}).get("version") != p.PARTIALS_VERSION:
        return "the snapshot has no partial sums"
    if snapshot.as_of != today:
        return "the snapshot was computed for another date"
    if "population_raster" in snapshot.input_counts:
        return "a population raster is loaded"
    territories = Territory.objects.filter(pk__in=snapshot.partials["territory_ids"])
    if territories.count() != len(set(snapshot.partials["territory_ids"])):
        return "a territory of the snapshot was deleted"
    # The CRS a full run would use now: the zone stored with the snapshot's territories.
    srid = metric_srid_of(territories)
    wanted = parameters_of(today, thresholds_from_settings(), srid)
    if snapshot.parameters != wanted:
        return "the settings changed since the snapshot"
    return None


@transaction.atomic
def snapshot_patch(*, before: list[AreaState], after: list[AreaState]) -> CoverageSnapshot | None:
    """Apply one edit of coverage areas to the current snapshot; return it, or None when
    it cannot be patched (see the module's docstring; the reason is logged).

    before / after: the edited areas' states before and after the edit (empty for a
    created / deleted area), read in the caller's transaction after its write.
    """
    started = time.perf_counter()
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('coverage_compute'))")
        # The results (megabytes at oblast size) are assembled anew, never read here.
        current = CoverageSnapshot.objects.select_for_update().filter(is_current=True)
        snapshot = current.defer("results").first()
        reason = refusal(snapshot, today)
        if reason is None:
            reason = _signature_check(cursor, snapshot, before, after)
        if reason is not None:
            logger.info("coverage snapshot not patched: %s", reason)
            return None
        _patch(cursor, snapshot, before, after)
    snapshot.computed_at = timezone.now()
    snapshot.duration_ms = round((time.perf_counter() - started) * 1000)
    snapshot.save(update_fields=["computed_at", "duration_ms", "input_counts"])
    from layers.tiles import cache as tilecache

    transaction.on_commit(tilecache.bump)
    return snapshot


def _signature_check(cursor, snapshot, before, after) -> str | None:
    stored = snapshot.partials.get("signature")
    now = reads.areas_signature(cursor, snapshot.as_of)
    if stored is None:
        return "the snapshot has no areas signature"
    n, total = stored[0], int(stored[1])
    for state in before:
        if state.counts_on(snapshot.as_of):
            n, total = n - 1, total - reads.state_hash(cursor, state.id, state.updated_at)
    for state in after:
        if state.counts_on(snapshot.as_of):
            n, total = n + 1, total + reads.state_hash(cursor, state.id, state.updated_at)
    if [n, str(total)] != now:
        return "the coverage areas changed since the snapshot"
    snapshot.partials["signature"] = now
    return None


def _patch(cursor, snapshot: CoverageSnapshot, before, after) -> None:
    # The metric CRS the snapshot was computed in (refusal checked it is still the one).
    as_of, t = snapshot.as_of, thresholds_from_settings()
    srid = snapshot.parameters["metric_srid"]
    parts = p.partials_decode(snapshot.partials)
    edit = Edit(
        {s.id for s in before} | {s.id for s in after},
        _usable(before, as_of),
        _usable(after, as_of),
    )
    edited = edit.before + edit.after
    snapshot.input_counts["coverage_areas"] += len(edit.after) - len(edit.before)
    if edited:
        _patch_window(cursor, snapshot, parts, edit, (as_of, srid, t))
    territories = territories_get(parts.territory_ids)
    gathered = Gathered(parts.area_m2, parts.area_covered, parts.villages, {})
    snapshot.results = results_assemble(
        territories, gathered, None, wifi_zones_of(as_of), appeals_of(as_of)
    )
    sql.snapshot_results_set(cursor, snapshot.id, sql.json_text(snapshot.results))
    snapshot.partials = {
        **p.partials_encode(
            area_m2=parts.area_m2,
            area_covered=parts.area_covered,
            villages=parts.villages,
            tids=parts.territory_ids,
        ),
        "signature": snapshot.partials["signature"],
    }
    sql.snapshot_partials_set(cursor, snapshot.id, sql.json_text(snapshot.partials))


@dataclass
class Window:
    """The widened window of an edit and what lies in it (the snapshot's metric CRS)."""

    box: shapely.Geometry
    sql_box: dict
    old: dict  # {(group, level): union clipped to the box} before the edit
    new: dict
    new_areas: tuple  # (geoms, technology, level, down, up) of the areas after the edit
    territories: np.ndarray
    territory_ids: list  # the id of each of `territories`, in order


def _patch_window(cursor, snapshot, parts: p.Partials, edit: Edit, ctx) -> None:
    as_of, srid, t = ctx
    edit_box = p.window_of(_metric(edit.before + edit.after, srid))
    hex_rows = reads.hexagons_in(cursor, reads.box_of(edit_box, srid), snapshot.id)
    hex_ll = shapely.from_wkb([bytes(r[1]) for r in hex_rows])
    hex_m = overlay.reproject(hex_ll, 4326, srid)
    meets = shapely.intersects(hex_m, edit_box) if len(hex_m) else np.zeros(0, dtype=bool)
    hex_rows = [r for r, m in zip(hex_rows, meets, strict=True) if m]
    hex_ll, hex_m = hex_ll[meets], hex_m[meets]
    box = p.window_of(np.concatenate([[edit_box], hex_m]))
    win = _window(cursor, box, parts, edit, ctx)
    _patch_territory(parts, win)
    adr = _patch_villages(cursor, parts, win, srid)
    stored.hexagons_patch(cursor, hex_rows, hex_ll, hex_m, win, adr)
    stored.unserved_patch(cursor, snapshot, win, adr)
    stored.gaps_patch(cursor, snapshot, win, srid)


def _window(cursor, box, parts: p.Partials, edit: Edit, ctx) -> Window:
    as_of, srid, t = ctx
    sql_box = reads.box_of(box, srid)
    rows, _ = _split_usable(reads.areas_in(cursor, sql_box, as_of))
    others = [r for r in rows if r[0] not in edit.ids]
    old = _arrays(others + edit.before, srid, t)
    new = _arrays(others + edit.after, srid, t)
    found = sql.territories(cursor, parts.territory_ids)
    ter = shapely.from_wkb([bytes(w) for _, w in found])
    return Window(
        box=box,
        sql_box=sql_box,
        old=p.clipped_unions(old[0], old[1], old[2], box),
        new=p.clipped_unions(new[0], new[1], new[2], box),
        new_areas=new,
        territories=overlay.reproject(ter, 4326, srid),
        territory_ids=[tid for tid, _ in found],
    )


def _split_usable(rows):
    from coverage.snapshot.inputs import usable_areas

    return usable_areas(rows)


def _patch_territory(parts: p.Partials, win: Window) -> None:
    delta = p.area_deltas(win.old, win.new, win.territories)
    parts.area_covered = {
        key: parts.area_covered.get(key, 0.0) + float(delta[key].sum()) for key in p.KEYS
    }


@dataclass
class WindowPoints:
    """The addresses inside the window with their new levels (None without addresses)."""

    points: sql.Points
    xy: np.ndarray
    levels: dict


def _inside(found: sql.Points, box, srid) -> tuple[sql.Points, np.ndarray]:
    x, y = overlay.reproject_xy(found.lon, found.lat, 4326, srid)
    xy = np.column_stack([x, y]) if len(found.id) else np.empty((0, 2))
    x0, y0, x1, y1 = box.bounds  # closed: a point on the edge is inside
    keep = (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)
    kept = sql.Points(
        *(getattr(found, f)[keep] for f in ("id", "settlement", "weight", "lon", "lat"))
    )
    return kept, xy[keep]


def _patch_villages(cursor, parts: p.Partials, win: Window, srid) -> WindowPoints | None:
    index = {v.id: i for i, v in enumerate(parts.villages)}
    rows = [r for r in reads.villages_in(cursor, win.sql_box, parts.territory_ids) if r[0] in index]
    if rows:
        zones = overlay.reproject(shapely.from_wkb([bytes(w) for _, w in rows]), 4326, srid)
        delta = p.area_deltas(win.old, win.new, zones)
        for j, (vid, _) in enumerate(rows):
            village = parts.villages[index[vid]]
            village.area_covered = p.add_into(village.area_covered, delta, j)
    n = len(parts.villages)
    ids = np.asarray([v.id for v in parts.villages], dtype="int64")
    fac, fac_xy = _inside(
        reads.points_in(cursor, win.sql_box, parts.territory_ids, "layers_facility"), win.box, srid
    )
    _add_points(parts, "facilities_covered", win, fac, fac_xy, ids, n, None)
    if (
        not sql.table_exists("addresses_address")
        or parts.villages
        and parts.villages[0].addresses_covered is None
    ):
        return None
    adr, adr_xy = _inside(
        reads.points_in(cursor, win.sql_box, parts.territory_ids, "addresses_address"),
        win.box,
        srid,
    )
    levels = _add_points(parts, "addresses_covered", win, adr, adr_xy, ids, n, None)
    _add_points(parts, "address_households_covered", win, adr, adr_xy, ids, n, adr.weight)
    return WindowPoints(adr, adr_xy, levels)


def _add_points(parts, name, win, found, xy, ids, n, weight) -> dict:
    order = np.argsort(ids)
    zone = (
        order[np.searchsorted(ids, found.settlement, sorter=order)] if len(found.id) else found.id
    )
    delta, levels = p.point_deltas(win.old, win.new, xy, zone, n, weight)
    for i in np.unique(zone).tolist():
        village = parts.villages[i]
        setattr(village, name, p.add_into(getattr(village, name), delta, i))
    return levels
