"""The PostGIS side of the coverage computation: binary reads of its inputs, bulk writes.

Run inside `coverage.services.coverage_compute`'s transaction. Geometry is read as WKB
in EPSG:4326, as stored; coverage.snapshot.inputs reprojects it to settings.METRIC_SRID
and coverage.overlay does the geometry. Addresses (a million at benchmark size) come packed
in one bytea straight into numpy arrays; unserved addresses go back by COPY.
"""

from dataclasses import dataclass
from datetime import date

import numpy as np
import orjson
from django.db import connection

ACTIVE_ADDRESSES = """
    FROM addresses_address a
    JOIN layers_settlement st ON st.id = a.settlement_id AND st.territory_id = ANY(%(tids)s)
    WHERE a.status = 'active'
"""
# One address as packed by `addresses`: id, village, households (big-endian, as int8send
# and int4send write them), then the point as WKB (NDR: byte order, type, x, y).
_ADDRESS_ROW = np.dtype(
    [
        ("id", ">i8"),
        ("settlement", ">i8"),
        ("households", ">i4"),
        ("order", "u1"),
        ("type", "<u4"),
        ("x", "<f8"),
        ("y", "<f8"),
    ]
)
_WKB_POINT = 1


def table_exists(name: str) -> bool:
    """Tell whether a table exists (an app's migrations may not have run yet)."""
    with connection.cursor() as cursor:
        return name in connection.introspection.table_names(cursor)


def coverage_sources(cursor, as_of: date) -> list[tuple]:
    """Return (id, technology, down_mbps, up_mbps, WKB EPSG:4326) of the coverage areas
    valid on `as_of`, by id."""
    cursor.execute(
        """SELECT id, technology, down_mbps, up_mbps, ST_AsBinary(area)
           FROM coverage_coveragearea
           WHERE (valid_from IS NULL OR valid_from <= %(as_of)s)
             AND (valid_to IS NULL OR valid_to >= %(as_of)s)
           ORDER BY id""",
        {"as_of": as_of},
    )
    return cursor.fetchall()


def territories(cursor, territory_ids: list[int]) -> list[tuple]:
    """Return (id, WKB EPSG:4326 boundary) of the territories, by id."""
    cursor.execute(
        "SELECT id, ST_AsBinary(boundary) FROM layers_territory WHERE id = ANY(%s) ORDER BY id",
        [list(territory_ids)],
    )
    return cursor.fetchall()


def villages(cursor, territory_ids: list[int]) -> list[tuple]:
    """Return (id, katottg, name_uk, name_en, households, WKB EPSG:4326 boundary or None)
    of the territories' villages, by name."""
    cursor.execute(
        """SELECT id, katottg, name_uk, name_en, households, ST_AsBinary(boundary)
           FROM layers_settlement WHERE territory_id = ANY(%s) ORDER BY name_uk, id""",
        [list(territory_ids)],
    )
    return cursor.fetchall()


@dataclass
class Points:
    """Located points with their village: ids, village ids, weights, lon/lat (EPSG:4326)."""

    id: np.ndarray
    settlement: np.ndarray
    weight: np.ndarray
    lon: np.ndarray
    lat: np.ndarray


def addresses(cursor, territory_ids: list[int]) -> tuple[Points, int]:
    """Read the located active addresses (id, village, households, point) as one packed
    bytea, parsed by numpy: a million rows cost one round trip instead of a million
    Python tuples. Returns (the points, how many active addresses have no point): both
    from one scan. Falls back to a plain query for anything but 2D NDR points."""
    cursor.execute(
        "SELECT string_agg(int8send(a.id) || int8send(a.settlement_id::int8) "
        "|| int4send(a.households) || ST_AsBinary(a.location, 'NDR'), ''::bytea) "
        "FILTER (WHERE a.location IS NOT NULL), "
        "COUNT(*) FILTER (WHERE a.location IS NULL) " + ACTIVE_ADDRESSES,
        {"tids": list(territory_ids)},
    )
    packed, unlocated = cursor.fetchone()
    data = bytes(packed or b"")
    if len(data) % _ADDRESS_ROW.itemsize == 0:
        rows = np.frombuffer(data, dtype=_ADDRESS_ROW)
        if bool((rows["order"] == 1).all()) and bool((rows["type"] == _WKB_POINT).all()):
            points = Points(
                id=rows["id"].astype("int64"),
                settlement=rows["settlement"].astype("int64"),
                weight=rows["households"].astype("float64"),
                lon=rows["x"].astype("float64"),
                lat=rows["y"].astype("float64"),
            )
            return points, int(unlocated)
    return _addresses_slow(cursor, territory_ids), int(unlocated)


def _addresses_slow(cursor, territory_ids: list[int]) -> Points:
    cursor.execute(
        "SELECT a.id, a.settlement_id, a.households, ST_X(a.location), ST_Y(a.location) "
        + ACTIVE_ADDRESSES
        + " AND a.location IS NOT NULL",
        {"tids": list(territory_ids)},
    )
    cols = list(zip(*cursor.fetchall(), strict=True)) or [()] * 5
    return Points(
        id=np.asarray(cols[0], dtype="int64"),
        settlement=np.asarray(cols[1], dtype="int64"),
        weight=np.asarray(cols[2], dtype="float64"),
        lon=np.asarray(cols[3], dtype="float64"),
        lat=np.asarray(cols[4], dtype="float64"),
    )


def facilities(cursor, territory_ids: list[int]) -> Points:
    """Read the territories' facilities (id, village, weight 1, point)."""
    cursor.execute(
        """SELECT f.id, f.settlement_id, ST_X(f.location), ST_Y(f.location)
           FROM layers_facility f
           JOIN layers_settlement st ON st.id = f.settlement_id AND st.territory_id = ANY(%s)
           WHERE f.location IS NOT NULL""",
        [list(territory_ids)],
    )
    cols = list(zip(*cursor.fetchall(), strict=True)) or [()] * 4
    return Points(
        id=np.asarray(cols[0], dtype="int64"),
        settlement=np.asarray(cols[1], dtype="int64"),
        weight=np.ones(len(cols[0])),
        lon=np.asarray(cols[2], dtype="float64"),
        lat=np.asarray(cols[3], dtype="float64"),
    )


def facility_totals(cursor, params: dict) -> dict[int, tuple[int, int, int]]:
    """Return {village id: (facilities, connected on as_of, connected at served speeds)}."""
    cursor.execute(
        """SELECT f.settlement_id, COUNT(*),
                  COUNT(*) FILTER (WHERE f.internet = 'connected'
                      AND (f.connected_since IS NULL OR f.connected_since <= %(as_of)s)),
                  COUNT(*) FILTER (WHERE f.internet = 'connected'
                      AND (f.connected_since IS NULL OR f.connected_since <= %(as_of)s)
                      AND f.down_mbps >= %(sd)s AND f.up_mbps >= %(su)s)
           FROM layers_facility f
           JOIN layers_settlement st ON st.id = f.settlement_id AND st.territory_id = ANY(%(tids)s)
           GROUP BY f.settlement_id""",
        params,
    )
    return {sid: (int(n), int(c), int(h)) for sid, n, c, h in cursor.fetchall()}


def json_text(value) -> str:
    """Encode a snapshot's results or partial sums as JSON text (orjson: megabytes are
    encoded again at every coverage edit). Keys that are not strings become strings, and
    numpy numbers plain numbers, as the json module would have them."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY).decode()


def snapshot_results_set(cursor, snapshot_id: int, results_json: str) -> None:
    """Store a snapshot's results, already encoded as JSON text (the column is `json`)."""
    cursor.execute(
        "UPDATE coverage_coveragesnapshot SET results = %s::json WHERE id = %s",
        [results_json, snapshot_id],
    )


def snapshot_partials_set(cursor, snapshot_id: int, partials_json: str) -> None:
    """Store a snapshot's partial sums, encoded as JSON text (coverage.snapshot.partials)."""
    cursor.execute(
        "UPDATE coverage_coveragesnapshot SET partials = %s::json WHERE id = %s",
        [partials_json, snapshot_id],
    )


def gaps_insert(
    cursor,
    snapshot_id: int,
    gaps: list[tuple[str, str, int, float, bytes | None]],
    srid: int,
    territory_ids: list[int],
):
    """Store per group, tier and territory (group, tier, index in `territory_ids`, area m²,
    WKB in `srid` or None) the uncovered part of the territory, as an EPSG:4326
    MultiPolygon (NULL when empty). A shape valid in metres can turn invalid when its
    vertices move to degrees (rings a hair apart touch); it is then repaired."""
    cursor.executemany(
        """WITH g AS (SELECT ST_Transform(ST_GeomFromWKB(%(wkb)s, %(srid)s), 4326) AS geom)
           INSERT INTO coverage_coveragegap (snapshot_id, "group", tier, territory_id,
                                             area_m2, area)
           SELECT %(snapshot)s, %(group)s, %(tier)s, %(territory)s, %(area)s,
                  NULLIF(ST_Multi(ST_CollectionExtract(
                      CASE WHEN ST_IsValid(g.geom) THEN g.geom
                           ELSE ST_MakeValid(g.geom, 'method=structure') END,
                      3)), 'MULTIPOLYGON EMPTY')
           FROM g""",
        [
            {
                "snapshot": snapshot_id,
                "group": group,
                "tier": tier,
                "territory": territory_ids[index],
                "area": area_m2,
                "wkb": wkb,
                "srid": srid,
            }
            for group, tier, index, area_m2, wkb in gaps
        ],
    )


def unserved_addresses_copy(cursor, snapshot_id: int, rows: dict[str, np.ndarray]) -> int:
    """Store unserved addresses by COPY: arrays address_id, settlement_id, households,
    best_down_mbps, best_up_mbps (-1 = none); return how many."""
    n = len(rows["address_id"])
    if not n:
        return 0

    def column(values):
        text = values.astype("int64").astype(str)
        return np.where(values < 0, "\\N", text)

    lines = np.char.add(f"{snapshot_id}\t", rows["address_id"].astype("int64").astype(str))
    for name in ("settlement_id", "households", "best_down_mbps", "best_up_mbps"):
        lines = np.char.add(np.char.add(lines, "\t"), column(rows[name]))
    payload = ("\n".join(lines.tolist()) + "\n").encode()
    with cursor.cursor.copy(
        """COPY coverage_unservedaddress (snapshot_id, address_id, settlement_id, households,
           best_down_mbps, best_up_mbps) FROM STDIN"""
    ) as copy:
        copy.write(payload)
    return n
