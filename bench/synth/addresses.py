"""Generators of the address register (addresses app): streets and addresses.

Each settlement gets a share of `size.addresses` by population (at least one address);
its addresses are cut into streets of STREET_HOUSES, named from a list of common Ukrainian
street names (lanes every fifth street), numbered 1, 2, 3… along each street, with a
letter ("12А") on every 23rd house. Points are uniform inside the settlement's star-shaped
boundary (the facilities' method), so every point passes the import's "inside" check.

Streets carry a synthetic `registry_id` ("UA99-S…"), addresses one too ("UA99-A…"): it is
how the rows are told from demo and real ones, and the streets' key for the addresses' FK.
The rows are written with COPY and have no history rows (like every synthetic table).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from addresses.searchkeys import latin_key
from bench.synth.layers import PRECISION
from bench.synth.registry import SYNTHETIC_PREFIX, Context, register

STREET_HOUSES = 60
LETTER_EVERY = 23
STREET_NAMES = (
    "Центральна", "Шевченка", "Садова", "Шкільна", "Польова", "Молодіжна", "Лісова",
    "Набережна", "Лесі Українки", "Івана Франка", "Незалежності", "Соборна", "Зелена",
    "Весняна", "Вишнева", "Козацька", "Героїв України", "Миру", "Степова", "Лугова",
    "Квіткова", "Джерельна", "Українська", "Григорія Сковороди", "Мʼясоїдівська",
    "Калинова", "Каштанова", "Яблунева", "Тополина", "Сонячна", "Широка", "Покровська",
)  # fmt: skip
LANE_NAMES = (
    "Садовий", "Шкільний", "Польовий", "Зелений", "Тихий", "Вишневий", "Лісовий",
    "Кленовий", "Східний", "Західний", "Весняний", "Степовий", "Ставковий", "Глухий",
)  # fmt: skip
SYNTHETIC_SQL = f"NOT is_demo AND registry_id LIKE '{SYNTHETIC_PREFIX}%'"


def _address_counts(population: np.ndarray, total: int) -> np.ndarray:
    """Split `total` addresses between settlements by population (largest remainders), at
    least one each; deterministic, so both generators below derive the same split."""
    share = (total - len(population)) * population / population.sum()
    counts = np.floor(share).astype(np.int64)
    rest = total - len(population) - counts.sum()
    counts[np.argsort(-(share - counts), kind="stable")[:rest]] += 1
    return 1 + counts


def houses_per_street(population: np.ndarray, total: int) -> tuple[np.ndarray, ...]:
    """Return (settlement index, index in it, houses) of every street: STREET_HOUSES
    houses, the last street of a settlement fewer."""
    counts = _address_counts(population, total)
    per_settlement = -(-counts // STREET_HOUSES)  # ceiling division
    owner = np.repeat(np.arange(len(counts)), per_settlement)
    index = np.concatenate([np.arange(k) for k in per_settlement])
    return owner, index, np.minimum(counts[owner] - index * STREET_HOUSES, STREET_HOUSES)


def _street_name(index: int) -> tuple[str, str]:
    """Return (kind, name) of a settlement's index-th street, unique within it."""
    lane, names = index % 5 == 4, LANE_NAMES if index % 5 == 4 else STREET_NAMES
    number = index // 5 if lane else index - index // 5
    name = names[number % len(names)]
    if number >= len(names):
        name = f"{name} {number // len(names) + 1}"
    return ("lane" if lane else "street"), name


@register(
    "streets",
    table="addresses_street",
    key="registry_id",
    fks={"settlement_id": ("settlements", "settlement_katottg")},
    geometry_columns=(),
    file_columns=("registry_id", "settlement_katottg", "kind", "name"),
    file_geometry="route",
    synthetic_sql=SYNTHETIC_SQL,
)
def streets(ctx: Context) -> pd.DataFrame:
    """Streets enough for each settlement's share of `size.addresses`."""
    sett = ctx.tables["settlements"]
    owner, index, _ = houses_per_street(sett["population"].to_numpy(), ctx.size.addresses)
    kinds, names = zip(*(_street_name(int(i)) for i in index), strict=True)
    return pd.DataFrame(
        {
            "registry_id": [f"{SYNTHETIC_PREFIX}-S{i:07d}" for i in range(1, len(owner) + 1)],
            "settlement_katottg": sett["katottg"].to_numpy()[owner],
            "kind": kinds,
            "name": names,
            # COPY skips Street.save(): the Latin search key is filled here, as save() would.
            "search_latin": [latin_key(name) for name in names],
            "route": None,
            "is_demo": False,
        }
    ).astype({"route": object})


def _points_in_stars(rng, centres: np.ndarray, rings: np.ndarray, owner: np.ndarray):
    """One uniform point per `owner` index inside its star polygon, 10% clear of the edges
    (the method of facilities._points_in_fans, with the fan areas computed once per star,
    which keeps a million points to a fraction of a second)."""
    v = rings - centres[:, None, :]  # (stars, corners + 1, 2), closed
    tri = 0.5 * np.abs(v[:, :-1, 0] * v[:, 1:, 1] - v[:, :-1, 1] * v[:, 1:, 0])
    cum = np.cumsum(tri, axis=1) / tri.sum(axis=1, keepdims=True)
    pick = (cum[owner] < rng.random(len(owner))[:, None]).sum(axis=1)
    pick = np.minimum(pick, tri.shape[1] - 1)
    a, b = rng.random(len(owner)), rng.random(len(owner))
    flip = a + b > 1
    a, b = np.where(flip, 1 - a, a), np.where(flip, 1 - b, b)
    p = centres[owner] + 0.9 * (a[:, None] * v[owner, pick] + b[:, None] * v[owner, pick + 1])
    return np.round(p, PRECISION)


@register(
    "addresses",
    table="addresses_address",
    fks={
        "street_id": ("streets", "street_registry_id"),
        "settlement_id": ("settlements", "settlement_katottg"),
    },
    geometry_columns=("location",),
    file_columns=(
        "settlement_katottg",
        "street_registry_id",
        "house_number",
        "households",
        "registry_id",
    ),  # fmt: skip
    file_geometry="location",
    synthetic_sql=SYNTHETIC_SQL,
)
def addresses(ctx: Context) -> pd.DataFrame:
    """Houses numbered along every street, uniform inside their settlement."""
    rng, sett, street = ctx.rng("addresses"), ctx.tables["settlements"], ctx.tables["streets"]
    _, _, houses = houses_per_street(sett["population"].to_numpy(), ctx.size.addresses)
    on_street = np.repeat(np.arange(len(street)), houses)
    number = np.concatenate([np.arange(1, k + 1) for k in houses])
    letter = np.where(number % LETTER_EVERY == 0, "А", "")
    display = [f"{n}А" if n % LETTER_EVERY == 0 else str(n) for n in number.tolist()]
    code_index = {code: i for i, code in enumerate(sett["katottg"])}
    owner = np.array([code_index[c] for c in street["settlement_katottg"]])[on_street]
    centres = shapely.get_coordinates(sett["centre"].to_numpy())
    rings = shapely.get_coordinates(sett["boundary"].to_numpy()).reshape(len(sett), -1, 2)
    residential = rng.random(len(owner)) >= 0.05
    return pd.DataFrame(
        {
            "street_registry_id": street["registry_id"].to_numpy()[on_street],
            "settlement_katottg": sett["katottg"].to_numpy()[owner],
            "house_number": display,
            "number": number,
            "letter": letter,
            "postcode": "",
            "location": shapely.points(_points_in_stars(rng, centres, rings, owner)),
            "building_use": np.where(residential, "residential", "non_residential"),
            "households": np.where(residential, rng.integers(1, 3, size=len(owner)), 0),
            "status": "active",
            "registry_id": [f"{SYNTHETIC_PREFIX}-A{i:08d}" for i in range(1, len(owner) + 1)],
            "verified": False,
            "is_demo": False,
        }
    )
