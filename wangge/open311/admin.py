from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.open311 import services
from wangge.open311.models import ClientApp, ServiceAttribute, ServiceRequest


@admin.register(ClientApp)
class ClientAppAdmin(admin.ModelAdmin):
    """A key is made when the client is saved the first time (shown once) or by "new key"; never readable."""

    list_display = ("name", "prefix", "requests_per_minute", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("name", "contact", "prefix")
    fields = ("name", "contact", "requests_per_minute", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke", "new_key"]

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the requests it posted keep their client

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        key, client = services.create_client(
            actor=request.user, name=obj.name, contact=obj.contact, requests_per_minute=obj.requests_per_minute
        )
        obj.pk, obj.key_hash, obj.prefix, obj.created_at = client.pk, client.key_hash, client.prefix, client.created_at
        self.message_user(
            request,
            _("API key of %(name)s (copy it now, it is not shown again): %(key)s") % {"name": client.name, "key": key},
            messages.WARNING,
        )

    @admin.action(description=gettext_lazy("Revoke the API key"))
    def revoke(self, request, queryset):
        count = sum(services.revoke_client(actor=request.user, client=client) for client in queryset)
        self.message_user(request, _("%(n)d keys revoked.") % {"n": count}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Make a new API key (shown once; the old one stops working)"))
    def new_key(self, request, queryset):
        for client in queryset:
            key = services.rotate_key(actor=request.user, client=client)
            self.message_user(
                request,
                _("API key of %(name)s (copy it now, it is not shown again): %(key)s")
                % {"name": client.name, "key": key},
                messages.WARNING,
            )


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin):
    list_display = ("category", "code", "description", "datatype", "required", "order", "is_active")
    list_filter = ("datatype", "required", "is_active")
    search_fields = ("code", "description", "category__code", "category__name")
    raw_id_fields = ("category",)


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin):
    """Read-only: what a client posted beside the case (the personal data stays encrypted here)."""

    list_display = ("case", "client", "created_at", "media_url")
    list_filter = ("client",)
    search_fields = ("case__number",)
    fields = ("case", "client", "created_at", "attributes", "media_url", "device_id", "account_id")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
