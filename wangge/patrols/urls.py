from django.urls import path

from wangge.patrols import views

app_name = "patrols"
urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("coverage/", views.coverage, name="coverage"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/finish/", views.finish, name="finish"),
]
