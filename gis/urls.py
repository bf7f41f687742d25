"""URL configuration: every app's pages and APIs (DESIGN.md §4)."""

from django.contrib import admin
from django.urls import include, path
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
    def get_openapi_schema(self, **kwargs):
        # GeoJSON responses say application/geo+json in the document as on the wire.
        return layers_api.geojson_media_types(super().get_openapi_schema(**kwargs))


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
