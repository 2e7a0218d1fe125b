from django.urls import path

from wangge.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.screen_page, name="screen"),
    path("feed/", views.feed, name="feed"),
    path("party/", views.party_layer, name="party"),
    path("devices/", views.devices_layer, name="devices"),
    path("hotline/", views.hotline_layer, name="hotline"),
    path("call-outs/", views.callouts_layer, name="callouts"),
    path("stats/", views.statistics_page, name="statistics"),
    path("cases/", views.cases_behind, name="cases"),
]
