"""The PostGIS side of the coverage computation: temporary tables and aggregate reads.

Run inside one transaction by `coverage.services.coverage_compute`. Geometry is measured
in the metric SRID passed in (settings.METRIC_SRID); unions are made per square grid
cell of the territory, so no single union spans the whole territory.

Temporary tables (dropped at commit, and before each run when nested in an outer
transaction):
  cov_group(grp, technology)          the technology groups
  cov_src(id, technology, level, down_mbps, up_mbps, geom)   areas valid on `as_of`, EPSG:4326
  cov_m(id, grp, level, geom)         the same per group, metric
  cov_cell(cell_id, geom)             the territory cut by the grid, metric
  cov_piece(cell_id, grp, level, geom)  union of coverage of level ≥ level per cell, metric
"""

from datetime import date

from django.db import connection

from coverage.compute import TECHNOLOGY_GROUPS, Thresholds

TEMP_TABLES = (
    "cov_hex",
    "cov_piece",
    "cov_clip",
    "cov_full",
    "cov_cell",
    "cov_m",
    "cov_src",
    "cov_group",
    "cov_village",
    "cov_addr",
)
LEVELS_SQL = "(VALUES (0), (1), (2)) AS lv(l)"


def _group_values() -> str:
    # Constant identifiers from compute.TECHNOLOGY_GROUPS, not user input.
    return ", ".join(f"('{g}', '{t}')" for g, techs in TECHNOLOGY_GROUPS.items() for t in techs)


def _run(cursor, statements: list[str], params: dict | None = None) -> None:
    for statement in statements:
        cursor.execute(statement, params or {})


def prepare(
    cursor, *, territory_ids: list[int], as_of: date, t: Thresholds, srid: int, grid_m: float
):
    """Create the temporary tables of one computation."""
    params = {
        "tids": list(territory_ids),
        "as_of": as_of,
        "sd": t.served_down,
        "su": t.served_up,
        "ud": t.under_down,
        "uu": t.under_up,
        "srid": srid,
        "grid": grid_m,
    }
    _run(cursor, [f"DROP TABLE IF EXISTS {name}" for name in TEMP_TABLES])
    _run(
        cursor,
        [
            "CREATE TEMP TABLE cov_group (grp text, technology text) ON COMMIT DROP",
            f"INSERT INTO cov_group VALUES {_group_values()}",
            """CREATE TEMP TABLE cov_src ON COMMIT DROP AS
               SELECT c.id, c.technology, c.down_mbps, c.up_mbps,
                 CASE WHEN c.down_mbps >= %(sd)s AND c.up_mbps >= %(su)s THEN 2
                      WHEN c.down_mbps >= %(ud)s AND c.up_mbps >= %(uu)s THEN 1
                      ELSE 0 END AS level,
                 c.area AS geom
               FROM coverage_coveragearea c
               WHERE (c.valid_from IS NULL OR c.valid_from <= %(as_of)s)
                 AND (c.valid_to IS NULL OR c.valid_to >= %(as_of)s)""",
            "CREATE INDEX ON cov_src USING gist (geom)",
            """CREATE TEMP TABLE cov_m ON COMMIT DROP AS
               SELECT s.id, g.grp, s.level, ST_Transform(s.geom, %(srid)s) AS geom
               FROM cov_src s JOIN cov_group g ON g.technology = s.technology""",
            "CREATE INDEX ON cov_m USING gist (geom)",
            """CREATE TEMP TABLE cov_cell ON COMMIT DROP AS
               SELECT row_number() OVER () AS cell_id, x.box, x.whole,
                      CASE WHEN x.whole THEN x.box ELSE ST_Intersection(x.box, x.t) END AS geom
               FROM (SELECT cell.geom AS box, t.geom AS t, ST_Covers(t.geom, cell.geom) AS whole
                     FROM (SELECT ST_Transform(boundary, %(srid)s) AS geom
                           FROM layers_territory WHERE id = ANY(%(tids)s)) AS t
                     CROSS JOIN LATERAL ST_SquareGrid(%(grid)s, t.geom) AS cell
                     WHERE ST_Intersects(cell.geom, t.geom)) AS x""",
            "CREATE INDEX ON cov_cell USING gist (geom)",
            # Each area is cut by each cell once (not once per level); a cell wholly inside
            # the territory is a rectangle, cut by the fast rectangle clipper.
            """CREATE TEMP TABLE cov_clip ON COMMIT DROP AS
               SELECT c.cell_id, m.grp, m.level, ST_Covers(m.geom, c.geom) AS whole,
                      CASE WHEN ST_Covers(m.geom, c.geom) THEN NULL
                           WHEN c.whole AND ST_CoveredBy(m.geom, c.box) THEN m.geom
                           WHEN c.whole THEN ST_ClipByBox2D(m.geom, c.box)
                           ELSE ST_CollectionExtract(ST_Intersection(m.geom, c.geom), 3)
                      END AS geom
               FROM cov_cell c JOIN cov_m m ON ST_Intersects(m.geom, c.geom)""",
            # A (cell, group, level) that one area covers whole needs no union at all.
            f"""CREATE TEMP TABLE cov_full ON COMMIT DROP AS
               SELECT DISTINCT k.cell_id, k.grp, lv.l AS level
               FROM cov_clip k JOIN {LEVELS_SQL} ON k.level >= lv.l WHERE k.whole""",
            f"""CREATE TEMP TABLE cov_piece ON COMMIT DROP AS
               SELECT f.cell_id, f.grp, f.level, c.geom
               FROM cov_full f JOIN cov_cell c ON c.cell_id = f.cell_id
               UNION ALL
               SELECT k.cell_id, k.grp, lv.l, ST_Union(k.geom)
               FROM cov_clip k JOIN {LEVELS_SQL} ON k.level >= lv.l
               WHERE NOT k.whole AND NOT EXISTS (
                   SELECT 1 FROM cov_full f
                   WHERE f.cell_id = k.cell_id AND f.grp = k.grp AND f.level = lv.l)
               GROUP BY k.cell_id, k.grp, lv.l""",
            """CREATE TEMP TABLE cov_village ON COMMIT DROP AS
               SELECT id, ST_Transform(boundary, %(srid)s) AS geom
               FROM layers_settlement
               WHERE territory_id = ANY(%(tids)s) AND boundary IS NOT NULL""",
            "CREATE INDEX ON cov_village USING gist (geom)",
        ],
        params,
    )
    return params


def territory_area(cursor, territory_ids: list[int], srid: int) -> float:
    """Return the territories' area in m² (metric SRID)."""
    cursor.execute(
        "SELECT SUM(ST_Area(ST_Transform(boundary, %s))) FROM layers_territory WHERE id = ANY(%s)",
        [srid, list(territory_ids)],
    )
    return float(cursor.fetchone()[0])


def territory_area_covered(cursor) -> dict[tuple[str, int], float]:
    """Return {(group, level): m²} of the territory covered at level ≥ level."""
    cursor.execute("SELECT grp, level, SUM(ST_Area(geom)) FROM cov_piece GROUP BY grp, level")
    return {(grp, level): float(area) for grp, level, area in cursor.fetchall()}


def villages(cursor, territory_ids: list[int], srid: int) -> list[tuple]:
    """Return (id, katottg, name_uk, name_en, households, area_m2) of the territory's villages."""
    cursor.execute(
        """SELECT id, katottg, name_uk, name_en, households,
                  ST_Area(ST_Transform(boundary, %s))
           FROM layers_settlement WHERE territory_id = ANY(%s) ORDER BY name_uk, id""",
        [srid, list(territory_ids)],
    )
    return cursor.fetchall()


def village_area_covered(cursor) -> dict[tuple[int, str, int], float]:
    """Return {(village id, group, level): m²} covered inside each village's boundary."""
    cursor.execute(
        f"""WITH cut AS (
                SELECT v.id, m.grp, m.level,
                       CASE WHEN ST_Covers(m.geom, v.geom) THEN v.geom
                            ELSE ST_CollectionExtract(ST_Intersection(m.geom, v.geom), 3)
                       END AS geom
                FROM cov_village v JOIN cov_m m ON ST_Intersects(m.geom, v.geom))
            SELECT cut.id, cut.grp, lv.l, ST_Area(ST_Union(cut.geom))
            FROM cut JOIN {LEVELS_SQL} ON cut.level >= lv.l
            GROUP BY cut.id, cut.grp, lv.l"""
    )
    return {(vid, grp, level): float(area) for vid, grp, level, area in cursor.fetchall()}


def table_exists(name: str) -> bool:
    """Tell whether a table exists (an app's migrations may not have run yet)."""
    with connection.cursor() as cursor:
        return name in connection.introspection.table_names(cursor)


ACTIVE_ADDRESSES = """
    FROM addresses_address a
    JOIN layers_settlement st ON st.id = a.settlement_id AND st.territory_id = ANY(%(tids)s)
    WHERE a.status = 'active' AND a.location IS NOT NULL
"""


def address_levels(cursor, params: dict) -> None:
    """Create cov_addr(id, settlement_id, households, grp, level): each located active
    address's best coverage level per group (addresses without coverage have no row)."""
    cursor.execute(
        """CREATE TEMP TABLE cov_addr ON COMMIT DROP AS
           SELECT a.id, a.settlement_id, a.households, g.grp, MAX(s.level) AS level
           FROM addresses_address a
           JOIN layers_settlement st ON st.id = a.settlement_id AND st.territory_id = ANY(%(tids)s)
           JOIN cov_src s ON ST_Intersects(s.geom, a.location)
           JOIN cov_group g ON g.technology = s.technology
           WHERE a.status = 'active' AND a.location IS NOT NULL
           GROUP BY a.id, a.settlement_id, a.households, g.grp""",
        params,
    )


def address_totals(cursor, params: dict) -> dict[int, tuple[int, float]]:
    """Return {village id: (located active addresses, their households)}."""
    cursor.execute(
        f"SELECT a.settlement_id, COUNT(*), SUM(a.households) {ACTIVE_ADDRESSES} "
        "GROUP BY a.settlement_id",
        params,
    )
    return {sid: (int(n), float(h or 0)) for sid, n, h in cursor.fetchall()}


def address_covered(cursor) -> dict[tuple[int, str, int], tuple[int, float]]:
    """Return {(village id, group, level): (addresses, households)} covered at ≥ level."""
    cursor.execute(
        f"""SELECT settlement_id, grp, lv.l, COUNT(*), SUM(households)
            FROM cov_addr JOIN {LEVELS_SQL} ON level >= lv.l
            GROUP BY settlement_id, grp, lv.l"""
    )
    return {(sid, grp, lv): (int(n), float(h or 0)) for sid, grp, lv, n, h in cursor.fetchall()}


def address_unlocated(cursor, params: dict) -> int:
    """Count active addresses of the territory without a point (left out of the shares)."""
    cursor.execute(
        """SELECT COUNT(*) FROM addresses_address a
           JOIN layers_settlement st ON st.id = a.settlement_id AND st.territory_id = ANY(%(tids)s)
           WHERE a.status = 'active' AND a.location IS NULL""",
        params,
    )
    return int(cursor.fetchone()[0])


def unserved_addresses_insert(cursor, params: dict, snapshot_id: int) -> int:
    """Store the located active addresses below the underserved tier; return how many."""
    cursor.execute(
        """INSERT INTO coverage_unservedaddress
               (snapshot_id, address_id, settlement_id, households, best_down_mbps, best_up_mbps)
           SELECT %(snapshot)s, a.id, a.settlement_id, a.households, best.down_mbps, best.up_mbps
           FROM addresses_address a
           JOIN layers_settlement st ON st.id = a.settlement_id AND st.territory_id = ANY(%(tids)s)
           LEFT JOIN cov_addr ca ON ca.id = a.id AND ca.grp = 'any'
           LEFT JOIN LATERAL (
               SELECT s.down_mbps, s.up_mbps FROM cov_src s
               WHERE ST_Intersects(s.geom, a.location)
               ORDER BY s.level DESC, s.down_mbps DESC, s.up_mbps DESC LIMIT 1
           ) AS best ON true
           WHERE a.status = 'active' AND a.location IS NOT NULL AND COALESCE(ca.level, -1) < 1""",
        {**params, "snapshot": snapshot_id},
    )
    return cursor.rowcount


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


def facility_covered(cursor, params: dict) -> dict[tuple[int, str, int], int]:
    """Return {(village id, group, level): facilities inside coverage of level ≥ level}."""
    cursor.execute(
        f"""SELECT x.settlement_id, x.grp, lv.l, COUNT(*)
            FROM (SELECT f.id, f.settlement_id, g.grp, MAX(s.level) AS level
                  FROM layers_facility f
                  JOIN layers_settlement st
                    ON st.id = f.settlement_id AND st.territory_id = ANY(%(tids)s)
                  JOIN cov_src s ON ST_Intersects(s.geom, f.location)
                  JOIN cov_group g ON g.technology = s.technology
                  GROUP BY f.id, f.settlement_id, g.grp) AS x
            JOIN {LEVELS_SQL} ON x.level >= lv.l
            GROUP BY x.settlement_id, x.grp, lv.l""",
        params,
    )
    return {(sid, grp, lv): int(n) for sid, grp, lv, n in cursor.fetchall()}


def gaps_insert(cursor, snapshot_id: int, tiers: dict[str, int]) -> None:
    """Store, per gap tier, the territory not covered (any technology) at ≥ its level."""
    levels = ", ".join(f"('{tier}', {level})" for tier, level in tiers.items())
    cursor.execute(
        f"""INSERT INTO coverage_coveragegap (snapshot_id, tier, area_m2, area)
            SELECT %(snapshot)s, d.tier, COALESCE(SUM(ST_Area(d.geom)), 0),
                   NULLIF(ST_Multi(ST_CollectionExtract(
                       ST_Transform(ST_Union(d.geom), 4326), 3)), 'MULTIPOLYGON EMPTY')
            FROM (SELECT t.tier, CASE WHEN p.geom IS NULL THEN c.geom
                                      ELSE ST_Difference(c.geom, p.geom) END AS geom
                  FROM cov_cell c CROSS JOIN (VALUES {levels}) AS t(tier, l)
                  LEFT JOIN cov_piece p
                    ON p.cell_id = c.cell_id AND p.grp = 'any' AND p.level = t.l) AS d
            GROUP BY d.tier""",
        {"snapshot": snapshot_id},
    )
