"""Export of the address register (CSV, GeoJSON, GeoPackage), in EPSG:4326.

Columns match what addresses_import reads, so an export imports back unchanged.
"""

import csv
from pathlib import Path

from django.utils.translation import gettext as _

from addresses.models import Address
from addresses.selectors import ADDRESS_PROPERTIES
from core.errors import InvalidInput, NotFound
from layers import geojson
from layers.models import Settlement

EXPORT_FORMATS = ("csv", "geojson", "gpkg")
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
    *, path, fmt: str, settlement: str | None = None, include_retired: bool = False
) -> int:
    """Write active (or all) addresses to `path` as csv, geojson or gpkg; return how many.

    Raise InvalidInput for an unknown format, NotFound for an unknown settlement code.
    """
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput(
            _("Unknown format '%(format)s'; use one of %(formats)s.")
            % {"format": fmt, "formats": ", ".join(EXPORT_FORMATS)}
        )
    path = Path(path)
    queryset = _queryset(settlement, include_retired)
    if fmt == "geojson":
        properties = {**COLUMNS, "label": ADDRESS_PROPERTIES["label"]}
        text = geojson.feature_collection(queryset, geometry="location", properties=properties)
        path.write_text(text, encoding="utf-8")
        return queryset.count()
    rows = queryset.values_list(*COLUMNS.values(), "location")
    if fmt == "csv":
        return _write_csv(path, rows)
    return _write_gpkg(path, rows)


def _write_csv(path: Path, rows) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([*COLUMNS, "lon", "lat"])
        for *values, location in rows.iterator(chunk_size=5000):
            lon, lat = (f"{location.x:.7f}", f"{location.y:.7f}") if location else ("", "")
            writer.writerow([*values, lon, lat])
            count += 1
    return count


def _write_gpkg(path: Path, rows) -> int:
    import geopandas
    import shapely

    rows = list(rows)
    data = {name: [row[i] for row in rows] for i, name in enumerate(COLUMNS)}
    geometry = [shapely.Point(row[-1].x, row[-1].y) if row[-1] else None for row in rows]
    frame = geopandas.GeoDataFrame(data, geometry=geometry, crs="EPSG:4326")
    path.unlink(missing_ok=True)
    frame.to_file(path, driver="GPKG", layer="addresses", engine="pyogrio")
    return len(rows)
