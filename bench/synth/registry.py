"""Sizes, the per-entity generator registry and the seeded generation loop.

An *entity* is one table of synthetic rows (territories, settlements, facilities; later
addresses, coverage areas, reports). Each registers one generator function with
`register(...)`; `generate()` runs them in registration order, so a generator may read the
tables of the entities registered before it (`ctx.tables["settlements"]`).

Every entity draws from its own random stream, `numpy.random.default_rng([seed, crc32(name)])`,
so adding a new entity later never changes the rows of the existing ones.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely

#: Every synthetic KATOTTG code starts with this: oblast "99" does not exist in the codifier.
SYNTHETIC_PREFIX = "UA99"


@dataclass(frozen=True)
class Size:
    """How many rows of each entity a benchmark size holds, and where they lie (EPSG:4326)."""

    name: str
    territories: int
    settlements: int
    facilities: int
    bbox: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat
    about: str
    addresses: int = 0  # bench/synth/addresses.py: streets follow (60 houses a street)
    coverage_areas: int = 0  # bench/synth/coverage.py

    def __post_init__(self):
        if not 1 <= self.territories <= self.settlements <= self.facilities:
            raise ValueError(f"size {self.name}: need territories <= settlements <= facilities")
        if self.territories > 999 or self.settlements > 999 * self.territories:
            raise ValueError(f"size {self.name}: too many rows for 3-digit KATOTTG parts")


SIZES: dict[str, Size] = {
    size.name: size
    for size in (
        Size(
            "XS",
            2,
            12,
            60,
            (32.55, 48.65, 32.90, 48.95),
            "tests only: two hromadas",
            addresses=300,
            coverage_areas=40,
        ),  # fmt: skip
        Size(
            "S",
            8,
            150,
            2_000,
            (32.30, 48.50, 33.20, 49.10),
            "one raion: 8 hromadas of ~550 km2 around Dmytrivska (~4,400 km2)",
            addresses=10_000,
            coverage_areas=2_000,
        ),
        Size(
            "M",
            50,
            1_500,
            20_000,
            (31.00, 47.70, 33.90, 49.20),
            "one oblast: the bbox of Kirovohrad oblast (~35,000 km2)",
            addresses=1_000_000,
            coverage_areas=20_000,
        ),
    )
}


@dataclass
class Context:
    """What a generator sees: the size, the seed and the tables generated before it."""

    size: Size
    seed: int
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def rng(self, entity: str) -> np.random.Generator:
        """Return the random stream of `entity`, fixed by (seed, entity name)."""
        return np.random.default_rng([self.seed, zlib.crc32(entity.encode())])


@dataclass(frozen=True)
class Entity:
    """One synthetic table: how to generate it and how it maps to the database and files.

    `fks` maps a database foreign-key column to (parent entity, column of this table holding
    the parent's `key`), e.g. {"territory_id": ("territories", "territory_katottg")}.
    `synthetic_sql` is the WHERE clause selecting the generator's rows in `table`; it must
    never match demo or real data. Files are named `<file_stem>.<ext>` (the layers_import
    kind) and hold `file_columns`, some of which `file_extras` compute from the frame.
    """

    name: str
    generate: Callable[[Context], pd.DataFrame]
    table: str
    geometry_columns: tuple[str, ...]
    file_columns: tuple[str, ...]
    file_geometry: str
    synthetic_sql: str
    file_stem: str = ""
    key: str | None = None
    fks: dict[str, tuple[str, str]] = field(default_factory=dict)
    file_extras: dict[str, Callable[[pd.DataFrame], np.ndarray]] = field(default_factory=dict)

    def file_frame(self, df: pd.DataFrame) -> pd.DataFrame:
        """Return the attribute columns written to files, in `file_columns` order."""
        extra = {name: fn(df) for name, fn in self.file_extras.items()}
        return df.assign(**extra)[list(self.file_columns)]

    def db_columns(self, df: pd.DataFrame) -> list[str]:
        """Return the table's columns COPY writes: the frame's, with parent keys as FK ids."""
        sources = {source for _, source in self.fks.values()}
        return [c for c in df.columns if c not in sources] + list(self.fks)


ENTITIES: dict[str, Entity] = {}


def register(name: str, **spec) -> Callable:
    """Register the decorated function as the generator of entity `name` (see `Entity`).

    Raise ValueError if `name` is taken or a parent in `fks` is not registered yet.
    """

    def decorate(fn: Callable[[Context], pd.DataFrame]) -> Callable[[Context], pd.DataFrame]:
        if name in ENTITIES:
            raise ValueError(f"entity {name!r} is registered twice")
        for parent, _ in spec.get("fks", {}).values():
            if parent not in ENTITIES:
                raise ValueError(f"register {parent!r} before {name!r}, which refers to it")
        ENTITIES[name] = Entity(name=name, generate=fn, **{"file_stem": name, **spec})
        return fn

    return decorate


def generate(size: Size | str, seed: int = 1) -> dict[str, pd.DataFrame]:
    """Generate every registered entity for `size`; the same (size, seed) gives the same rows.

    Raise ValueError if a generator returns an invalid geometry.
    """
    size = SIZES[size] if isinstance(size, str) else size
    ctx = Context(size=size, seed=seed)
    for entity in ENTITIES.values():
        df = entity.generate(ctx)
        for column in entity.geometry_columns:
            invalid = int((~shapely.is_valid(df[column].to_numpy())).sum())
            if invalid:
                raise ValueError(f"{entity.name}.{column}: {invalid} invalid geometries")
        ctx.tables[entity.name] = df
    return ctx.tables


def digest(tables: dict[str, pd.DataFrame]) -> str:
    """Return a SHA-256 of the tables' canonical bytes (geometry as little-endian WKB)."""
    h = hashlib.sha256()
    for name, df in tables.items():
        geometry = ENTITIES[name].geometry_columns
        canonical = df.assign(
            **{c: shapely.to_wkb(df[c].to_numpy(), hex=True, byte_order=1) for c in geometry}
        )
        h.update(name.encode())
        h.update(canonical.to_csv(index=False, lineterminator="\n").encode())
    return h.hexdigest()


def synthetic_katottg(territory: int, settlement: int = 0) -> str:
    """Return an obviously synthetic KATOTTG-shaped code: "UA99" 01 TTT SSS 00 + 5 digits.

    The shape follows the real codifier (oblast, raion, hromada, settlement, district, then
    five check digits, here a CRC of the rest); oblast 99 does not exist.
    """
    body = f"{SYNTHETIC_PREFIX}01{territory:03d}{settlement:03d}00"
    return f"{body}{zlib.crc32(body.encode()) % 100_000:05d}"
