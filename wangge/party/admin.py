from django.contrib import admin

from wangge.party.models import (
    CentralHousehold,
    CommitteeMember,
    CoveredHousehold,
    ItemClaim,
    PartyMember,
    PartyOrganisation,
    Registration,
    ServedRegion,
    ServiceItem,
)


class ServedInline(admin.TabularInline):
    """Read-only: areas and moves go through the services (API), which keep children inside parents."""

    model = ServedRegion
    fields = readonly_fields = ("region", "region_path")
    extra = max_num = 0
    can_delete = False


class CommitteeInline(admin.TabularInline):
    model = CommitteeMember
    raw_id_fields = ("member",)
    extra = 0


@admin.register(PartyOrganisation)
class PartyOrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("name",)
    raw_id_fields = ("community", "ledger_organisation", "secretary")
    readonly_fields = ("parent",)  # a move is checked for cycles and areas by the services
    inlines = [ServedInline, CommitteeInline]


@admin.register(PartyMember)
class PartyMemberAdmin(admin.ModelAdmin):
    list_display = ("person", "organisation", "status", "in_service", "grid", "left_on")
    list_filter = ("status", "in_service", "leave_kind")
    raw_id_fields = ("person", "organisation", "grid", "account")


class CoveredInline(admin.TabularInline):
    """Read-only: the limit and the one-cover-per-household rule are the services'."""

    model = CoveredHousehold
    fields = readonly_fields = ("household",)
    extra = max_num = 0
    can_delete = False


@admin.register(CentralHousehold)
class CentralHouseholdAdmin(admin.ModelAdmin):
    list_display = ("member", "created_at")
    raw_id_fields = ("member",)
    inlines = [CoveredInline]


class ClaimInline(admin.StackedInline):
    """Read-only: a claim is taken and done through the services (one per item, the photo checked)."""

    model = ItemClaim
    fields = readonly_fields = ("member", "unit", "status", "claimed_at", "note", "hours", "done_at", "photo")
    extra = max_num = 0
    can_delete = False


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "community", "status", "due_on")
    list_filter = ("kind", "status")
    search_fields = ("title",)
    raw_id_fields = ("community", "offered_by", "created_by")
    readonly_fields = ("status", "community")
    inlines = [ClaimInline]

    def has_add_permission(self, request):  # published through the services (the community's path, audit)
        return False


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ("community", "member", "unit", "status", "registered_at", "confirmed_at")
    list_filter = ("status",)
    raw_id_fields = ("member", "unit", "community", "registered_by", "confirmed_by")
    readonly_fields = ("member", "unit", "community", "status", "confirmed_at", "confirmed_by")

    def has_add_permission(self, request):  # registered and confirmed through the services
        return False
