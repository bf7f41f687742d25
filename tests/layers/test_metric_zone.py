"""Any Ukrainian community: the metric CRS is the УСК-2000 zone of the territory's centroid,
chosen by the database when the territory is written and used for its areas.

Areas are checked against a geodesic computation on the GRS80 ellipsoid (pyproj's Geod,
the ellipsoid of УСК-2000), an implementation independent of PostGIS and of the zone.
The synthetic territories are densified (vertices every ~400 m, like real boundaries), so
that straight edges in degrees, in metres and on the ellipsoid enclose the same area.
"""

import json

import pytest
import shapely
from django.contrib.gis.geos import GEOSGeometry
from pyproj import CRS, Geod

from layers import compute, selectors
from layers.models import Settlement, Territory

GEOD = Geod(ellps="GRS80")
# A community in Lviv oblast (zone 8, central meridian 24°E) and one in Zakarpattia by
# Uzhhorod (zone 7, 21°E): the two zones furthest from Dmytrivska's zone 11 (33°E).
LVIV = [(23.72, 49.61), (24.38, 49.64), (24.41, 49.97), (24.05, 50.04), (23.69, 49.91)]
UZHHOROD = [(22.16, 48.46), (22.44, 48.47), (22.45, 48.66), (22.30, 48.70), (22.15, 48.62)]


def synthetic(outline, code: str) -> Territory:
    polygon = shapely.segmentize(shapely.Polygon(outline), 0.005)
    boundary = GEOSGeometry(shapely.MultiPolygon([polygon]).wkt, srid=4326)
    return Territory.objects.create(katottg=code, name_uk=code, boundary=boundary)


def geodesic_km2(outline) -> float:
    polygon = shapely.segmentize(shapely.Polygon(outline), 0.005)
    area, _perimeter = GEOD.geometry_area_perimeter(polygon)
    return abs(area) / 1e6


def area_in_km2(territory: Territory, srid: int) -> float:
    return territory.boundary.transform(srid, clone=True).area / 1e6


def api_area_km2(code: str) -> float:
    features = json.loads(selectors.territory_geojson())["features"]
    return next(f["properties"]["area_km2"] for f in features if f["properties"]["katottg"] == code)


@pytest.mark.parametrize("lon", [20.1, 22.49, 22.51, 24.0, 26.2, 29.9, 32.72, 35.0, 38.9, 40.2])
@pytest.mark.django_db
def test_the_stored_zone_is_the_one_whose_meridian_is_nearest_the_centroid(lon):
    territory = synthetic(
        [(lon - 0.1, 48.0), (lon + 0.1, 48.0), (lon, 48.2)], "UA00000000000000001"
    )
    territory.refresh_from_db()
    meridian = CRS.from_epsg(territory.metric_srid).coordinate_operation.params[1].value
    centroid = territory.boundary.centroid.x
    assert territory.metric_srid == compute.ucs2000_zone_srid(centroid)
    assert 6381 <= territory.metric_srid <= 6387
    if 19.5 <= centroid <= 40.5:  # inside the span of zones 7–13
        assert abs(centroid - meridian) <= 1.5


@pytest.mark.django_db
def test_dmytrivska_keeps_zone_11(territory):
    territory.refresh_from_db()
    assert territory.metric_srid == 6385 == selectors.metric_srid_current()


@pytest.mark.django_db
def test_the_zone_follows_a_moved_boundary():
    territory = synthetic(LVIV, "UA46000000000000001")
    assert Territory.objects.get(pk=territory.pk).metric_srid == 6382
    territory.boundary = synthetic(UZHHOROD, "UA21000000000000001").boundary
    territory.save()
    assert Territory.objects.get(pk=territory.pk).metric_srid == 6381


@pytest.mark.django_db
def test_a_lviv_community_measures_its_area_within_a_hundredth_of_a_percent_of_geodesic():
    territory = synthetic(LVIV, "UA46000000000000001")
    settlement = Settlement.objects.create(
        katottg="UA46000000010000001",
        name_uk="Село",
        territory=territory,
        boundary=territory.boundary,
        centre=territory.boundary.point_on_surface,
    )
    truth = geodesic_km2(LVIV)
    assert Territory.objects.get(pk=territory.pk).metric_srid == 6382
    assert selectors.metric_srid_current() == 6382
    api = api_area_km2("UA46000000000000001")
    village = Settlement.objects.with_area_m2().get(pk=settlement.pk).area_m2.sq_m / 1e6
    for ours in (api, village):
        assert abs(ours - truth) / truth < 1e-4, (ours, truth)
    # The test can fail: the national zone 11 the code once hard-coded is ~1% off here.
    assert abs(area_in_km2(territory, 6385) - truth) / truth > 5e-3


@pytest.mark.django_db
def test_a_zakarpattia_community_is_measured_in_zone_7():
    territory = synthetic(UZHHOROD, "UA21000000000000001")
    truth = geodesic_km2(UZHHOROD)
    assert Territory.objects.get(pk=territory.pk).metric_srid == 6381
    ours = api_area_km2("UA21000000000000001")
    # Ukraine's part of zone 7 lies 1.1–1.5° east of its meridian (21°E), where a
    # transverse Mercator with scale 1 on the meridian enlarges areas by 0.015–0.03%:
    # that, not 0.01%, is the bound the national zone allows there.
    assert abs(ours - truth) / truth < 3e-4, (ours, truth)
    assert abs(area_in_km2(territory, 6385) - truth) / truth > 1e-2
