"""The roll-ups are derived data: visible for inspection, never edited (rebuild with
``manage.py rebuild_rollups``)."""

from django.contrib import admin

from wangge.rollups.models import CaseRollup


@admin.register(CaseRollup)
class CaseRollupAdmin(admin.ModelAdmin):
    list_display = ("day", "path", "category_id", "department_id", "source", "reported", "closed", "due", "finished")
    list_filter = ("source",)
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
