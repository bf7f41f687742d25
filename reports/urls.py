from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("map/", views.report_map, name="map"),
    path("reports/new/", views.report_new, name="new"),
    path("reports/subscribe/", views.subscribe, name="subscribe"),
    path("reports/subscribe/<str:token>/", views.subscribe_confirm, name="subscribe_confirm"),
    path("reports/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("reports/follow/<str:token>/", views.report_follow, name="follow"),
    path("reports/<str:number>/", views.report_detail, name="detail"),
    path("reports/<str:number>/support/", views.report_support, name="support"),
]
