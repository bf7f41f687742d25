"""Open311 URLs, included at /open311/: GeoReport v2 under v2/, in .xml and .json."""

from django.urls import re_path

from reports.open311 import views

app_name = "open311"
FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery),
    re_path(r"^v2/discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^v2/services" + FMT, views.service_list, name="services"),
    re_path(
        r"^v2/services/(?P<service_code>[^/]+?)" + FMT, views.service_definition, name="service"
    ),
    re_path(r"^v2/requests" + FMT, views.requests_, name="requests"),
    re_path(
        r"^v2/requests/(?P<service_request_id>[^/]+?)" + FMT, views.request_detail, name="request"
    ),
    re_path(r"^v2/tokens/(?P<token>[^/]+?)" + FMT, views.token_detail, name="token"),
    re_path(r"^.*$", views.not_found),
]
