"""The style document's labels (symbol layers, collision-checked by the web maps'
protomaps-leaflet and by any MapLibre reader) and the page paints (a layer's other looks
and the markers, as MapLibre style layer parts)."""

import pytest

from layers import registry

pytestmark = pytest.mark.django_db


def get_style(client, language="uk"):
    response = client.get("/tiles/style.json", headers={"accept-language": language})
    assert response.status_code == 200
    return response.json()


def layer(doc, layer_id):
    return next(entry for entry in doc["layers"] if entry["id"] == layer_id)


def test_village_names_are_written_at_every_zoom_and_never_overlap(client, territory):
    village = layer(get_style(client), "settlements-label")
    assert village["type"] == "symbol" and village["source"] == "settlements"
    assert village["minzoom"] == 0
    assert village["layout"]["text-field"] == ["to-string", ["get", "name_uk"]]
    assert village["layout"]["text-allow-overlap"] is False
    assert village["layout"]["text-ignore-placement"] is False
    assert "glyphs" not in get_style(client)  # the browser's fonts draw the text


def test_english_readers_get_english_village_names(client, territory):
    village = layer(get_style(client, "en"), "settlements-label")
    assert village["layout"]["text-field"] == [
        "coalesce",
        ["get", "name_en"],
        ["get", "name_uk"],
    ]


def test_streets_and_house_numbers_at_street_zoom_facilities_from_14(client, territory):
    doc = get_style(client)
    streets, houses = layer(doc, "streets-label"), layer(doc, "addresses-label")
    assert streets["layout"]["symbol-placement"] == "line"
    assert streets["minzoom"] == houses["minzoom"] == 16
    assert layer(doc, "facilities-label")["minzoom"] == 14
    # Our labels are drawn above every shape; village names are placed first, so they
    # win every collision: the web maps (layers/static/layers/paint.js) place label
    # layers topmost first, as MapLibre does, and our labels lie above the basemap's.
    # (The basemap's own layers are tested in test_basemap_style.)
    ours = [entry for entry in doc["layers"] if not entry["metadata"].get("hromada:basemap")]
    kinds = [entry["type"] for entry in ours]
    assert kinds.index("symbol") == len(kinds) - kinds[::-1].count("symbol")
    labels = [entry for entry in ours if entry["type"] == "symbol"]
    assert labels[-1]["id"] == "settlements-label"
    keys = {entry["id"]: entry["layout"]["symbol-sort-key"] for entry in labels}
    assert all(isinstance(key, int | float) for key in keys.values()), keys
    assert min(keys, key=keys.get) == "settlements-label"
    assert list(keys.values()).count(keys["settlements-label"]) == 1, keys
    symbols = [entry["id"] for entry in doc["layers"] if entry["type"] == "symbol"]
    basemap = [
        i for i, entry in enumerate(doc["layers"]) if entry["metadata"].get("hromada:basemap")
    ]
    basemap_labels = [
        doc["layers"][i]["id"] for i in basemap if doc["layers"][i]["type"] == "symbol"
    ]
    assert symbols[: len(basemap_labels)] == basemap_labels, symbols


def test_labelled_properties_are_in_the_tiles():
    settlements = registry.get("settlements")
    assert {"name_uk", "name_en"} <= set(settlements.tile_fields())
    assert "house_number" in registry.get("addresses").tile_fields()


def test_page_paints_hold_variants_and_markers_as_style_layer_parts(client, territory):
    paints = get_style(client)["metadata"]["hromada:paints"]
    outline = paints["layers"]["territory"]
    assert set(outline) >= {""}
    share = paints["layers"]["settlements"]["share"]
    assert [part["type"] for part in share] == ["fill", "line"]
    marker = paints["markers"]["search-result"]
    assert marker[0]["type"] == "circle"
    assert marker[0]["paint"]["circle-color"].startswith("#")
