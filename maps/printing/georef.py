"""Georeferencing of printed map frames: the ISO 32000 geospatial measure dictionary.

Each map frame of a page gets a viewport (/VP) whose /Measure is a /GEO measure: the
frame's corners as fractions of the viewport (/LPTS) and as latitude, longitude (/GPTS)
in the geographic CRS underlying the map's projected CRS (/GCS, its WKT and EPSG code).
GDAL's PDF driver, QGIS and phone map apps read it and place the sheet on the ground;
this is the "ISO 32000 extension" flavour of GeoPDF (Adobe extension level 3).

The renderer draws the PDF; this module only adds the dictionaries afterwards with pypdf,
so georeferencing never changes what is drawn.
"""

import io
from dataclasses import dataclass
from functools import lru_cache

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from pyproj import CRS, Transformer

PT_PER_MM = 72 / 25.4
# The frame's corners in the viewport's unit square: lower-left, upper-left, upper-right,
# lower-right (the order Adobe's and GDAL's examples use).
UNIT_CORNERS = ((0, 0), (0, 1), (1, 1), (1, 0))


@dataclass(frozen=True)
class Frame:
    """One map frame on one page.

    `page` is the 0-based page index; `box_mm` (x, y, width, height) the frame on the
    page in millimetres from its lower-left corner; `bounds` (minx, miny, maxx, maxy) what
    the frame shows, in metres of `srid` (a projected CRS, EPSG:6385 for our maps).
    """

    page: int
    box_mm: tuple[float, float, float, float]
    bounds: tuple[float, float, float, float]
    srid: int
    name: str = "map"


@lru_cache(maxsize=8)
def _crs(srid: int) -> tuple[str, Transformer]:
    """Return the CRS's WKT (WKT1, which every GeoPDF reader knows) and a transformer
    from it to its own geographic CRS, longitude first."""
    crs = CRS.from_epsg(srid)
    to_geographic = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
    return crs.to_wkt(version="WKT1_GDAL"), to_geographic


def _numbers(values) -> ArrayObject:
    return ArrayObject(FloatObject(round(value, 9)) for value in values)


def frame_corners(frame: Frame) -> list[tuple[float, float]]:
    """Return the frame's corners in UNIT_CORNERS order as (lat, lon) in degrees of the
    geographic CRS underlying `frame.srid` (UCS-2000's for EPSG:6385)."""
    _, to_geographic = _crs(frame.srid)
    minx, miny, maxx, maxy = frame.bounds
    corners = []
    for u, v in UNIT_CORNERS:
        lon, lat = to_geographic.transform(minx + u * (maxx - minx), miny + v * (maxy - miny))
        corners.append((lat, lon))
    return corners


def viewport(frame: Frame) -> DictionaryObject:
    """Return the /Viewport dictionary of one frame (its /BBox in PDF points)."""
    wkt, _ = _crs(frame.srid)
    x, y, width, height = (value * PT_PER_MM for value in frame.box_mm)
    unit = [value for corner in UNIT_CORNERS for value in corner]
    gcs = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/PROJCS"),
            NameObject("/WKT"): TextStringObject(wkt),
            NameObject("/EPSG"): NumberObject(frame.srid),
        }
    )
    measure = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Measure"),
            NameObject("/Subtype"): NameObject("/GEO"),
            NameObject("/Bounds"): _numbers(unit),
            NameObject("/LPTS"): _numbers(unit),
            NameObject("/GPTS"): _numbers([v for corner in frame_corners(frame) for v in corner]),
            NameObject("/GCS"): gcs,
            NameObject("/PDU"): ArrayObject([NameObject(n) for n in ("/M", "/SQM", "/DEG")]),
        }
    )
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Viewport"),
            NameObject("/Name"): TextStringObject(frame.name),
            NameObject("/BBox"): _numbers([x, y, x + width, y + height]),
            NameObject("/Measure"): measure,
        }
    )


def georeference(pdf: bytes, frames: list[Frame]) -> bytes:
    """Return `pdf` with each frame's viewport added to its page's /VP array.

    Pages without a frame are left as they are; ValueError for a frame on a page the PDF
    does not have (a bug of the caller, never user input).
    """
    if not frames:
        return pdf
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    by_page: dict[int, list[Frame]] = {}
    for frame in frames:
        if not 0 <= frame.page < len(writer.pages):
            raise ValueError(f"Frame on page {frame.page}; the PDF has {len(writer.pages)}.")
        by_page.setdefault(frame.page, []).append(frame)
    for index, page_frames in by_page.items():
        writer.pages[index][NameObject("/VP")] = ArrayObject(viewport(f) for f in page_frames)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
