"""矛盾纠纷排查化解: disputes, their parties, mediation sessions and the timeline.

- ``Dispute``: one dispute in a grid (``region_path`` copies the grid's materialized path for scoping), its
  kind, the mediator (a staff account, a mediation committee, or both), the agreement and its fulfilment,
  an escalation (judicial confirmation or another body), and the case it came from (at most one dispute per
  case). Its status changes only through ``services.move`` (the table ``services.RULES``).
- ``DisputeParty``: a party: a ledger person (name and numbers copied from the ledger) or a named party;
  phone and ID number kept as the ledger keeps them (encrypted, blind-indexed, masked).
- ``DisputeSession``: one mediation session (date, place, notes).
- ``DisputeEvent``: the timeline: every status change and every recorded step.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wangge.core.text import TextGuardMixin
from wangge.people.models import PiiMixin


class DisputeKind(models.TextChoices):
    NEIGHBOUR = "neighbour", _("Neighbours (邻里)")
    PROPERTY = "property", _("Property management (物业)")
    LABOUR = "labour", _("Labour and wages (劳资)")
    FAMILY = "family", _("Marriage and family (家庭)")
    LAND = "land", _("Land and homesteads (土地)")
    TENANCY = "tenancy", _("Tenancy (租赁)")
    DEBT = "debt", _("Debts and partnerships (债务)")
    OTHER = "other", _("Other")


class DisputeStatus(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("dispute", "Registered")
    MEDIATING = "mediating", _("Mediating")
    AGREED = "agreed", _("Agreed")
    FAILED = "failed", _("Mediation failed")
    FULFILLED = "fulfilled", _("Fulfilled")
    ESCALATED = "escalated", _("Escalated")


OPEN_STATUSES = (DisputeStatus.REGISTERED, DisputeStatus.MEDIATING)


class EscalationBody(models.TextChoices):
    JUDICIAL = "judicial", _("Judicial confirmation (司法确认)")
    COURT = "court", _("People's court (诉讼)")
    ARBITRATION = "arbitration", _("Labour arbitration (仲裁)")
    LETTERS = "letters", _("Letters and visits (信访)")
    OTHER = "other", _("Another body")


class Dispute(TextGuardMixin, models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=DisputeKind.choices, default=DisputeKind.OTHER)
    title = models.CharField(_("title"), max_length=120)
    summary = models.TextField(_("summary"), max_length=5000, blank=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=DisputeStatus.choices, default=DisputeStatus.REGISTERED
    )
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mediator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    committee = models.CharField(_("mediation committee"), max_length=100, blank=True)
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreement = models.TextField(_("agreement"), max_length=5000, blank=True)
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    fulfilment = models.TextField(_("fulfilment"), max_length=2000, blank=True)
    fulfilled_on = models.DateField(_("fulfilled on"), null=True, blank=True)
    escalated_to = models.CharField(_("escalated to"), max_length=16, choices=EscalationBody.choices, blank=True)
    escalation_note = models.CharField(_("escalation note"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("registered at"), db_index=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        indexes = [models.Index(fields=["region_path", "-created_at"], name="dispute_path_created")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def mediator_label(self) -> str:
        who = [self.committee] if self.committee else []
        if self.mediator_id:
            who.insert(0, self.mediator.get_full_name() or self.mediator.username)
        return " · ".join(who)


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    RESPONDENT = "respondent", _("Respondent")
    OTHER = "other", _("Other party")


class DisputeParty(PiiMixin, TextGuardMixin, models.Model):
    PII_FIELDS = {"id_number": "id_number", "phone": "phone"}

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=16, choices=PartyRole.choices, default=PartyRole.APPLICANT)
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("name"), max_length=60)
    id_number_encrypted = models.CharField(max_length=200, blank=True, editable=False)
    id_number_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=32, blank=True, editable=False)
    phone_encrypted = models.CharField(max_length=200, blank=True, editable=False)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=32, blank=True, editable=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["dispute", "position", "id"]

    def __str__(self) -> str:
        return self.name


class DisputeSession(TextGuardMixin, models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=100)
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["dispute", "held_on", "id"]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.held_on}"


class DisputeEvent(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["dispute", "at", "id"]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.action}"
