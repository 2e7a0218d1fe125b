from django.contrib import admin

from wangge.assessment.models import Bulletin, Indicator, PointEntry, PointRule, WeeklyPlan


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "subject", "numerator", "denominator", "weight", "higher_is_better", "is_active")
    list_editable = ("weight", "is_active")
    list_filter = ("subject", "is_active")
    ordering = ("subject", "order")


@admin.register(PointRule)
class PointRuleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "trigger", "points", "is_active")
    list_editable = ("points", "is_active")


@admin.register(PointEntry)
class PointEntryAdmin(admin.ModelAdmin):
    list_display = ("day", "user", "rule", "points", "case", "note")
    list_filter = ("rule",)
    raw_id_fields = ("user", "case", "event", "created_by")
    date_hierarchy = "day"

    def has_change_permission(self, request, obj=None):
        return False  # a ledger is corrected by a new line, never edited


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    list_display = ("title", "region", "period_start", "period_end", "generated_at")
    readonly_fields = ("region", "period_start", "period_end", "title", "data", "generated_at", "generated_by")

    def has_add_permission(self, request):
        return False


@admin.register(WeeklyPlan)
class WeeklyPlanAdmin(admin.ModelAdmin):
    list_display = ("title", "region", "week_start", "published_at", "recipients")
    readonly_fields = ("published_at", "recipients", "created_by")
