from django.urls import path

from maps import views

app_name = "maps"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("maps/export.html", views.export_map, name="export"),
    path("maps/print/", views.print_map, name="print"),
    path("maps/print/preview.png", views.print_preview, name="print-preview"),
    path("maps/print/pack/", views.pack_start, name="pack-start"),
    path("maps/print/pack/<str:job_id>/", views.pack_status, name="pack-status"),
    path("maps/print/pack/<str:job_id>/pdf", views.pack_download, name="pack-download"),
]
