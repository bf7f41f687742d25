"""Generator of municipal facilities (layers app), inside the generated settlements.

A facility is a uniform point in a random fan triangle (centre, corner, next corner) of its
settlement's star-shaped boundary, shrunk by 10% towards the centre, so it lies strictly
inside the settlement. Kind, internet status, technology and speeds follow fixed shares.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import shapely

from bench.synth.layers import PRECISION
from bench.synth.registry import SYNTHETIC_PREFIX, Context, register

FACILITY_KINDS = {  # kind: (Ukrainian label, share)
    "school": ("Школа", 0.18),
    "kindergarten": ("Дитячий садок", 0.12),
    "library": ("Бібліотека", 0.12),
    "culture_house": ("Будинок культури", 0.15),
    "medical": ("ФАП", 0.15),
    "administration": ("Адмінбудівля", 0.08),
    "cnap": ("ЦНАП", 0.03),
    "youth_space": ("Молодіжний простір", 0.05),
    "social_care": ("Центр соціальних послуг", 0.06),
    "other": ("Об'єкт", 0.06),
}
INTERNET = {"connected": 0.72, "not_connected": 0.18, "unknown": 0.10}
TECHNOLOGIES = {  # technology: (share, download speeds to pick from in Mbit/s, down/up ratio)
    "fibre": (0.45, (100, 200, 300, 500, 1000), 1),
    "dsl": (0.10, (4, 8, 16, 30), 8),
    "fixed_wireless": (0.15, (10, 20, 50, 100), 4),
    "4g": (0.20, (5, 10, 20, 40), 5),
    "cable": (0.03, (50, 100, 200), 10),
    "satellite": (0.07, (50, 100, 150), 10),
}


def _choice(rng, shares: dict[str, float], n: int) -> np.ndarray:
    """Draw n keys of `shares` with probability proportional to their values."""
    p = np.array(list(shares.values()), dtype=float)
    return np.array(list(shares), dtype=object)[rng.choice(len(p), size=n, p=p / p.sum())]


def _points_in_fans(rng, centres: np.ndarray, rings: np.ndarray, owner: np.ndarray):
    """Return one uniform point (n, 2) per `owner` index inside the star polygon
    `rings[owner]` around `centres[owner]`, kept 10% away from its edges."""
    c = centres[owner][:, None, :]
    v = rings[owner] - c  # (n, corners + 1, 2), closed
    tri = 0.5 * np.abs(v[:, :-1, 0] * v[:, 1:, 1] - v[:, :-1, 1] * v[:, 1:, 0])
    cum = np.cumsum(tri, axis=1)
    pick = (cum < rng.random(len(owner))[:, None] * cum[:, -1:]).sum(axis=1)
    a, b = rng.random(len(owner)), rng.random(len(owner))
    flip = a + b > 1
    a, b = np.where(flip, 1 - a, a), np.where(flip, 1 - b, b)
    rows = np.arange(len(owner))
    p = c[:, 0] + 0.9 * (a[:, None] * v[rows, pick] + b[:, None] * v[rows, pick + 1])
    return np.round(p, PRECISION)


def _connections(rng, n: int) -> dict[str, list]:
    """Draw internet status, technology and speeds; unconnected rows get blanks."""
    internet = _choice(rng, INTERNET, n)
    tech = np.where(
        internet == "connected", _choice(rng, {t: v[0] for t, v in TECHNOLOGIES.items()}, n), ""
    )
    down, up, since = [None] * n, [None] * n, [None] * n
    start = dt.date(2015, 1, 1)
    days = rng.integers(0, 3650, size=n)
    pick = rng.random(n)
    for i in np.flatnonzero(tech != ""):
        _, speeds, ratio = TECHNOLOGIES[tech[i]]
        down[i] = int(speeds[int(pick[i] * len(speeds))])
        up[i] = max(1, down[i] // ratio)
        since[i] = start + dt.timedelta(days=int(days[i]))
    return {
        "internet": internet,
        "technology": tech,
        "down_mbps": pd.array(down, dtype="Int64"),
        "up_mbps": pd.array(up, dtype="Int64"),
        "connected_since": since,
    }


def _facility_counts(rng, pop: np.ndarray, total: int) -> np.ndarray:
    """Split `total` facilities between settlements by population**0.7, at least one each."""
    weight = pop.astype(float) ** 0.7
    return 1 + rng.multinomial(total - len(pop), weight / weight.sum())


@register(
    "facilities",
    table="layers_facility",
    file_stem="facilities",
    fks={"settlement_id": ("settlements", "settlement_katottg")},
    geometry_columns=("location",),
    file_columns=("name", "kind", "settlement_katottg", "internet", "technology", "down_mbps"),
    file_geometry="location",
    synthetic_sql=(
        "NOT is_demo AND settlement_id IN (SELECT id FROM layers_settlement"
        f" WHERE NOT is_demo AND katottg LIKE '{SYNTHETIC_PREFIX}%')"
    ),
)
def facilities(ctx: Context) -> pd.DataFrame:
    """Place `size.facilities` municipal facilities inside the settlements; names are
    "<kind> №<n>", unique within a settlement."""
    rng, sett = ctx.rng("facilities"), ctx.tables["settlements"]
    owner = np.repeat(
        np.arange(len(sett)),
        _facility_counts(rng, sett["population"].to_numpy(), ctx.size.facilities),
    )
    centres = shapely.get_coordinates(sett["centre"].to_numpy())
    rings = shapely.get_coordinates(sett["boundary"].to_numpy()).reshape(len(sett), -1, 2)
    kind = _choice(rng, {k: v[1] for k, v in FACILITY_KINDS.items()}, len(owner))
    df = pd.DataFrame({"settlement": owner, "kind": kind})
    number = df.groupby(["settlement", "kind"]).cumcount().to_numpy() + 1
    labels = {k: label for k, (label, _) in FACILITY_KINDS.items()}
    return pd.DataFrame(
        {
            "kind": kind,
            "name": [f"{labels[k]} №{n}" for k, n in zip(kind, number, strict=True)],
            "settlement_katottg": sett["katottg"].to_numpy()[owner],
            "location": shapely.points(_points_in_fans(rng, centres, rings, owner)),
            "address_text": "",
            **_connections(rng, len(owner)),
            "position_accuracy": "approximate",
            "is_demo": False,
        }
    )
