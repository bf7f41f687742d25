"""The address register's import kind for the one engine (core.imports).

Columns may carry Ukrainian or English names; CSV is UTF-8 or cp1251, comma or semicolon,
with lon/lat (or x/y) or WKT coordinates (EPSG:4326 unless `srid` says otherwise); geo
files carry their CRS. A re-import matches an address by `registry_id`, else by street
and house number (addresses.matching). All lookups (settlements, streets, addresses) are
loaded once per import, so validation runs in Python at thousands of rows per second.
"""

import functools
from dataclasses import dataclass, field

import shapely
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from shapely import wkb as shapely_wkb

from addresses import compute, matching
from addresses.errors import message_of
from core.errors import InvalidInput
from core.imports import Issue, Kind, RawRow, Report
from layers.models import Settlement
from layers.tiles import cache as tilecache

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
}
REQUIRED = ("street", "house_number")
BUILDING_USES = {
    "residential": "residential", "житлова": "residential", "житловий": "residential",
    "non_residential": "non_residential", "нежитлова": "non_residential",
    "нежитловий": "non_residential", "mixed": "mixed", "змішана": "mixed",
}  # fmt: skip
STATUSES = {"active": "active", "чинна": "active", "retired": "retired", "погашена": "retired"}
GEO_SUFFIXES = frozenset({".geojson", ".json", ".gpkg", ".shp", ".zip"})
MAX_REPORTED_ERRORS = 1000


@dataclass
class ImportReport(Report):
    """An address import's report: the engine's, plus the streets it adds."""

    streets_created: int = 0

    def summary(self) -> str:
        verb = _("written") if self.committed else _("dry run, nothing written")
        return _(
            "%(rows)d rows: %(created)d new, %(updated)d changed, %(unchanged)d unchanged, "
            "%(streets)d new streets, %(errors)d errors (%(verb)s)."
        ) % {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "streets": self.streets_created,
            "errors": len(self.errors),
            "verb": verb,
        }


@dataclass
class Register:
    """One import's lookups and state: settlements, options, keys seen in the file."""

    allow_outside: bool
    default: Settlement | None
    settlements: dict
    by_code: dict
    by_name: dict
    shapes: dict  # settlement pk → prepared boundary (EPSG:4326)
    options: dict
    seen: dict = field(default_factory=dict)
    seen_ids: dict = field(default_factory=dict)
    matcher: "matching.Matcher | None" = None


def _prepare(options: dict) -> Register:
    settlements = {s.pk: s for s in Settlement.objects.all()}
    by_code = {s.katottg: s for s in settlements.values()}
    default = None
    if code := options.get("settlement"):
        default = by_code.get(code)
        if default is None:
            raise InvalidInput(
                _("No settlement with KATOTTG code %(code)s.") % {"code": code}, code="settlement"
            )
    return Register(
        allow_outside=options.get("allow_outside", False),
        default=default,
        settlements=settlements,
        by_code=by_code,
        by_name={s.name_uk.lower(): s for s in settlements.values()},
        shapes={
            s.pk: _prepared(shapely_wkb.loads(bytes(s.boundary.wkb)))
            for s in settlements.values()
            if s.boundary is not None
        },
        options=options,
    )


def _check_columns(columns: dict, table) -> list[Issue]:
    """Refuse the file (InvalidInput) when it has rows but lacks a required column."""
    missing = [role for role in REQUIRED if table.records and role not in columns]
    if missing:
        names = ", ".join(f"{role} ({' / '.join(ALIASES[role])})" for role in missing)
        raise InvalidInput(
            _("The file lacks the column(s): %(names)s.") % {"names": names}, code="columns"
        )
    return []


# --------------------------------------------------------------------------- one row


def _validate(register: Register, raw: RawRow):
    """Return (Candidate or None, issues) for one row."""
    problems: list[Issue] = []
    point = _point(raw, problems)
    candidate = _candidate(register, raw, point, problems)
    if candidate is not None:
        _check_duplicate(register, candidate, problems)
    return candidate, problems


def _point(raw: RawRow, problems: list) -> tuple[float, float] | None:
    """Return the row's (lon, lat); a non-point or a point not in degrees is an issue."""
    point = raw.xy
    if point is None and raw.geometry is not None and not raw.geometry.is_empty:
        geometry = raw.geometry
        if geometry.geom_type == "MultiPoint" and len(geometry.geoms) == 1:
            point = (geometry.geoms[0].x, geometry.geoms[0].y)
        else:
            message = _("expected a point, found %(type)s") % {"type": geometry.geom_type}
            problems.append(Issue(raw.row, "geometry", message))
    if point is not None and not (-180 <= point[0] <= 180 and -90 <= point[1] <= 90):
        message = _(
            "(%(x)g, %(y)g) are not degrees; is the file in a projected CRS? Give it (--srid 6385)"
        ) % {"x": point[0], "y": point[1]}
        problems.append(Issue(raw.row, "lon/lat", message))
        return None
    return point


def _candidate(register: Register, raw: RawRow, point, problems):
    number, cells = raw.row, raw.cells

    def value(role):
        return (cells.get(role) or "").strip()

    settlement = _settlement(register, value("settlement"), point, number, problems)
    kind, name = _street(value("street_kind"), value("street"), number, problems)
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
    if settlement is not None and point is not None and not register.allow_outside:
        _check_inside(register, settlement, point, number, problems)
    if problems or settlement is None or house is None:
        return None
    return matching.Candidate(number, settlement.pk, kind, name, house, point=point, **fields)


def _settlement(register: Register, raw, point, number, problems):
    if raw:
        found = register.by_code.get(raw) or register.by_name.get(raw.lower())
        if found is None:
            message = _("unknown settlement '%(raw)s'") % {"raw": raw}
            problems.append(Issue(number, "settlement", message))
        return found
    if register.default is not None:
        return register.default
    if point is not None:
        for pk, shape in register.shapes.items():
            if shapely.contains_xy(shape, *point):
                return register.settlements[pk]
    message = _("no settlement: add the column or use --settlement")
    problems.append(Issue(number, "settlement", message))
    return None


def _street(raw_kind, raw_street, number, problems):
    kind, name = _split_street(raw_street)
    if raw_kind:
        try:
            kind = _street_kind_code(raw_kind)
        except compute.StreetKindError as exc:
            problems.append(Issue(number, "street_kind", message_of(exc)))
    if not name:
        problems.append(Issue(number, "street", _("street name is empty")))
    return kind or "street", name


def _check_inside(register: Register, settlement, point, number, problems):
    shape = register.shapes.get(settlement.pk)
    if shape is not None and not shapely.intersects_xy(shape, *point):
        message = _(
            "point (%(lon).6f, %(lat).6f) is outside %(settlement)s "
            "(use --allow-outside if that is right)"
        ) % {"lon": point[0], "lat": point[1], "settlement": settlement.name_uk}
        problems.append(Issue(number, "location", message))


def _check_duplicate(register: Register, candidate, problems):
    key = (*candidate.street_key, candidate.house.display)
    if candidate.status == "active":
        if key in register.seen:
            message = _("duplicate of row %(row)d (same street and house number)") % {
                "row": register.seen[key]
            }
            problems.append(Issue(candidate.row, "house_number", message))
        register.seen.setdefault(key, candidate.row)
    if candidate.registry_id:
        if candidate.registry_id in register.seen_ids:
            message = _("registry_id also on row %(row)d") % {
                "row": register.seen_ids[candidate.registry_id]
            }
            problems.append(Issue(candidate.row, "registry_id", message))
        register.seen_ids.setdefault(candidate.registry_id, candidate.row)


# A file repeats the same few hundred street names and kinds, and house numbers: parse
# each distinct text once (the compute functions are pure; their results are immutable).
_split_street = functools.lru_cache(maxsize=65536)(compute.split_street)
_street_kind_code = functools.lru_cache(maxsize=1024)(compute.street_kind_code)
_house_number = functools.lru_cache(maxsize=65536)(compute.parse_house_number)


def _prepared(geometry):
    """Return the geometry prepared in place, for fast *_xy point tests."""
    shapely.prepare(geometry)
    return geometry


def _parse(parser, raw, number, field_name, problems):
    try:
        return parser(raw)
    except ValueError as exc:
        problems.append(Issue(number, field_name, message_of(exc)))
        return None


def _postcode(raw, number, problems):
    if raw and not (len(raw) == 5 and raw.isdigit()):
        message = _("a postcode is 5 digits, not '%(raw)s'") % {"raw": raw}
        problems.append(Issue(number, "postcode", message))
    return raw


def _households(raw, number, problems):
    if not raw:
        return 0
    if not raw.isdigit():
        message = _("a whole number ≥ 0, not '%(raw)s'") % {"raw": raw}
        problems.append(Issue(number, "households", message))
        return 0
    return int(raw)


def _choice(raw, choices, number, field_name, problems):
    code = choices.get(raw.lower())
    if code is None:
        allowed = ", ".join(sorted(set(choices.values())))
        message = _("'%(raw)s' is not one of %(allowed)s") % {"raw": raw, "allowed": allowed}
        problems.append(Issue(number, field_name, message))
    return code


ADDRESS_KIND = Kind(
    name="addresses",
    columns=ALIASES,
    prepare=_prepare,
    validate=_validate,
    match=matching.match,
    write=matching.write,
    check_columns=_check_columns,
    report=ImportReport,
    phrases={
        "no_coordinates": gettext_lazy(
            "no coordinate columns (lon/lat or wkt): addresses without points"
        ),
        "conflict": gettext_lazy(
            "The register changed while importing; nothing was written (%(error)s)."
        ),
    },
    text_cells=True,
    shapes=False,
    geo_suffixes=GEO_SUFFIXES,
    issue_order=lambda issue: (issue.row, issue.field),
    max_errors=MAX_REPORTED_ERRORS,
    tally=lambda register, report: setattr(
        report, "streets_created", len(register.matcher.new_streets)
    ),
    after_commit=tilecache.bump,  # COPY sends no model signals: the caches must be told
)
