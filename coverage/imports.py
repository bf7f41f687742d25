"""The coverage areas' import kind for the one engine (core.imports).

A file of (Multi)Polygons, one coverage area a row: provider (by name, must exist),
technology, down_mbps and up_mbps (whole numbers 0–100000), optionally source,
valid_from, valid_to (ISO dates) and note. Geometries are checked as the API and the admin
check them (core.geometry.geometry_check: polygonal, 2D, lon/lat range, size, valid);
with the option "repair" an invalid polygon is repaired and the report says which row. A row matches
the stored area (not a hotspot's) of the same provider, technology, speeds, source and
valid_from — the same offer — and updates its area, valid_to and note.
"""

from django.contrib.gis.geos import GEOSGeometry

from core.errors import InvalidInput
from core.geometry import POLYGONAL, geometry_check
from core.imports import Issue, Kind, RawRow, match_stored
from core.imports.validate import Field, FirstSeen, clean_fields, missing_columns
from core.imports.write import write_orm
from coverage.compute import COVERAGE_TECHNOLOGIES
from coverage.models import CoverageArea
from coverage.services import area_warnings, provider_get
from layers import compute
from layers.tiles import cache as tilecache

MAX_MBPS = 100_000
KEY = ("provider_id", "technology", "down_mbps", "up_mbps", "source", "valid_from")
DEFAULTS = {"source": CoverageArea.Source.PROVIDER_MAP, "valid_from": None, "valid_to": None}


def _mbps(name: str):
    def parse(value) -> int:
        number = compute.parse_count(value)
        if number > MAX_MBPS:
            raise ValueError(f"{name} must be a whole number from 0 to {MAX_MBPS}.")
        return number

    return parse


FIELDS = (
    Field("provider", compute.text_parser(200), required=True),
    Field("technology", compute.choice_parser(COVERAGE_TECHNOLOGIES), required=True),
    Field("down_mbps", _mbps("down_mbps"), required=True),
    Field("up_mbps", _mbps("up_mbps"), required=True),
    Field("source", compute.choice_parser(CoverageArea.Source.values), default=DEFAULTS["source"]),
    Field("valid_from", compute.parse_date),
    Field("valid_to", compute.parse_date),
    Field("note", compute.text_parser(300), default=""),
)


def _prepare(options: dict) -> dict:
    return {
        "notes": options["notes"],
        "providers": {},
        "seen": FirstSeen("provider"),
        "repair": bool(options.get("repair")),
    }


def _validate(context: dict, raw: RawRow):
    """Check one row: typed cells, provider, period, geometry; then its key."""
    values, issues = clean_fields(raw.cells, FIELDS, row=raw.row)
    values = {"note": "", **DEFAULTS, **values}
    start, end = values["valid_from"], values["valid_to"]
    if not issues and start and end and end < start:
        issues.append(Issue(raw.row, "valid_to", "valid_to is before valid_from."))
    if not issues:
        issues += _provider(context, values, raw.row)
    if not raw.read_failed:
        issues += _area(context, values, raw)
    if issues or raw.read_failed:
        return None, issues
    return values, context["seen"].check(raw.row, tuple(values[k] for k in KEY))


def _provider(context: dict, values: dict, row: int) -> list[Issue]:
    """Set provider_id from the provider's name (each name looked up once)."""
    name = values.pop("provider")
    providers = context["providers"]
    try:
        if name not in providers:
            providers[name] = provider_get(name)
    except InvalidInput as exc:
        return [Issue(row, "provider", exc.message)]
    values["provider_id"] = providers[name].pk
    return []


def _area(context: dict, values: dict, raw: RawRow) -> list[Issue]:
    if raw.geometry is None or raw.geometry.is_empty:
        return [Issue(raw.row, "geometry", "missing geometry")]
    try:
        checked = geometry_check(
            GEOSGeometry(raw.geometry.wkt, srid=4326),
            kinds=POLYGONAL,
            multi=True,
            repair=context.get("repair", False),
        )
    except InvalidInput as exc:
        return [Issue(raw.row, "geometry", exc.message)]
    area = checked.geom
    context["notes"] += [f"row {raw.row}: {note}" for note in checked.notes]
    context["notes"] += [f"row {raw.row}: {warning}" for warning in area_warnings(area)]
    values["area"] = area
    return []


AREAS_KIND = Kind(
    name="coverage areas",
    columns={spec.name: (spec.name,) for spec in FIELDS},
    prepare=_prepare,
    validate=_validate,
    match=lambda context, checked: match_stored(
        CoverageArea,
        checked,
        lookup=lambda values: {"hotspot__isnull": True, **{k: values[k] for k in KEY}},
    ),
    write=lambda context, plan, progress: write_orm(CoverageArea, plan, progress),
    check_columns=lambda columns, table: missing_columns(FIELDS, columns),
    coordinates_required=True,
    after_commit=tilecache.bump,
)
