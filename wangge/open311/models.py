"""Open311 GeoReport v2: the client applications that hold API keys, the extra attributes a service asks
for (its service definition), and the link from a request posted through Open311 to its case.

A key is shown once when made; only its SHA-256 is stored. The reporter's e-mail and name are personal
data: encrypted like the ledger's (``core.pii``); their phone number goes to the case, encrypted there.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ClientApp(models.Model):
    """A third-party application allowed to post requests (FixMyStreet, a city's app, a kiosk)."""

    name = models.CharField(_("name"), max_length=100)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("key prefix"), max_length=12, editable=False)
    requests_per_minute = models.PositiveIntegerField(
        _("requests per minute"), default=120, help_text=_("Reads and writes with this key, per minute.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Open311 client application")
        verbose_name_plural = _("Open311 client applications")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Datatype(models.TextChoices):
    STRING = "string", _("Text (one line)")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Text (several lines)")
    SINGLE = "singlevaluelist", _("One of a list")
    MULTI = "multivaluelist", _("Several of a list")


class ServiceAttribute(models.Model):
    """One extra question of a service (a public sub-category), e.g. "how large is the hole?"."""

    category = models.ForeignKey(
        "cases.Category", verbose_name=_("category"), on_delete=models.CASCADE, related_name="open311_attributes"
    )
    code = models.SlugField(_("code"), max_length=40)
    description = models.CharField(_("question"), max_length=200)
    datatype = models.CharField(_("type"), max_length=16, choices=Datatype.choices, default=Datatype.STRING)
    datatype_description = models.CharField(_("how to answer"), max_length=200, blank=True)
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    # For the two list types: [{"key": "small", "name": "小于一米"}, …].
    values = models.JSONField(_("values"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("Open311 service attribute")
        verbose_name_plural = _("Open311 service attributes")
        ordering = ["category", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="open311_attribute_code_unique")]

    def __str__(self) -> str:
        return f"{self.category.code}/{self.code}"

    def keys(self) -> list[str]:
        return [str(v.get("key")) for v in self.values if isinstance(v, dict)]


class ServiceRequest(models.Model):
    """A request posted through Open311: its case, the client that posted it and what only Open311 carries."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="open311_request")
    client = models.ForeignKey(ClientApp, on_delete=models.PROTECT, related_name="requests")
    token = models.CharField(max_length=40, unique=True)
    email_encrypted = models.CharField(max_length=400, blank=True)
    first_name_encrypted = models.CharField(max_length=300, blank=True)
    last_name_encrypted = models.CharField(max_length=300, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    media_url = models.URLField(max_length=500, blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.case.number
