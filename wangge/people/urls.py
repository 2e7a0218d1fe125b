from django.urls import path

from wangge.people import views

app_name = "people"
urlpatterns = [
    path("", views.index, name="index"),
    path("persons/", views.person_list, name="persons"),
    path("persons/new/", views.person_new, name="person_new"),
    path("persons/<int:pk>/", views.person_detail, name="person"),
    path("persons/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("persons/<int:person_pk>/labels/new/", views.label_new, name="label_new"),
    path("labels/<int:pk>/edit/", views.label_edit, name="label_edit"),
    path("labels/<int:pk>/delete/", views.label_delete, name="label_delete"),
    path("reveal/<str:kind>/<int:pk>/", views.reveal, name="reveal"),
    path("households/new/", views.household_new, name="household_new"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("buildings/", views.building_list, name="buildings"),
    path("buildings/new/", views.building_new, name="building_new"),
    path("buildings/<int:pk>/", views.building_detail, name="building"),
    path("buildings/<int:pk>/edit/", views.building_edit, name="building_edit"),
    path("houses/<int:pk>/", views.house_detail, name="house"),
    path("houses/<int:pk>/edit/", views.house_edit, name="house_edit"),
    path("compounds/new/", views.compound_new, name="compound_new"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/new/", views.organisation_new, name="organisation_new"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("facilities/", views.facility_list, name="facilities"),
    path("facilities/new/", views.facility_new, name="facility_new"),
    path("facilities/<int:pk>/edit/", views.facility_edit, name="facility_edit"),
    path("import/", views.import_page, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<str:kind>/template.xlsx", views.template_download, name="template"),
    path("export/<str:kind>/", views.export, name="export"),
]
