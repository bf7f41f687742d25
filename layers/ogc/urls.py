"""/ogc/: OGC API - Features - Part 1: Core (included from gis/urls.py)."""

from django.urls import path, re_path

from layers.ogc import tiles as ogc_tiles
from layers.ogc import views as ogc

app_name = "ogc"

urlpatterns = [
    path("", ogc.landing, name="landing"),
    path("conformance", ogc.conformance, name="conformance"),
    path("api", ogc.api, name="api"),
    path("collections", ogc.collections, name="collections"),
    path("collections/<str:collection_id>", ogc.collection, name="collection"),
    path("collections/<str:collection_id>/items", ogc.items, name="items"),
    path("collections/<str:collection_id>/queryables", ogc.queryables, name="queryables"),
    path("collections/<str:collection_id>/sortables", ogc.sortables, name="sortables"),
    path("collections/<str:collection_id>/schema", ogc.schema, name="schema"),
    path("collections/<str:collection_id>/items/<str:feature_id>", ogc.item, name="item"),
    path("tileMatrixSets", ogc_tiles.tile_matrix_sets, name="tile_matrix_sets"),
    path("tileMatrixSets/<str:tms_id>", ogc_tiles.tile_matrix_set_view, name="tile_matrix_set"),
    path("tiles", ogc_tiles.dataset_tilesets, name="dataset_tilesets"),
    path("tiles/<str:tms_id>", ogc_tiles.dataset_tileset, name="dataset_tileset"),
    path(
        "tiles/<str:tms_id>/<str:z>/<str:row>/<str:col>",
        ogc_tiles.dataset_tile,
        name="dataset_tile",
    ),
    path(
        "collections/<str:collection_id>/tiles",
        ogc_tiles.collection_tilesets,
        name="collection_tilesets",
    ),
    path(
        "collections/<str:collection_id>/tiles/<str:tms_id>",
        ogc_tiles.collection_tileset,
        name="collection_tileset",
    ),
    path(
        "collections/<str:collection_id>/tiles/<str:tms_id>/<str:z>/<str:row>/<str:col>",
        ogc_tiles.collection_tile,
        name="collection_tile",
    ),
    re_path(r"^(?P<rest>.*)$", ogc.not_found, name="not_found"),
]
