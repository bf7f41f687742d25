from django.urls import path

from addresses import views

app_name = "addresses"

urlpatterns = [
    path("", views.register_browse, name="browse"),
    path("verification/", views.verification_overview, name="verification"),
]
