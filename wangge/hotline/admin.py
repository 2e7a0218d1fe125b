from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from wangge.hotline import importing, permissions
from wangge.hotline.models import CategoryMapping, HotlineOrder


@admin.register(CategoryMapping)
class CategoryMappingAdmin(admin.ModelAdmin):
    list_display = ("hotline_code", "hotline_name", "category", "is_active")
    list_editable = ("category", "is_active")
    search_fields = ("hotline_code", "hotline_name")
    list_filter = ("is_active",)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Work orders (.xlsx or .csv)"))
    dry_run = forms.BooleanField(label=_("Check only (dry run)"), required=False, initial=True)


@admin.register(HotlineOrder)
class HotlineOrderAdmin(admin.ModelAdmin):
    """Orders come in by the import page or the hotline's webhook; the caller's phone is shown masked."""

    list_display = ("number", "case", "hotline_category", "caller_phone_masked", "deadline", "channel", "imported_at")
    list_filter = ("channel",)
    search_fields = ("number",)
    readonly_fields = [f.name for f in HotlineOrder._meta.fields if f.name != "caller_phone_encrypted"]
    exclude = ("caller_phone_encrypted",)
    change_list_template = "admin/hotline/hotlineorder/change_list.html"

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="hotline_hotlineorder_import")
        ] + super().get_urls()

    def import_view(self, request):
        if not permissions.can_manage(request.user):
            raise PermissionDenied
        report = None
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > 10 * 1024 * 1024:
                form.add_error("file", _("The file is larger than %(mb)d MB.") % {"mb": 10})
            else:
                report = importing.import_file(
                    actor=request.user, name=upload.name, data=upload.read(), dry_run=form.cleaned_data["dry_run"]
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import 12345 work orders"),
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "admin/hotline/import.html", context)
