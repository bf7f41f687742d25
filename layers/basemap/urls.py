"""/basemap/ (included from gis/urls.py): `{z}/{x}/{y}.png` the raster proxy,
`{z}/{x}/{y}.pbf` the local basemap's vector tiles. Path parts are matched loosely and
checked in the view, so that a bad z/x/y gets a 404 JSON body."""

from django.urls import re_path

from layers.basemap import views
from layers.ogc import views as ogc

app_name = "basemap"

TILE = r"^(?P<z>[^/]+)/(?P<x>[^/]+)/(?P<y>[^/]+)"

urlpatterns = [
    re_path(TILE + r"\.png$", views.raster, name="raster"),
    re_path(TILE + r"\.pbf$", views.vector, name="vector"),
    re_path(r"^(?P<rest>.*)$", ogc.not_found, name="not_found"),
]
