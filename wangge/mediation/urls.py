from django.urls import path

from wangge.mediation import views

app_name = "mediation"
urlpatterns = [
    path("", views.dispute_list, name="list"),
    path("new/", views.dispute_new, name="new"),
    path("rates/", views.rates, name="rates"),
    path("recurring/", views.recurring, name="recurring"),
    path("export/", views.export, name="export"),
    path("from-case/<str:number>/", views.from_case, name="from_case"),
    path("<int:pk>/", views.dispute_detail, name="detail"),
    path("<int:pk>/do/<str:action>/", views.act, name="act"),
    path("<int:pk>/reveal/", views.reveal, name="reveal"),
]
