from django.urls import path

from wangge.party import views

app_name = "party"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("organisations/new/", views.organisation_new, name="organisation_new"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/move/", views.organisation_move, name="organisation_move"),
    path("organisations/<int:pk>/staff/", views.unit_staff, name="unit_staff"),
    path("members/", views.member_list, name="members"),
    path("members/export/", views.member_export, name="member_export"),
    path("members/new/", views.member_new, name="member_new"),
    path("members/new/people/", views.person_search, name="person_search"),
    path("members/import/", views.member_import, name="member_import"),
    path("members/import/confirm/", views.member_import_confirm, name="member_import_confirm"),
    path("members/import/template.xlsx", views.member_import_template, name="member_import_template"),
    path("members/<int:pk>/", views.member_detail, name="member"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/leave/", views.member_leave, name="member_leave"),
    path("members/<int:pk>/central-household/", views.central_edit, name="central_edit"),
    path("coverage/", views.coverage, name="coverage"),
    path("items/", views.item_list, name="items"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("claims/<int:pk>/photo/", views.claim_photo, name="claim_photo"),
    path("mine/", views.mine, name="mine"),
    path("property/", views.property_list, name="property"),
    path("property/<int:pk>/", views.property_detail, name="property_company"),
    path("property/lists/<int:pk>/", views.property_listing, name="property_listing"),
    path("registrations/", views.registrations, name="registrations"),
]
