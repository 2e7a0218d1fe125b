"""The ledger in the admin site: read-only and masked. Writes go through the pages, the API and the
Excel import, which check, audit and scope them."""

from django.contrib import admin

from wangge.people.models import Building, Compound, Facility, House, Household, Organisation, Person, PersonLabel


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("name", "gender", "birth_date", "id_number_masked", "phone_masked", "population_type", "region")
    list_filter = ("population_type", "status", "gender")
    search_fields = ("name",)
    list_select_related = ("region",)
    exclude = ("id_number_encrypted", "id_number_index", "phone_encrypted", "phone_index")
    readonly_fields = ("id_number_masked", "phone_masked", "region_path")
    raw_id_fields = ("household", "house", "region")


@admin.register(PersonLabel)
class PersonLabelAdmin(ReadOnlyAdmin):
    list_display = ("person", "kind", "since")
    list_filter = ("kind",)
    raw_id_fields = ("person",)


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ("id", "number", "house", "head", "region")
    raw_id_fields = ("house", "head", "region")
    list_select_related = ("house", "head", "region")


@admin.register(House)
class HouseAdmin(ReadOnlyAdmin):
    list_display = ("address", "use", "area", "owner_name", "owner_phone_masked")
    list_filter = ("use",)
    search_fields = ("address",)
    exclude = ("owner_phone_encrypted", "owner_phone_index")
    readonly_fields = ("owner_phone_masked",)
    raw_id_fields = ("building", "region")


@admin.register(Building)
class BuildingAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "use", "floors", "units", "rooms_per_floor", "region")
    list_filter = ("use",)
    search_fields = ("name", "compound__name")
    list_select_related = ("compound", "region")
    raw_id_fields = ("compound", "region")


@admin.register(Compound)
class CompoundAdmin(ReadOnlyAdmin):
    list_display = ("name", "address", "region")
    search_fields = ("name",)
    raw_id_fields = ("property_company", "region")


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "credit_code", "legal_person", "phone_masked", "region")
    list_filter = ("kind", "is_key", "is_active")
    search_fields = ("name", "credit_code")
    exclude = ("phone_encrypted", "phone_index")
    readonly_fields = ("phone_masked",)
    raw_id_fields = ("building", "region")


@admin.register(Facility)
class FacilityAdmin(ReadOnlyAdmin):
    list_display = ("code", "kind", "status", "owner", "region")
    list_filter = ("kind", "status")
    search_fields = ("code",)
    raw_id_fields = ("region",)
