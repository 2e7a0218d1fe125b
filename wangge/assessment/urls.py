from django.urls import path

from wangge.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.index, name="index"),
    path("bulletins/", views.bulletins, name="bulletins"),
    path("bulletins/generate/", views.generate, name="generate"),
    path("bulletins/<int:pk>/", views.bulletin, name="bulletin"),
    path("bulletins/<int:pk>/xlsx/", views.bulletin_xlsx, name="bulletin_xlsx"),
    path("weekly/", views.weekly, name="weekly"),
    path("weekly/<int:pk>/", views.plan, name="plan"),
    path("weekly/<int:pk>/publish/", views.publish, name="publish"),
    path("points/", views.ledger, name="ledger"),
]
