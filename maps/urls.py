from django.urls import path

from maps import views

app_name = "maps"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("maps/export.html", views.export_map, name="export"),
    path("maps/print/", views.print_map, name="print"),
]
