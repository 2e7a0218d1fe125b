from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from wangge.core import uploads
from wangge.services import conf, services
from wangge.services.models import (
    Activity,
    CallOut,
    Errand,
    RoadNetwork,
    ServicePoint,
    SignUp,
    TeamMember,
    VolunteerTeam,
    Wish,
)


@admin.register(ServicePoint)
class ServicePointAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "opening_hours", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "address")
    raw_id_fields = ("region",)

    def save_model(self, request, obj, form, change):
        obj.region_path = obj.region.path
        super().save_model(request, obj, form, change)


@admin.register(Wish)
class WishAdmin(admin.ModelAdmin):
    list_display = ("title", "community", "status", "claimant_name", "created_at")
    list_filter = ("status",)
    search_fields = ("title",)
    raw_id_fields = ("region", "community", "compound", "posted_by", "reviewed_by", "claimed_by")
    readonly_fields = ("beneficiary_phone_masked",)
    exclude = ("beneficiary_phone_encrypted",)


class SignUpInline(admin.TabularInline):
    model = SignUp
    extra = 0
    raw_id_fields = ("user", "checked_in_by")


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "starts_at", "capacity", "organiser", "cancelled_at")
    list_filter = ("kind", "audience")
    search_fields = ("title", "organiser")
    raw_id_fields = ("region", "point", "created_by")
    inlines = [SignUpInline]

    def save_model(self, request, obj, form, change):
        obj.region_path = obj.region.path
        super().save_model(request, obj, form, change)


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    raw_id_fields = ("user",)


@admin.register(VolunteerTeam)
class VolunteerTeamAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "created_at")
    search_fields = ("name",)
    raw_id_fields = ("region",)
    inlines = [TeamMemberInline]

    def save_model(self, request, obj, form, change):
        obj.region_path = obj.region.path
        super().save_model(request, obj, form, change)


@admin.register(CallOut)
class CallOutAdmin(admin.ModelAdmin):
    list_display = ("title", "team", "status", "created_at", "response_seconds")
    list_filter = ("status",)
    raw_id_fields = ("team", "created_by", "accepted_by")


@admin.register(Errand)
class ErrandAdmin(admin.ModelAdmin):
    list_display = ("category", "region", "status", "created_at", "due_at", "assignee")
    list_filter = ("category", "status")
    raw_id_fields = ("region", "requested_by", "assignee")


class RoadImportForm(forms.Form):
    region = forms.CharField(label=_("Street or district code"), max_length=24)
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    file = forms.FileField(label=_("Road lines (GeoJSON)"))


@admin.register(RoadNetwork)
class RoadNetworkAdmin(admin.ModelAdmin):
    """Networks come in through the import page (or ``manage.py import_roads``); the report of each import
    (lines kept and skipped, disconnected pieces) is on the row."""

    list_display = ("region", "name", "lines", "skipped", "nodes", "components", "imported_at", "imported_by")
    readonly_fields = ("region", "lines", "skipped", "nodes", "components", "imported_at", "imported_by")
    search_fields = ("name", "region__name", "region__code")
    change_list_template = "admin/services/roadnetwork/change_list.html"

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.coverage_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        services.coverage_changed()

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="services_roadnetwork_import")
        ] + super().get_urls()

    def import_view(self, request):
        form = RoadImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                uploads.check_size(upload, max_bytes=conf.road_max_bytes())  # before reading it
                done = services.import_roads(
                    actor=request.user,
                    region=form.cleaned_data["region"],
                    name=form.cleaned_data["name"],
                    data=upload.read(),
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    _(
                        "Roads imported: %(lines)d lines kept, %(skipped)d skipped as broken, %(components)d "
                        "disconnected piece(s)."
                    )
                    % {"lines": done.lines, "skipped": done.skipped, "components": done.components},
                )
                return redirect("admin:services_roadnetwork_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import a road network"),
            "form": form,
        }
        return TemplateResponse(request, "admin/services/roads_import.html", context)
