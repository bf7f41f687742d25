"""Row-level work of the address import: columns, validation, matching and bulk writes.

Kept apart from addresses.imports (file reading and the service) so that each stays small.
All lookups (settlements, streets, existing addresses) are loaded once per import, so
validation runs in Python at thousands of rows per second.
"""

import functools
import struct
from dataclasses import dataclass, field

import shapely
from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely import wkb as shapely_wkb
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from addresses import compute
from addresses.errors import message_of
from addresses.models import Address, Street
from core.errors import InvalidInput
from layers.models import Settlement

# Column names a file may use for each role; Shapefile names are cut at 10 characters.
ALIASES = {
    "settlement": ("settlement", "katottg", "settlement_katottg", "населений_пункт"),
    "street_kind": ("street_kind", "street_kin", "kind", "тип_вулиці", "тип"),
    "street": ("street", "street_name", "вулиця"),
    "house_number": ("house_number", "house_numb", "house", "number", "номер", "будинок"),
    "postcode": ("postcode", "postal_code", "zip", "індекс"),
    "building_use": ("building_use", "building_u", "use", "призначення"),
    "households": ("households", "домогосподарства"),
    "registry_id": ("registry_id", "registry_i", "registry", "id_реєстру"),
    "status": ("status", "статус"),
    "lon": ("lon", "lng", "longitude", "x"),
    "lat": ("lat", "latitude", "y"),
    "wkt": ("wkt", "geometry", "geom"),
}
REQUIRED = ("street", "house_number")
BUILDING_USES = {
    "residential": "residential", "житлова": "residential", "житловий": "residential",
    "non_residential": "non_residential", "нежитлова": "non_residential",
    "нежитловий": "non_residential", "mixed": "mixed", "змішана": "mixed",
}  # fmt: skip
STATUSES = {"active": "active", "чинна": "active", "retired": "retired", "погашена": "retired"}


@dataclass(frozen=True)
class RowError:
    """One problem of one row: the row number (CSV line or feature number), field, message."""

    row: int
    field: str
    message: str


@dataclass
class Candidate:
    """A validated row, ready to be matched against the register."""

    row: int
    settlement_id: int
    kind: str
    street_name: str
    house: compute.HouseNumber
    postcode: str
    building_use: str
    households: int
    registry_id: str
    status: str
    point: tuple[float, float] | None
    street_id: int | None = None

    @property
    def street_key(self) -> tuple[int, str, str]:
        return (self.settlement_id, self.kind, self.street_name)


def _column(header, role: str) -> str | None:
    return next((name for name in ALIASES[role] if name in header), None)


class RowReader:
    """Validate rows into Candidates; collect RowErrors and notes on the way."""

    def __init__(self, *, default_settlement: str | None, allow_outside: bool):
        self.allow_outside = allow_outside
        self.notes: list[str] = []
        self.settlements = {s.pk: s for s in Settlement.objects.all()}
        self._by_code = {s.katottg: s for s in self.settlements.values()}
        self._by_name = {s.name_uk.lower(): s for s in self.settlements.values()}
        self._shapes = {
            s.pk: _prepared(shapely_wkb.loads(bytes(s.boundary.wkb)))
            for s in self.settlements.values()
            if s.boundary is not None
        }
        self.default = None
        if default_settlement:
            self.default = self._by_code.get(default_settlement)
            if self.default is None:
                raise InvalidInput(
                    _("No settlement with KATOTTG code %(code)s.") % {"code": default_settlement},
                    code="settlement",
                )

    # ------------------------------------------------------------------ coordinates

    @staticmethod
    def csv_columns(header: list[str]) -> dict[str, str | None]:
        return {role: _column(header, role) for role in ALIASES}

    @staticmethod
    def csv_points(rows, numbers, columns, *, srid, errors, notes):
        """Read each CSV row's point (lon/lat or WKT) into EPSG:4326 degrees, or None."""
        lon_col, lat_col, wkt_col = columns["lon"], columns["lat"], columns["wkt"]
        if not (lon_col and lat_col) and not wkt_col:
            notes.append(_("no coordinate columns (lon/lat or wkt): addresses without points"))
            return [None] * len(rows)
        points = []
        for row, number in zip(rows, numbers, strict=True):
            if lon_col and lat_col:
                points.append(_xy_point(row[lon_col], row[lat_col], number, errors))
            else:
                points.append(_wkt_point(row[wkt_col], number, errors))
        if srid and srid != 4326:
            notes.append(
                _("CSV coordinates reprojected from EPSG:%(srid)s to EPSG:4326") % {"srid": srid}
            )
            return _transform(points, srid)
        notes.append(_("CSV coordinates read as EPSG:4326 (lon, lat)"))
        return points

    @staticmethod
    def geometry_point(geometry, number: int, errors: list) -> tuple[float, float] | None:
        if geometry is None or geometry.is_empty:
            return None
        if geometry.geom_type == "MultiPoint" and len(geometry.geoms) == 1:
            geometry = geometry.geoms[0]
        if geometry.geom_type != "Point":
            message = _("expected a point, found %(type)s") % {"type": geometry.geom_type}
            errors.append(RowError(number, "geometry", message))
            return None
        return (geometry.x, geometry.y)

    # ------------------------------------------------------------------ validation

    def validate(self, rows, numbers, points, errors) -> list[Candidate]:
        """Return the Candidates of valid rows; append a RowError for every problem."""
        header = set(rows[0]) if rows else set()
        missing = [role for role in REQUIRED if rows and _column(header, role) is None]
        if missing:
            names = ", ".join(f"{role} ({' / '.join(ALIASES[role])})" for role in missing)
            raise InvalidInput(
                _("The file lacks the column(s): %(names)s.") % {"names": names}, code="columns"
            )
        columns = {role: _column(header, role) for role in ALIASES}
        candidates, seen, seen_ids = [], {}, {}
        already_bad = {error.row for error in errors}
        for row, number, point in zip(rows, numbers, points, strict=True):
            problems: list[RowError] = []
            candidate = self._candidate(row, number, point, columns, problems)
            if candidate is not None:
                self._check_duplicate(candidate, seen, seen_ids, problems)
            errors.extend(problems)
            if candidate is not None and not problems and number not in already_bad:
                candidates.append(candidate)
        return candidates

    def _candidate(self, row, number, point, columns, problems) -> Candidate | None:
        def value(role):
            column = columns[role]
            return (row.get(column) or "").strip() if column else ""

        settlement = self._settlement(value("settlement"), point, number, problems)
        kind, name = self._street(value("street_kind"), value("street"), number, problems)
        house = _parse(_house_number, value("house_number"), number, "house_number", problems)
        fields = {
            "postcode": _postcode(value("postcode"), number, problems),
            "building_use": _choice(
                value("building_use") or "residential", BUILDING_USES, number, "building_use",
                problems,
            ),
            "households": _households(value("households"), number, problems),
            "registry_id": value("registry_id")[:64],
            "status": _choice(value("status") or "active", STATUSES, number, "status", problems),
        }  # fmt: skip
        if settlement is not None and point is not None and not self.allow_outside:
            self._check_inside(settlement, point, number, problems)
        if problems or settlement is None or house is None:
            return None
        return Candidate(number, settlement.pk, kind, name, house, point=point, **fields)

    def _settlement(self, raw, point, number, problems):
        if raw:
            found = self._by_code.get(raw) or self._by_name.get(raw.lower())
            if found is None:
                message = _("unknown settlement '%(raw)s'") % {"raw": raw}
                problems.append(RowError(number, "settlement", message))
            return found
        if self.default is not None:
            return self.default
        if point is not None:
            for pk, shape in self._shapes.items():
                if shapely.contains_xy(shape, *point):
                    return self.settlements[pk]
        problems.append(
            RowError(number, "settlement", _("no settlement: add the column or use --settlement"))
        )
        return None

    def _street(self, raw_kind, raw_street, number, problems):
        kind, name = _split_street(raw_street)
        if raw_kind:
            try:
                kind = _street_kind_code(raw_kind)
            except compute.StreetKindError as exc:
                problems.append(RowError(number, "street_kind", message_of(exc)))
        if not name:
            problems.append(RowError(number, "street", _("street name is empty")))
        return kind or "street", name

    def _check_inside(self, settlement, point, number, problems):
        shape = self._shapes.get(settlement.pk)
        if shape is not None and not shapely.intersects_xy(shape, *point):
            problems.append(
                RowError(
                    number,
                    "location",
                    _(
                        "point (%(lon).6f, %(lat).6f) is outside %(settlement)s "
                        "(use --allow-outside if that is right)"
                    )
                    % {"lon": point[0], "lat": point[1], "settlement": settlement.name_uk},
                )
            )

    @staticmethod
    def _check_duplicate(candidate, seen, seen_ids, problems):
        key = (*candidate.street_key, candidate.house.display)
        if candidate.status == "active":
            if key in seen:
                message = _("duplicate of row %(row)d (same street and house number)") % {
                    "row": seen[key]
                }
                problems.append(RowError(candidate.row, "house_number", message))
            seen.setdefault(key, candidate.row)
        if candidate.registry_id:
            if candidate.registry_id in seen_ids:
                message = _("registry_id also on row %(row)d") % {
                    "row": seen_ids[candidate.registry_id]
                }
                problems.append(RowError(candidate.row, "registry_id", message))
            seen_ids.setdefault(candidate.registry_id, candidate.row)


# --------------------------------------------------------------------------- helpers

# A file repeats the same few hundred street names and kinds, and house numbers: parse
# each distinct text once (the compute functions are pure; their results are immutable).
_split_street = functools.lru_cache(maxsize=65536)(compute.split_street)
_street_kind_code = functools.lru_cache(maxsize=1024)(compute.street_kind_code)
_house_number = functools.lru_cache(maxsize=65536)(compute.parse_house_number)


def _prepared(geometry):
    """Return the geometry prepared in place, for fast *_xy point tests."""
    shapely.prepare(geometry)
    return geometry


def _xy_point(raw_x, raw_y, number, errors):
    if not str(raw_x).strip() and not str(raw_y).strip():
        return None
    try:
        x, y = float(str(raw_x).replace(",", ".")), float(str(raw_y).replace(",", "."))
    except ValueError:
        message = _("not numbers: '%(x)s', '%(y)s'") % {"x": raw_x, "y": raw_y}
        errors.append(RowError(number, "lon/lat", message))
        return None
    if x != x or y != y or abs(x) == float("inf") or abs(y) == float("inf"):
        errors.append(RowError(number, "lon/lat", _("coordinates must be finite numbers")))
        return None
    return (x, y)


def _wkt_point(raw, number, errors):
    if not str(raw).strip():
        return None
    try:
        geometry = shapely.from_wkt(raw)
    except shapely.errors.GEOSException as exc:
        errors.append(RowError(number, "wkt", _("unreadable WKT: %(error)s") % {"error": exc}))
        return None
    return RowReader.geometry_point(geometry, number, errors)


def _transform(points, srid: int):
    from pyproj import Transformer

    transformer = Transformer.from_crs(srid, 4326, always_xy=True)
    return [None if p is None else transformer.transform(*p) for p in points]


def check_degrees(points, numbers, errors) -> list:
    """Turn points that are not lon/lat degrees into row errors (a forgotten CRS)."""
    checked = []
    for point, number in zip(points, numbers, strict=True):
        if point is not None and not (-180 <= point[0] <= 180 and -90 <= point[1] <= 90):
            errors.append(
                RowError(
                    number,
                    "lon/lat",
                    _(
                        "(%(x)g, %(y)g) are not degrees; is the file in a projected CRS? "
                        "Give it (--srid 6385)"
                    )
                    % {"x": point[0], "y": point[1]},
                )
            )
            point = None
        checked.append(point)
    return checked


def _parse(parser, raw, number, field_name, problems):
    try:
        return parser(raw)
    except ValueError as exc:
        problems.append(RowError(number, field_name, message_of(exc)))
        return None


def _postcode(raw, number, problems):
    if raw and not (len(raw) == 5 and raw.isdigit()):
        message = _("a postcode is 5 digits, not '%(raw)s'") % {"raw": raw}
        problems.append(RowError(number, "postcode", message))
    return raw


def _households(raw, number, problems):
    if not raw:
        return 0
    if not raw.isdigit():
        message = _("a whole number ≥ 0, not '%(raw)s'") % {"raw": raw}
        problems.append(RowError(number, "households", message))
        return 0
    return int(raw)


def _choice(raw, choices, number, field_name, problems):
    code = choices.get(raw.lower())
    if code is None:
        allowed = ", ".join(sorted(set(choices.values())))
        message = _("'%(raw)s' is not one of %(allowed)s") % {"raw": raw, "allowed": allowed}
        problems.append(RowError(number, field_name, message))
    return code


# --------------------------------------------------------------------------- matching


@dataclass
class Plan:
    new_streets: list[tuple[int, str, str]] = field(default_factory=list)
    creates: list[Candidate] = field(default_factory=list)
    updates: list[tuple[int, Candidate]] = field(default_factory=list)
    unchanged: int = 0

    def counts(self) -> tuple[int, int, int]:
        return len(self.creates), len(self.updates), self.unchanged


_COMPARED = ("street_id", "house_number", "postcode", "building_use", "households", "status")


class RowWriter:
    """Match Candidates to the register (registry_id first, then street and number)."""

    def __init__(self, candidates: list[Candidate], settlements: dict):
        self.candidates = candidates
        self.settlements = settlements
        ids = {c.settlement_id for c in candidates}
        self.streets = {
            (s.settlement_id, s.kind, s.name): s.pk
            for s in Street.objects.filter(settlement_id__in=ids).only(
                "pk", "settlement_id", "kind", "name"
            )
        }
        existing = Address.objects.filter(settlement_id__in=ids).values(
            "pk", "registry_id", "location", *_COMPARED
        )
        self.existing = {row["pk"]: row for row in existing}
        self.by_registry = {r["registry_id"]: r for r in existing if r["registry_id"]}
        self.by_key = {
            (r["street_id"], r["house_number"]): r for r in existing if r["status"] == "active"
        }

    def plan(self, errors: list[RowError]) -> Plan:
        plan, new_streets = Plan(), {}
        for candidate in self.candidates:
            candidate.street_id = self.streets.get(candidate.street_key)
            if candidate.street_id is None:
                new_streets.setdefault(candidate.street_key, True)
            match = self._match(candidate, errors)
            if match is False:
                continue
            if match is None:
                plan.creates.append(candidate)
            elif self._differs(match, candidate):
                plan.updates.append((match["pk"], candidate))
            else:
                plan.unchanged += 1
        plan.new_streets = list(new_streets)
        return plan

    def _match(self, candidate, errors):
        """Return the matching register row, None for a new address, False on a clash."""
        by_id = self.by_registry.get(candidate.registry_id) if candidate.registry_id else None
        key = (candidate.street_id, candidate.house.display)
        by_key = (
            self.by_key.get(key) if candidate.street_id and candidate.status == "active" else None
        )
        if by_id and by_key and by_id["pk"] != by_key["pk"]:
            message = _(
                "registry_id %(id)s is address #%(a)s, but address #%(b)s already has this "
                "street and number"
            ) % {"id": candidate.registry_id, "a": by_id["pk"], "b": by_key["pk"]}
            errors.append(RowError(candidate.row, "house_number", message))
            return False
        if by_key and not by_id and by_key["registry_id"] and candidate.registry_id:
            message = _(
                "the register already has this street and number as address #%(pk)s "
                "with registry_id %(id)s"
            ) % {"pk": by_key["pk"], "id": by_key["registry_id"]}
            errors.append(RowError(candidate.row, "registry_id", message))
            return False
        return by_id or by_key

    @staticmethod
    def _differs(row, candidate) -> bool:
        wanted = _fields(candidate)
        if any(row[name] != wanted[name] for name in _COMPARED):
            return True
        if candidate.registry_id and row["registry_id"] != candidate.registry_id:
            return True
        old = row["location"]
        if (old is None) != (candidate.point is None):
            return True
        return old is not None and (
            abs(old.x - candidate.point[0]) > 1e-7 or abs(old.y - candidate.point[1]) > 1e-7
        )

    # ------------------------------------------------------------------ writing

    def write(self, plan: Plan, *, user, reason: str) -> None:
        """Write the plan (inside the caller's transaction), history included."""
        history = {"default_user": user, "default_change_reason": reason[:100], "batch_size": 2000}
        streets = [
            Street(settlement_id=sid, kind=kind, name=name) for sid, kind, name in plan.new_streets
        ]
        for street in bulk_create_with_history(streets, Street, **history):
            self.streets[(street.settlement_id, street.kind, street.name)] = street.pk
        creates = [self._new_values(candidate) for candidate in plan.creates]
        copy_create_with_history(creates, user=user, reason=reason[:100])
        objects = Address.objects.in_bulk([pk for pk, _candidate in plan.updates])
        changed = [self._apply(objects[pk], candidate) for pk, candidate in plan.updates]
        if changed:
            names = [*_COMPARED, "number", "letter", "fraction", "building", "registry_id"]
            bulk_update_with_history(
                changed, Address, [*names, "location", "settlement"], **history
            )

    def _new_values(self, candidate: Candidate) -> dict:
        """Return {attname: value} of a new address, the point as EWKB hex (no model
        instance: 100,000 of those and their GEOS points cost more than the COPY itself)."""
        candidate.street_id = self.streets[candidate.street_key]
        house = candidate.house
        point = candidate.point
        return {
            **_fields(candidate),
            "settlement_id": candidate.settlement_id,
            "number": house.number,
            "letter": house.letter,
            "fraction": house.fraction,
            "building": house.building,
            "registry_id": candidate.registry_id,
            "location": _ewkb_point(point) if point else None,
        }

    def _apply(self, address: Address, candidate: Candidate) -> Address:
        candidate.street_id = self.streets[candidate.street_key]
        for name, value in _fields(candidate).items():
            setattr(address, name, value)
        house = candidate.house
        address.number, address.letter = house.number, house.letter
        address.fraction, address.building = house.fraction, house.building
        address.settlement_id = candidate.settlement_id
        if candidate.registry_id:
            address.registry_id = candidate.registry_id
        address.location = Point(*candidate.point, srid=4326) if candidate.point else None
        return address


def _fields(candidate: Candidate) -> dict:
    return {
        "street_id": candidate.street_id,
        "house_number": candidate.house.display,
        "postcode": candidate.postcode,
        "building_use": candidate.building_use,
        "households": candidate.households,
        "status": candidate.status,
    }


# --------------------------------------------------------------------------- COPY


def copy_create_with_history(rows: list[dict], *, user, reason: str) -> None:
    """Insert new addresses and their "+" history rows with COPY (bulk_create is ~1,000/s).

    `rows` are {attname: value} (geometry as EWKB hex); missing fields get their defaults. Ids
    come from the table's sequence first, so the history rows can name them.
    """
    if not rows:
        return
    fields = Address._meta.concrete_fields
    defaults = {f.attname: f.get_default() for f in fields if not f.primary_key}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Address._meta.db_table, len(rows)],
        )
        for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
            row["id"] = pk
        names = [f.attname for f in fields]
        _copy(
            cursor,
            Address._meta.db_table,
            [f.column for f in fields],
            _values(rows, names, defaults),
        )
        history = Address.history.model
        tracked = [f for f in history._meta.concrete_fields if not f.name.startswith("history_")]
        stamp = {
            "history_date": timezone.now(),
            "history_change_reason": reason,
            "history_type": "+",
            "history_user_id": user.pk if user is not None else None,
        }
        columns = [f.column for f in tracked] + list(stamp)
        names = [f.attname for f in tracked] + list(stamp)
        _copy(cursor, history._meta.db_table, columns, _values(rows, names, {**defaults, **stamp}))


_EWKB_POINT_4326 = struct.Struct("<BIIdd")


def _ewkb_point(point: tuple[float, float]) -> str:
    """Return a lon/lat point as EWKB hex, SRID 4326: PostGIS reads it faster than WKT."""
    return _EWKB_POINT_4326.pack(1, 0x20000001, 4326, *point).hex()


def _values(rows: list[dict], names: list[str], defaults: dict):
    """Yield each row's values in `names` order, defaults filling the gaps."""
    for row in rows:
        yield [row[name] if name in row else defaults[name] for name in names]


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    names = ", ".join(f'"{column}"' for column in columns)
    with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)
