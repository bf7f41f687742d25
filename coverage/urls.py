from django.urls import path

from coverage import views

app_name = "coverage"

urlpatterns = [
    path("planning/", views.planning, name="planning"),
    path("planning/recompute/", views.recompute, name="recompute"),
    path(
        "planning/challenges/<int:challenge_id>/decision/",
        views.challenge_decision,
        name="challenge_decision",
    ),
    path("planning/plan.csv", views.plan_download, {"fmt": "csv"}, name="plan_csv"),
    path("planning/plan.xlsx", views.plan_download, {"fmt": "xlsx"}, name="plan_xlsx"),
    path(
        "planning/charts/villages.csv",
        views.chart_csv,
        {"chart": "villages"},
        name="chart_villages",
    ),
    path(
        "planning/charts/progress.csv",
        views.chart_csv,
        {"chart": "progress"},
        name="chart_progress",
    ),
    path("coverage/", views.public, name="public"),
]
