from django.urls import path

from wangge.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("map/", views.map_page, name="map"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/card/", views.card, name="card"),
    path("<str:code>/children/", views.tree_children, name="children"),
]
