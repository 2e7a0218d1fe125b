from django.contrib import admin, messages
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.regions import services
from wangge.regions.forms import GeoJSONImportForm
from wangge.regions.models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "household_count", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("code", "name")
    readonly_fields = ("path", "depth", "district_code", "boundary", "parent")
    fields = (
        "code",
        "name",
        "level",
        "parent",
        "special_kind",
        "household_count",
        "population",
        "is_active",
        "path",
        "depth",
        "district_code",
        "boundary",
    )
    list_select_related = ("parent",)
    show_full_result_count = False
    change_list_template = "admin/regions/region_change_list.html"

    def has_add_permission(self, request):
        # New regions come through the GeoJSON import or the API, which check codes and boundaries.
        return False

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "code", "level") if obj else self.readonly_fields

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="regions_region_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        report = None
        form = GeoJSONImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            dry_run = form.cleaned_data["dry_run"]
            try:
                report = services.import_feature_collection(
                    actor=request.user, data=form.cleaned_data["file"], dry_run=dry_run
                )
            except services.ImportFailed as failed:
                report = failed.report
                messages.error(request, _("Nothing was written: fix the problems below and upload again."))
            else:
                if dry_run and report.ok:
                    messages.info(
                        request, _("All %(n)d features are valid. Untick dry run to write them.") % {"n": report.total}
                    )
                elif not dry_run:
                    messages.success(request, _("%(n)d regions were created.") % {"n": report.created})
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "report": report,
            "title": gettext_lazy("Import regions from GeoJSON"),
            "opts": self.model._meta,
        }
        return render(request, "admin/regions/import.html", context)
