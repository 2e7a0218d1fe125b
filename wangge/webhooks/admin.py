from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.webhooks import services
from wangge.webhooks.models import Attempt, Delivery, Event, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """Made through the service (the secret is shown once, in a message); never readable afterwards."""

    list_display = ("name", "url", "events", "is_active", "owner", "secret_hint", "created_at")
    list_filter = ("is_active", "owner")
    readonly_fields = ("secret_hint", "owner", "created_by", "created_at")
    actions = ["rotate_secret"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "events":
            from django import forms

            return forms.MultipleChoiceField(
                label=db_field.verbose_name, choices=Event.choices, widget=forms.CheckboxSelectMultiple, required=False
            )
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            services.update_subscription(
                actor=request.user,
                subscription=obj,
                name=obj.name,
                url=obj.url,
                events=list(obj.events),
                is_active=obj.is_active,
            )
            return
        created, secret = services.create_subscription(
            actor=request.user, name=obj.name, url=obj.url, events=list(obj.events), is_active=obj.is_active
        )
        obj.pk = created.pk
        self.message_user(
            request,
            _("Signing secret (copy it now, it is not shown again): %(secret)s") % {"secret": secret},
            messages.WARNING,
        )

    def delete_model(self, request, obj):
        services.delete_subscription(actor=request.user, subscription=obj)

    def delete_queryset(self, request, queryset):
        for subscription in queryset:  # through the service: audited, and the senders' snapshot dropped
            services.delete_subscription(actor=request.user, subscription=subscription)

    @admin.action(description=gettext_lazy("Rotate the signing secret (shown once)"))
    def rotate_secret(self, request, queryset):
        for subscription in queryset:
            secret = services.rotate_secret(actor=request.user, subscription=subscription)
            self.message_user(
                request,
                _("New secret of %(name)s (copy it now, it is not shown again): %(secret)s")
                % {"name": subscription.name, "secret": secret},
                messages.WARNING,
            )


class AttemptInline(admin.TabularInline):
    model = Attempt
    fields = ("number", "started_at", "duration_ms", "status_code", "error")
    readonly_fields = fields
    extra = max_num = 0
    can_delete = False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("id", "event", "subscription", "status", "attempts", "last_status_code", "created_at")
    list_filter = ("status", "event", "subscription")
    readonly_fields = [f.name for f in Delivery._meta.fields]
    inlines = [AttemptInline]
    actions = ["replay"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=gettext_lazy("Replay (send the same body again)"))
    def replay(self, request, queryset):
        for delivery in queryset:
            services.replay(actor=request.user, delivery=delivery)
        self.message_user(request, _("%(n)d deliveries queued again.") % {"n": queryset.count()})
