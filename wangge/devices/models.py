"""Devices that sense the grid and what they send.

- ``Vendor``: a maker or its cloud; its webhook signs bodies with one of its ``VendorKey``s (HMAC-SHA256).
  Keys are stored encrypted (``wangge.core.pii``), rotate (a new key beside the old until it is retired)
  and are never in the repository. Refused webhooks are counted per vendor.
- ``Device``: a sensor or camera at a point (its grid found by point lookup), optionally in a building or
  house of the ledger and protecting a person (alarms then urgent); state online/offline/alarming.
- ``DeviceMessage``: what a device said (heartbeat, reading, alarm), unique per device and ``message_id``
  so a replay has no second effect.
- ``AlarmMapping``: which sub-category a device kind's alarm type becomes (administrators edit it).
- ``UnknownDevice`` and ``DeadLetter``: serials nobody registered, and messages that could not be taken in.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.text import TextGuardMixin


class DeviceKind(models.TextChoices):
    SMOKE = "smoke", _("Smoke detector")
    DOOR = "door", _("Door sensor")
    WATER_LEAK = "water_leak", _("Water leak sensor")
    GAS = "gas", _("Gas detector")
    ELEVATOR = "elevator", _("Elevator monitor")
    THROW_CAMERA = "throw_camera", _("High-altitude-throw camera")
    FIRE_LANE_CAMERA = "fire_lane_camera", _("Fire-lane camera")


class DeviceState(models.TextChoices):
    ONLINE = "online", _("Online")
    OFFLINE = "offline", _("Offline")
    ALARMING = "alarming", _("Alarming")


class MessageKind(models.TextChoices):
    HEARTBEAT = "heartbeat", _("Heartbeat")
    READING = "reading", _("Reading")
    ALARM = "alarm", _("Alarm")


class Transport(models.TextChoices):
    MQTT = "mqtt", _("MQTT")
    WEBHOOK = "webhook", _("Webhook")
    REPLAY = "replay", _("Replay")


class Vendor(TextGuardMixin, models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True, help_text=_("Used in the webhook address."))
    name = models.CharField(_("name"), max_length=100)
    rejected_count = models.PositiveIntegerField(_("refused webhooks"), default=0, editable=False)
    last_rejected_at = models.DateTimeField(_("last refused"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class VendorKey(models.Model):
    """One signing key of a vendor, encrypted at rest; several may be active while a rotation runs."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="keys")
    secret_encrypted = models.CharField(max_length=300, editable=False)
    hint = models.CharField(_("last characters"), max_length=8, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        verbose_name = _("vendor key")
        verbose_name_plural = _("vendor keys")
        ordering = ["vendor", "-created_at"]

    def __str__(self) -> str:
        return f"…{self.hint}"


class Device(TextGuardMixin, models.Model):
    vendor = models.ForeignKey(Vendor, verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="devices")
    serial = models.CharField(_("serial number"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DeviceKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    building = models.ForeignKey(
        "people.Building",
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    house = models.ForeignKey(
        "people.House", verbose_name=_("house"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    protected_person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person protected"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("E.g. an elderly person living alone: this device's alarms are urgent."),
    )
    heartbeat_seconds = models.PositiveIntegerField(_("heartbeat interval (seconds)"), default=300)
    state = models.CharField(_("state"), max_length=12, choices=DeviceState.choices, default=DeviceState.ONLINE)
    last_heartbeat = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    last_alarm_at = models.DateTimeField(_("last alarm"), null=True, blank=True)
    alarm_case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    offline_case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["serial"]
        indexes = [models.Index(fields=["state", "kind"])]

    def __str__(self) -> str:
        return self.name or self.serial


class DeviceMessage(models.Model):
    # No index of its own: the unique (device, message_id) and the device's recent list start with it, and a
    # third copy of the column in random order cost a fifth of every heartbeat insert.
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="messages", db_index=False)
    message_id = models.CharField(_("message id"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=MessageKind.choices)
    type = models.CharField(_("type"), max_length=40, blank=True)
    value = models.JSONField(_("value"), null=True, blank=True)
    snapshot_url = models.CharField(_("snapshot"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("device time"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), db_index=True)
    clock_flagged = models.BooleanField(_("device clock off"), default=False)
    transport = models.CharField(_("transport"), max_length=10, choices=Transport.choices)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    folded = models.BooleanField(_("added to an open case"), default=False)

    class Meta:
        verbose_name = _("device message")
        verbose_name_plural = _("device messages")
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["device", "message_id"], name="device_message_once")]
        indexes = [
            models.Index(fields=["device", "-received_at", "-id"], name="device_message_recent"),
            models.Index(fields=["kind", "-received_at", "-id"], name="device_message_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.device_id} {self.kind} {self.message_id}"


class AlarmMapping(TextGuardMixin, models.Model):
    """A device kind's alarm type → the sub-category of its case. Blank kind or type: any; the most
    specific row wins (kind and type, then the type of any kind, then the kind). Type ``offline`` is the
    case raised for a silent device."""

    kind = models.CharField(_("device kind"), max_length=20, choices=DeviceKind.choices, blank=True)
    alarm_type = models.CharField(_("alarm type"), max_length=40, blank=True)
    category = models.ForeignKey(
        "cases.Category", verbose_name=_("sub-category"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("case title"), max_length=60, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("alarm mapping")
        verbose_name_plural = _("alarm mappings")
        ordering = ["kind", "alarm_type"]
        constraints = [models.UniqueConstraint(fields=["kind", "alarm_type"], name="alarm_mapping_once")]

    def __str__(self) -> str:
        return f"{self.kind or '*'}/{self.alarm_type or '*'}"


class UnknownDevice(models.Model):
    serial = models.CharField(_("serial number"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=20, blank=True)
    vendor = models.ForeignKey(Vendor, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    transport = models.CharField(_("transport"), max_length=10, choices=Transport.choices)
    messages = models.PositiveIntegerField(_("messages"), default=0)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"), db_index=True)
    last_payload = models.TextField(_("last message"), blank=True)

    class Meta:
        verbose_name = _("unknown device")
        verbose_name_plural = _("unknown devices")
        ordering = ["-last_seen", "-id"]

    def __str__(self) -> str:
        return self.serial


class DeadLetter(models.Model):
    transport = models.CharField(_("transport"), max_length=10, choices=Transport.choices)
    topic = models.CharField(_("topic or vendor"), max_length=200, blank=True)
    serial = models.CharField(_("serial number"), max_length=64, blank=True)
    kind = models.CharField(_("kind"), max_length=20, blank=True)
    payload = models.TextField(_("body"), blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    retryable = models.BooleanField(_("may be replayed"), default=False)
    received_at = models.DateTimeField(_("received"), db_index=True)
    replayed_at = models.DateTimeField(_("replayed"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("replays"), default=0)

    class Meta:
        verbose_name = _("dead letter")
        verbose_name_plural = _("dead letters")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.topic} {self.reason}"
