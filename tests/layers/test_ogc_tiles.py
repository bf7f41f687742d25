"""OGC API - Tiles over the vector tiles: tile matrix set, tilesets, tiles, the style
link; tiles without Vary: Accept-Language; the deepest zoom from the data."""

import pytest

pytestmark = pytest.mark.django_db
TMS_URI = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"


def test_conformance_declares_the_tiles_classes(client):
    declared = set(client.get("/ogc/conformance").json()["conformsTo"])
    for name in ("core", "tileset", "tilesets-list", "geodata-tilesets", "dataset-tilesets", "mvt"):
        assert f"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/{name}" in declared
    assert "http://www.opengis.net/spec/tms/2.0/conf/json-tilematrixset" in declared


def test_landing_links_tiling_schemes_tilesets_and_the_style(client):
    links = {link["rel"]: link for link in client.get("/ogc/").json()["links"]}
    assert links["http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes"]["href"].endswith(
        "/ogc/tileMatrixSets"
    )
    assert links["http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"]["href"].endswith(
        "/ogc/tiles"
    )
    assert links["stylesheet"]["href"].endswith("/tiles/style.json")


def test_web_mercator_quad_tile_matrix_set(client):
    listed = client.get("/ogc/tileMatrixSets").json()["tileMatrixSets"]
    assert [tms["id"] for tms in listed] == ["WebMercatorQuad"]
    tms = client.get("/ogc/tileMatrixSets/WebMercatorQuad").json()
    assert tms["uri"] == TMS_URI
    assert tms["crs"] == "http://www.opengis.net/def/crs/EPSG/0/3857"
    zero, twelve = tms["tileMatrices"][0], tms["tileMatrices"][12]
    assert zero["cellSize"] == pytest.approx(156543.03392804097)
    assert zero["scaleDenominator"] == pytest.approx(559082264.0287178)
    assert twelve["matrixWidth"] == 4096 and twelve["tileWidth"] == 256
    assert client.get("/ogc/tileMatrixSets/WorldCRS84Quad").status_code == 404


def test_collection_tileset_metadata_covers_the_data_with_zooms_from_it(client, settlement):
    tilesets = client.get("/ogc/collections/settlements/tiles").json()["tilesets"]
    assert tilesets[0]["tileMatrixSetURI"] == TMS_URI and tilesets[0]["dataType"] == "vector"
    doc = client.get("/ogc/collections/settlements/tiles/WebMercatorQuad").json()
    links = {link["rel"]: link for link in doc["links"]}
    item = links["item"]
    assert item["templated"] is True and item["type"] == "application/vnd.mapbox-vector-tile"
    assert item["href"].endswith("/tiles/settlements/{tileMatrix}/{tileCol}/{tileRow}.pbf")
    assert links["stylesheet"]["href"].endswith("/tiles/style.json")
    assert links["describedby"]["href"].endswith("/tiles/settlements.json")
    limits = {limit["tileMatrix"]: limit for limit in doc["tileMatrixSetLimits"]}
    deepest = max(map(int, limits))
    assert 14 <= deepest <= 18  # from the data, not 22
    z12 = limits["12"]
    # The settlement fixture around 32.72°E 48.79°N lies in tile 12/2420/1410.
    assert z12["minTileCol"] <= 2420 <= z12["maxTileCol"]
    assert z12["minTileRow"] <= 1410 <= z12["maxTileRow"]


def test_a_tile_through_ogc_is_the_tile_of_tiles(client, settlement):
    ogc = client.get("/ogc/collections/settlements/tiles/WebMercatorQuad/12/1410/2420")
    plain = client.get("/tiles/settlements/12/2420/1410.pbf")
    assert ogc.status_code == plain.status_code == 200
    assert ogc.content == plain.content
    assert ogc["Content-Type"] == "application/vnd.mapbox-vector-tile"


def test_dataset_tileset_and_tile_hold_every_visible_layer(client, settlement):
    doc = client.get("/ogc/tiles/WebMercatorQuad").json()
    assert {"territory", "settlements", "facilities"} <= {layer["id"] for layer in doc["layers"]}
    tile = client.get("/ogc/tiles/WebMercatorQuad/12/1410/2420")
    assert tile.status_code == 200 and tile.content


def test_unknown_tile_matrix_set_or_collection_is_404_json(client, settlement):
    for url in (
        "/ogc/collections/settlements/tiles/WorldCRS84Quad",
        "/ogc/collections/nosuch/tiles",
        "/ogc/collections/settlements/tiles/WorldCRS84Quad/1/0/0",
        "/ogc/tiles/Nope/1/0/0",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "NotFound"


def test_public_tiles_vary_on_neither_language_nor_cookie(client, settlement):
    tile = client.get("/tiles/settlements/12/2420/1410.pbf", headers={"Accept-Encoding": "gzip"})
    vary = tile.get("Vary", "")
    assert "Accept-Language" not in vary and "Cookie" not in vary
    assert "Accept-Encoding" in vary
    empty = client.get("/tiles/settlements/12/0/0.pbf")
    assert empty.status_code == 204 and "Accept-Language" not in empty.get("Vary", "")


def test_tilejson_max_zoom_comes_from_the_data(client, settlement):
    doc = client.get("/tiles/settlements.json").json()
    assert 14 <= doc["maxzoom"] <= 18
    assert doc["vector_layers"][0]["maxzoom"] == doc["maxzoom"]


def test_style_sources_stop_at_the_zoom_of_their_tiles_not_22(client, settlement, facility):
    sources = client.get("/tiles/style.json").json()["sources"]
    checked = 0
    for layer_id, source in sources.items():
        if layer_id == "basemap":
            continue
        tilejson = client.get(f"/tiles/{layer_id}.json").json()
        assert source["maxzoom"] == tilejson["maxzoom"], layer_id
        assert source["maxzoom"] <= 18, layer_id
        checked += 1
    assert checked >= 2
    # The drawn layers go on past it: MapLibre over-zooms the deepest tiles.
    layers = client.get("/tiles/style.json").json()["layers"]
    drawn = [layer for layer in layers if layer.get("source") == "settlements"]
    assert drawn and all(layer["maxzoom"] > sources["settlements"]["maxzoom"] for layer in drawn)
