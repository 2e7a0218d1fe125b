from django.urls import path

from wangge.devices import views

app_name = "devices"
urlpatterns = [
    path("", views.device_list, name="list"),
    path("map/", views.device_map, name="map"),
    path("statistics/", views.device_statistics, name="statistics"),
    path("import/", views.device_import, name="import"),
    path("import/confirm/", views.device_import_confirm, name="import_confirm"),
    path("<int:pk>/", views.device_detail, name="detail"),
]
