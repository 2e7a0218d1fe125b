"""12345 hotline work orders (工单) taken into the case loop, and the mapping from the hotline's dispatch
catalogue (派单目录) to our categories."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.text import TextGuardMixin


class CategoryMapping(TextGuardMixin, models.Model):
    """One entry of the hotline's 派单目录 and the sub-category of ours it becomes."""

    hotline_code = models.CharField(_("hotline category code"), max_length=40, unique=True)
    hotline_name = models.CharField(_("hotline category"), max_length=100)
    category = models.ForeignKey(
        "cases.Category", verbose_name=_("our category"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("hotline category mapping")
        verbose_name_plural = _("hotline category mappings")
        ordering = ["hotline_code"]

    def __str__(self) -> str:
        return f"{self.hotline_code} {self.hotline_name}"


class Channel(models.TextChoices):
    EXCEL = "excel", _("Excel file")
    CSV = "csv", _("CSV file")
    WEBHOOK = "webhook", _("Webhook")


class HotlineOrder(models.Model):
    """A work order as the hotline sent it; its case is the loop's (source ``hotline``)."""

    number = models.CharField(_("hotline number"), max_length=40, unique=True)
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="hotline_order"
    )
    hotline_category = models.CharField(_("hotline category code"), max_length=40)
    caller_name = models.CharField(_("caller"), max_length=60, blank=True)
    caller_phone_encrypted = models.CharField(max_length=200, blank=True, editable=False)
    caller_phone_masked = models.CharField(_("caller's phone"), max_length=24, blank=True)
    received_at = models.DateTimeField(_("received by the hotline"), null=True, blank=True)
    deadline = models.DateTimeField(_("hotline deadline"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    region_path = models.CharField(max_length=255, db_index=True)  # the case's, for scope and the 三率
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported"), db_index=True)
    last_pushed_status = models.CharField(_("last status sent back"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("hotline work order")
        verbose_name_plural = _("hotline work orders")
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return self.number
