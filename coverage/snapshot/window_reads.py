"""What an edit's window reads from PostGIS (coverage.snapshot.incremental's SQL).

Every read is bounded by the window's box, given in the snapshot's metric CRS and
densified before it is moved to EPSG:4326 (the stored geometries' CRS), so the indexes
on `area`, `boundary` and `location` pick the rows.
"""

from datetime import date

import numpy as np
import shapely

from coverage import sql

VALID = (
    "(valid_from IS NULL OR valid_from <= %(as_of)s)"
    " AND (valid_to IS NULL OR valid_to >= %(as_of)s)"
)
AREA_HASH = "hashtextextended(%s::text || '/' || extract(epoch FROM %s::timestamptz)::text, 0)"
# The metric box, densified before it is moved to degrees: its straight edges bend there.
ENVELOPE = (
    "ST_Transform(ST_Segmentize("
    "ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, %(srid)s), 50), 4326)"
)


def areas_signature(cursor, as_of: date) -> list:
    """Return [count, hash sum as text] of the coverage areas valid on `as_of`."""
    cursor.execute(
        f"SELECT COUNT(*), COALESCE(SUM({AREA_HASH % ('id', 'updated_at')}::numeric), 0)::text "
        f"FROM coverage_coveragearea WHERE {VALID}",
        {"as_of": as_of},
    )
    n, total = cursor.fetchone()
    return [int(n), total]


def state_hash(cursor, area_id: int, updated_at) -> int:
    """Return one area's term of areas_signature's hash sum."""
    cursor.execute(f"SELECT {AREA_HASH % ('%s', '%s')}", [area_id, updated_at])
    return int(cursor.fetchone()[0])


def box_of(window: shapely.Geometry, srid: int) -> dict:
    x0, y0, x1, y1 = window.bounds
    return {"x0": x0, "y0": y0, "x1": x1, "y1": y1, "srid": srid}


def areas_in(cursor, box: dict, as_of: date) -> list[tuple]:
    cursor.execute(
        "SELECT id, technology, down_mbps, up_mbps, ST_AsBinary(area) FROM coverage_coveragearea "
        f"WHERE {VALID} AND area && {ENVELOPE} ORDER BY id",
        {**box, "as_of": as_of},
    )
    return cursor.fetchall()


def hexagons_in(cursor, box: dict, snapshot_id: int) -> list[tuple]:
    cursor.execute(
        "SELECT id, ST_AsBinary(area), area_m2 FROM coverage_coveragehexagon "
        f"WHERE snapshot_id = %(s)s AND area && {ENVELOPE} ORDER BY id",
        {**box, "s": snapshot_id},
    )
    return cursor.fetchall()


def villages_in(cursor, box: dict, tids: list[int]) -> list[tuple]:
    cursor.execute(
        "SELECT id, ST_AsBinary(boundary) FROM layers_settlement "
        f"WHERE territory_id = ANY(%(tids)s) AND boundary && {ENVELOPE} ORDER BY id",
        {**box, "tids": tids},
    )
    return cursor.fetchall()


def points_in(cursor, box: dict, tids: list[int], table: str) -> sql.Points:
    where = "AND p.status = 'active'" if table == "addresses_address" else ""
    weight = "p.households" if table == "addresses_address" else "1"
    cursor.execute(
        f"SELECT p.id, p.settlement_id, {weight}, ST_X(p.location), ST_Y(p.location) "
        f"FROM {table} p JOIN layers_settlement st ON st.id = p.settlement_id "
        f"AND st.territory_id = ANY(%(tids)s) WHERE p.location && {ENVELOPE} {where}",
        {**box, "tids": tids},
    )
    cols = list(zip(*cursor.fetchall(), strict=True)) or [()] * 5
    return sql.Points(
        id=np.asarray(cols[0], dtype="int64"),
        settlement=np.asarray(cols[1], dtype="int64"),
        weight=np.asarray(cols[2], dtype="float64"),
        lon=np.asarray(cols[3], dtype="float64"),
        lat=np.asarray(cols[4], dtype="float64"),
    )
