from django.urls import path

from wangge.services import views

app_name = "services"
urlpatterns = [
    path("", views.wall, name="wall"),
    path("wishes/new/", views.wish_new, name="wish_new"),
    path("wishes/from-visit/<int:pk>/", views.wish_from_visit, name="wish_from_visit"),
    path("wishes/<int:pk>/", views.wish_detail, name="wish"),
    path("wishes/<int:pk>/<str:action>/", views.wish_action, name="wish_action"),
    path("wishes/<int:pk>/photo/<str:which>/", views.wish_photo, name="wish_photo"),
    path("activities/", views.activity_list, name="activities"),
    path("activities/new/", views.activity_new, name="activity_new"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/<int:pk>/qr.svg", views.activity_qr, name="activity_qr"),
    path("activities/<int:pk>/check-in/<str:token>/", views.activity_checkin, name="activity_checkin"),
    path("activities/<int:pk>/do/<str:action>/", views.activity_action, name="activity_action"),
    path("points/", views.point_list, name="points"),
    path("points/map/", views.point_map, name="point_map"),
    path("points/circles/", views.circle_coverage, name="circles"),
    path("points/circles.xlsx", views.circle_export, name="circles_export"),
    path("points/<int:pk>/", views.point_detail, name="point"),
    path("teams/", views.team_list, name="teams"),
    path("teams/<int:pk>/", views.team_detail, name="team"),
    path("call-outs/<int:pk>/", views.callout_detail, name="callout"),
    path("call-outs/<int:pk>/<str:action>/", views.callout_action, name="callout_action"),
    path("volunteers/", views.volunteers, name="volunteers"),
    path("errands/", views.errand_list, name="errands"),
    path("errands/<int:pk>/", views.errand_detail, name="errand"),
    path("errands/<int:pk>/<str:action>/", views.errand_action, name="errand_action"),
]
