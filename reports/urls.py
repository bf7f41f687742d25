import re

from django.conf import settings
from django.urls import path, re_path

from reports import offline, views

MEDIA = re.escape(settings.MEDIA_URL.strip("/"))

app_name = "reports"

urlpatterns = [
    # Report photos: before the project's generic /media/ route, and for every path that
    # reaches into reports/ (also "reports//photos/…", "./reports/…"), so that the check
    # of the report's visibility cannot be walked around; only exact names are served.
    re_path(rf"^{MEDIA}/(?:.*/)?reports/(?P<rest>.*)$", views.photo_file, name="photo_file"),
    path("map/", views.report_map, name="map"),
    path("reports/new/", views.report_new, name="new"),
    path("reports/manifest.webmanifest", offline.manifest, name="manifest"),
    path("reports/sw.js", offline.service_worker, name="service_worker"),
    path("reports/subscribe/", views.subscribe, name="subscribe"),
    path("reports/subscribe/<str:token>/", views.subscribe_confirm, name="subscribe_confirm"),
    path("reports/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("reports/follow/<str:token>/", views.report_follow, name="follow"),
    path(
        "reports/me-too/<str:token>/",
        views.support_email_confirm,
        name="support_email_confirm",
    ),
    path("reports/<str:number>/", views.report_detail, name="detail"),
    path("reports/<str:number>/support/", views.report_support, name="support"),
    path(
        "reports/<str:number>/support/email/",
        views.report_support_email,
        name="support_email",
    ),
]
