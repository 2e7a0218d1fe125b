from django.urls import path

from wangge.inbox import views

app_name = "inbox"
urlpatterns = [
    path("", views.inbox, name="list"),
    path("read-all/", views.read_all, name="read_all"),
    path("<int:message_id>/", views.open_message, name="open"),
]
