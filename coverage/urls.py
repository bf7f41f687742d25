from django.urls import path

from coverage import views

app_name = "coverage"

urlpatterns = [
    path("planning/", views.planning, name="planning"),
    path("planning/recompute/", views.recompute, name="recompute"),
    path("coverage/", views.public, name="public"),
]
