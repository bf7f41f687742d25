"""/tiles/: Mapbox vector tiles and their TileJSON (included from gis/urls.py).

`style.json` is the maps' one style document (MapLibre Style Specification v8).
`layers` is one layer id or several joined by commas (`territory,settlements`): one
request then brings every layer of a map, each as its own layer inside the tile.
Path parts are matched loosely and checked in the view, so that a bad z/x/y gets a
400 JSON body instead of the generic 404.
"""

from django.urls import path, re_path

from layers.ogc import views as ogc
from layers.tiles import views as tiles

app_name = "tiles"

urlpatterns = [
    # Before the TileJSON pattern, which would read "style" as a layer id.
    path("style.json", tiles.style, name="style"),
    re_path(r"^(?P<layers>[^/]+)\.json$", tiles.tilejson, name="tilejson"),
    re_path(
        r"^(?P<layers>[^/]+)/(?P<z>[^/]+)/(?P<x>[^/]+)/(?P<y>[^/]+)\.pbf$",
        tiles.tile,
        name="tile",
    ),
    re_path(r"^(?P<rest>.*)$", ogc.not_found, name="not_found"),
]
