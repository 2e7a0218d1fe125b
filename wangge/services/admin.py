from django.contrib import admin

from wangge.services.models import Activity, CallOut, Errand, ServicePoint, SignUp, TeamMember, VolunteerTeam, Wish


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
