"""URL configuration: every app's pages and APIs (DESIGN.md §4)."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from ninja import NinjaAPI

from layers import api as layers_api
from layers.errors import install_api_handlers

api = NinjaAPI(
    title="Hromada GIS API",
    version="1",
    description="Territory, settlements, facilities and more for a Ukrainian hromada. "
    "Errors are always {\"error\": {\"code\", \"message\"}} with a 4xx status.",
    urls_namespace="api",
    openapi_url="/schema/",
    docs_url="/docs/",
)
install_api_handlers(api)
api.add_router("", layers_api.router)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("healthz", layers_api.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("maps.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "layers.errors.handler404"
handler500 = "layers.errors.handler500"
