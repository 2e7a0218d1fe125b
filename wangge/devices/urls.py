from django.urls import path

from wangge.devices import views

app_name = "devices"
urlpatterns = [
    path("", views.device_list, name="list"),
    path("map/", views.device_map, name="map"),
    path("<int:pk>/", views.device_detail, name="detail"),
]
