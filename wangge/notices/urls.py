from django.urls import path

from wangge.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("new/", views.notice_new, name="new"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/respond/", views.respond, name="respond"),
    path("<int:pk>/edit/", views.notice_edit, name="edit"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results/export/", views.export, name="export"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
