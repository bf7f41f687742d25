"""coverage.overlay: vectorized unions, zone overlaps and point levels (pure, no database)."""

import numpy as np
import pytest
import shapely

from coverage import hexagons, overlay
from coverage.compute import Thresholds, speed_level

T = Thresholds()


def discs(rng, n, spread=10_000.0, radius=(100.0, 900.0)):
    """n random discs in metres, some overlapping, some alone."""
    xy = rng.uniform(0, spread, size=(n, 2))
    r = rng.uniform(*radius, size=n)
    return shapely.buffer(shapely.points(xy), r, quad_segs=6)


@pytest.fixture
def rng():
    return np.random.default_rng(42)


def test_levels_of_agrees_with_speed_level():
    down = np.array([300, 100, 99, 25, 25, 24, 0, 1000])
    up = np.array([100, 20, 20, 3, 2, 3, 0, 19])
    expected = [speed_level(d, u, T) for d, u in zip(down, up, strict=True)]
    assert overlay.levels_of(down, up, T).tolist() == expected


def test_group_masks_are_cumulative_by_level_and_follow_the_groups():
    tech = np.array(["fibre", "dsl", "4g", "wifi", "3g"])
    level = np.array([2, 0, 1, 2, 0])
    masks = overlay.group_masks(tech, level)
    assert masks[("fixed", 0)].tolist() == [True, True, False, False, False]
    assert masks[("fixed", 1)].tolist() == [True, False, False, False, False]
    assert masks[("any", 1)].tolist() == [True, False, True, True, False]
    assert masks[("mobile", 2)].sum() == 0


def test_dissolve_equals_a_plain_union_and_is_a_valid_multipolygon(rng):
    geoms = discs(rng, 300)
    result = overlay.dissolve(geoms)
    assert result.geom_type == "MultiPolygon" and result.is_valid
    assert result.area == pytest.approx(shapely.union_all(geoms).area, rel=1e-9)
    assert shapely.get_num_geometries(result) == shapely.get_num_geometries(
        shapely.union_all(geoms)
    )


def test_dissolve_of_nothing_is_empty():
    assert overlay.dissolve(np.array([], dtype=object)).is_empty


def test_dissolve_onto_a_base_equals_the_union_of_everything(rng):
    base_geoms, more = discs(rng, 150), discs(rng, 150)
    base = overlay.dissolve(base_geoms)
    result = overlay.dissolve_onto(base, more)
    expected = shapely.union_all(np.concatenate([base_geoms, more]))
    assert result.is_valid
    assert shapely.symmetric_difference(result, expected).area < 1e-6


def test_dissolve_onto_returns_the_base_when_it_covers_the_new_polygons():
    base = overlay.dissolve(np.array([shapely.box(0, 0, 10, 10)]))
    assert overlay.dissolve_onto(base, np.array([shapely.box(1, 1, 2, 2)])) is base


def test_unions_reuse_work_but_equal_a_union_per_selection(rng):
    geoms = discs(rng, 200)
    tech = rng.choice(["fibre", "dsl", "4g", "wifi", "3g"], size=200)
    level = rng.integers(0, 3, size=200)
    masks = overlay.group_masks(tech, level)
    result = overlay.unions(geoms, masks, workers=2)
    assert set(result) == set(masks)
    for key, mask in masks.items():
        expected = shapely.union_all(geoms[mask]) if mask.any() else shapely.Polygon()
        assert shapely.symmetric_difference(result[key], expected).area < 1e-6, key


def test_equal_selections_share_one_union():
    geoms = np.array([shapely.box(0, 0, 1, 1)])
    masks = overlay.group_masks(np.array(["fibre"]), np.array([2]))
    result = overlay.unions(geoms, masks)
    assert result[("fibre", 0)] is result[("fibre", 2)]


def test_overlaps_measure_each_zone_and_skip_whole_and_inner_pieces():
    pieces = np.array([shapely.box(0, 0, 10, 10), shapely.box(20, 0, 21, 1)])
    zones = np.array(
        [
            shapely.box(1, 1, 2, 2),  # wholly covered by the first piece
            shapely.box(5, 5, 15, 15),  # half of it in the first piece
            shapely.box(19, -1, 30, 5),  # holds the second piece whole
            shapely.box(50, 50, 60, 60),  # nothing
        ]
    )
    areas, zone, parts = overlay.overlaps(pieces, zones)
    assert areas.tolist() == pytest.approx([1.0, 25.0, 1.0, 0.0])
    assert sorted(zone.tolist()) == [0, 1, 2]
    assert shapely.area(parts).sum() == pytest.approx(27.0)


def test_clip_to_zones_returns_polygons_and_their_zone():
    union = shapely.MultiPolygon([shapely.box(0, 0, 10, 10), shapely.box(20, 0, 30, 10)])
    zones = np.array([shapely.box(5, 0, 25, 10), shapely.box(-5, -5, 2, 2)])
    areas, pieces, zone = overlay.clip_to_zones(union, zones)
    assert areas.tolist() == pytest.approx([100.0, 4.0])
    assert set(shapely.get_type_id(pieces)) == {3}
    assert shapely.area(pieces[zone == 0]).sum() == pytest.approx(100.0)


def test_gap_is_the_zone_outside_the_pieces():
    zone = shapely.box(0, 0, 10, 10)
    assert overlay.gap(zone, [shapely.box(0, 0, 5, 10)]).area == pytest.approx(50.0)
    assert overlay.gap(zone, []) is zone


def test_points_in_a_union_of_many_parts_match_shapely_and_edges_count(rng):
    union = shapely.union_all(discs(rng, 400, spread=50_000.0))
    xy = rng.uniform(0, 50_000.0, size=(5000, 2))
    xy[0] = shapely.get_coordinates(shapely.get_exterior_ring(shapely.get_geometry(union, 0)))[0]
    points = shapely.points(xy)
    hit = overlay.points_in(union, xy)
    assert hit.tolist() == shapely.intersects(union, points).tolist()
    assert hit[0], "a point on the edge counts as covered"


def _strtree_pairs(bounds, xy):
    boxes = shapely.box(*np.asarray(bounds, dtype=float).T)
    pt, box = shapely.STRtree(boxes).query(shapely.points(xy), predicate="intersects")
    order = np.lexsort((box, pt))
    return pt[order].tolist(), box[order].tolist()


def test_box_pairs_match_an_strtree_of_the_boxes_edges_and_corners_included(rng):
    polys = discs(rng, 300, radius=(5.0, 1500.0))
    bounds = shapely.bounds(polys)
    xy = rng.uniform(-500, 10_500.0, size=(20_000, 2))
    xy[:40] = bounds[:40, :2]  # lower-left corners
    xy[40:80] = bounds[:40, 2:]  # upper-right corners
    xy[80:120] = np.column_stack([bounds[:40, 0], (bounds[:40, 1] + bounds[:40, 3]) / 2])
    pt, box = overlay.box_pairs(bounds, xy[:, 0], xy[:, 1])
    assert (pt.tolist(), box.tolist()) == _strtree_pairs(bounds, xy)
    assert set(range(120)) <= set(pt.tolist())


def test_box_pairs_of_degenerate_empty_and_missing_inputs():
    empty = overlay.box_pairs(np.empty((0, 4)), np.array([1.0]), np.array([1.0]))
    assert [a.tolist() for a in empty] == [[], []]
    no_points = overlay.box_pairs(np.array([[0, 0, 1, 1.0]]), np.empty(0), np.empty(0))
    assert [a.tolist() for a in no_points] == [[], []]
    # A box of one point (zero size), a missing (NaN, an empty geometry) box, NaN points.
    bounds = np.array([[2, 2, 2, 2.0], [np.nan] * 4, [0, 0, 4, 4.0]])
    x, y = np.array([2.0, 3.0, np.nan, 4.0]), np.array([2.0, 3.0, 1.0, 4.0])
    pt, box = overlay.box_pairs(bounds, x, y)
    assert list(zip(pt.tolist(), box.tolist(), strict=True)) == [(0, 0), (0, 2), (1, 2), (3, 2)]
    # Every box the same single point: no size to grid by.
    pt, box = overlay.box_pairs(np.array([[1, 1, 1, 1.0]] * 2), np.array([1.0, 2]), np.ones(2))
    assert (pt.tolist(), box.tolist()) == ([0, 0], [0, 1])


def test_points_in_of_few_parts_empty_inputs_and_edges():
    square = shapely.box(0, 0, 10, 10)
    xy = np.array([[0, 0], [10, 5], [5, 5], [10.000001, 5], [-1, -1]], dtype=float)
    assert overlay.points_in(square, xy).tolist() == [True, True, True, False, False]
    assert overlay.points_in(square, np.empty((0, 2))).tolist() == []
    assert overlay.points_in(shapely.MultiPolygon(), xy).tolist() == [False] * 5


def test_point_levels_are_the_best_nested_level():
    by_level = {
        0: shapely.box(0, 0, 30, 30),
        1: shapely.box(0, 0, 20, 20),
        2: shapely.box(0, 0, 10, 10),
    }
    xy = np.array([[5, 5], [15, 15], [25, 25], [40, 40]], dtype=float)
    levels = overlay.point_levels(by_level, xy)
    assert levels.tolist() == [2, 1, 0, -1]
    ceiling = np.array([0, 2, 2, 2], dtype="int8")
    capped = overlay.point_levels(by_level, xy, ceiling)
    assert capped.tolist() == [0, 1, 0, -1]


def test_group_point_levels_agree_with_plain_intersects(rng):
    geoms = discs(rng, 200)
    tech = rng.choice(["fibre", "dsl", "4g", "wifi", "3g", "5g"], size=200)
    level = rng.integers(0, 3, size=200)
    masks = overlay.group_masks(tech, level)
    unions = overlay.unions(geoms, masks)
    xy = rng.uniform(0, 10_000.0, size=(3000, 2))
    points = shapely.points(xy)
    levels = overlay.group_point_levels(unions, xy)
    for (group, lv), mask in masks.items():
        inside = shapely.intersects(shapely.union_all(geoms[mask]), points)
        assert ((levels[group] >= lv) == inside).all(), (group, lv)


def test_cumulative_by_zone_counts_and_weighs_points_at_or_above_each_level():
    levels = {"any": np.array([2, 0, -1, 1], dtype="int8")}
    zone = np.array([0, 0, 1, 1])
    weights = np.array([1.0, 2.0, 3.0, 4.0])
    counts = overlay.cumulative_by_zone(levels, zone, 2)
    assert counts[("any", 0)].tolist() == [2, 1]
    assert counts[("any", 2)].tolist() == [1, 0]
    weighed = overlay.cumulative_by_zone(levels, zone, 2, weights)
    assert weighed[("any", 1)].tolist() == [1.0, 4.0]


def test_best_speeds_prefer_the_level_then_download_then_upload():
    geoms = np.array([shapely.box(0, 0, 10, 10)] * 4 + [shapely.box(20, 20, 30, 30)])
    level = np.array([0, 0, 0, 1, 0])
    down = np.array([10, 20, 20, 25, 5])
    up = np.array([5, 1, 2, 3, 1])
    points = shapely.points([(1, 1), (25, 25), (50, 50)])
    best_down, best_up = overlay.best_speeds(points, geoms, level, down, up)
    assert best_down.tolist() == [25, 5, -1]
    assert best_up.tolist() == [3, 1, -1]
    level[3] = 0
    assert overlay.best_speeds(points, geoms, level, down, up)[0].tolist() == [25, 5, -1]
    level[3], down[3] = 0, 1
    assert overlay.best_speeds(points, geoms, level, down, up)[1].tolist() == [2, 1, -1]


def test_reproject_moves_every_vertex_like_pyproj():
    import pyproj

    square = shapely.box(32.70, 48.78, 32.74, 48.81)
    (moved,) = overlay.reproject([square], 4326, 6385)
    lonlat = shapely.get_coordinates(square)
    x, y = pyproj.Transformer.from_crs(4326, 6385, always_xy=True).transform(
        lonlat[:, 0], lonlat[:, 1]
    )
    assert shapely.get_coordinates(moved) == pytest.approx(np.column_stack([x, y]))
    assert square.bounds == (32.70, 48.78, 32.74, 48.81), "the input is left alone"


def test_hexagon_outlines_are_the_stored_wkt_outlines():
    cells = hexagons.cells_of(shapely.geometry.mapping(shapely.box(32.70, 48.78, 32.72, 48.79)))
    outlines = hexagons.outlines(cells)
    for cell, outline in zip(cells, outlines, strict=True):
        assert outline.equals_exact(shapely.from_wkt(hexagons.cell_wkt(cell)), 1e-12)


@pytest.mark.parametrize("top", [True, False])
def test_point_levels_are_the_same_from_the_top_or_from_the_bottom(top):
    served = shapely.box(0, 0, 10, 10 if top else 1)
    same = {0: shapely.box(0, 0, 12, 12), 1: served, 2: served}
    xy = np.array([[5, 0.5], [5, 5], [11, 11], [40, 40], [0.5, 0.5]], dtype=float)
    ceiling = np.array([2, 2, 2, 2, 1], dtype="int8")
    levels = overlay.point_levels(same, xy, ceiling)
    expected = [2, 2 if top else 0, 0, -1, 1]
    assert levels.tolist() == expected
