"""Reads for printed maps: the registry's layers from PostGIS into GeoDataFrames.

Geometry is transformed to the territory's metric CRS (Territory.metric_srid, its
UCS-2000 / Ukraine TM zone; EPSG:6385, zone 11, for Dmytrivska) in the database
(`ST_Transform`) and sent as WKB; rows are read through each layer's registry queryset,
so a layer prints exactly the rows it serves elsewhere.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime

import geopandas as gpd
import numpy as np
import shapely
from django.contrib.gis.db.models import Extent as ExtentAggregate
from django.contrib.gis.db.models import Union
from django.contrib.gis.db.models.functions import AsWKB, PointOnSurface, Transform
from django.contrib.gis.geos import Polygon
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from layers.basemap.models import BasemapArea
from layers.models import Settlement, Territory
from layers.registry import LayerSpec
from layers.selectors import metric_srid_current
from maps.printing.options import Extent, PrintError

# Print-only roles of a layer's properties, beyond the registry's `colour_by`: the marker
# shape of a facility follows its kind, the hatch of a gap its tier.
SYMBOL_BY = {"facilities": "kind"}
HATCH_BY = {"coverage-gaps": "tier"}
LABEL_BY = {"settlements": "name_uk"}
# The text written beside or along each feature ("text"), and the street an address is on
# ("street": its houses carry the street's name when the street has no line).
TEXT_BY = {
    "streets": "label",
    "addresses": "house_number",
    "facilities": "name",
    "reports": "number",
}
STREET_BY = {"streets": "name", "addresses": "street_name"}
# A report's category, written in the numbered list after the map.
CATEGORY_BY = {"reports": "category_name"}
# Margins around a village (share of its larger side, at least VILLAGE_MARGIN_M metres)
# and around the territory or a bbox.
VILLAGE_MARGIN = 0.15
VILLAGE_MARGIN_M = 300.0
TERRITORY_MARGIN = 0.03
POINT_VILLAGE_HALF_M = 1000.0


@dataclass(frozen=True)
class Area:
    """The resolved extent: bounds (minx, miny, maxx, maxy) in METRIC_SRID metres, and the
    village when one was asked for."""

    bounds: tuple[float, float, float, float]
    village: Settlement | None = None


# The metric CRS of the document being printed, when it was read once for all its pages.
_DOCUMENT_SRID: ContextVar[int | None] = ContextVar("print_document_srid", default=None)


def metric_srid() -> int:
    """Return the EPSG code of the metric CRS maps are printed in (bounds in its metres)."""
    return _srid()


@contextmanager
def srid_fixed() -> Iterator[int]:
    """Read the metric CRS (EPSG code) once for everything printed inside the block.

    Every read of a page asks for it (the window, each layer's transform, its frame's
    CRS): about thirty queries a map page, four hundred in a council pack, each asking
    the same territories the same question.
    """
    token = _DOCUMENT_SRID.set(metric_srid_current())
    try:
        yield _DOCUMENT_SRID.get()
    finally:
        _DOCUMENT_SRID.reset(token)


def _srid() -> int:
    # The territory's own УСК-2000 zone (Territory.metric_srid): a community far from 33°E
    # printed in zone 11 would get a skewed grid and a wrong scale.
    return _DOCUMENT_SRID.get() or metric_srid_current()


def _grow(bounds, share: float, minimum_m: float = 0.0) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = bounds
    pad = max(max(maxx - minx, maxy - miny) * share, minimum_m)
    return (minx - pad, miny - pad, maxx + pad, maxy + pad)


def village_find(text: str) -> Settlement:
    """Return the settlement with this KATOTTG code or name (uk/en, any case); PrintError
    when there is none."""
    query = Q(katottg__iexact=text) | Q(name_uk__iexact=text) | Q(name_en__iexact=text)
    found = list(Settlement.objects.filter(query).order_by("katottg")[:2])
    if len(found) != 1:
        raise PrintError(
            _("Unknown village %(text)s: give its KATOTTG code or its name.") % {"text": text},
            code="unknown_village",
        )
    return found[0]


def _territory_bounds() -> tuple[float, float, float, float]:
    extent = Territory.objects.annotate(metric=Transform("boundary", _srid())).aggregate(
        extent=ExtentAggregate("metric")
    )["extent"]
    if extent is None:
        raise PrintError(_("There is no territory to print: load one first."), code="empty_extent")
    return tuple(extent)


def _village_bounds(village: Settlement) -> tuple[float, float, float, float]:
    metric = Settlement.objects.filter(pk=village.pk).annotate(
        b=Transform("boundary", _srid()), c=Transform("centre", _srid())
    )[0]
    if metric.b is not None and not metric.b.empty:
        return _grow(metric.b.extent, VILLAGE_MARGIN, VILLAGE_MARGIN_M)
    x, y = metric.c.x, metric.c.y
    half = POINT_VILLAGE_HALF_M
    return (x - half, y - half, x + half, y + half)


def _bbox_bounds(bbox) -> tuple[float, float, float, float]:
    window = Polygon.from_bbox(bbox)
    window.srid = 4326
    if not Territory.objects.filter(boundary__intersects=window).exists():
        raise PrintError(
            _("The extent is empty: the bbox holds no part of the community's territory."),
            code="empty_extent",
        )
    # Densify so that the curved edges of the degree box are kept in the projection.
    dense = shapely.segmentize(shapely.box(*bbox), max(bbox[2] - bbox[0], 0.001) / 16)
    from pyproj import Transformer

    to_metric = Transformer.from_crs(4326, _srid(), always_xy=True)
    xs, ys = to_metric.transform(*np.asarray(dense.exterior.coords).T)
    return (float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys)))


def area_resolve(extent: Extent) -> Area:
    """Return the bounds in METRIC_SRID of the territory, a village (with a margin) or a
    bbox; PrintError for an unknown village or an empty extent."""
    if extent.kind == "village":
        village = village_find(extent.village)
        return Area(_village_bounds(village), village)
    if extent.kind == "bbox":
        return Area(_bbox_bounds(extent.bbox))
    return Area(_grow(_territory_bounds(), TERRITORY_MARGIN))


def _window(bounds) -> Polygon:
    window = Polygon.from_bbox(bounds)
    window.srid = _srid()
    return window


def _expression(spec: LayerSpec, name: str):
    expr = spec.properties[name]
    return F(expr) if isinstance(expr, str) else expr


def print_columns(spec: LayerSpec) -> dict[str, str]:
    """Return {print role: property name} of the properties the print draws from."""
    roles = {
        "colour": spec.style.colour_by,
        "symbol": SYMBOL_BY.get(spec.id),
        "hatch": HATCH_BY.get(spec.id),
        "label": LABEL_BY.get(spec.id),
        "text": TEXT_BY.get(spec.id),
        "street": STREET_BY.get(spec.id),
        "category": CATEGORY_BY.get(spec.id),
    }
    return {role: name for role, name in roles.items() if name and name in spec.properties}


def is_polygon(spec: LayerSpec) -> bool:
    return "Polygon" in spec.geometry_type()


def _rows(spec: LayerSpec, bounds, filters) -> tuple[list, list[str]]:
    queryset = spec.queryset().filter(**{f"{spec.geometry}__intersects": _window(bounds)})
    for path, values in filters:
        queryset = queryset.filter(**{f"{path}__in": values})
    columns = {f"print_{role}": _expression(spec, n) for role, n in print_columns(spec).items()}
    names = list(columns)
    if is_polygon(spec) and names and "print_label" not in columns:
        # Categorised areas are dissolved per category in PostGIS, so that overlapping
        # areas of one technology do not darken each other on paper.
        geometry = AsWKB(Transform(Union(spec.geometry), _srid()))
        rows = queryset.order_by().values(**columns).annotate(print_wkb=geometry).order_by(*names)
        return [(row["print_wkb"], *(row[n] for n in names)) for row in rows], names
    geometry = AsWKB(Transform(spec.geometry, _srid()))
    rows = queryset.annotate(print_wkb=geometry, **columns).order_by("pk")
    return list(rows.values_list("print_wkb", *names)), names


def layer_read(spec: LayerSpec, bounds, filters=()) -> gpd.GeoDataFrame:
    """Return the layer's rows touching `bounds` (METRIC_SRID) as a GeoDataFrame in
    METRIC_SRID, with columns "colour", "symbol", "hatch", "label", "text", "street",
    "category" where the layer has them; `filters` are (field path, allowed values) pairs."""
    rows, names = _rows(spec, bounds, filters)
    wkb = [bytes(row[0]) if row[0] is not None else None for row in rows]
    data = {
        name.removeprefix("print_"): [row[i + 1] for row in rows] for i, name in enumerate(names)
    }
    frame = gpd.GeoDataFrame(data, geometry=shapely.from_wkb(wkb), crs=_srid())
    return frame[~frame.geometry.isna() & ~frame.geometry.is_empty].reset_index(drop=True)


def labels_read(spec: LayerSpec, bounds) -> gpd.GeoDataFrame:
    """Return label points (METRIC_SRID) and texts of a labelled layer, the most
    populous first: a settlement's centre, else a point on its surface."""
    name = LABEL_BY.get(spec.id)
    if not name:
        return gpd.GeoDataFrame({"label": []}, geometry=[], crs=_srid())
    model = spec.queryset().model
    fields = {f.name for f in model._meta.get_fields()}
    anchor = "centre" if "centre" in fields else PointOnSurface(spec.geometry)
    order = [F("population").desc(nulls_last=True), "pk"] if "population" in fields else ["pk"]
    rows = (
        spec.queryset()
        .filter(**{f"{spec.geometry}__intersects": _window(bounds)})
        .annotate(print_wkb=AsWKB(Transform(anchor, _srid())), print_label=_expression(spec, name))
        .order_by(*order)
        .values_list("print_wkb", "print_label")
    )
    rows = [(bytes(w), label) for w, label in rows if w is not None and label]
    geometry = shapely.from_wkb([w for w, _ in rows]) if rows else []
    return gpd.GeoDataFrame({"label": [label for _, label in rows]}, geometry=geometry, crs=_srid())


def context_read(bounds) -> dict[str, gpd.GeoDataFrame]:
    """Return the outlines of the locator inset (METRIC_SRID): the territory, its
    settlements and, when an OpenStreetMap extract brought them (basemap_import), the
    oblasts and the country the territory lies in ("regions": category, name, geometry)."""
    out = {}
    for key, model in (("territory", Territory), ("settlements", Settlement)):
        rows = list(
            model.objects.filter(boundary__isnull=False)
            .annotate(print_wkb=AsWKB(Transform("boundary", _srid())))
            .order_by("pk")
            .values_list("print_wkb", "pk")
        )
        out[key] = _frame({"pk": [pk for _, pk in rows]}, [w for w, _ in rows])
    territory = Territory.objects.filter(boundary__isnull=False).aggregate(u=Union("boundary"))
    regions = []
    if territory["u"] is not None:
        regions = list(
            BasemapArea.objects.filter(kind="boundary", area__intersects=territory["u"])
            .annotate(print_wkb=AsWKB(Transform("area", _srid())))
            .order_by("category", "pk")
            .values_list("print_wkb", "category", "name")
        )
    columns = {"category": [r[1] for r in regions], "name": [r[2] for r in regions]}
    out["regions"] = _frame(columns, [r[0] for r in regions])
    return out


def _frame(columns: dict, wkbs: list) -> gpd.GeoDataFrame:
    geometry = shapely.from_wkb([bytes(w) for w in wkbs]) if wkbs else []
    return gpd.GeoDataFrame(columns, geometry=geometry, crs=_srid())


def data_date(specs: list[LayerSpec]) -> date | None:
    """Return the latest data date of the layers (their registry `data_date`), or None."""
    dates = []
    for spec in specs:
        value = spec.latest_date()
        if isinstance(value, datetime):
            value = timezone.localdate(value)
        if value is not None:
            dates.append(value)
    return max(dates, default=None)
