"""The maps' one style document at /tiles/style.json: a MapLibre Style Specification v8
document built from the layer registry, per visitor and language."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

from layers import registry, styles
from layers.basemap.style import basemap_style
from layers.tiles.selectors import UKRAINE_BOUNDS
from layers.tiles.style import fit_zoom

pytestmark = pytest.mark.django_db


def get_style(client, language="uk"):
    response = client.get("/tiles/style.json", headers={"accept-language": language})
    assert response.status_code == 200
    return response.json()


def legend_of(doc, layer_id):
    return next(entry for entry in doc["metadata"]["hromada:legends"] if entry["id"] == layer_id)


def test_style_is_maplibre_v8_with_a_source_for_every_layer(client, territory):
    doc = get_style(client)
    assert doc["version"] == 8
    assert doc["layers"], "no layer drawn"
    ids = [layer["id"] for layer in doc["layers"]]
    assert len(ids) == len(set(ids))
    # The basemap's layers and source are tested in test_basemap_style.py.
    for layer in doc["layers"]:
        if layer["metadata"].get("hromada:basemap"):
            continue
        assert layer["type"] in {"fill", "line", "circle", "symbol"}
        assert layer["source"] in doc["sources"]
        assert layer["source-layer"] == layer["source"]
    for name, source in doc["sources"].items():
        if name == "basemap":
            continue
        assert source["type"] == "vector"
        assert source["tiles"][0].startswith("http://testserver/tiles/")
        assert source["tiles"][0].endswith("/{z}/{x}/{y}.pbf")


def test_style_lists_every_layer_the_anonymous_visitor_may_see_and_no_other(client, territory):
    doc = get_style(client)
    public = {spec.id for spec in registry.visible_to(None)}
    hidden = {spec.id for spec in registry.all_layers()} - public
    assert hidden, "the registry should hold planners' layers"
    assert set(doc["sources"]) - {"basemap"} == public
    assert {entry["id"] for entry in doc["metadata"]["hromada:legends"]} == public
    drawn = {
        layer["source"] for layer in doc["layers"] if "hromada:basemap" not in layer["metadata"]
    }
    assert drawn == public
    assert not hidden & set(doc["metadata"]["hromada:tilejson"])


def test_style_adds_planners_layers_for_a_planner(client, territory):
    planner = User.objects.create_user("planner-style")
    planner.groups.add(Group.objects.get_or_create(name="planners")[0])
    client.force_login(planner)
    doc = get_style(client)
    assert {spec.id for spec in registry.visible_to(planner)} == set(doc["sources"]) - {"basemap"}
    assert "coverage-gaps" in doc["sources"]


def test_style_colours_equal_the_registry(client, territory):
    doc = get_style(client)
    paint = {layer["id"]: layer["paint"] for layer in doc["layers"]}
    territory_style = registry.get("territory").style
    assert paint["territory-fill"]["fill-color"] == territory_style.fill_colour
    assert paint["territory-line"]["line-color"] == territory_style.colour
    assert paint["territory-line"]["line-width"] == territory_style.line_width
    facilities = paint["facilities-circle"]["circle-color"]
    assert facilities[0] == "match"
    assert dict(zip(facilities[2:-1:2], facilities[3:-1:2], strict=True)) == dict(
        registry.get("facilities").style.categories
    )
    for spec in registry.visible_to(None):
        assert legend_of(doc, spec.id)["style"] == {
            **spec.style.as_dict(),
            "category_labels": legend_of(doc, spec.id)["style"]["category_labels"],
        }


def test_style_carries_the_served_share_ramp_of_the_hexagons(client, territory):
    doc = get_style(client)
    ramp = registry.get("coverage-hexagons").style.ramp
    assert legend_of(doc, "coverage-hexagons")["style"]["ramp"]["steps"] == [
        list(step) for step in ramp.steps
    ]
    fill = next(layer for layer in doc["layers"] if layer["id"] == "coverage-hexagons-fill")
    assert fill["paint"]["fill-color"][0] == "case"
    assert ramp.colour_at(85) == ramp.steps[-1][1]
    assert ramp.colour_at(None) == ramp.no_data_colour


def test_style_view_is_the_territory_from_the_database(client, territory):
    doc = get_style(client)
    west, south, east, north = doc["metadata"]["hromada:bounds"]
    assert west < doc["center"][0] < east and south < doc["center"][1] < north
    assert doc["metadata"]["hromada:bounds"] != UKRAINE_BOUNDS
    assert 8 <= doc["zoom"] <= 14
    assert fit_zoom(UKRAINE_BOUNDS) < doc["zoom"]


@pytest.mark.parametrize(
    ("language", "title"), [("uk", "Територія громади"), ("en", "Territory of the community")]
)
def test_style_labels_are_in_the_visitors_language(client, territory, language, title):
    doc = get_style(client, language)
    assert doc["metadata"]["hromada:language"] == language
    assert legend_of(doc, "territory")["title"] == title
    internet = legend_of(doc, "facilities")["style"]["category_labels"]
    other = get_style(client, "en" if language == "uk" else "uk")
    assert internet != legend_of(other, "facilities")["style"]["category_labels"]
    assert legend_of(doc, "coverage-hexagons")["style"]["ramp"]["legend"][-1]["label"] == (
        "no data" if language == "en" else "немає даних"
    )


def test_style_metadata_holds_api_urls_markers_and_tilejson(client, territory):
    meta = get_style(client)["metadata"]
    assert meta["hromada:api"]["territory"] == "http://testserver/api/v1/territory/"
    assert meta["hromada:api"]["reports"] == "http://testserver/api/v1/reports/"
    assert meta["hromada:tilejson"]["addresses"] == "http://testserver/tiles/addresses.json"
    assert set(meta["hromada:markers"]) == set(styles.markers())
    assert all(m["point_outline_colour"].startswith("#") for m in meta["hromada:markers"].values())


def test_style_is_private_and_takes_no_parameters(client, territory):
    response = client.get("/tiles/style.json")
    assert response["Cache-Control"].startswith("private")
    assert "Accept-Language" in response["Vary"]
    bad = client.get("/tiles/style.json?x=1")
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "unknown_parameter"


# The web maps draw the style document with layers/static/layers/paint.js, whose
# `evaluate` knows the operators of its switch and throws on any other: every
# expression the document holds (filters, paint and layout values, the page paints)
# must use those only, or the page's map breaks in the browser.
PAINT_JS = Path(__file__).resolve().parents[2] / "layers" / "static" / "layers" / "paint.js"
# Layout properties whose value is an array of strings, not an expression.
STRING_ARRAYS = {"text-variable-anchor", "text-font", "text-writing-mode"}


def is_number_array(value) -> bool:
    """A property's array of numbers (line-dasharray, text-offset): a value, not an
    expression (paint.js passes those on as they are)."""
    return isinstance(value, list) and all(isinstance(v, int | float) for v in value)


def evaluate_operators() -> set[str]:
    """The operators of the `switch` in paint.js's `evaluate` (its `case "…":` labels)."""
    source = PAINT_JS.read_text()
    body = source[source.index("function evaluate(") :]
    body = body[: body.index("default:")]
    operators = set(re.findall(r'case "([^"]+)":', body))
    assert {"get", "match", "interpolate", "case"} <= operators, "paint.js's switch not read"
    return operators


def operators_in(expr, where: str, found: dict) -> None:
    """Record every operator of expression `expr` (and of its sub-expressions) in
    `found` ({operator: [where]}); a non-string head (an array paint.js would try to
    evaluate) is recorded as its repr."""
    if not isinstance(expr, list):
        return
    op = expr[0] if expr else None
    key = op if isinstance(op, str) else repr(op)
    found.setdefault(key, []).append(where)
    if op == "literal":
        return
    arguments = list(enumerate(expr[1:], start=1))
    if op == "match":  # the labels (every other item after the input) are literals
        arguments = [(i, a) for i, a in arguments if i == 1 or i % 2 == 1 or i == len(expr) - 1]
    if op == "interpolate":  # its kind is read by paint.js, not evaluated
        kind = expr[1]
        if not (kind == ["linear"] or (kind[0] == "exponential" and len(kind) == 2)):
            found.setdefault(f"interpolate {kind!r}", []).append(where)
        arguments = arguments[1:]
    for _, argument in arguments:
        operators_in(argument, where, found)


def expressions_of(doc):
    """(where, value) of every value of the document that paint.js evaluates."""
    for layer in doc["layers"]:
        if "filter" in layer:
            yield f"{layer['id']} filter", layer["filter"]
        for part in ("paint", "layout"):
            for name, value in (layer.get(part) or {}).items():
                if name not in STRING_ARRAYS and not is_number_array(value):
                    yield f"{layer['id']} {name}", value
    paints = doc["metadata"]["hromada:paints"]
    looks = [
        (f"{layer_id}/{look}", parts)
        for layer_id, by_look in paints["layers"].items()
        for look, parts in by_look.items()
    ] + [(f"marker {name}", parts) for name, parts in paints["markers"].items()]
    for name, parts in looks:
        for part in parts:
            for prop, value in (part.get("paint") or {}).items():
                if not is_number_array(value):
                    yield f"{name} {part['id']} {prop}", value
            if "filter" in part:
                yield f"{name} {part['id']} filter", part["filter"]


@pytest.mark.parametrize("basemap", ["local", "off", ""])
@pytest.mark.parametrize("language", ["uk", "en"])
def test_style_uses_only_expression_operators_the_web_maps_evaluate(
    client, territory, settings, basemap, language
):
    settings.BASEMAP_URL = basemap
    planner = User.objects.create_user("planner-operators")
    planner.groups.add(Group.objects.get_or_create(name="planners")[0])
    client.force_login(planner)  # the planners' document holds every layer
    doc = get_style(client, language)
    found: dict[str, list[str]] = {}
    for where, value in expressions_of(doc):
        operators_in(value, where, found)
    assert {"get", "match"} <= set(found), "no expression read from the document"
    supported = evaluate_operators()
    unsupported = {op: places[:3] for op, places in found.items() if op not in supported}
    assert unsupported == {}


@pytest.mark.parametrize("kind", ["osm", "custom", "imported", "own"])
@pytest.mark.parametrize("language", ["uk", "en"])
def test_every_basemap_kind_uses_only_operators_the_web_maps_evaluate(kind, language):
    """The imported OSM extract's style too (a deployment's, not the test site's): a road
    casing's width once used "+", which the web maps did not evaluate (every tile with a
    road stopped drawing)."""
    style = basemap_style(
        kind,
        raster_tiles="/basemap/{z}/{x}/{y}.png",
        vector_tiles="/basemap/{z}/{x}/{y}.pbf",
        attribution="©",
        label="basemap",
        max_zoom=17,
        language=language,
    )
    doc = {
        "layers": style["under"] + style["over"],
        "metadata": {"hromada:paints": {"layers": {}, "markers": {}}},
    }
    found: dict[str, list[str]] = {}
    for where, value in expressions_of(doc):
        operators_in(value, where, found)
    supported = evaluate_operators()
    assert {op: places[:3] for op, places in found.items() if op not in supported} == {}
