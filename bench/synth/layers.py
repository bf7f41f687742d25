"""Generators of the base layers: territories and settlements (layers app).

Geometry is built in a local plane in kilometres (equirectangular around the bbox centre)
and mapped to EPSG:4326 at the end by one affine transform, which keeps validity and
containment; coordinates are rounded to 1e-7 degree (~1 cm) so output is compact and stable.

* territories: a Voronoi tiling of the size's bbox from jittered grid seeds (convex cells,
  no overlaps, no gaps), each a one-part MultiPolygon.
* settlements: centres scattered inside their territory with a minimum spacing; boundaries
  are star-shaped 14-gons around the centre, sized by population and kept clear of the
  territory edge and of the nearest neighbour, so they never overlap or cross a border.
  Facilities (synth/facilities.py) rely on this star shape.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import shapely

from bench.synth.registry import SYNTHETIC_PREFIX, Context, register, synthetic_katottg

KM_PER_DEGREE = 111.32
VERTICES = 14  # corners of a settlement boundary
MAX_STRETCH = 1.25  # largest corner radius / nominal radius
PRECISION = 7  # decimal places of degrees


class Plane:
    """An equirectangular plane in km around the centre of a lon/lat bbox."""

    def __init__(self, bbox: tuple[float, float, float, float]):
        self.lon0 = (bbox[0] + bbox[2]) / 2
        self.lat0 = (bbox[1] + bbox[3]) / 2
        self.kx = KM_PER_DEGREE * math.cos(math.radians(self.lat0))
        lo = self.to_km(np.array([bbox[:2], bbox[2:]]))
        self.box = shapely.box(*lo[0], *lo[1])

    def to_km(self, lonlat: np.ndarray) -> np.ndarray:
        """Map (n, 2) lon/lat degrees to (n, 2) km."""
        return (lonlat - (self.lon0, self.lat0)) * (self.kx, KM_PER_DEGREE)

    def to_degrees(self, km: np.ndarray) -> np.ndarray:
        """Map (n, 2) km to (n, 2) lon/lat degrees, rounded to PRECISION places."""
        return np.round(km / (self.kx, KM_PER_DEGREE) + (self.lon0, self.lat0), PRECISION)

    def geoms_to_degrees(self, geoms: np.ndarray) -> np.ndarray:
        return shapely.transform(geoms, self.to_degrees)


# ---------------------------------------------------------------- territories
def _seed_points(rng: np.random.Generator, box: shapely.Polygon, n: int) -> np.ndarray:
    """Return n jittered grid points in box (km): one per randomly chosen grid cell."""
    minx, miny, maxx, maxy = box.bounds
    nx = max(1, round(math.sqrt(n * (maxx - minx) / (maxy - miny))))
    ny = math.ceil(n / nx)
    cells = np.sort(rng.choice(nx * ny, size=n, replace=False))
    ix, iy = cells % nx, cells // nx
    jitter = rng.uniform(0.15, 0.85, size=(n, 2))
    return np.column_stack(
        [
            minx + (ix + jitter[:, 0]) * (maxx - minx) / nx,
            maxy - (iy + jitter[:, 1]) * (maxy - miny) / ny,
        ]
    )


@register(
    "territories",
    table="layers_territory",
    file_stem="territory",
    key="katottg",
    geometry_columns=("boundary",),
    file_columns=("katottg", "name_uk", "name_en"),
    file_geometry="boundary",
    synthetic_sql=f"NOT is_demo AND katottg LIKE '{SYNTHETIC_PREFIX}%'",
)
def territories(ctx: Context) -> pd.DataFrame:
    """Tile the size's bbox with `size.territories` Voronoi cells (hromadas)."""
    rng, n, plane = ctx.rng("territories"), ctx.size.territories, Plane(ctx.size.bbox)
    seeds = _seed_points(rng, plane.box, n)
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=plane.box, ordered=True)
    )
    cells = shapely.intersection(cells, plane.box)
    numbers = np.arange(1, n + 1)
    return pd.DataFrame(
        {
            "katottg": [synthetic_katottg(t) for t in numbers],
            "name_uk": [f"Синтетична громада-{t:03d}" for t in numbers],
            "name_en": [f"Synthetic hromada {t:03d}" for t in numbers],
            "boundary": shapely.multipolygons(plane.geoms_to_degrees(cells), indices=numbers - 1),
            "position_accuracy": "approximate",
            "is_demo": False,
        }
    )


# ---------------------------------------------------------------- settlements
def _scatter(rng, area: shapely.Polygon, k: int, spacing: float) -> np.ndarray:
    """Return k points (km) inside `area`, greedily kept `spacing` apart (spacing shrinks
    by 15% whenever a batch of candidates cannot place them all)."""
    shapely.prepare(area)
    minx, miny, maxx, maxy = area.bounds
    placed = np.empty((k, 2))
    count = 0
    while count < k:
        cand = rng.uniform((minx, miny), (maxx, maxy), size=(8 * k + 32, 2))
        for p in cand[shapely.contains_xy(area, cand[:, 0], cand[:, 1])]:
            if count == 0 or ((placed[:count] - p) ** 2).sum(axis=1).min() >= spacing**2:
                placed[count] = p
                count += 1
                if count == k:
                    break
        spacing *= 0.85
    return placed


def _settlement_counts(rng, cells_km: np.ndarray, total: int) -> np.ndarray:
    """Split `total` settlements between territories in proportion to area, at least one each."""
    area = shapely.area(cells_km)
    return 1 + rng.multinomial(total - len(cells_km), area / area.sum())


def _populations(rng, first: np.ndarray) -> np.ndarray:
    """Draw populations: ~350 median for villages, ~3,000 for a hromada's admin centre."""
    pop = np.where(
        first,
        rng.lognormal(math.log(3000), 0.8, size=len(first)),
        rng.lognormal(math.log(350), 1.0, size=len(first)),
    )
    return np.maximum(pop, 15).round().astype(np.int64)


def _kinds(rng, pop: np.ndarray, first: np.ndarray) -> np.ndarray:
    rural = rng.random(len(pop)) < 0.08
    return np.select(
        [pop >= 10_000, first & (pop >= 2_500), rural],
        ["city", "urban_settlement", "rural_settlement"],
        "village",
    )


def _radii(centres: np.ndarray, cells: np.ndarray, pop: np.ndarray) -> np.ndarray:
    """Return nominal radii (km) from population, capped so that no corner reaches the
    territory border or half-way to the nearest other settlement."""
    points = shapely.points(centres)
    tree = shapely.STRtree(points)
    (src, _), dist = tree.query_nearest(points, exclusive=True, return_distance=True)
    nearest = np.full(len(points), np.inf)
    np.minimum.at(nearest, src, dist)
    border = shapely.distance(points, shapely.boundary(cells))
    cap = np.minimum(0.45 * nearest, 0.85 * border) / MAX_STRETCH
    return np.minimum(0.5 + 0.02 * np.sqrt(pop), cap)


def _star_rings(rng, centres: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """Return closed rings (n, VERTICES + 1, 2) of irregular star-shaped polygons (km)."""
    n, step = len(centres), 2 * math.pi / VERTICES
    angle = (
        rng.uniform(0, step, size=(n, 1))
        + step * np.arange(VERTICES)
        + rng.uniform(-0.25, 0.25, size=(n, VERTICES)) * step
    )
    stretch = rng.uniform(0.75, MAX_STRETCH, size=(n, VERTICES))
    ring = centres[:, None, :] + (radii[:, None] * stretch)[..., None] * np.stack(
        [np.cos(angle), np.sin(angle)], axis=-1
    )
    return np.concatenate([ring, ring[:, :1]], axis=1)


@register(
    "settlements",
    table="layers_settlement",
    file_stem="settlements",
    key="katottg",
    fks={"territory_id": ("territories", "territory_katottg")},
    geometry_columns=("boundary", "centre"),
    file_columns=(
        "katottg",
        "name_uk",
        "name_en",
        "kind",
        "population",
        "households",
        "territory_katottg",
        "centre_lon",
        "centre_lat",
    ),
    file_extras={
        "centre_lon": lambda df: shapely.get_x(df["centre"].to_numpy()),
        "centre_lat": lambda df: shapely.get_y(df["centre"].to_numpy()),
    },
    file_geometry="boundary",
    synthetic_sql=f"NOT is_demo AND katottg LIKE '{SYNTHETIC_PREFIX}%'",
)
def settlements(ctx: Context) -> pd.DataFrame:
    """Place `size.settlements` settlements inside the territories, the first of each
    territory being its admin centre."""
    rng, plane = ctx.rng("settlements"), Plane(ctx.size.bbox)
    terr = ctx.tables["territories"]
    cells = shapely.transform(shapely.get_parts(terr["boundary"].to_numpy()), plane.to_km)
    counts = _settlement_counts(rng, cells, ctx.size.settlements)
    spacing = 0.7 * np.sqrt(shapely.area(cells) / counts)
    centres = np.concatenate(
        [
            _scatter(rng, shapely.buffer(cell, -1.0), k, d)
            for cell, k, d in zip(cells, counts, spacing, strict=True)
        ]
    )
    t_index = np.repeat(np.arange(len(cells)), counts)
    s_number = np.concatenate([np.arange(1, k + 1) for k in counts])
    first = s_number == 1
    pop = _populations(rng, first)
    rings = _star_rings(rng, centres, _radii(centres, cells[t_index], pop))
    boundary = shapely.polygons(plane.to_degrees(rings.reshape(-1, 2)).reshape(rings.shape))
    numbers = np.arange(1, len(pop) + 1)
    return pd.DataFrame(
        {
            "katottg": [
                synthetic_katottg(t + 1, s) for t, s in zip(t_index, s_number, strict=True)
            ],
            "name_uk": [f"Синтетичне-{i:04d}" for i in numbers],
            "name_en": [f"Syntetychne-{i:04d}" for i in numbers],
            "kind": _kinds(rng, pop, first),
            "population": pop,
            "households": np.round(pop / rng.uniform(2.2, 2.8, size=len(pop))).astype(np.int64),
            "boundary": shapely.multipolygons(boundary, indices=numbers - 1),
            "centre": shapely.points(plane.to_degrees(centres)),
            "position_accuracy": "approximate",
            "territory_katottg": terr["katottg"].to_numpy()[t_index],
            "is_demo": False,
        }
    )
