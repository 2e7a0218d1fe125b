from django.urls import path

from wangge.deliberation import views

app_name = "deliberation"
urlpatterns = [
    path("", views.index, name="index"),
    path("topics/new/", views.topic_new, name="topic_new"),
    path("topics/<int:pk>/", views.topic_detail, name="topic"),
    path("topics/<int:pk>/review/", views.topic_review, name="topic_review"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/<slug:action>/", views.meeting_act, name="meeting_act"),
]
