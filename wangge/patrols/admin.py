from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from wangge.patrols import services
from wangge.patrols.models import Patrol, PatrolCase, Vehicle, Visit, VisitPhoto
from wangge.patrols.plates import normalise_plate


class VehicleForm(forms.ModelForm):
    """The services' rules in the admin: the plate as printed, drivers who patrol in the car's region."""

    class Meta:
        model = Vehicle
        fields = ("plate", "label", "region", "drivers", "odometer_km", "is_active")

    def clean_plate(self):
        try:
            return normalise_plate(self.cleaned_data["plate"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["plate"]) from None

    def clean(self):
        data = super().clean()
        region, drivers = data.get("region"), data.get("drivers")
        if region is not None and drivers:
            try:
                services.check_drivers(region, [u.pk for u in drivers])
            except ValidationError as error:
                self.add_error("drivers", error.message_dict["drivers"])
        return data


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    form = VehicleForm
    list_display = ("plate", "label", "region", "odometer_km", "is_active")
    list_filter = ("is_active",)
    search_fields = ("plate", "label", "region__name", "region__code")
    raw_id_fields = ("region",)
    filter_horizontal = ("drivers",)


class PatrolCaseInline(admin.TabularInline):
    model = PatrolCase
    extra = 0
    raw_id_fields = ("case",)


@admin.register(Patrol)
class PatrolAdmin(admin.ModelAdmin):
    list_display = ("worker", "region", "vehicle", "started_at", "ended_at", "distance_m", "duration_s", "point_count")
    list_filter = ("closed_automatically",)
    search_fields = ("worker__username", "region__code", "vehicle__plate")
    date_hierarchy = "started_at"
    raw_id_fields = ("worker", "region", "vehicle")
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
