"""`basemap_import`: an OpenStreetMap extract clipped to the territory plus a margin,
replacing the stored offline basemap in one transaction.

Everything is read, clipped and checked before the transaction opens: a bad file, an
extract beside the territory or an empty one leaves the previous basemap as it was.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.gis.db.models import Union
from django.contrib.gis.geos import GEOSGeometry, MultiLineString, MultiPolygon, Polygon
from django.db import transaction

from core.errors import InvalidInput
from layers.basemap import osm
from layers.basemap.models import (
    BasemapArea,
    BasemapBuilding,
    BasemapImport,
    BasemapLine,
    BasemapPlace,
)
from layers.models import Territory
from layers.tiles import cache as tilecache

BATCH = 2000
TABLES = (BasemapArea, BasemapBuilding, BasemapLine, BasemapPlace, BasemapImport)


@dataclass(frozen=True)
class ImportResult:
    """Features kept per kind (roads, water, buildings…) and whether they were written."""

    counts: dict[str, int]
    committed: bool


def clip_area(margin_km: float) -> GEOSGeometry:
    """Return the territory (all of them) grown by `margin_km`, in EPSG:4326; the buffer
    is drawn in the metric SRID. InvalidInput when no territory is loaded."""
    union = Territory.objects.aggregate(union=Union("boundary"))["union"]
    if union is None:
        raise InvalidInput(
            "No territory is loaded: load it before the basemap.", code="no_territory"
        )
    metric = union.transform(settings.METRIC_SRID, clone=True)
    grown = metric.buffer(margin_km * 1000) if margin_km > 0 else metric
    return grown.transform(settings.STORAGE_SRID, clone=True)


def _parts(geom: GEOSGeometry, dim: int) -> list[GEOSGeometry]:
    """Return the simple geometries of dimension `dim` (1 lines, 2 polygons) in `geom`."""
    if geom.geom_type.startswith(("Multi", "GeometryCollection")):
        return [part for child in geom for part in _parts(child, dim)]
    return [geom] if geom.dims == dim and not geom.empty else []


def _clipped(feature: osm.Feature, area, prepared) -> GEOSGeometry | None:
    """Return the feature's geometry inside `area` as the table's type, or None."""
    geom = GEOSGeometry(feature.wkb, srid=4326)
    if not prepared.intersects(geom):
        return None
    if feature.table == "place":
        return geom
    if feature.table != "line" and not geom.valid:
        geom = geom.make_valid()
    if feature.kind == "boundary":
        # Kept whole: the printed locator shows the oblast and the country around the
        # community (the web basemap never draws them, layers/basemap/specs.py).
        polygons = [p for p in _parts(geom, 2) if isinstance(p, Polygon)]
        return MultiPolygon(*polygons, srid=4326) if polygons else None
    if not prepared.contains(geom):
        geom = geom.intersection(area)
    if feature.table == "line":
        parts = _parts(geom, 1)
        return MultiLineString(*parts, srid=4326) if parts else None
    polygons = [p for p in _parts(geom, 2) if isinstance(p, Polygon)]
    return MultiPolygon(*polygons, srid=4326) if polygons else None


def _row(feature: osm.Feature, geom: GEOSGeometry):
    if feature.table == "line":
        names = {"name": feature.name, "name_en": feature.name_en}
        return BasemapLine(kind=feature.kind, category=feature.category, route=geom, **names)
    if feature.table == "area":
        return BasemapArea(
            kind=feature.kind, category=feature.category, name=feature.name, area=geom
        )
    if feature.table == "building":
        return BasemapBuilding(footprint=geom)
    return BasemapPlace(
        kind=feature.kind, name=feature.name, name_en=feature.name_en, location=geom
    )


def _count_key(feature: osm.Feature) -> str:
    return {"line": f"{feature.kind}s", "building": "buildings", "place": "places"}.get(
        feature.table, feature.kind
    )


def _rows(extract: osm.Extract, area: GEOSGeometry) -> tuple[list, Counter]:
    prepared, rows, counts = area.prepared, [], Counter()
    for feature in extract.features:
        geom = _clipped(feature, area, prepared)
        if geom is not None:
            rows.append(_row(feature, geom))
            counts[_count_key(feature)] += 1
    return rows, counts


def _check_cover(extract: osm.Extract, area: GEOSGeometry, path: Path) -> None:
    """Raise InvalidInput when the extract is empty or does not cover the territory."""
    if extract.node_bounds is None:
        raise InvalidInput(f"{path.name} is an empty extract: it has no nodes.", code="empty")
    header = extract.header_bounds
    if header and not Polygon.from_bbox(header).contains(Polygon.from_bbox(area.extent)):
        raise InvalidInput(
            f"{path.name} covers {_box(header)}, not the whole territory with its margin "
            f"({_box(area.extent)}).",
            code="not_covering",
        )
    if not Polygon.from_bbox(extract.node_bounds).intersects(area):
        raise InvalidInput(
            f"{path.name} covers {_box(extract.node_bounds)}, outside the territory "
            f"({_box(area.extent)}).",
            code="not_covering",
        )


def _box(bounds) -> str:
    west, south, east, north = bounds
    return f"{west:.3f}–{east:.3f}°E, {south:.3f}–{north:.3f}°N"


@transaction.atomic
def _replace(rows: list, counts: Counter, path: Path, margin_km: float) -> None:
    for model in TABLES:
        model.objects.all().delete()
    for model in TABLES[:-1]:
        model.objects.bulk_create([r for r in rows if type(r) is model], batch_size=BATCH)
    BasemapImport.objects.create(source_name=path.name, margin_km=margin_km, counts=dict(counts))
    # At once and again on commit, so a tile rendered in between is not kept.
    tilecache.bump()
    transaction.on_commit(tilecache.bump)


def basemap_import(
    *,
    path: str | Path,
    commit: bool = False,
    margin_km: float = 5.0,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Read an `.osm.pbf` extract, clip it to the territory plus `margin_km` km and, with
    `commit`, replace the stored basemap with it atomically.

    InvalidInput when the file is missing, no PBF, corrupt, empty, or does not cover the
    territory, or when nothing of it falls inside; nothing is replaced then.
    """
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(f"No file {path}.", code="no_file")
    area = clip_area(margin_km)
    try:
        extract = osm.read_extract(str(path), progress)
    except osm.ExtractError as exc:
        raise InvalidInput(f"{path.name}: {exc}.", code="bad_file") from exc
    _check_cover(extract, area, path)
    rows, counts = _rows(extract, area)
    if not rows:
        raise InvalidInput(
            f"{path.name} has no roads, water, land use, buildings or places inside the "
            "territory and its margin.",
            code="not_covering",
        )
    if commit:
        _replace(rows, counts, path, margin_km)
    return ImportResult(dict(counts), commit)
