"""Demo streets and addresses for every settlement in the database (`manage.py load_demo`).

Synthetic, deterministic (seeded by each settlement's KATOTTG code) and marked `is_demo`:
straight streets across each village, houses every HOUSE_SPACING_M metres on both sides
(odd numbers left, even right), every point inside the village boundary. Residential
addresses hold one household each, as many as the settlement's households (else its
population / 2.5), so the community's total is about 6,610 / 2.5 ≈ 2,644. Postcodes are
set only where a public source gives one (Дмитрівка 27422, Плоске 27426).

Idempotent: a second run finds every row as wanted and writes nothing.
"""

import functools
import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy
import shapely
from django.conf import settings
from django.contrib.gis.geos import LineString, Point
from pyproj import Transformer
from shapely import affinity
from shapely import wkb as shapely_wkb
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from addresses.models import Address, Street
from core.imports.write import copy_create_with_history, ewkb_point
from layers.models import Settlement

PERSONS_PER_HOUSEHOLD = 2.5
STREET_SPACING_M = 160
HOUSE_SPACING_M = 28
SIDE_OFFSET_M = 14
MIN_STREET_M = 120
NON_RESIDENTIAL_EVERY = 37
VERIFIED_SHARE = 0.55
VERIFIED_AT = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
REASON = "demo data"
POSTCODES = {"UA35040090010099441": "27422", "UA35040090110088346": "27426"}

STREET_NAMES = [
    "Центральна", "Шевченка", "Садова", "Шкільна", "Польова", "Молодіжна", "Лісова",
    "Набережна", "Лесі Українки", "Івана Франка", "Незалежності", "Соборна", "Зелена",
    "Весняна", "Вишнева", "Козацька", "Героїв України", "Миру", "Степова", "Лугова",
    "Квіткова", "Джерельна", "Українська", "Григорія Сковороди", "Михайла Грушевського",
    "Богдана Хмельницького", "Калинова", "Каштанова", "Яблунева", "Тополина", "Сонячна",
    "Широка", "Нова", "Покровська", "Паркова", "Дружби", "Мирна", "Кленова",
]  # fmt: skip
LANE_NAMES = [
    "Садовий", "Шкільний", "Польовий", "Зелений", "Тихий", "Вишневий", "Лісовий",
    "Кленовий", "Східний", "Західний", "Весняний", "Степовий", "Ставковий", "Глухий",
]  # fmt: skip


@dataclass(frozen=True)
class DemoHouse:
    number: int
    lon: float
    lat: float
    building_use: str
    households: int
    verified: bool


@dataclass(frozen=True)
class DemoStreet:
    kind: str
    name: str
    route: list[tuple[float, float]]  # lon/lat vertices
    houses: tuple[DemoHouse, ...]


def load(log) -> None:
    """Create or refresh the demo streets and addresses of every settlement."""
    total, creates = 0, []
    for settlement in Settlement.objects.order_by("katottg"):
        wanted = settlement_plan(settlement)
        households = sum(h.households for s in wanted for h in s.houses)
        new, changed, removed = _sync(settlement, wanted)
        creates += new
        total += households
        log(
            f"{settlement.name_uk}: {len(wanted)} streets, "
            f"{sum(len(s.houses) for s in wanted)} addresses, {households} households "
            f"({len(new)} new, {changed} changed, {removed} removed)"
        )
    # The new addresses of every village in one COPY with their history rows, as an
    # address import writes them: bulk_create_with_history took 2.3 s of a 4.6 s demo
    # load (the demo is loaded by every module of tests that serves it).
    copy_create_with_history(Address, creates, user=None, reason=REASON)
    log(f"addresses: {total} households in all")


def target_households(settlement: Settlement) -> int:
    """The settlement's households, else its population / 2.5, else 20."""
    if settlement.households:
        return settlement.households
    if settlement.population:
        return round(settlement.population / PERSONS_PER_HOUSEHOLD)
    return 20


# --------------------------------------------------------------------------- geometry


def settlement_plan(settlement: Settlement) -> list[DemoStreet]:
    """Return the demo streets (with houses) of a settlement; same input, same output."""
    rng = random.Random(settlement.katottg)  # noqa: S311 — demo data, not security
    to_metric = _transformer(4326, settings.METRIC_SRID).transform
    to_degrees = _transformer(settings.METRIC_SRID, 4326).transform
    area = _metric_area(settlement, to_metric)
    needed = target_households(settlement)
    spacing = STREET_SPACING_M
    for _attempt in range(6):
        lines = _street_lines(area, spacing, rng.uniform(-35, 35))
        plan = _place_houses(lines, area, needed, rng, to_degrees)
        if plan is not None:
            return plan
        spacing *= 0.7
    raise RuntimeError(f"{settlement.name_uk}: no room for {needed} demo houses")


@functools.cache
def _transformer(source: int, target: int) -> Transformer:
    # Building a transformer costs ~0.1 s; using one is cheap.
    return Transformer.from_crs(source, target, always_xy=True)


def _metric_area(settlement: Settlement, to_metric):
    if settlement.boundary is not None:
        shape = shapely_wkb.loads(bytes(settlement.boundary.wkb))
    else:
        centre = shapely.Point(settlement.centre.x, settlement.centre.y)
        shape = shapely.transform(centre, _vectorized(to_metric)).buffer(500)
        return shape.buffer(-SIDE_OFFSET_M * 2)
    return shapely.transform(shape, _vectorized(to_metric)).buffer(-SIDE_OFFSET_M * 2)


def _vectorized(transform):
    """Adapt a pyproj (x, y) transform to shapely.transform's (n, 2) array interface."""

    def apply(coords):
        x, y = transform(coords[:, 0], coords[:, 1])
        return numpy.column_stack([x, y])

    return apply


def _street_lines(area, spacing: float, angle: float) -> list:
    """Parallel lines `spacing` m apart across the area at `angle` degrees, clipped to it."""
    centre = area.centroid
    reach = math.hypot(area.bounds[2] - area.bounds[0], area.bounds[3] - area.bounds[1])
    count = int(reach / spacing) + 1
    pieces = []
    for index in range(-count, count + 1):
        y = centre.y + index * spacing
        line = shapely.LineString([(centre.x - reach, y), (centre.x + reach, y)])
        line = affinity.rotate(line, angle, origin=centre)
        clipped = line.intersection(area)
        parts = getattr(clipped, "geoms", [clipped])
        pieces += [p for p in parts if p.geom_type == "LineString" and p.length >= MIN_STREET_M]
    # Central streets first: they get the first names ("Центральна") and houses.
    return sorted(pieces, key=lambda p: (p.distance(centre), -p.length))


def _place_houses(lines, area, needed: int, rng, to_degrees) -> list[DemoStreet] | None:
    streets, residential, names = [], 0, _Names(rng)
    for line in lines:
        if residential >= needed:
            break
        houses = []
        for number, point in _house_points(line, area):
            if residential >= needed:
                break
            non_residential = len(houses) % NON_RESIDENTIAL_EVERY == NON_RESIDENTIAL_EVERY - 1
            residential += 0 if non_residential else 1
            lon, lat = to_degrees(point.x, point.y)
            houses.append(
                DemoHouse(
                    number=number,
                    lon=round(lon, 7),
                    lat=round(lat, 7),
                    building_use="non_residential" if non_residential else "residential",
                    households=0 if non_residential else 1,
                    verified=rng.random() < VERIFIED_SHARE,
                )
            )
        if houses:
            kind, name = names.next(line.length)
            route = [tuple(round(c, 7) for c in to_degrees(x, y)) for x, y in line.coords]
            streets.append(DemoStreet(kind, name, route, tuple(houses)))
    return streets if residential >= needed else None


def _house_points(line, area):
    """Yield (house number, metric point): odd on the left side, even on the right."""
    steps = int((line.length - HOUSE_SPACING_M / 2) // HOUSE_SPACING_M) + 1
    left = line.offset_curve(SIDE_OFFSET_M)
    right = line.offset_curve(-SIDE_OFFSET_M)
    for step in range(steps):
        fraction = (HOUSE_SPACING_M / 2 + step * HOUSE_SPACING_M) / line.length
        for side, offset_line in ((1, left), (2, right)):
            point = offset_line.interpolate(fraction, normalized=True)
            if area.contains(point):
                yield 2 * step + side, point


class _Names:
    """Hand out street names: long streets get вулиця names, short ones провулок names."""

    def __init__(self, rng):
        rest, self.lanes = STREET_NAMES[1:], list(LANE_NAMES)
        rng.shuffle(rest)
        rng.shuffle(self.lanes)
        self.streets = [STREET_NAMES[0], *rest]
        self.used = 0

    def next(self, length_m: float) -> tuple[str, str]:
        self.used += 1
        if length_m < 300 and self.lanes:
            return "lane", self.lanes.pop(0)
        if self.streets:
            return "street", self.streets.pop(0)
        return "street", f"Нова {self.used}"


# --------------------------------------------------------------------------- sync


def _sync(settlement: Settlement, wanted: list[DemoStreet]) -> tuple[list[dict], int, int]:
    """Make the settlement's demo rows equal `wanted` but for the new addresses; return
    (those, as rows for the COPY; the number changed; the number removed)."""
    streets = _sync_streets(settlement, wanted)
    existing = {
        (a.street_id, a.house_number): a
        for a in Address.objects.filter(settlement=settlement, is_demo=True)
    }
    creates, updates, keep = [], [], set()
    for demo_street in wanted:
        street = streets[(demo_street.kind, demo_street.name)]
        for house in demo_street.houses:
            key = (street.pk, str(house.number))
            keep.add(key)
            current = existing.get(key)
            if current is None:
                creates.append(_new_row(settlement, street, house))
            elif (address := _changed(current, _demo_values(settlement, house))) is not None:
                updates.append(address)
    history = {"default_change_reason": REASON, "batch_size": 1000}
    if updates:
        bulk_update_with_history(updates, Address, _DEMO_FIELDS, **history)
    stale = [a.pk for key, a in existing.items() if key not in keep]
    Address.objects.filter(pk__in=stale).delete()
    wanted_keys = {(s.kind, s.name) for s in wanted}
    Street.objects.filter(settlement=settlement, is_demo=True).exclude(
        pk__in=[s.pk for key, s in streets.items() if key in wanted_keys]
    ).delete()
    return creates, len(updates), len(stale)


def _sync_streets(settlement, wanted) -> dict:
    # Any street of that kind and name is reused (a real one may already exist).
    streets = {(s.kind, s.name): s for s in Street.objects.filter(settlement=settlement)}
    new, changed = [], []
    for demo in wanted:
        route = LineString(demo.route, srid=4326)
        street = streets.get((demo.kind, demo.name))
        if street is None:
            street = Street(
                settlement=settlement, kind=demo.kind, name=demo.name, route=route, is_demo=True
            )
            new.append(street)
            streets[(demo.kind, demo.name)] = street
        elif street.is_demo and (
            street.route is None or not street.route.equals_exact(route, 1e-7)
        ):
            street.route = route
            changed.append(street)
    bulk_create_with_history(new, Street, default_change_reason=REASON)
    if changed:
        bulk_update_with_history(changed, Street, ["route"], default_change_reason=REASON)
    return streets


_DEMO_FIELDS = ["location", "building_use", "households", "postcode", "verified", "verified_at"]


def _demo_values(settlement, house: DemoHouse) -> dict:
    """The demo's fields of `house` (_DEMO_FIELDS), the point in EPSG:4326."""
    return {
        "location": Point(house.lon, house.lat, srid=4326),
        "building_use": house.building_use,
        "households": house.households,
        "postcode": POSTCODES.get(settlement.katottg, ""),
        "verified": house.verified,
        "verified_at": VERIFIED_AT if house.verified else None,
    }


def _new_row(settlement, street, house: DemoHouse) -> dict:
    """{attname: value} of a new demo address for the COPY, the point as EWKB hex."""
    return {
        **_demo_values(settlement, house),
        "street_id": street.pk,
        "settlement_id": settlement.pk,
        "house_number": str(house.number),
        "number": house.number,
        "is_demo": True,
        "location": ewkb_point((house.lon, house.lat)),
    }


def _changed(current: Address, values: dict) -> Address | None:
    """`current` with the demo's `values` set, or None when it has them already."""
    if all(_same(getattr(current, name), value) for name, value in values.items()):
        return None
    for name, value in values.items():
        setattr(current, name, value)
    return current


def _same(old, new) -> bool:
    if isinstance(new, Point):
        return old is not None and old.equals_exact(new, 1e-7)
    return old == new
