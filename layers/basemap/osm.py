"""Read an OpenStreetMap extract (`.osm.pbf`) with pyosmium: the basemap's features as
WKB in EPSG:4326, with their kind, OSM category and names. No ORM.

What is kept (OSM tags → basemap kinds):
* lines: highway=* roads and paths, waterway=river|stream|canal|ditch|drain,
  railway=rail|narrow_gauge|light_rail|tram;
* areas: water (natural=water, waterway=riverbank, landuse=reservoir|basin), forest
  (landuse=forest, natural=wood), other land use (landuse=*, natural=scrub|grassland|
  wetland|heath, leisure=park) and building=*;
* places: place=city|town|village|hamlet|suburb|locality|isolated_dwelling nodes with a name;
* boundaries: boundary=administrative areas of the country (admin_level=2) and the oblast
  (admin_level=4), kept whole (not clipped) for the printed maps' locator inset, never
  drawn on the web basemap.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import osmium

# The road classes: major roads, minor roads, then tracks and paths.
MAJOR_ROADS = ("motorway", "trunk", "primary", "secondary", "tertiary")
MINOR_ROADS = ("unclassified", "residential", "living_street", "service", "road")
PATHS = ("track", "pedestrian", "footway", "path", "cycleway", "bridleway", "steps")
ROADS = frozenset((*MAJOR_ROADS, *(f"{road}_link" for road in MAJOR_ROADS), *MINOR_ROADS, *PATHS))
WATERWAYS = frozenset({"river", "stream", "canal", "ditch", "drain"})
RAILWAYS = frozenset({"rail", "narrow_gauge", "light_rail", "tram"})
PLACES = frozenset({"city", "town", "village", "hamlet", "suburb", "locality", "isolated_dwelling"})
WATER_LANDUSE = frozenset({"reservoir", "basin"})
NATURAL_LANDUSE = frozenset({"scrub", "grassland", "wetland", "heath"})
# Administrative boundaries kept, by admin_level (OSM's levels for Ukraine: 2 the
# country, 4 an oblast): the basemap area's category.
ADMIN_LEVELS = {"2": "country", "4": "region"}
KEYS = (
    "highway", "waterway", "railway", "natural", "landuse", "leisure", "building", "place",
    "boundary",
)  # fmt: skip
# Report progress every this many objects read.
PROGRESS_STEP = 10_000


class ExtractError(Exception):
    """The file is no readable OpenStreetMap PBF extract."""


@dataclass(frozen=True)
class Feature:
    """One basemap feature: `table` (line, area, building, place), `kind`, the OSM
    `category`, names and the geometry as WKB hex in EPSG:4326."""

    table: str
    kind: str
    category: str
    wkb: str
    name: str = ""
    name_en: str = ""


@dataclass
class Extract:
    """What a file held: the kept features, every object counted, the nodes' bounds
    [west, south, east, north] (None without nodes) and the header's bounds (None when
    the file declares none)."""

    features: list[Feature] = field(default_factory=list)
    objects: int = 0
    node_bounds: list[float] | None = None
    header_bounds: list[float] | None = None


def line_kind(tags) -> tuple[str, str] | None:
    """Return (kind, category) of a way drawn as a line, or None."""
    if tags.get("highway") in ROADS and tags.get("area") != "yes":
        return "road", tags["highway"]
    if tags.get("waterway") in WATERWAYS:
        return "waterway", tags["waterway"]
    if tags.get("railway") in RAILWAYS:
        return "railway", tags["railway"]
    return None


def area_kind(tags) -> tuple[str, str, str] | None:
    """Return (table, kind, category) of an area, or None."""
    landuse, natural = tags.get("landuse"), tags.get("natural")
    if tags.get("building") and tags.get("building") != "no":
        return "building", "building", tags["building"]
    if natural == "water" or tags.get("waterway") == "riverbank" or landuse in WATER_LANDUSE:
        return "area", "water", tags.get("water") or natural or landuse or "riverbank"
    if landuse == "forest" or natural == "wood":
        return "area", "forest", landuse or natural
    if landuse:
        return "area", "landuse", landuse
    if natural in NATURAL_LANDUSE:
        return "area", "landuse", natural
    if tags.get("leisure") == "park":
        return "area", "landuse", "park"
    return None


def _names(tags) -> dict:
    return {"name": tags.get("name", "")[:200], "name_en": tags.get("name:en", "")[:200]}


def _feature(obj, factory) -> Feature | None:
    """Return the basemap feature of one OSM object, or None when it is not kept."""
    tags = obj.tags
    if obj.is_node():
        if tags.get("place") in PLACES and tags.get("name"):
            wkb = factory.create_point(obj)
            return Feature("place", tags["place"], tags["place"], wkb, **_names(tags))
        return None
    if obj.is_way():
        kind = line_kind(tags)
        if kind:
            return Feature("line", *kind, factory.create_linestring(obj), **_names(tags))
        return None
    if obj.is_area():
        level = ADMIN_LEVELS.get(tags.get("admin_level", ""))
        if tags.get("boundary") == "administrative" and level:
            wkb = factory.create_multipolygon(obj)
            return Feature("area", "boundary", level, wkb, name=tags.get("name", "")[:200])
        kind = area_kind(tags)
        if kind:
            return Feature(*kind, factory.create_multipolygon(obj), name=tags.get("name", "")[:200])
    return None


def _grow(bounds: list[float] | None, lon: float, lat: float) -> list[float]:
    if bounds is None:
        return [lon, lat, lon, lat]
    return [min(bounds[0], lon), min(bounds[1], lat), max(bounds[2], lon), max(bounds[3], lat)]


def _header_bounds(processor) -> list[float] | None:
    box = processor.header.box()
    if not box.valid():
        return None
    return [box.bottom_left.lon, box.bottom_left.lat, box.top_right.lon, box.top_right.lat]


def _read(path: str, extract: Extract, progress: Callable[[int], None] | None) -> None:
    processor = osmium.FileProcessor(osmium.io.File(path, "pbf")).with_locations()
    processor = processor.with_areas()
    extract.header_bounds = _header_bounds(processor)
    factory = osmium.geom.WKBFactory()
    for obj in processor:
        extract.objects += 1
        if progress and extract.objects % PROGRESS_STEP == 0:
            progress(PROGRESS_STEP)
        if obj.is_node() and obj.location.valid():
            extract.node_bounds = _grow(extract.node_bounds, obj.location.lon, obj.location.lat)
        if not any(key in obj.tags for key in KEYS):
            continue
        try:
            feature = _feature(obj, factory)
        except (osmium.InvalidLocationError, RuntimeError):
            continue  # a way with nodes missing from the extract, a broken area
        if feature is not None:
            extract.features.append(feature)


def read_extract(path: str, progress: Callable[[int], None] | None = None) -> Extract:
    """Read the basemap features of a PBF file; ExtractError when it is not one or is
    corrupt. `progress(n)` is called as objects are read."""
    with open(path, "rb") as file:
        start = file.read(64)
    if b"OSMHeader" not in start:
        raise ExtractError("not an OpenStreetMap PBF file (no OSMHeader block)")
    extract = Extract()
    try:
        _read(path, extract, progress)
    except RuntimeError as exc:
        raise ExtractError(f"the PBF file is corrupt: {exc}") from exc
    return extract
