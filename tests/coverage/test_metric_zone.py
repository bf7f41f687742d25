"""A community far from 33°E: the coverage computation, the Wi-Fi buffers and the printed
map work in the territory's own УСК-2000 zone (Territory.metric_srid), not in zone 11.

Checked against geodesic areas on the GRS80 ellipsoid (pyproj's Geod).
"""

import math
from datetime import date

import pytest
import shapely
from django.contrib.gis.geos import GEOSGeometry, Point
from pyproj import Geod, Transformer

from coverage.services import coverage_compute
from coverage.services.hotspots import hotspot_buffer
from layers.models import Settlement, Territory
from maps.printing import data
from maps.printing.options import Extent
from tests.coverage.conftest import make_area

GEOD = Geod(ellps="GRS80")
LVIV = [(23.72, 49.61), (24.38, 49.64), (24.41, 49.97), (24.05, 50.04), (23.69, 49.91)]
COVERED = [(23.8, 49.7), (24.1, 49.7), (24.1, 49.9), (23.8, 49.9)]


def dense(outline) -> shapely.Polygon:
    return shapely.segmentize(shapely.Polygon(outline), 0.005)


def geodesic_m2(polygon) -> float:
    return abs(GEOD.geometry_area_perimeter(polygon)[0])


@pytest.fixture
def lviv(db, providers):
    boundary = GEOSGeometry(shapely.MultiPolygon([dense(LVIV)]).wkt, srid=4326)
    territory = Territory.objects.create(
        katottg="UA46000000000000001", name_uk="Громада", boundary=boundary
    )
    Settlement.objects.create(
        katottg="UA46000000010000001",
        name_uk="Село",
        territory=territory,
        boundary=boundary,
        centre=Point(24.05, 49.8, srid=4326),
    )
    covered = GEOSGeometry(shapely.MultiPolygon([dense(COVERED)]).wkt, srid=4326)
    make_area(providers["ProstoNet"], "fibre", 500, 500, covered, valid_from=date(2020, 1, 1))
    return territory


def test_coverage_of_a_lviv_community_is_computed_in_zone_8(lviv):
    snapshot = coverage_compute(as_of=date(2025, 6, 1))
    results = snapshot.results
    assert snapshot.parameters["metric_srid"] == 6382
    truth = geodesic_m2(dense(LVIV))
    assert abs(results["territory"]["area_m2"] - truth) / truth < 1e-4
    fixed = results["territory"]["groups"]["fixed"]["covered"]
    share = 100 * geodesic_m2(dense(COVERED)) / truth
    assert fixed["area_pct"] == pytest.approx(share, abs=0.01)


def test_a_wifi_disc_in_lviv_is_its_radius_on_the_ground(lviv):
    disc = hotspot_buffer(Point(24.0, 49.8, srid=4326), 1000.0)
    ring = shapely.from_wkt(disc.wkt)
    # 128 chords of a 1,000 m circle enclose this much.
    inscribed = 0.5 * 128 * 1000.0**2 * math.sin(2 * math.pi / 128)
    assert abs(geodesic_m2(ring) - inscribed) / inscribed < 1e-3


def test_the_printed_map_of_a_lviv_community_is_drawn_in_zone_8(lviv):
    assert data.metric_srid() == 6382
    minx, _miny, maxx, _maxy = data.area_resolve(Extent()).bounds
    # Zone 8's false easting is 300 km at 24°E; in zone 11 the same land lies west of 0.
    to_zone = Transformer.from_crs(4326, 6382, always_xy=True)
    west, _ = to_zone.transform(23.69, 49.8)
    east, _ = to_zone.transform(24.41, 49.8)
    assert minx < west < east < maxx
    assert 250_000 < minx < maxx < 350_000
