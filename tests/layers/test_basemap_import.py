"""`basemap_import`: a small .osm.pbf made here with osmium over the test territory is
clipped, loaded and served back in the basemap's vector tiles; dry runs and bad files
write nothing and keep the previous basemap."""

import osmium
import pytest
from django.core.management import CommandError, call_command
from osmium.osm.mutable import Node, Relation, Way

from layers.basemap import selectors
from layers.basemap.models import BasemapArea, BasemapImport, BasemapLine, BasemapPlace
from tests.layers.test_tiles import decode, tile_of

pytestmark = pytest.mark.django_db

# The test territory is a square of ±0.2° around (32.72, 48.80); the header box covers it
# with room for the margin.
COVERING_BOX = (32.3, 48.4, 33.1, 49.2)
STREET = "вулиця Шевченка"


def write_pbf(path, nodes, ways, box=COVERING_BOX, relations=()):
    """Write an OSM PBF file: nodes as (id, lon, lat, tags), ways as (id, node ids, tags),
    relations as (id, [(type, id, role)], tags)."""
    header = osmium.io.Header()
    if box:
        west, south, east, north = box
        header.add_box(
            osmium.osm.Box(osmium.osm.Location(west, south), osmium.osm.Location(east, north))
        )
    writer = osmium.SimpleWriter(str(path), header=header)
    for node_id, lon, lat, tags in nodes:
        writer.add_node(Node(id=node_id, location=(lon, lat), tags=tags))
    for way_id, refs, tags in ways:
        writer.add_way(Way(id=way_id, nodes=refs, tags=tags))
    for relation_id, members, tags in relations:
        writer.add_relation(Relation(id=relation_id, members=members, tags=tags))
    writer.close()
    return path


def village_pbf(path, street=STREET, lon=32.72):
    """A village: a named street, a pond, a place node, and a road far outside."""
    nodes = [
        (1, lon - 0.02, 48.79, {}),
        (2, lon + 0.02, 48.79, {}),
        (3, 32.715, 48.795, {}),
        (4, 32.725, 48.795, {}),
        (5, 32.725, 48.80, {}),
        (6, 32.715, 48.80, {}),
        (7, 32.7208, 48.7936, {"place": "village", "name": "Дмитрівка", "name:en": "Dmytrivka"}),
        (8, 30.50, 50.45, {}),
        (9, 30.52, 50.45, {}),
    ]
    ways = [
        (10, [1, 2], {"highway": "residential", "name": street}),
        (11, [3, 4, 5, 6, 3], {"natural": "water", "name": "Ставок"}),
        (12, [8, 9], {"highway": "primary", "name": "Хрещатик"}),
    ]
    return write_pbf(path, nodes, ways)


def run(*args):
    call_command("basemap_import", *map(str, args))


def test_commit_loads_the_features_inside_the_territory_only(territory, tmp_path, capsys):
    run(village_pbf(tmp_path / "village.osm.pbf"), "--commit")
    out = capsys.readouterr().out
    assert "roads: 1" in out and "water: 1" in out and "places: 1" in out
    assert "committed" in out
    (road,) = BasemapLine.objects.all()  # Khreshchatyk in Kyiv is clipped away
    assert (road.kind, road.category, road.name) == ("road", "residential", STREET)
    assert road.route.srid == 4326
    assert BasemapArea.objects.get().kind == "water"
    assert BasemapPlace.objects.get().name_en == "Dmytrivka"
    assert BasemapImport.objects.get().source_name == "village.osm.pbf"


def test_imported_roads_come_back_in_the_basemap_vector_tile(client, territory, tmp_path):
    run(village_pbf(tmp_path / "village.osm.pbf"), "--commit")
    assert selectors.local_choice().kind == selectors.IMPORTED
    z, x, y = tile_of(32.72, 48.79, 12)  # the street, the pond and the village
    response = client.get(f"/basemap/{z}/{x}/{y}.pbf")
    assert response.status_code == 200
    layers = decode(response.content, z, x, y, tmp_path / "tiles")
    (road,) = layers["basemap-lines"]
    assert road.get("name") == STREET
    assert road.get("category") == "residential"
    assert {place.get("name") for place in layers["basemap-places"]} == {"Дмитрівка"}
    assert [area.get("kind") for area in layers["basemap-areas"]] == ["water"]


def oblast_pbf(path):
    """An oblast boundary relation 1.5° around the territory (far past the margin), and a
    raion (admin_level 6) on the same ring."""
    corners = [(100 + n, lon, lat, {}) for n, (lon, lat) in enumerate(
        [(31.2, 47.3), (34.2, 47.3), (34.2, 50.3), (31.2, 50.3)])]  # fmt: skip
    ring = (200, [100, 101, 102, 103, 100], {})
    oblast = {"type": "boundary", "boundary": "administrative", "admin_level": "4",
              "name": "Кіровоградська область"}  # fmt: skip
    raion = {**oblast, "admin_level": "6", "name": "Кропивницький район"}
    relations = [(300, [("w", 200, "outer")], oblast), (301, [("w", 200, "outer")], raion)]
    return write_pbf(path, corners, [ring], box=(31.0, 47.0, 34.5, 50.5), relations=relations)


def test_the_oblast_boundary_is_kept_whole_for_the_printed_locator(territory, tmp_path, capsys):
    run(oblast_pbf(tmp_path / "oblast.osm.pbf"), "--commit")
    assert "boundary: 1" in capsys.readouterr().out  # the oblast; the raion level is not kept
    (oblast,) = BasemapArea.objects.filter(kind="boundary")
    assert (oblast.category, oblast.name) == ("region", "Кіровоградська область")
    west, south, east, north = oblast.area.extent
    assert (round(west, 1), round(south, 1), round(east, 1), round(north, 1)) == (
        31.2,
        47.3,
        34.2,
        50.3,
    )  # fmt: skip  (not clipped to the territory's margin)


def test_a_boundary_is_never_drawn_on_the_web_basemap(client, territory, tmp_path):
    run(oblast_pbf(tmp_path / "oblast.osm.pbf"), "--commit")
    z, x, y = tile_of(32.72, 48.79, 9)
    response = client.get(f"/basemap/{z}/{x}/{y}.pbf")
    assert response.status_code in (200, 204)
    layers = decode(response.content, z, x, y, tmp_path / "tiles") if response.content else {}
    assert all(area.get("kind") != "boundary" for area in layers.get("basemap-areas", []))


def test_dry_run_prints_counts_and_writes_nothing(territory, tmp_path, capsys):
    run(village_pbf(tmp_path / "village.osm.pbf"))
    out = capsys.readouterr().out
    assert "roads: 1" in out and "DRY RUN" in out
    assert not BasemapLine.objects.exists()
    assert not BasemapImport.objects.exists()


def test_reimport_replaces_the_previous_basemap(territory, tmp_path):
    run(village_pbf(tmp_path / "a.osm.pbf"), "--commit")
    run(village_pbf(tmp_path / "b.osm.pbf", street="вулиця Лесі Українки"), "--commit")
    assert list(BasemapLine.objects.values_list("name", flat=True)) == ["вулиця Лесі Українки"]
    assert BasemapImport.objects.get().source_name == "b.osm.pbf"


@pytest.fixture
def previous(territory, tmp_path):
    """A basemap already imported, which a failed import must leave alone."""
    run(village_pbf(tmp_path / "previous.osm.pbf"), "--commit")
    return BasemapLine.objects.get().pk


def assert_previous_kept(previous):
    assert list(BasemapLine.objects.values_list("pk", flat=True)) == [previous]
    assert BasemapImport.objects.get().source_name == "previous.osm.pbf"


def test_corrupt_pbf_is_a_clear_error_and_keeps_the_previous_basemap(previous, tmp_path):
    whole = village_pbf(tmp_path / "whole.osm.pbf").read_bytes()
    broken = tmp_path / "broken.osm.pbf"
    broken.write_bytes(whole[: len(whole) // 2] + b"\xff" * 64)
    with pytest.raises(CommandError, match="corrupt"):
        run(broken, "--commit")
    assert_previous_kept(previous)


def test_file_that_is_no_pbf_is_a_clear_error(previous, tmp_path):
    xml = tmp_path / "village.osm"
    xml.write_text("<?xml version='1.0'?><osm version='0.6'></osm>")
    with pytest.raises(CommandError, match="not an OpenStreetMap PBF file"):
        run(xml, "--commit")
    assert_previous_kept(previous)


def test_empty_extract_is_a_clear_error(previous, tmp_path):
    empty = write_pbf(tmp_path / "empty.osm.pbf", [], [])
    with pytest.raises(CommandError, match="empty extract"):
        run(empty, "--commit")
    assert_previous_kept(previous)


def test_extract_outside_the_territory_is_a_clear_error(previous, tmp_path):
    kyiv = write_pbf(
        tmp_path / "kyiv.osm.pbf",
        [(1, 30.50, 50.45, {}), (2, 30.52, 50.45, {})],
        [(10, [1, 2], {"highway": "primary", "name": "Хрещатик"})],
        box=None,
    )
    with pytest.raises(CommandError, match="outside the territory"):
        run(kyiv, "--commit")
    assert_previous_kept(previous)


def test_extract_whose_header_covers_part_of_the_territory_is_a_clear_error(previous, tmp_path):
    nodes = [(1, 32.70, 48.79, {}), (2, 32.74, 48.79, {})]
    ways = [(10, [1, 2], {"highway": "residential", "name": STREET})]
    part = write_pbf(tmp_path / "part.osm.pbf", nodes, ways, box=(32.6, 48.7, 32.8, 48.9))
    with pytest.raises(CommandError, match="not the whole territory"):
        run(part, "--commit")
    assert_previous_kept(previous)


def test_import_without_a_territory_says_so(db, tmp_path):
    with pytest.raises(CommandError, match="No territory"):
        run(village_pbf(tmp_path / "village.osm.pbf"))
