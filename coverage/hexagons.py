"""Coverage shares by H3 hexagon (resolution 8) for the public map, made at snapshot time.

`h3` lists the cells that touch the territory and draws their outlines; PostGIS measures
each hexagon's part inside the territory, the coverage within it (from the per-grid-cell
unions of coverage.sql) and the households of the addresses inside it. Nothing here runs
in a GET: the rows are stored with the snapshot (coverage.models.CoverageHexagon).
"""

import json

import h3

H3_RESOLUTION = 8

# (group, level) pairs stored per hexagon: any coverage, high-speed, fixed broadband served.
HEX_PIECES = (("any", 0), ("any", 2), ("fixed", 2))


def cells_of(geojson: dict, resolution: int = H3_RESOLUTION) -> list[str]:
    """Return the H3 cells that overlap a GeoJSON (Multi)Polygon in EPSG:4326, sorted."""
    shape = h3.geo_to_h3shape(geojson)
    return sorted(h3.h3shape_to_cells_experimental(shape, resolution, contain="overlap"))


def cell_wkt(cell: str) -> str:
    """Return the outline of an H3 cell as WKT (lon lat, EPSG:4326), ring closed."""
    ring = [(lng, lat) for lat, lng in h3.cell_to_boundary(cell)]
    ring.append(ring[0])
    return "POLYGON((" + ", ".join(f"{x:.9f} {y:.9f}" for x, y in ring) + "))"


def suppressed_pct(part: float | None, total: float | None, n: int, minimum: int) -> float | None:
    """Return part/total in percent, or None when fewer than `minimum` items stand behind it
    (too few homes to publish a share without telling about one of them) or total is 0."""
    if n < minimum or not total or part is None:
        return None
    return 100.0 * part / total


# --- PostGIS side (inside coverage_compute's transaction) ----------------------------------


def prepare(cursor, params: dict) -> int:
    """Create cov_hex(h3, geom4326, geom): the cells touching the territories; return how many."""
    cursor.execute(
        "SELECT ST_AsGeoJSON(ST_Union(boundary)) FROM layers_territory WHERE id = ANY(%(tids)s)",
        params,
    )
    cells = cells_of(json.loads(cursor.fetchone()[0]))
    cursor.execute(
        """CREATE TEMP TABLE cov_hex ON COMMIT DROP AS
           SELECT c.h3, ST_GeomFromText(c.wkt, 4326) AS geom4326,
                  ST_Transform(ST_GeomFromText(c.wkt, 4326), %(srid)s) AS geom
           FROM unnest(%(cells)s::text[], %(wkts)s::text[]) AS c(h3, wkt)""",
        {**params, "cells": cells, "wkts": [cell_wkt(c) for c in cells]},
    )
    cursor.execute("CREATE INDEX ON cov_hex USING gist (geom)")
    cursor.execute("CREATE INDEX ON cov_hex USING gist (geom4326)")
    cursor.execute("ANALYZE cov_hex")
    return len(cells)


def _measure(table: str, where: str = "") -> str:
    """SQL summing, per hexagon and row of `table`, the area of hexagon ∩ geom (m²); a
    hexagon wholly inside skips the intersection (ST_CoveredBy uses a prepared geometry)."""
    return f"""SELECT h.h3, {{keys}} SUM(CASE WHEN ST_CoveredBy(h.geom, x.geom) THEN ST_Area(h.geom)
                                  ELSE ST_Area(ST_Intersection(h.geom, x.geom)) END) AS a
               FROM cov_hex h JOIN {table} x ON ST_Intersects(h.geom, x.geom) {where}
               GROUP BY h.h3 {{group}}"""


def areas(cursor) -> dict[str, dict]:
    """Return {h3: {"inside": m², (group, level): m² covered}} for hexagons in the territory."""
    cursor.execute(_measure("cov_cell").format(keys="", group=""))
    out = {cell: {"inside": float(a)} for cell, a in cursor.fetchall() if a > 0}
    pairs = ", ".join(f"('{g}', {lv})" for g, lv in HEX_PIECES)
    cursor.execute(
        _measure("cov_piece", f"WHERE (x.grp, x.level) IN ({pairs})").format(
            keys="x.grp, x.level,", group=", x.grp, x.level"
        )
    )
    for cell, grp, level, a in cursor.fetchall():
        if cell in out:
            out[cell][(grp, level)] = float(a)
    return out


def households(cursor, params: dict) -> dict[str, tuple[int, float, float]]:
    """Return {h3: (located active addresses, their households, households with served
    fixed broadband)}; needs cov_addr (coverage.sql.address_levels)."""
    cursor.execute(
        """SELECT h.h3, COUNT(*), SUM(a.households),
                  COALESCE(SUM(a.households) FILTER (WHERE ca.level = 2), 0)
           FROM addresses_address a
           JOIN layers_settlement st ON st.id = a.settlement_id AND st.territory_id = ANY(%(tids)s)
           JOIN cov_hex h ON ST_Intersects(h.geom4326, a.location)
           LEFT JOIN cov_addr ca ON ca.id = a.id AND ca.grp = 'fixed'
           WHERE a.status = 'active' AND a.location IS NOT NULL
           GROUP BY h.h3""",
        params,
    )
    return {cell: (int(n), float(hh or 0), float(s or 0)) for cell, n, hh, s in cursor.fetchall()}


def rows(
    measured: dict[str, dict],
    homes: dict[str, tuple[int, float, float]],
    population: dict[str, tuple[float, float]] | None,
    *,
    min_addresses: int,
) -> list[tuple]:
    """Return (h3, area_m2, covered_pct, served_pct, fixed_served_pct, households_served_pct,
    population_served_pct) per hexagon inside the territory, sorted by cell."""
    out = []
    for cell in sorted(measured):
        m = measured[cell]
        inside = m["inside"]
        n, hh, hh_served = homes.get(cell, (0, 0.0, 0.0))
        pop_total, pop_served = (population or {}).get(cell, (0.0, 0.0))
        out.append(
            (
                cell,
                inside,
                min(100.0, 100.0 * m.get(("any", 0), 0.0) / inside),
                min(100.0, 100.0 * m.get(("any", 2), 0.0) / inside),
                min(100.0, 100.0 * m.get(("fixed", 2), 0.0) / inside),
                suppressed_pct(hh_served, hh, n, min_addresses),
                (100.0 * pop_served / pop_total) if population is not None and pop_total else None,
            )
        )
    return out


def insert(cursor, snapshot_id: int, table: list[tuple]) -> int:
    """Store the hexagon rows of a snapshot (outline from cov_hex); return how many."""
    if not table:
        return 0
    columns = list(zip(*table, strict=True))
    cursor.execute(
        """INSERT INTO coverage_coveragehexagon
               (snapshot_id, h3, area, area_m2, covered_pct, served_pct, fixed_served_pct,
                households_served_pct, population_served_pct)
           SELECT %(snapshot)s, r.h3, h.geom4326, r.a, r.c, r.s, r.f, r.hh, r.pop
           FROM unnest(%(h3)s::text[], %(a)s::float8[], %(c)s::float8[], %(s)s::float8[],
                       %(f)s::float8[], %(hh)s::float8[], %(pop)s::float8[])
                AS r(h3, a, c, s, f, hh, pop)
           JOIN cov_hex h ON h.h3 = r.h3""",
        {
            "snapshot": snapshot_id,
            **{
                k: list(v)
                for k, v in zip(("h3", "a", "c", "s", "f", "hh", "pop"), columns, strict=True)
            },
        },
    )
    return cursor.rowcount
