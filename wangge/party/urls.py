from django.urls import path

from wangge.party import views

app_name = "party"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("members/", views.member_list, name="members"),
    path("members/export/", views.member_export, name="member_export"),
    path("members/<int:pk>/", views.member_detail, name="member"),
    path("members/<int:pk>/central-household/", views.central_edit, name="central_edit"),
    path("coverage/", views.coverage, name="coverage"),
    path("items/", views.item_list, name="items"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("claims/<int:pk>/photo/", views.claim_photo, name="claim_photo"),
    path("mine/", views.mine, name="mine"),
    path("registrations/", views.registrations, name="registrations"),
]
