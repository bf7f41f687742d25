"""Writes of the base layers: the generic import of territory, settlements and facilities.

`layer_import` reads a GeoJSON, GeoPackage, Shapefile (.zip or folder) or CSV file,
checks every row against the models and the territories already stored, and writes all
rows in one transaction only when asked to and when no row has an error.
"""

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio.errors
import shapely
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.db import IntegrityError, models, transaction

from core.errors import Conflict, InvalidInput
from layers import compute
from layers.compute import Field, ImportReport, RowIssue
from layers.models import Facility, Settlement, Territory

__all__ = ["KINDS", "INSIDE_TOLERANCE_M", "ImportReport", "RowIssue", "layer_import"]

KINDS = ("territory", "settlements", "facilities")
# A settlement or facility counts as inside a territory when it lies within this many
# metres of the territory's boundary: boundaries from different sources never match exactly.
INSIDE_TOLERANCE_M = 50.0
NO_CRS_WARNING = "file has no CRS; EPSG:4326 assumed"
READ_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FieldError,
    pyogrio.errors.GeometryError,
    pyogrio.errors.CRSError,
    ValueError,  # also pandas' ParserError/EmptyDataError and UnicodeDecodeError
    OSError,
)

ProgressCallback = Callable[[int, int], None]


def layer_import(
    *,
    kind: str,
    path: str | Path,
    commit: bool = False,
    repair: bool = False,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Check a file of `kind` rows and, with `commit`, write them all or none.

    kind: "territory", "settlements" or "facilities". The file's CRS is reprojected to
    EPSG:4326 (no CRS: EPSG:4326 assumed, with a warning). Rows match stored ones by
    KATOTTG code (facilities: by settlement and name) and update them; columns absent
    from the file leave stored values untouched. `repair` fixes invalid polygons with
    make_valid and warns. `progress(n_done, n_total)` is called after each row of each
    pass (check, then write), n_total being the row count.

    Placement, measured in METRIC_SRID: a settlement (its boundary, else its centre) must
    lie within INSIDE_TOLERANCE_M metres of a stored territory (the one territory_katottg
    names, if given); a facility's point likewise, and its settlement is the one
    settlement_katottg names, else the one whose boundary covers the point.

    Raises InvalidInput (code "unreadable_file", "no_geometry" or "unknown_kind") when
    the file cannot be read; row problems go into the report instead, and then nothing
    is written.
    """
    spec = _kind_spec(kind)
    path = Path(path)
    report = ImportReport(kind=kind, path=str(path))
    source = read_layer_file(path, expected=spec.columns)
    report.rows_read = len(source.records)
    report.warnings.extend(source.warnings)
    report.errors.extend(_missing_columns(spec, source.columns))
    pending = _check_rows(spec, source, report, repair=repair, progress=progress)
    if commit and report.ok:
        _write(spec.model, pending, report, progress=progress)
    return report


# --- reading ------------------------------------------------------------------------------


@dataclass
class SourceRows:
    """A file's rows: cells under expected column names, EPSG:4326 shapely geometries."""

    records: list[dict]
    geometries: list
    geometry_issues: dict[int, RowIssue] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)


def read_layer_file(path: Path, *, expected: Sequence[str]) -> SourceRows:
    """Read a vector file or a lon/lat CSV into rows; InvalidInput when it cannot be read.

    Column names are lower-cased and matched to `expected` (Shapefile-truncated names
    included); other columns are dropped with one warning.
    """
    if not path.exists():
        raise InvalidInput(f"{path}: no such file or folder.", code="unreadable_file")
    if path.suffix.lower() == ".csv":
        table, geometries, issues = _read_csv(path)
        notes = [NO_CRS_WARNING]
    else:
        frame, notes = _read_vector(path)
        frame, crs_notes = _to_wgs84(frame)
        notes += crs_notes
        table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        geometries, issues = list(frame.geometry), {}
    renames, unknown = compute.resolve_columns(table.columns, expected)
    if unknown:
        notes.append(f"unknown columns ignored: {', '.join(unknown)}")
    records = table[list(renames)].rename(columns=renames).to_dict("records")
    return SourceRows(records, geometries, issues, notes, list(renames.values()))


def _read_vector(path: Path) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Read with pyogrio; its warnings (several layers, mixed column types) go to the report."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = gpd.read_file(path, engine="pyogrio")
    except READ_ERRORS as exc:
        raise InvalidInput(f"Cannot read {path.name}: {exc}", code="unreadable_file") from exc
    return frame, [str(w.message) for w in caught if issubclass(w.category, UserWarning)]


def _to_wgs84(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[str]]:
    if frame.crs is None:
        return frame.set_crs(4326), [NO_CRS_WARNING]
    if frame.crs.equals("EPSG:4326", ignore_axis_order=True):
        return frame, []
    source = f"{frame.crs.to_string()} ({frame.crs.name})"
    return frame.to_crs(4326), [f"reprojected from {source} to EPSG:4326"]


def _read_csv(path: Path) -> tuple[pd.DataFrame, list, dict[int, RowIssue]]:
    try:
        with path.open(encoding="utf-8-sig") as handle:
            separator = compute.csv_separator(handle.readline())
        table = pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="utf-8-sig", sep=separator
        )
    except READ_ERRORS as exc:
        raise InvalidInput(f"Cannot read {path.name}: {exc}", code="unreadable_file") from exc
    table.columns = [str(c).strip().lower() for c in table.columns]
    try:
        columns = compute.csv_geometry_columns(table.columns)
    except ValueError as exc:
        raise InvalidInput(f"{path.name}: {exc}.", code="no_geometry") from exc
    geometries, issues = [], {}
    for row, props in enumerate(table.to_dict("records"), start=1):
        geom, issue = compute.csv_geometry(props, columns, row=row)
        geometries.append(geom)
        if issue:
            issues[row] = issue
    return table.drop(columns=list(columns)), geometries, issues


# --- what each kind expects ---------------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    model: type[models.Model]
    fields: tuple[Field, ...]
    shape: Callable  # (geom, props, row=, repair=) -> (values, errors, warnings)
    place: Callable  # (values, row=, places=) -> errors; resolves foreign keys
    lookup: Callable  # values -> the filter matching a stored row
    extra_columns: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields) + self.extra_columns


def _kind_spec(kind: str) -> _Kind:
    builders = {
        "territory": _territory_kind,
        "settlements": _settlements_kind,
        "facilities": _facilities_kind,
    }
    if kind not in builders:
        allowed = ", ".join(KINDS)
        raise InvalidInput(f"Unknown layer '{kind}'. Allowed: {allowed}.", code="unknown_kind")
    return builders[kind]()


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


def _territory_kind() -> _Kind:
    names = ("katottg", "name_uk", "name_en", "position_accuracy", "is_demo")
    return _Kind(
        model=Territory,
        fields=_model_fields(Territory, names, required=("katottg", "name_uk")),
        shape=_territory_shape,
        place=lambda values, row, places: [],
        lookup=lambda values: {"katottg": values["katottg"]},
    )


def _settlements_kind() -> _Kind:
    names = ("katottg", "name_uk", "name_en", "kind", "population", "households")
    names += ("position_accuracy", "is_demo")
    fields = _model_fields(Settlement, names, required=("katottg", "name_uk"))
    return _Kind(
        model=Settlement,
        fields=(*fields, Field("territory_katottg", compute.parse_katottg)),
        shape=compute.settlement_shape,
        place=_place_settlement,
        lookup=lambda values: {"katottg": values["katottg"]},
        extra_columns=("centre_lon", "centre_lat"),
    )


def _facilities_kind() -> _Kind:
    names = ("name", "kind", "address_text", "internet", "technology", "down_mbps", "up_mbps")
    names += ("connected_since", "position_accuracy", "is_demo")
    fields = _model_fields(Facility, names, required=("name", "kind"))
    return _Kind(
        model=Facility,
        fields=(*fields, Field("settlement_katottg", compute.parse_katottg)),
        shape=_facility_shape,
        place=_place_facility,
        lookup=lambda values: {"settlement_id": values["settlement_id"], "name": values["name"]},
    )


def _missing_columns(spec: _Kind, columns: Sequence[str]) -> list[RowIssue]:
    return [
        RowIssue(0, f.name, "required column is missing")
        for f in spec.fields
        if f.required and f.name not in columns
    ]


def _territory_shape(geom, props, *, row: int, repair: bool):
    boundary, errors, notes = compute.clean_boundary(geom, row=row, repair=repair)
    return {"boundary": boundary}, errors, notes


def _facility_shape(geom, props, *, row: int, repair: bool):
    location, errors = compute.clean_point(geom, row=row)
    return {"location": location}, errors, []


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


def _place_settlement(values: dict, *, row: int, places: _Places) -> list[RowIssue]:
    """Set territory_id from territory_katottg or from the territory covering the settlement."""
    code = values.pop("territory_katottg", None)
    if code and code not in places.territory_ids:
        return [RowIssue(row, "territory_katottg", f"no territory {code} in the database")]
    areas = {code: places.territory_areas[code]} if code else places.territory_areas
    shape = places.project(values["boundary"] or values["centre"])
    found = compute.covering_key(shape, areas)
    if found is None:
        return [RowIssue(row, "geometry", _outside_message(code))]
    values["territory_id"] = places.territory_ids[found]
    return []


def _place_facility(values: dict, *, row: int, places: _Places) -> list[RowIssue]:
    """Set settlement_id from settlement_katottg or from the settlement containing the point."""
    point = places.project(values["location"])
    code = values.pop("settlement_katottg", None)
    if compute.covering_key(point, places.territory_areas) is None:
        return [RowIssue(row, "geometry", _outside_message())]
    if code and code not in places.settlement_ids:
        return [RowIssue(row, "settlement_katottg", f"no settlement {code} in the database")]
    code = code or compute.covering_key(point, places.settlement_areas)
    if code is None:
        message = "no settlement boundary contains this point; give settlement_katottg"
        return [RowIssue(row, "geometry", message)]
    values["settlement_id"] = places.settlement_ids[code]
    return []


# --- checking and writing -----------------------------------------------------------------


@dataclass
class _Pending:
    row: int
    lookup: dict
    values: dict


def _check_rows(spec: _Kind, source: SourceRows, report: ImportReport, *, repair, progress):
    """Check every row into the report; return the rows ready to write."""
    if not report.ok:
        return []
    places, pending, total = _load_places(), [], len(source.records)
    rows = zip(source.records, source.geometries, strict=True)
    for row, (props, geom) in enumerate(rows, start=1):
        issue = source.geometry_issues.get(row)
        item = _check_row(
            spec,
            props,
            geom,
            row=row,
            places=places,
            repair=repair,
            report=report,
            geometry_issue=issue,
        )
        if item is not None:
            pending.append(item)
        if progress:
            progress(row, total)
    keys = ((item.row, tuple(item.lookup.values())) for item in pending)
    key_field = "name" if spec.model is Facility else "katottg"
    report.errors.extend(compute.duplicate_issues(keys, key_field))
    report.errors.sort(key=lambda issue: issue.row)
    return pending


def _check_row(spec, props, geom, *, row, places, repair, report, geometry_issue):
    values, errors = compute.clean_fields(props, spec.fields, row=row)
    if geometry_issue:
        errors.append(geometry_issue)
    else:
        shape, shape_errors, notes = spec.shape(geom, props, row=row, repair=repair)
        errors += shape_errors
        report.warnings.extend(notes)
        values.update(shape)
    if not errors:
        errors = spec.place(values, row=row, places=places)
    report.errors.extend(errors)
    if errors:
        return None
    return _Pending(row, spec.lookup(values), {k: _geos(v) for k, v in values.items()})


def _write(model, pending: list[_Pending], report: ImportReport, *, progress) -> None:
    """Write every pending row in one transaction; Conflict if the database refuses one."""
    try:
        with transaction.atomic():
            for done, item in enumerate(pending, start=1):
                outcome = _upsert(model, item.lookup, item.values)
                setattr(report, outcome, getattr(report, outcome) + 1)
                if progress:
                    progress(done, len(pending))
    except IntegrityError as exc:
        raise Conflict(
            f"Import rolled back, nothing written: {exc}", code="import_conflict"
        ) from exc
    report.committed = True


def _upsert(model, lookup: dict, values: dict) -> str:
    """Create or update the row matching `lookup`; return "created", "updated" or "unchanged"."""
    stored = model.objects.filter(**lookup).first()
    if stored is None:
        model.objects.create(**values)
        return "created"
    # GEOS geometries compare with equals_exact and SRID, so == works for every field.
    changed = {name: value for name, value in values.items() if getattr(stored, name) != value}
    if not changed:
        return "unchanged"
    for name, value in changed.items():
        setattr(stored, name, value)
    stored.save(update_fields=list(changed))
    return "updated"


def _shapely(geom: GEOSGeometry):
    return shapely.from_wkb(bytes(geom.wkb))


def _geos(value):
    """Turn a shapely geometry (EPSG:4326) into GEOS for the ORM; leave other values."""
    if isinstance(value, shapely.Geometry):
        return GEOSGeometry(memoryview(shapely.to_wkb(value)), srid=4326)
    return value
