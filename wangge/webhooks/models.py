"""Outbound webhooks: who hears which event (``Subscription``), every body queued for a receiver
(``Delivery``, written in the transaction of what happened) and every attempt to send it (``Attempt``:
response code, time taken, error)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.text import TextGuardMixin


class Event(models.TextChoices):
    CASE_REPORTED = "case.reported", _("Case reported")
    CASE_TRANSITIONED = "case.transitioned", _("Case transitioned")
    CASE_OVERDUE = "case.overdue", _("Case overdue")
    CASE_CLOSED = "case.closed", _("Case closed")
    CASE_RATED = "case.rated", _("Case rated")
    DEVICE_ALARM = "device.alarm", _("Device alarm")


class Subscription(TextGuardMixin, models.Model):
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("receiver URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    # The HMAC key, AES-GCM encrypted (core.pii); shown once when made or rotated, never again.
    secret_encrypted = models.CharField(max_length=300, editable=False)
    secret_hint = models.CharField(_("last characters"), max_length=8, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    # Kept by an adapter that owns it (e.g. the 12345 hotline's status push); "" for one made by hand.
    owner = models.CharField(_("owner"), max_length=40, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=40)
    body = models.TextField(_("body"))  # the exact bytes signed and sent (UTF-8 JSON)
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices, default="pending")
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last response code"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), db_index=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    replay_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["subscription", "-created_at", "-id"], name="webhook_delivery_keyset"),
            # What a sender claims (the pending ones due first): the delivered and failed rows stay out of it.
            models.Index(
                fields=["next_attempt_at", "id"], condition=models.Q(status="pending"), name="webhook_delivery_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id} #{self.pk}"


class Attempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log")
    number = models.PositiveSmallIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started"))
    duration_ms = models.PositiveIntegerField(_("time taken (ms)"))
    status_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"#{self.delivery_id}.{self.number} {self.status_code or self.error}"
