"""Georeferenced PDFs: GDAL's PDF driver reads the CRS and the map frame's corners."""

import json
import shutil
import subprocess

import pytest
from django.contrib.gis.geos import Polygon

from maps import printing
from maps.printing import georef
from maps.printing.options import Extent, PrintOptions
from maps.printing.page import Page
from maps.printing.sheet import map_prepare
from tests.maps.test_print_helpers import (
    MAP_DATE,
    demo,  # noqa: F401 (fixture)
    pdf_reader,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("gdalinfo"), reason="gdal-bin is a system package"),
]
MAKARYKHA = PrintOptions(extent=Extent(kind="village", village="Макариха"), map_date=MAP_DATE)
TOLERANCE_M = 3.0


def gdalinfo(path) -> dict:
    """Return `gdalinfo -json` of a file (GDAL's PDF driver, the one QGIS uses)."""
    done = subprocess.run(  # noqa: S603
        ["gdalinfo", "-json", str(path)],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def village_sheet(django_db_setup, django_db_blocker, demo, tmp_path_factory):  # noqa: F811
    """Макариха on A4 portrait: the PDF file and the job it was drawn from."""
    with django_db_blocker.unblock():
        pdf = printing.map_pdf(MAKARYKHA, printing.SYSTEM)
        job = map_prepare(MAKARYKHA, printing.SYSTEM)
    path = tmp_path_factory.mktemp("georef") / "makarykha.pdf"
    path.write_bytes(pdf)
    return path, job


def test_gdal_reads_the_village_sheets_crs_as_ukraine_tm_zone_11(village_sheet):
    info = gdalinfo(village_sheet[0])
    assert info["driverShortName"] == "PDF"
    wkt = info["coordinateSystem"]["wkt"]
    assert "Ukraine TM zone 11" in wkt
    assert 'ID["EPSG",6385]' in wkt


def test_the_neatline_gdal_reads_is_the_map_frames_extent_within_metres(village_sheet):
    path, job = village_sheet
    neatline = Polygon.from_ewkt(gdalinfo(path)["metadata"][""]["NEATLINE"])
    minx, miny, maxx, maxy = neatline.extent
    for read, drawn in zip((minx, miny, maxx, maxy), job.bounds, strict=True):
        assert abs(read - drawn) < TOLERANCE_M


def test_the_geotransform_puts_the_frames_corners_on_the_sheets_extent(village_sheet):
    path, job = village_sheet
    info = gdalinfo(path)
    x0, dx, _, y0, _, dy = info["geoTransform"]
    width_px, height_px = info["size"]
    page = Page(*MAKARYKHA.page_mm)
    bx, by, bw, bh = page.box("map", "map")
    # Pixel columns run from the page's left edge, rows from its top edge.
    left, right = bx / page.width_mm * width_px, (bx + bw) / page.width_mm * width_px
    top = (page.height_mm - by - bh) / page.height_mm * height_px
    bottom = (page.height_mm - by) / page.height_mm * height_px
    minx, miny, maxx, maxy = job.bounds
    assert abs(x0 + left * dx - minx) < TOLERANCE_M
    assert abs(x0 + right * dx - maxx) < TOLERANCE_M
    assert abs(y0 + top * dy - maxy) < TOLERANCE_M
    assert abs(y0 + bottom * dy - miny) < TOLERANCE_M


def test_the_frame_is_a_geo_measure_viewport_in_the_page_dictionary(village_sheet):
    page = pdf_reader(village_sheet[0].read_bytes()).pages[0]
    (viewport,) = [vp for vp in page["/VP"] if vp["/Name"] == "map"]
    measure = viewport["/Measure"]
    assert measure["/Subtype"] == "/GEO"
    assert measure["/GCS"]["/EPSG"] == 6385
    latitudes = measure["/GPTS"][0::2]
    assert all(48 < float(lat) < 49 for lat in latitudes)  # Kirovohrad oblast


def test_georeference_refuses_a_frame_on_a_page_the_pdf_does_not_have(village_sheet):
    frame = georef.Frame(3, (10, 10, 100, 100), (0, 0, 1000, 1000), 6385)
    with pytest.raises(ValueError, match="page 3"):
        georef.georeference(village_sheet[0].read_bytes(), [frame])


def _viewport_metres(viewport) -> tuple[float, float, float, float]:
    """Return a viewport's corners as (minx, miny, maxx, maxy) in EPSG:6385 metres."""
    from pyproj import Transformer

    gpts = [float(v) for v in viewport["/Measure"]["/GPTS"]]
    to_metric = Transformer.from_crs(4326, 6385, always_xy=True)
    xs, ys = to_metric.transform(gpts[1::2], gpts[0::2])
    return min(xs), min(ys), max(xs), max(ys)


def test_the_locator_inset_is_a_second_geo_viewport_around_the_map_frame(village_sheet):
    path, job = village_sheet
    page = pdf_reader(path.read_bytes()).pages[0]
    by_name = {str(vp["/Name"]): vp for vp in page["/VP"]}
    assert sorted(by_name) == ["inset", "map"]
    inset = by_name["inset"]
    assert inset["/Measure"]["/Subtype"] == "/GEO"
    assert inset["/Measure"]["/GCS"]["/EPSG"] == 6385
    # The inset's box on the page is inside the layout's inset box, not over the map.
    sheet = Page(*MAKARYKHA.page_mm)
    x, y, w, h = (v * georef.PT_PER_MM for v in sheet.box("map", "inset"))
    left, bottom, right, top = (float(v) for v in inset["/BBox"])
    assert x - 0.01 <= left < right <= x + w + 0.01
    assert y - 0.01 <= bottom < top <= y + h + 0.01
    # It shows a wider area than the map, the map's extent inside it.
    minx, miny, maxx, maxy = _viewport_metres(inset)
    assert minx < job.bounds[0] and miny < job.bounds[1]
    assert maxx > job.bounds[2] and maxy > job.bounds[3]


def test_gdal_reads_the_inset_frame_alone_with_its_extent(village_sheet, tmp_path):
    """The inset's dictionary on its own (GDAL reads the largest frame of a page): GDAL
    finds EPSG:6385 and the inset's corners."""
    path, _ = village_sheet
    page = pdf_reader(path.read_bytes()).pages[0]
    (inset,) = [vp for vp in page["/VP"] if vp["/Name"] == "inset"]
    expected = _viewport_metres(inset)
    box_pt = [float(v) for v in inset["/BBox"]]
    box_mm = (box_pt[0] / georef.PT_PER_MM, box_pt[1] / georef.PT_PER_MM,
              (box_pt[2] - box_pt[0]) / georef.PT_PER_MM,
              (box_pt[3] - box_pt[1]) / georef.PT_PER_MM)  # fmt: skip
    plain = pdf_reader(path.read_bytes())
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=plain)
    del writer.pages[0]["/VP"]
    buffer = tmp_path / "plain.pdf"
    with buffer.open("wb") as out:
        writer.write(out)
    frame = georef.Frame(0, box_mm, expected, 6385, name="inset")
    alone = tmp_path / "inset.pdf"
    alone.write_bytes(georef.georeference(buffer.read_bytes(), [frame]))
    info = gdalinfo(alone)
    assert 'ID["EPSG",6385]' in info["coordinateSystem"]["wkt"]
    neatline = Polygon.from_ewkt(info["metadata"][""]["NEATLINE"]).extent
    for read, drawn in zip(neatline, expected, strict=True):
        assert abs(read - drawn) < TOLERANCE_M


def test_the_inset_shows_the_oblast_when_the_basemap_import_brought_it(demo):  # noqa: F811
    """An oblast boundary from an OSM extract (layers/basemap/osm.py): the locator shows
    the oblast around the community, its ~3° of latitude, not the community alone."""
    from django.contrib.gis.geos import MultiPolygon

    from layers.basemap.models import BasemapArea

    before = _inset_metres(printing.map_pdf(MAKARYKHA, printing.SYSTEM))
    BasemapArea.objects.create(
        kind="boundary", category="region", name="Кіровоградська область",
        area=MultiPolygon(Polygon.from_bbox((31.2, 47.3, 34.2, 50.3)), srid=4326),
    )  # fmt: skip
    after = _inset_metres(printing.map_pdf(MAKARYKHA, printing.SYSTEM))
    assert before[3] - before[1] < 100_000
    assert after[3] - after[1] > 300_000
    assert after[0] < before[0] and after[2] > before[2]


def _inset_metres(pdf: bytes) -> tuple[float, float, float, float]:
    page = pdf_reader(pdf).pages[0]
    (inset,) = [vp for vp in page["/VP"] if vp["/Name"] == "inset"]
    return _viewport_metres(inset)
