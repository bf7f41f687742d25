"""Generators of internet coverage (coverage app): providers and overlapping coverage areas.

`size.coverage_areas` irregular 24-gons, overlapping a lot, as providers' maps do:
* 55% fixed networks (fibre, DSL, cable) around settlement centres, 0.4–2.5 km across;
* 30% mobile cells (3G, 4G, 5G) around random "towers", 2–9 km in radius, anywhere in
  the bbox (so they overlap each other, the villages and the territory borders);
* 15% fixed wireless and Wi-Fi discs near settlements, 0.1–1.5 km.
Speeds come from each technology's typical tiers. Providers are named "UA99 Провайдер NN"
and areas carry note "UA99 synthetic", which is how --clean finds them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from bench.synth.layers import PRECISION
from bench.synth.registry import SYNTHETIC_PREFIX, Context, register

PROVIDERS = 12
VERTICES = 24
KM_LAT = 1 / 111.0  # degrees of latitude per km
NOTE = f"{SYNTHETIC_PREFIX} synthetic"
SPEEDS = {  # technology: ((down, up) tiers to pick from)
    "fibre": ((100, 100), (300, 100), (1000, 500)),
    "dsl": ((8, 1), (20, 1), (30, 3)),
    "cable": ((50, 5), (100, 10), (200, 20)),
    "3g": ((5, 1), (10, 2)),
    "4g": ((20, 5), (40, 10), (100, 20)),
    "5g": ((200, 50), (500, 50)),
    "fixed_wireless": ((20, 5), (50, 10), (100, 20)),
    "wifi": ((50, 10), (100, 20)),
}
KINDS = (  # share, technologies, min and max radius in km, around settlements?
    (0.55, ("fibre", "dsl", "cable"), 0.2, 1.25, True),
    (0.30, ("3g", "4g", "5g"), 2.0, 9.0, False),
    (0.15, ("fixed_wireless", "wifi"), 0.05, 0.75, True),
)


@register(
    "providers",
    table="coverage_provider",
    key="name",
    geometry_columns=(),
    file_columns=("name", "kind"),
    file_geometry="",
    synthetic_sql=f"NOT is_demo AND name LIKE '{SYNTHETIC_PREFIX} %'",
)
def providers(ctx: Context) -> pd.DataFrame:
    """A dozen synthetic providers, fixed and mobile."""
    names = [f"{SYNTHETIC_PREFIX} Провайдер {i:02d}" for i in range(1, PROVIDERS + 1)]
    kinds = ["fixed" if i % 3 else "mobile" for i in range(1, PROVIDERS + 1)]
    return pd.DataFrame({"name": names, "kind": kinds, "website": "", "is_demo": False})


def _stars(rng, centres: np.ndarray, radius_km: np.ndarray) -> np.ndarray:
    """Irregular star-shaped rings (n, VERTICES + 1, 2) in degrees around lon/lat centres."""
    angles = np.linspace(0, 2 * np.pi, VERTICES, endpoint=False)
    wobble = rng.uniform(0.7, 1.0, size=(len(centres), VERTICES))
    r_lat = radius_km[:, None] * KM_LAT * wobble
    r_lon = r_lat / np.cos(np.radians(centres[:, 1]))[:, None]
    ring = np.stack(
        [centres[:, :1] + r_lon * np.cos(angles), centres[:, 1:] + r_lat * np.sin(angles)], axis=2
    )
    return np.concatenate([ring, ring[:, :1]], axis=1).round(PRECISION)


def _centres(rng, ctx: Context, n: int, near_settlements: bool) -> np.ndarray:
    if near_settlements:
        sett = ctx.tables["settlements"]
        xy = shapely.get_coordinates(sett["centre"].to_numpy())
        pick = rng.integers(0, len(xy), size=n)
        return xy[pick] + rng.normal(0, 0.01, size=(n, 2))
    x0, y0, x1, y1 = ctx.size.bbox
    return np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])


@register(
    "coverage_areas",
    table="coverage_coveragearea",
    fks={"provider_id": ("providers", "provider_name")},
    geometry_columns=("area",),
    file_columns=("provider_name", "technology", "down_mbps", "up_mbps", "source"),
    file_geometry="area",
    synthetic_sql=f"note = '{NOTE}'",
)
def coverage_areas(ctx: Context) -> pd.DataFrame:
    """Overlapping coverage areas of every technology (see the module's docstring)."""
    rng = ctx.rng("coverage_areas")
    total = ctx.size.coverage_areas
    counts = [round(total * share) for share, *_ in KINDS]
    counts[0] += total - sum(counts)
    frames = []
    for n, (_, techs, r_min, r_max, near) in zip(counts, KINDS, strict=True):
        centres = _centres(rng, ctx, n, near)
        rings = _stars(rng, centres, rng.uniform(r_min, r_max, n))
        tech = rng.choice(techs, size=n)
        tier = rng.integers(0, 3, size=n)
        speeds = np.array([SPEEDS[t][k % len(SPEEDS[t])] for t, k in zip(tech, tier, strict=True)])
        frames.append(
            pd.DataFrame(
                {
                    "technology": tech,
                    "down_mbps": speeds[:, 0],
                    "up_mbps": speeds[:, 1],
                    "area": shapely.multipolygons(shapely.polygons(rings), indices=np.arange(n)),
                }
            )
        )
    df = pd.concat(frames, ignore_index=True)
    names = ctx.tables["providers"]["name"].to_numpy()
    df.insert(0, "provider_name", names[rng.integers(0, len(names), size=len(df))])
    return df.assign(
        source="provider_map", note=NOTE, is_demo=False, updated_at="2026-01-01T00:00:00Z"
    )
