from django.urls import path

from bench.site import views
from wangge.urls import urlpatterns as wangge_urlpatterns

urlpatterns = [
    path("bench/ping", views.ping),
    path("bench/insert", views.insert),
    *wangge_urlpatterns,
]
