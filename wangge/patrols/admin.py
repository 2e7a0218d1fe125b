from django.contrib import admin

from wangge.patrols.models import Patrol, PatrolCase


class PatrolCaseInline(admin.TabularInline):
    model = PatrolCase
    extra = 0
    raw_id_fields = ("case",)


@admin.register(Patrol)
class PatrolAdmin(admin.ModelAdmin):
    list_display = ("worker", "region", "started_at", "ended_at", "distance_m", "duration_s", "point_count")
    list_filter = ("closed_automatically",)
    search_fields = ("worker__username", "region__code")
    date_hierarchy = "started_at"
    raw_id_fields = ("worker", "region")
    readonly_fields = ("distance_m", "duration_s", "point_count", "flagged_count", "dropped_jumps", "regions_passed")
    inlines = [PatrolCaseInline]
