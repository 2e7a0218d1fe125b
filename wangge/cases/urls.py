from django.urls import path

from wangge.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("new/", views.new, name="new"),
    path("report/", views.report, name="report"),
    path("report/done/", views.report_done, name="report_done"),
    path("suggest/", views.suggest, name="suggest"),
    path("nearby/", views.nearby, name="nearby"),
    path("locate/", views.locate, name="locate"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/do/<str:action>/", views.act, name="act"),
    path("<str:number>/photos/<int:photo_id>/", views.photo, name="photo"),
]
