from django.urls import path

from addresses import views

app_name = "addresses"

urlpatterns = [
    path("", views.register_browse, name="browse"),
    path("verification/", views.verification_overview, name="verification"),
    path("verification/check/", views.workbench_next, name="workbench_next"),
    path("verification/check/<int:pk>/", views.workbench, name="workbench"),
]
