"""Export of the address register: CSV, GeoJSON, GeoPackage, zipped Shapefile.

Columns match what addresses_import reads, so every export imports back unchanged:
CSV is UTF-8 with a BOM (so Excel shows Cyrillic), lon/lat in EPSG:4326 or x/y in the
metric CRS; the Shapefile carries a .cpg (UTF-8) and field names cut to 10 characters
that the import's column aliases map back (SHAPEFILE_NAMES). Points are in EPSG:4326 or,
on request, in the national metric CRS (settings.METRIC_SRID, EPSG:6385).
"""

import csv
from pathlib import Path

from django.utils.translation import gettext as _

from addresses.models import Address
from addresses.selectors import ADDRESS_PROPERTIES
from core.errors import InvalidInput, NotFound
from layers import geojson
from layers.models import Settlement

EXPORT_FORMATS = ("csv", "geojson", "gpkg", "shp")
EXPORT_SRIDS = (4326, 6385)
# Output column → field path; the names are ones addresses_import reads back.
COLUMNS = {
    "settlement_katottg": "settlement__katottg",
    "street_kind": "street__kind",
    "street_name": "street__name",
    "house_number": "house_number",
    "postcode": "postcode",
    "building_use": "building_use",
    "households": "households",
    "registry_id": "registry_id",
    "status": "status",
    "verified": "verified",
}
# Shapefile (dBase) field names are at most 10 characters: each column's short name, one
# that addresses.imports.ALIASES reads back as the same role.
SHAPEFILE_NAMES = {
    "settlement_katottg": "settlement",
    "street_kind": "street_kin",
    "street_name": "street",
    "house_number": "house_numb",
    "postcode": "postcode",
    "building_use": "building_u",
    "households": "households",
    "registry_id": "registry_i",
    "status": "status",
    "verified": "verified",
}


def _queryset(settlement: str | None, include_retired: bool):
    queryset = Address.objects.order_by("settlement__name_uk", "street__name", "number", "pk")
    if not include_retired:
        queryset = queryset.active()
    if settlement:
        if not Settlement.objects.filter(katottg=settlement).exists():
            raise NotFound(_("No settlement with KATOTTG code %(code)s.") % {"code": settlement})
        queryset = queryset.filter(settlement__katottg=settlement)
    return queryset


def address_export(
    *,
    path,
    fmt: str,
    settlement: str | None = None,
    include_retired: bool = False,
    srid: int = 4326,
    progress=None,
) -> int:
    """Write active (or all) addresses to `path` as csv, geojson, gpkg or shp (a .zip);
    return how many. `srid`: 4326 (default) or 6385, the metric national CRS;
    `progress(done, total)`: called as rows are read (core.progress.PassesBar).

    Raise InvalidInput for an unknown format or CRS, NotFound for an unknown settlement.
    """
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput(
            _("Unknown format '%(format)s'; use one of %(formats)s.")
            % {"format": fmt, "formats": ", ".join(EXPORT_FORMATS)}
        )
    if srid not in EXPORT_SRIDS:
        raise InvalidInput(
            _("Export in EPSG:%(srid)s is not offered; use 4326 or 6385.") % {"srid": srid}
        )
    path = Path(path)
    queryset = _queryset(settlement, include_retired)
    if fmt == "geojson" and srid == 4326:
        properties = {**COLUMNS, "label": ADDRESS_PROPERTIES["label"]}
        text = geojson.feature_collection(queryset, geometry="location", properties=properties)
        path.write_text(text, encoding="utf-8")
        return queryset.count()
    rows = _counted(queryset.values_list(*COLUMNS.values(), "location"), progress)
    if fmt == "csv":
        return _write_csv(path, rows, srid)
    return _write_geo(path, rows, fmt, srid)


PROGRESS_EVERY = 1000


def _counted(rows, progress):
    """Yield the rows (5,000 a fetch), telling `progress` every PROGRESS_EVERY and at the end."""
    if progress is None:
        yield from rows.iterator(chunk_size=5000)
        return
    total, done = rows.count(), 0
    for done, row in enumerate(rows.iterator(chunk_size=5000), start=1):
        yield row
        if done % PROGRESS_EVERY == 0:
            progress(done, total)
    progress(done, total)


def _write_csv(path: Path, rows, srid: int) -> int:
    count, transform = 0, _transformer(srid)
    decimals = 7 if srid == 4326 else 3  # ~1 cm either way
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([*COLUMNS, *(("lon", "lat") if srid == 4326 else ("x", "y"))])
        for *values, location in rows:
            xy = ("", "")
            if location:
                x, y = transform(location.x, location.y)
                xy = (f"{x:.{decimals}f}", f"{y:.{decimals}f}")
            writer.writerow([*values, *xy])
            count += 1
    return count


def _transformer(srid: int):
    if srid == 4326:
        return lambda x, y: (x, y)
    from pyproj import Transformer

    return Transformer.from_crs(4326, srid, always_xy=True).transform


def _write_geo(path: Path, rows, fmt: str, srid: int) -> int:
    import geopandas
    import shapely

    rows = list(rows)
    data = {name: [row[i] for row in rows] for i, name in enumerate(COLUMNS)}
    geometry = [shapely.Point(row[-1].x, row[-1].y) if row[-1] else None for row in rows]
    frame = geopandas.GeoDataFrame(data, geometry=geometry, crs="EPSG:4326")
    if srid != 4326:
        frame = frame.to_crs(srid)
    path.unlink(missing_ok=True)
    if fmt == "gpkg":
        frame.to_file(path, driver="GPKG", layer="addresses", engine="pyogrio")
    elif fmt == "geojson":
        frame.to_file(path, driver="GeoJSON", engine="pyogrio")
    else:
        _write_zipped_shapefile(path, frame.rename(columns=SHAPEFILE_NAMES))
    return len(rows)


def _write_zipped_shapefile(path: Path, frame) -> None:
    """Write a Shapefile (.shp, .shx, .dbf, .prj, .cpg = UTF-8) zipped into `path`."""
    import tempfile
    import zipfile

    with tempfile.TemporaryDirectory() as directory:
        target = Path(directory) / f"{path.stem}.shp"
        frame.to_file(target, driver="ESRI Shapefile", engine="pyogrio", encoding="UTF-8")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for part in sorted(Path(directory).iterdir()):
                archive.write(part, part.name)
