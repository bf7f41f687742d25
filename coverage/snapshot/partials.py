"""The partial sums of a snapshot and the pure geometry that patches them: no ORM here.

A snapshot's results are assembled (coverage.compute.snapshot_results) from partial sums:
the territory's covered m² per (group, level) and each village's compute.VillageInputs.
They are stored beside the results (CoverageSnapshot.partials, JSON) so that one edited
coverage area can be applied as a difference (coverage.snapshot.incremental) instead of a
full recomputation. Every geometry here is in METRIC_SRID (EPSG:6385), areas in m².

Why a difference is exact: an edit changes the coverage only inside the box W of the
edited area's old and new outlines. For any zone Z (territory, village, hexagon),
area(U ∩ Z) = area(U ∩ Z ∩ W) + area(U ∩ Z \\ W), and the second term is the same before
and after the edit; so the new figure is the stored one plus area(U_new ∩ Z ∩ W) −
area(U_old ∩ Z ∩ W), where U ∩ W is the union of the areas meeting W, each clipped to W.
A point outside W keeps its level; a point inside W gets its level from U ∩ W.
"""

import math
from dataclasses import dataclass, fields

import numpy as np
import shapely

from coverage import overlay
from coverage.compute import GROUPS, VillageInputs
from coverage.overlay import LEVEL_VALUES, Key

KEYS: tuple[Key, ...] = tuple((g, lv) for g in GROUPS for lv in LEVEL_VALUES)
_CUMULATIVE = (
    "area_covered",
    "addresses_covered",
    "address_households_covered",
    "facilities_covered",
    "population_covered",
)


# --- stored form ------------------------------------------------------------------------------


_TEXT = {key: f"{key[0]}:{key[1]}" for key in KEYS}
_TUPLE = {text: key for key, text in _TEXT.items()}
_FIELDS = tuple(f.name for f in fields(VillageInputs))


# 2: the snapshot's gaps are stored per territory (CoverageGap.territory); a snapshot with
# partial sums of an older version is not patched (a full recomputation replaces it).
PARTIALS_VERSION = 2


# Plain dict comprehensions, not dataclasses.asdict (which deep-copies): 1,500 villages at
# oblast size are encoded and decoded at every edit.
def _key_text(values: dict | None) -> dict | None:
    return None if values is None else {_TEXT[key]: v for key, v in values.items()}


def _key_tuple(values: dict | None) -> dict | None:
    return None if values is None else {_TUPLE[key]: v for key, v in values.items()}


def partials_encode(
    *, area_m2: float, area_covered: dict, villages: list[VillageInputs], tids: list[int]
) -> dict:
    """Return the JSON-ready partial sums of a snapshot (tuple keys as "group:level")."""
    rows = []
    for village in villages:
        row = {name: getattr(village, name) for name in _FIELDS}
        for name in _CUMULATIVE:
            row[name] = _key_text(row[name])
        rows.append(row)
    return {
        "version": PARTIALS_VERSION,
        "territory_ids": list(tids),
        "area_m2": area_m2,
        "area_covered": _key_text(area_covered),
        "villages": rows,
    }


def finite_or_fail(*values) -> None:
    """Raise ValueError on a NaN or infinite number anywhere in `values` (dicts, lists,
    numbers). The results are assembled from the partial sums, and the JSON encoder
    (orjson) would store a NaN as null, so a broken sum fails the computation loudly. A
    full computation checks its sums here (~80 ms at size M); a patch checks only what it
    adds to them (area_deltas)."""
    stack = list(values)
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)
        elif isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"a coverage partial sum is {value}")


@dataclass
class Partials:
    """The decoded partial sums (see partials_encode)."""

    territory_ids: list[int]
    area_m2: float
    area_covered: dict[Key, float]
    villages: list[VillageInputs]


def partials_decode(stored: dict) -> Partials | None:
    """Return the partial sums of a stored snapshot, None when it has none (older ones)."""
    if not stored or stored.get("version") != PARTIALS_VERSION:
        return None
    villages = []
    for row in stored["villages"]:
        row = dict(row)
        for name in _CUMULATIVE:
            row[name] = _key_tuple(row[name])
        villages.append(VillageInputs(**row))
    return Partials(
        territory_ids=stored["territory_ids"],
        area_m2=stored["area_m2"],
        area_covered=_key_tuple(stored["area_covered"]),
        villages=villages,
    )


# --- the geometry of one edit -------------------------------------------------------------------


def window_of(geoms: np.ndarray, pad_m: float = 1.0) -> shapely.Geometry:
    """Return the box (METRIC_SRID) around geometries, widened by `pad_m` metres."""
    x0, y0, x1, y1 = shapely.total_bounds(np.asarray(geoms, dtype=object))
    return shapely.box(x0 - pad_m, y0 - pad_m, x1 + pad_m, y1 + pad_m)


def clipped_unions(
    geoms: np.ndarray, technology: np.ndarray, level: np.ndarray, window: shapely.Geometry
) -> dict[Key, shapely.Geometry]:
    """Return {(group, level): union of the areas selected by overlay.group_masks, clipped
    to `window`}. geoms: coverage areas (METRIC_SRID) meeting the window."""
    geoms = np.asarray(geoms, dtype=object)
    empty = shapely.MultiPolygon()
    if len(geoms) == 0:
        return dict.fromkeys(KEYS, empty)
    # An exact intersection, not clip_by_rect: that one may return invalid polygons.
    parts, source = overlay.polygons_of(shapely.intersection(geoms, window), return_index=True)
    masks = overlay.group_masks(np.asarray(technology)[source], np.asarray(level)[source])
    return overlay.unions(parts, masks, workers=1)


def area_deltas(old: dict, new: dict, zones: np.ndarray) -> dict[Key, np.ndarray]:
    """Return {(group, level): m² per zone of new − old}: the change in each zone's
    covered area (zones: polygons, METRIC_SRID)."""
    zones = np.asarray(zones, dtype=object)
    out = {}
    for key in KEYS:
        before = overlay.overlaps(overlay.polygons_of([old[key]]), zones)[0]
        after = overlay.overlaps(overlay.polygons_of([new[key]]), zones)[0]
        out[key] = after - before
        if not np.isfinite(out[key]).all():
            raise ValueError(f"a coverage area change of {key} is not a finite number")
    return out


def point_deltas(
    old: dict, new: dict, xy: np.ndarray, zone: np.ndarray, n: int, weight: np.ndarray | None
) -> tuple[dict[Key, np.ndarray], dict[str, np.ndarray]]:
    """Return ({(group, level): per zone, points (or weights) at level ≥ L, new − old},
    {group: new best level per point}) for points inside the unions' window."""
    if len(xy) == 0:
        return {key: np.zeros(n) for key in KEYS}, {g: np.empty(0, dtype="int8") for g in GROUPS}
    before = overlay.group_point_levels(old, xy)
    after = overlay.group_point_levels(new, xy)
    b = overlay.cumulative_by_zone(before, zone, n, weight)
    a = overlay.cumulative_by_zone(after, zone, n, weight)
    return {key: a[key] - b[key] for key in KEYS}, after


def add_into(target: dict | None, delta: dict, i: int) -> dict:
    """Return a cumulative {(group, level): amount} with `delta[key][i]` added."""
    out = dict(target or {})
    for key in KEYS:
        change = float(delta[key][i])
        if change or key in out:
            out[key] = out.get(key, 0.0) + change
    return out
