from django.contrib import admin

from wangge.mediation.models import Dispute, DisputeEvent, DisputeParty, DisputeSession


class PartyInline(admin.TabularInline):
    model = DisputeParty
    extra = 0
    fields = ("role", "name", "person", "phone_masked", "id_number_masked")
    readonly_fields = fields
    can_delete = False


class SessionInline(admin.TabularInline):
    model = DisputeSession
    extra = 0
    fields = ("held_on", "place", "notes", "recorded_by")
    readonly_fields = fields


class EventInline(admin.TabularInline):
    model = DisputeEvent
    extra = 0
    fields = ("at", "action", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    can_delete = False


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "status", "region", "mediator", "committee", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("title",)
    raw_id_fields = ("region", "mediator", "case", "created_by")
    readonly_fields = ("status", "region", "case", "created_by", "created_at", "concluded_at", "agreed_on")
    inlines = [PartyInline, SessionInline, EventInline]

    def has_add_permission(self, request):
        return False  # registered through the pages or the API (with their checks)
