"""/ogc/: OGC API - Features - Part 1: Core (included from gis/urls.py)."""

from django.urls import path, re_path

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
    re_path(r"^(?P<rest>.*)$", ogc.not_found, name="not_found"),
]
