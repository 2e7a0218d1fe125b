from django.urls import path

from wangge.patrols import views

app_name = "patrols"
urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("coverage/", views.coverage, name="coverage"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/finish/", views.finish, name="finish"),
    path("vehicles/", views.vehicles, name="vehicles"),
    path("vehicles/<int:pk>/", views.vehicle, name="vehicle"),
    path("visits/", views.visits, name="visits"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("visits/<int:pk>/", views.visit, name="visit"),
    path("visits/photos/<int:pk>/", views.visit_photo, name="visit_photo"),
]
