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
    model = ServedRegion
    raw_id_fields = ("region",)
    readonly_fields = ("region_path",)
    extra = 0


class CommitteeInline(admin.TabularInline):
    model = CommitteeMember
    raw_id_fields = ("member",)
    extra = 0


@admin.register(PartyOrganisation)
class PartyOrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("name",)
    raw_id_fields = ("parent", "community", "ledger_organisation", "secretary")
    inlines = [ServedInline, CommitteeInline]


@admin.register(PartyMember)
class PartyMemberAdmin(admin.ModelAdmin):
    list_display = ("person", "organisation", "status", "in_service", "grid")
    list_filter = ("status", "in_service")
    raw_id_fields = ("person", "organisation", "grid")


class CoveredInline(admin.TabularInline):
    model = CoveredHousehold
    raw_id_fields = ("household",)
    extra = 0


@admin.register(CentralHousehold)
class CentralHouseholdAdmin(admin.ModelAdmin):
    list_display = ("member", "created_at")
    raw_id_fields = ("member",)
    inlines = [CoveredInline]
