from django.contrib import admin

from wangge.party.models import (
    CentralHousehold,
    CommitteeMember,
    CoveredHousehold,
    PartyMember,
    PartyOrganisation,
    ServedRegion,
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
    list_display = ("person", "organisation", "status", "in_service", "grid")
    list_filter = ("status", "in_service")
    raw_id_fields = ("person", "organisation", "grid")


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
