from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.devices import services
from wangge.devices.models import AlarmMapping, DeadLetter, Device, DeviceMessage, UnknownDevice, Vendor, VendorKey


class VendorKeyInline(admin.TabularInline):
    """Keys are made by the "rotate" action (shown once) and retired here; never readable."""

    model = VendorKey
    fields = ("hint", "is_active", "created_at", "retired_at")
    readonly_fields = ("hint", "created_at", "retired_at")
    extra = max_num = 0
    can_delete = False


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "rejected_count", "last_rejected_at")
    readonly_fields = ("rejected_count", "last_rejected_at")
    inlines = [VendorKeyInline]
    actions = ["rotate_key"]

    @admin.action(description=gettext_lazy("Add a new signing key (shown once)"))
    def rotate_key(self, request, queryset):
        for vendor in queryset:
            secret = services.rotate_key(actor=request.user, vendor=vendor)
            self.message_user(
                request,
                _("New key of %(vendor)s (copy it now, it is not shown again): %(key)s")
                % {"vendor": vendor.code, "key": secret},
                messages.WARNING,
            )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and not obj.keys.exists():
            secret = services.rotate_key(actor=request.user, vendor=obj)
            self.message_user(
                request,
                _("Signing key (copy it now, it is not shown again): %(key)s") % {"key": secret},
                messages.WARNING,
            )


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ("serial", "kind", "name", "vendor", "state", "last_heartbeat", "region")
    list_filter = ("kind", "state", "vendor")
    search_fields = ("serial", "name", "address")
    raw_id_fields = ("region", "building", "house", "protected_person")
    readonly_fields = ("region_path", "state", "last_heartbeat", "last_alarm_at")

    def save_model(self, request, obj, form, change):
        obj.region_path = obj.region.path
        super().save_model(request, obj, form, change)


@admin.register(DeviceMessage)
class DeviceMessageAdmin(admin.ModelAdmin):
    list_display = ("device", "kind", "type", "received_at", "clock_flagged", "case", "folded")
    list_filter = ("kind", "transport", "clock_flagged")
    raw_id_fields = ("device", "case")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AlarmMapping)
class AlarmMappingAdmin(admin.ModelAdmin):
    list_display = ("kind", "alarm_type", "category", "title", "is_active")
    list_editable = ("category", "is_active")
    list_filter = ("kind", "is_active")


@admin.register(UnknownDevice)
class UnknownDeviceAdmin(admin.ModelAdmin):
    list_display = ("serial", "kind", "transport", "messages", "first_seen", "last_seen")
    search_fields = ("serial",)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DeadLetter)
class DeadLetterAdmin(admin.ModelAdmin):
    list_display = ("received_at", "transport", "serial", "kind", "reason", "retryable", "replayed_at")
    list_filter = ("transport", "retryable")
    actions = ["replay"]

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Take these in again"))
    def replay(self, request, queryset):
        counts = services.replay_dead_letters(actor=request.user, ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "-")
