"""What an edit rewrites of a snapshot's stored rows inside its window (the hexagons'
shares, the unserved addresses, the gaps); the window and the partial sums are
coverage.snapshot.incremental's. Geometries in the snapshot's metric CRS `srid` unless
said otherwise, areas in m².
"""

import numpy as np
import shapely
from django.conf import settings

from coverage import hexagons, overlay, sql
from coverage.compute import GAP_CHOICES, LEVELS
from coverage.snapshot import window_reads as reads
from coverage.snapshot.areas import GAP_GRID_M


def hexagons_patch(cursor, rows, hex_ll, hex_m, win, adr) -> None:
    """Measure again the shares of the hexagons `rows` (ids, EPSG:4326 `hex_ll` and metric
    `hex_m` outlines) the window `win` meets, with the addresses `adr` inside it."""
    if not rows:
        return
    pieces = {}
    for key in hexagons.HEX_PIECES:
        _, clipped, _ = overlay.clip_to_zones(win.new[key], win.territories)
        pieces[key] = overlay.overlaps(clipped, hex_m)[0]
    inside = np.asarray([r[2] for r in rows], dtype=float)
    homes = None
    if adr is not None:
        where = hexagons.locate(hex_ll, adr.points.lon, adr.points.lat)
        served = adr.levels["fixed"] >= 2
        homes = hexagons.household_sums(len(rows), where, adr.points.weight, served)
    table = hexagons.table(
        inside, pieces, homes, None, min_addresses=settings.COVERAGE_H3_MIN_ADDRESSES
    )
    names = ("covered_pct", "served_pct", "fixed_served_pct", "households_served_pct")
    ids = [rows[i][0] for i in table.index.tolist()]
    # One statement for every row (NaN: a share not published, stored as NULL).
    columns = [[None if v != v else v for v in getattr(table, n).tolist()] for n in names]
    cursor.execute(
        "UPDATE coverage_coveragehexagon h SET covered_pct = v.a, served_pct = v.b, "
        "fixed_served_pct = v.c, households_served_pct = v.d "
        "FROM unnest(%s::bigint[], %s::float8[], %s::float8[], %s::float8[], %s::float8[]) "
        "AS v(id, a, b, c, d) WHERE h.id = v.id",
        [ids, *columns],
    )


def unserved_patch(cursor, snapshot, win, adr) -> None:
    """Replace the snapshot's unserved addresses inside the window by those `adr` leaves
    below the "covered" level (with the best speeds of the areas reaching them)."""
    if adr is None:
        return
    cursor.execute(
        "DELETE FROM coverage_unservedaddress WHERE snapshot_id = %s AND address_id = ANY(%s)",
        [snapshot.id, adr.points.id.tolist()],
    )
    level = adr.levels["any"] if len(adr.points.id) else np.empty(0, dtype="int8")
    low = np.flatnonzero(level < 1)
    reached = low[level[low] == 0]
    down = np.full(len(low), -1, dtype="int64")
    up = np.full(len(low), -1, dtype="int64")
    geoms, _, lv, d, u = win.new_areas
    best = overlay.best_speeds(shapely.points(adr.xy[reached]), geoms, lv, d, u)
    pos = np.searchsorted(low, reached)
    down[pos], up[pos] = best
    pts = adr.points
    sql.unserved_addresses_copy(
        cursor,
        snapshot.id,
        {
            "address_id": pts.id[low],
            "settlement_id": pts.settlement[low],
            "households": pts.weight[low],
            "best_down_mbps": down,
            "best_up_mbps": up,
        },
    )
    cursor.execute(
        "SELECT COUNT(*) FROM coverage_unservedaddress WHERE snapshot_id = %s", [snapshot.id]
    )
    snapshot.input_counts["unserved_addresses"] = cursor.fetchone()[0]


# The parts of a stored gap (EPSG:4326) whose boxes meet the window's box, padded so that a
# part left out surely misses the window in METRIC_SRID too.
_GAP_PARTS = "SELECT (ST_Dump(area)).geom AS g FROM coverage_coveragegap WHERE id = %(id)s"
_GAP_TOUCHED = (
    f"SELECT ST_AsBinary(ST_Transform(ST_Collect(g), %(srid)s)) FROM ({_GAP_PARTS}) AS p "
    f"WHERE g && {reads.ENVELOPE}"
)
_GAP_WRITE = f"""
    WITH new AS (SELECT ST_Transform(ST_GeomFromWKB(%(wkb)s, %(srid)s), 4326) AS geom),
    fixed AS (SELECT CASE WHEN ST_IsValid(geom) THEN geom
                          ELSE ST_MakeValid(geom, 'method=structure') END AS geom FROM new),
    parts AS (SELECT g FROM ({_GAP_PARTS}) AS p WHERE NOT g && {reads.ENVELOPE}
              UNION ALL SELECT (ST_Dump(ST_CollectionExtract(geom, 3))).geom FROM fixed)
    UPDATE coverage_coveragegap SET area_m2 = %(area)s,
        area = (SELECT NULLIF(ST_Multi(ST_CollectionExtract(ST_Collect(g), 3)),
                              'MULTIPOLYGON EMPTY') FROM parts)
    WHERE id = %(id)s"""


def gaps_patch(cursor, snapshot, win, srid: int) -> None:
    """Patch the gap of each territory the window meets (`win.territories`, whose ids are
    `win.territory_ids`): its parts away from the window are kept as stored, the parts
    meeting it are cut by it and joined with the new gap inside it."""
    territory_ids = win.territory_ids
    inside = shapely.intersection(win.territories, win.box)
    met = [i for i, part in enumerate(inside.tolist()) if not part.is_empty]
    if not met:
        return
    pad = reads.box_of(win.box.buffer(10.0, join_style="mitre"), srid)
    cursor.execute(
        'SELECT id, "group", tier, territory_id, area_m2 FROM coverage_coveragegap '
        "WHERE snapshot_id = %s AND territory_id = ANY(%s)",
        [snapshot.id, [territory_ids[i] for i in met]],
    )
    rows = {(g, t, tid): (gap_id, area) for gap_id, g, t, tid, area in cursor.fetchall()}
    for group, tier in GAP_CHOICES:
        key = (group, LEVELS[tier])
        for i in met:
            found = rows.get((group, tier, territory_ids[i]))
            if found is not None:
                _gap_patch(cursor, found, inside[i], win, key, pad)


def _gap_patch(cursor, found, inside, win, key, pad: dict) -> None:
    """Patch one stored gap (id, m²) whose territory meets the window in `inside`."""
    gap_id, area_m2 = found
    cursor.execute(_GAP_TOUCHED, {**pad, "id": gap_id})
    wkb = cursor.fetchone()[0]
    touched = shapely.MultiPolygon() if wkb is None else shapely.from_wkb(bytes(wkb))
    old_part = shapely.difference(inside, win.old[key])
    new_part = shapely.difference(inside, win.new[key])
    local = shapely.union(shapely.difference(touched, win.box), new_part)
    local = shapely.set_precision(local, GAP_GRID_M)
    area = area_m2 - float(shapely.area(old_part)) + float(shapely.area(new_part))
    local_wkb = shapely.to_wkb(shapely.multipolygons(overlay.polygons_of([local])))
    cursor.execute(_GAP_WRITE, {**pad, "id": gap_id, "wkb": local_wkb, "area": area})
