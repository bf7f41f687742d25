"""The base layers' import kinds for the one engine (core.imports): territory,
settlements and facilities.

Rows match stored ones by KATOTTG code (facilities: by settlement and name) and update
them; columns absent from the file leave stored values untouched. Placement, measured in
METRIC_SRID: a settlement (its boundary, else its centre) must lie within
INSIDE_TOLERANCE_M metres of a stored territory (the one territory_katottg names, if
given); a facility's point likewise, and its settlement is the one settlement_katottg
names, else the one whose boundary covers the point. Messages stay in the English this
command has always printed.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import shapely
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.db import models

from core.imports import Issue, Kind, RawRow, match_stored
from core.imports.validate import Field, FirstSeen, clean_fields, missing_columns
from core.imports.write import write_orm
from layers import compute
from layers.models import Facility, Settlement, Territory
from layers.tiles import cache as tilecache

KINDS = ("territory", "settlements", "facilities")
# A settlement or facility counts as inside a territory when it lies within this many
# metres of the territory's boundary: boundaries from different sources never match exactly.
INSIDE_TOLERANCE_M = 50.0
PHRASES = {
    "no_file": "%(path)s: no such file or folder.",
    "empty": "Cannot read %(name)s: the file is empty",
    "binary": "Cannot read %(name)s: it holds binary data, not text",
    "unreadable": "Cannot read %(name)s: %(error)s",
    "malformed_csv": "Cannot read %(name)s: %(error)s",
    "no_coordinates": "%(name)s: no coordinate columns: expected one of lon/lat, "
    "longitude/latitude, x/y, or a wkt column.",
    "conflict": "Import rolled back, nothing written: %(error)s",
    "no_crs": "file has no CRS; EPSG:4326 assumed",
    "csv_crs": "file has no CRS; EPSG:4326 assumed",
    "reprojected": "reprojected from %(crs)s (%(crs_name)s) to EPSG:4326",
    "encoding": "encoding: cp1251 (not UTF-8)",
    "delimiter": None,
    "unknown_columns": "unknown columns ignored: %(names)s",
    "reader_warning": "%(warning)s",
    "field_count": "expected %(expected)d fields, found %(found)d",
    "not_numbers": "not numbers: '%(x)s', '%(y)s'",
    "not_finite": "coordinates must be finite numbers",
    "bad_wkt": "not valid WKT (%(error)s)",
}
CODES = {"no_coordinates": "no_geometry", "conflict": "import_conflict"}


@dataclass(frozen=True)
class _Layer:
    """What differs between the three kinds: model, fields, geometry, placement, key."""

    model: type[models.Model]
    fields: tuple[Field, ...]
    shape: Callable  # (geom, props, row=, repair=) -> (values, errors, warnings)
    place: Callable  # (values, row=, places=) -> errors; resolves foreign keys
    key: tuple[str, ...]  # the values that identify a stored row
    extra_columns: tuple[str, ...] = ()


def layer_kind(name: str) -> Kind:
    """Return the engine Kind of layer `name` ("territory", "settlements", "facilities")."""
    layer = {"territory": _territory, "settlements": _settlements, "facilities": _facilities}
    spec = layer[name]()
    names = tuple(f.name for f in spec.fields) + spec.extra_columns
    return Kind(
        name=name,
        columns={column: (column,) for column in names},
        prepare=partial(_prepare, spec),
        validate=_validate,
        match=lambda context, checked: match_stored(
            spec.model, checked, lookup=lambda values: {k: values[k] for k in spec.key}
        ),
        write=lambda context, plan, progress: write_orm(spec.model, plan, progress),
        check_columns=lambda columns, table: missing_columns(spec.fields, columns),
        phrases=PHRASES,
        codes=CODES,
        default_code="unreadable_file",
        csv_rows_by_line=False,
        coordinates_required=True,
        count_dry_run=False,
        after_commit=tilecache.bump,
    )


def _model_fields(model, names: Sequence[str], required: Sequence[str] = ()) -> tuple:
    """Describe model columns as import fields: parser from the field type, model default."""
    return tuple(_model_field(model._meta.get_field(n), n in required) for n in names)


def _model_field(model_field, required: bool) -> Field:
    if model_field.name == "katottg":
        parse = compute.parse_katottg
    elif model_field.choices:
        parse = compute.choice_parser(value for value, _label in model_field.choices)
    elif isinstance(model_field, models.BooleanField):
        parse = compute.parse_bool
    elif isinstance(model_field, models.PositiveIntegerField):
        parse = compute.parse_count
    elif isinstance(model_field, models.DateField):
        parse = compute.parse_date
    else:
        parse = compute.text_parser(model_field.max_length)
    return Field(model_field.name, parse, required=required, default=model_field.get_default())


def _territory() -> _Layer:
    names = ("katottg", "name_uk", "name_en", "position_accuracy", "is_demo")
    return _Layer(
        model=Territory,
        fields=_model_fields(Territory, names, required=("katottg", "name_uk")),
        shape=_territory_shape,
        place=lambda values, row, places: [],
        key=("katottg",),
    )


def _settlements() -> _Layer:
    names = ("katottg", "name_uk", "name_en", "kind", "population", "households")
    names += ("position_accuracy", "is_demo")
    fields = _model_fields(Settlement, names, required=("katottg", "name_uk"))
    return _Layer(
        model=Settlement,
        fields=(*fields, Field("territory_katottg", compute.parse_katottg)),
        shape=compute.settlement_shape,
        place=_place_settlement,
        key=("katottg",),
        extra_columns=("centre_lon", "centre_lat"),
    )


def _facilities() -> _Layer:
    names = ("name", "kind", "address_text", "internet", "technology", "down_mbps", "up_mbps")
    names += ("connected_since", "position_accuracy", "is_demo")
    fields = _model_fields(Facility, names, required=("name", "kind"))
    return _Layer(
        model=Facility,
        fields=(*fields, Field("settlement_katottg", compute.parse_katottg)),
        shape=_facility_shape,
        place=_place_facility,
        key=("settlement_id", "name"),
    )


def _territory_shape(geom, props, *, row: int, repair: bool):
    boundary, errors, notes = compute.clean_boundary(geom, row=row, repair=repair)
    return {"boundary": boundary}, errors, notes


def _facility_shape(geom, props, *, row: int, repair: bool):
    location, errors = compute.clean_point(geom, row=row)
    return {"location": location}, errors, []


# --- checking one row ---------------------------------------------------------------------


@dataclass
class _Context:
    """One import's state: the layer, the stored places, options, notes, keys seen."""

    layer: _Layer
    places: "_Places"
    repair: bool
    notes: list[str]
    seen: FirstSeen


def _prepare(layer: _Layer, options: dict) -> _Context:
    key_field = "name" if layer.model is Facility else "katottg"
    notes = options.get("notes", [])
    return _Context(
        layer, _load_places(), options.get("repair", False), notes, FirstSeen(key_field)
    )


def _validate(context: _Context, raw: RawRow):
    """Check one row: typed cells, geometry, placement, then its key against earlier rows."""
    layer = context.layer
    values, errors = clean_fields(raw.cells, layer.fields, row=raw.row)
    if not raw.read_failed:
        shape, shape_errors, notes = layer.shape(
            raw.geometry, raw.cells, row=raw.row, repair=context.repair
        )
        errors += shape_errors
        context.notes.extend(notes)
        values.update(shape)
    if raw.read_failed:
        return None, errors
    if not errors:
        errors = layer.place(values, row=raw.row, places=context.places)
    if errors:
        return None, errors
    key = tuple(values[k] for k in layer.key)
    duplicates = context.seen.check(raw.row, key)
    return {k: _geos(v) for k, v in values.items()}, duplicates


# --- placing rows in the stored territories and settlements --------------------------------


@dataclass
class _Places:
    """Stored territories and settlements, in METRIC_SRID, for placing imported rows."""

    project: Callable
    territory_ids: dict[str, int]
    territory_areas: dict  # katottg → boundary grown by INSIDE_TOLERANCE_M
    settlement_ids: dict[str, int]
    settlement_areas: dict  # katottg → boundary (settlements that have one)


def _load_places() -> _Places:
    project = compute.metric_projector(settings.METRIC_SRID)
    territories = Territory.objects.values_list("katottg", "pk", "boundary")
    settlements = Settlement.objects.values_list("katottg", "pk", "boundary")
    areas = {code: project(_shapely(boundary)) for code, _pk, boundary in territories}
    boundaries = {code: project(_shapely(b)) for code, _pk, b in settlements if b is not None}
    for boundary in boundaries.values():
        shapely.prepare(boundary)
    return _Places(
        project=project,
        territory_ids={code: pk for code, pk, _boundary in territories},
        territory_areas=compute.grown_areas(areas, INSIDE_TOLERANCE_M),
        settlement_ids={code: pk for code, pk, _boundary in settlements},
        settlement_areas=boundaries,
    )


def _outside_message(code: str | None = None) -> str:
    where = f"territory {code}" if code else "every territory in the database"
    return f"lies outside {where} (tolerance {INSIDE_TOLERANCE_M:g} m)"


def _place_settlement(values: dict, *, row: int, places: _Places) -> list[Issue]:
    """Set territory_id from territory_katottg or from the territory covering the settlement."""
    code = values.pop("territory_katottg", None)
    if code and code not in places.territory_ids:
        return [Issue(row, "territory_katottg", f"no territory {code} in the database")]
    areas = {code: places.territory_areas[code]} if code else places.territory_areas
    shape = places.project(values["boundary"] or values["centre"])
    found = compute.covering_key(shape, areas)
    if found is None:
        return [Issue(row, "geometry", _outside_message(code))]
    values["territory_id"] = places.territory_ids[found]
    return []


def _place_facility(values: dict, *, row: int, places: _Places) -> list[Issue]:
    """Set settlement_id from settlement_katottg or from the settlement containing the point."""
    point = places.project(values["location"])
    code = values.pop("settlement_katottg", None)
    if compute.covering_key(point, places.territory_areas) is None:
        return [Issue(row, "geometry", _outside_message())]
    if code and code not in places.settlement_ids:
        return [Issue(row, "settlement_katottg", f"no settlement {code} in the database")]
    code = code or compute.covering_key(point, places.settlement_areas)
    if code is None:
        message = "no settlement boundary contains this point; give settlement_katottg"
        return [Issue(row, "geometry", message)]
    values["settlement_id"] = places.settlement_ids[code]
    return []


def _shapely(geom: GEOSGeometry):
    return shapely.from_wkb(bytes(geom.wkb))


def _geos(value):
    """Turn a shapely geometry (EPSG:4326) into GEOS for the ORM; leave other values."""
    if isinstance(value, shapely.Geometry):
        return GEOSGeometry(memoryview(shapely.to_wkb(value)), srid=4326)
    return value
