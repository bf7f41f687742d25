"""Public H3 hexagons (resolution 8): made at snapshot time, aggregates only."""

from datetime import date

import geopandas as gpd
import h3
import pytest
import shapely
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext

from addresses.models import Address, Street
from coverage import hexagons
from coverage.models import CoverageHexagon
from coverage.services import coverage_compute
from tests.coverage import independent
from tests.coverage.conftest import make_addresses, make_area

AS_OF = date(2025, 6, 1)
API = "/api/v1/coverage"


# --- pure -----------------------------------------------------------------------------------


def test_households_are_summed_per_hexagon_a_point_on_a_shared_edge_in_both():
    import numpy as np

    outlines = np.array([shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)])
    lon, lat = np.array([0.5, 1.0, 1.5, 5.0]), np.array([0.5, 0.5, 0.5, 5.0])
    where = hexagons.locate(outlines, lon, lat)
    weight = np.array([2.0, 1.0, 4.0, 8.0])
    served = np.array([True, False, True, True])
    homes = hexagons.household_sums(2, where, weight, served)
    assert [h.tolist() for h in homes] == [[2, 2], [3.0, 5.0], [2.0, 4.0]]
    none = hexagons.locate(outlines[:1], lon[:0], lat[:0])
    empty = hexagons.household_sums(1, none, weight[:0], served[:0])
    assert [h.tolist() for h in empty] == [[0], [0.0], [0.0]]


def test_locate_matches_an_strtree_of_the_outlines_vertices_and_edges_included():
    import numpy as np

    cells = sorted(h3.grid_disk(h3.latlng_to_cell(48.5, 35.0, 8), 6))
    outlines = hexagons.outlines(cells)
    rng = np.random.default_rng(7)
    x0, y0, x1, y1 = shapely.total_bounds(outlines)
    lon, lat = rng.uniform(x0 - 0.01, x1 + 0.01, 20_000), rng.uniform(y0 - 0.01, y1 + 0.01, 20_000)
    ring = shapely.get_coordinates(shapely.get_exterior_ring(outlines[:20]))
    lon[: len(ring)], lat[: len(ring)] = ring[:, 0], ring[:, 1]  # on vertices
    pt, cell = hexagons.locate(outlines, lon, lat)
    tree = shapely.STRtree(hexagons.outlines(cells))
    want_pt, want_cell = tree.query(shapely.points(lon, lat), predicate="intersects")
    order = np.lexsort((want_cell, want_pt))
    assert pt.tolist() == want_pt[order].tolist()
    assert cell.tolist() == want_cell[order].tolist()
    assert np.bincount(pt[: len(pt)], minlength=len(ring))[: len(ring)].min() >= 1


def test_cells_of_a_square_are_resolution_8_and_cover_it():
    box = shapely.box(32.70, 48.78, 32.74, 48.81)
    cells = hexagons.cells_of(shapely.geometry.mapping(box))
    assert cells == sorted(cells)
    assert {h3.get_resolution(c) for c in cells} == {8}
    union = shapely.union_all([shapely.from_wkt(hexagons.cell_wkt(c)) for c in cells])
    assert union.buffer(1e-9).covers(box)


def test_cell_outline_is_a_closed_hexagon_around_the_cell_centre():
    cell = h3.latlng_to_cell(48.79, 32.72, 8)
    polygon = shapely.from_wkt(hexagons.cell_wkt(cell))
    assert len(polygon.exterior.coords) == 7
    lat, lng = h3.cell_to_latlng(cell)
    assert polygon.contains(shapely.Point(lng, lat))


@pytest.mark.parametrize(
    ("part", "total", "n", "expected"),
    [(2, 4, 5, 50.0), (2, 4, 4, None), (0, 0, 9, None), (3, 3, 5, 100.0), (None, 3, 9, None)],
)
def test_a_share_behind_too_few_homes_is_suppressed(part, total, n, expected):
    import numpy as np

    got = hexagons.suppressed_pct([np.nan if part is None else part], [total], [n], 5)[0]
    assert np.isnan(got) if expected is None else got == expected


def test_hexagon_rows_keep_cells_inside_with_capped_shares_and_suppressed_homes():
    import numpy as np

    inside = np.array([0.0, 100.0, 50.0])
    covered = {
        ("any", 0): np.array([0.0, 100.0000001, 25.0]),  # a hair over: capped at 100 %
        ("any", 2): np.array([0.0, 50.0, 0.0]),
        ("fixed", 2): np.array([0.0, 10.0, 0.0]),
    }
    homes = (np.array([0, 3, 1]), np.array([0.0, 6.0, 2.0]), np.array([0.0, 3.0, 2.0]))
    people = np.array([[0.0, 0.0], [10.0, 5.0], [0.0, 0.0]])
    rows = hexagons.table(inside, covered, homes, people, min_addresses=2)
    assert rows.index.tolist() == [1, 2]  # the cell outside the territory is dropped
    assert rows.area_m2.tolist() == [100.0, 50.0]
    assert rows.covered_pct.tolist() == [100.0, 50.0]
    assert rows.served_pct.tolist() == [50.0, 0.0]
    assert rows.fixed_served_pct.tolist() == [10.0, 0.0]
    assert rows.households_served_pct[0] == 50.0
    assert np.isnan(rows.households_served_pct[1])  # one address: not published
    assert rows.population_served_pct[0] == 50.0
    assert np.isnan(rows.population_served_pct[1])  # nobody lives there
    bare = hexagons.table(inside, covered, None, None, min_addresses=2)
    assert np.isnan(bare.households_served_pct).all()
    assert np.isnan(bare.population_served_pct).all()


# --- stored with the snapshot, checked against shapely ---------------------------------------


MIN_HOMES = 2


def _independent_hex(cell, ter_m, unions_m, unions_ll, adr):
    hexagon = shapely.from_wkt(hexagons.cell_wkt(cell))
    hex_m = gpd.GeoSeries([hexagon], crs=4326).to_crs(independent.METRIC).iloc[0]
    inside = hex_m.intersection(ter_m).area
    shares = {
        key: 100 * hex_m.intersection(u).intersection(ter_m).area / inside
        for key, u in unions_m.items()
    }
    mine = adr[adr.geometry.intersects(hexagon)]
    served = mine[mine.geometry.intersects(unions_ll["fixed", 2])]
    hh = mine["households"].sum()
    homes = 100 * served["households"].sum() / hh if len(mine) >= MIN_HOMES and hh else None
    return inside, shares, homes


@pytest.mark.parametrize("random_world", [1, 2], indirect=True)
def test_hexagon_shares_agree_with_shapely(random_world, settings):
    settings.COVERAGE_H3_MIN_ADDRESSES = MIN_HOMES
    snapshot = coverage_compute(as_of=AS_OF)
    ter, _, cov, adr, _ = independent.load(AS_OF)
    ter_m = ter.to_crs(independent.METRIC).iloc[0]
    keys = [("any", 0), ("any", 2), ("fixed", 2)]
    unions_m = {k: independent.union_of(cov, k[0], k[1], independent.METRIC) for k in keys}
    unions_ll = {k: independent.union_of(cov, k[0], k[1]) for k in keys}
    rows = CoverageHexagon.objects.filter(snapshot=snapshot)
    assert rows.count() == snapshot.input_counts["hexagons"] > 1000
    assert sum(r.area_m2 for r in rows) == pytest.approx(ter_m.area, rel=1e-6)
    with_homes = 0
    sample = list(rows.exclude(covered_pct=0).order_by("h3")[:300])
    sample += list(rows.filter(households_served_pct__isnull=False))
    for row in sample:
        inside, shares, homes = _independent_hex(row.h3, ter_m, unions_m, unions_ll, adr)
        assert row.area_m2 == pytest.approx(inside, rel=1e-6, abs=1.0)
        assert row.covered_pct == pytest.approx(shares["any", 0], abs=0.01)
        assert row.served_pct == pytest.approx(shares["any", 2], abs=0.01)
        assert row.fixed_served_pct == pytest.approx(shares["fixed", 2], abs=0.01)
        assert row.households_served_pct == pytest.approx(homes, abs=0.01)
        with_homes += homes is not None
    assert with_homes > 0


def test_a_hexagon_with_too_few_addresses_shows_no_household_share(
    territory, settlement, providers, settings
):
    settings.COVERAGE_H3_MIN_ADDRESSES = 3
    c = settlement.centre
    make_area(providers["ProstoNet"], "fibre", 300, 100, shapely.Point(c.x, c.y).buffer(0.005))
    make_addresses(settlement, [(c.x, c.y), (c.x + 1e-4, c.y)], [2, 1])
    snapshot = coverage_compute(as_of=AS_OF)
    cell = h3.latlng_to_cell(c.y, c.x, 8)
    row = CoverageHexagon.objects.get(snapshot=snapshot, h3=cell)
    assert row.households_served_pct is None
    assert row.fixed_served_pct > 0
    Address.objects.create(
        street=Street.objects.get(),
        settlement=settlement,
        house_number="3",
        number=3,
        location=Point(c.x - 1e-4, c.y, srid=4326),
        households=4,
    )
    row = CoverageHexagon.objects.get(snapshot=coverage_compute(as_of=AS_OF), h3=cell)
    assert row.households_served_pct == pytest.approx(100.0)


# --- the public endpoint ---------------------------------------------------------------------


def test_public_hexagons_are_geojson_of_shares_without_addresses(client, random_world):
    coverage_compute(as_of=AS_OF)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{API}/hexagons/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    features = response.json()["features"]
    assert len(features) > 1000
    assert set(features[0]["properties"]) == {
        "h3",
        "area_m2",
        "covered_pct",
        "served_pct",
        "fixed_served_pct",
        "households_served_pct",
        "population_served_pct",
    }
    assert features[0]["geometry"]["type"] == "Polygon"
    assert not any("cov_" in q["sql"] or "INSERT" in q["sql"] for q in queries.captured_queries)


def test_public_hexagons_before_any_computation_are_a_404(client, territory):
    response = client.get(f"{API}/hexagons/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "no_snapshot"


def test_a_new_snapshot_replaces_the_public_hexagons(client, random_world):
    first = coverage_compute(as_of=AS_OF)
    second = coverage_compute(as_of=AS_OF)
    assert CoverageHexagon.objects.filter(snapshot=first).count() == (
        CoverageHexagon.objects.filter(snapshot=second).count()
    )
    ids = {f["id"] for f in client.get(f"{API}/hexagons/").json()["features"]}
    assert ids == set(CoverageHexagon.objects.filter(snapshot=second).values_list("h3", flat=True))
