"""The moderation workbench and the staff intake, included at /moderation/."""

from django.urls import path

from reports.moderation import views

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("intake/", views.intake, name="intake"),
    path("<str:number>/", views.report, name="report"),
]
