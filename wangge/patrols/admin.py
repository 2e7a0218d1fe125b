from django.contrib import admin

from wangge.patrols.models import Patrol, PatrolCase, Visit, VisitPhoto


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


class VisitPhotoInline(admin.TabularInline):
    model = VisitPhoto
    extra = 0
    readonly_fields = ("file", "content_type", "size", "width", "height", "sha256")


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ("visited_on", "worker", "household", "person", "case")
    search_fields = ("worker__username",)
    date_hierarchy = "visited_on"
    raw_id_fields = ("worker", "household", "person", "case")
    inlines = [VisitPhotoInline]
