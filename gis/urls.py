"""URL configuration: every app's pages and APIs (DESIGN.md §4)."""

import copy

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI

from addresses import api as addresses_api
from core.errors import install_api_handlers
from core.text import CleanJSONParser
from core.views import admin_login
from coverage import api as coverage_api
from layers import api as layers_api
from reports import api as reports_api


class HromadaAPI(NinjaAPI):
    """The service's API; its OpenAPI document is built once per URL prefix and language."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._schemas: dict[tuple, dict] = {}

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        # Building the document takes ~70 ms of CPU, and /api/v1/schema/ is public: it was
        # built again for every request. The routes are fixed once the URLconf is loaded,
        # so one copy per prefix (the script prefix included) and language (should a
        # description be translated) is kept, as a plain dict: ninja's OpenAPISchema holds
        # the API itself, which a deep copy would copy too. Each caller gets its own deep
        # copy to change as it likes.
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        key = (path_prefix, get_language())
        schema = self._schemas.get(key)
        if schema is None:
            built = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
            # GeoJSON responses say application/geo+json in the document as on the wire.
            schema = self._schemas[key] = dict(layers_api.geojson_media_types(built))
        return copy.deepcopy(schema)


api = HromadaAPI(
    title="Hromada GIS API",
    version="1",
    description="Territory, settlements, facilities and more for a Ukrainian hromada. "
    'Errors are always {"error": {"code", "message"}} with a 4xx status.',
    urls_namespace="api",
    openapi_url="/schema/",
    docs_url="/docs/",
    # JSON bodies: bounded depth, control characters and non-characters removed.
    parser=CleanJSONParser(),
)
install_api_handlers(api)
api.add_router("", layers_api.router)
api.add_router("", reports_api.router)
api.add_router("/addresses", addresses_api.router)
api.add_router("/coverage", coverage_api.router)

# The admin never shows its own login form: our sign-in page or the 403 page instead.
admin.site.login = admin_login
# The admin is one of the service's pages: its name, not "Django administration".
admin.site.site_header = _("Dmytrivska community — GIS")
admin.site.site_title = _("Dmytrivska community — GIS")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("healthz", layers_api.healthz, name="healthz"),
    path("ogc/", include("layers.ogc.urls")),
    path("tiles/", include("layers.tiles.urls")),
    path("basemap/", include("layers.basemap.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("core.urls")),
    path("open311/", include("reports.open311.urls")),
    path("moderation/", include("reports.moderation.urls")),
    path("", include("reports.urls")),
    path("addresses/", include("addresses.urls")),
    path("", include("coverage.urls")),
    path("", include("maps.urls")),
]

# No catch-all /media/ route: report photos are served by reports.views.photo_file, which
# checks the report is public (hidden and unmoderated ones only for staff); nothing else
# uploaded (e.g. population rasters) is published.

handler403 = "core.errors.handler403"
handler404 = "core.errors.handler404"
handler500 = "core.errors.handler500"
