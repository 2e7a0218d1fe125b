"""Assessment (考核): indicator definitions as data, the points ledger and its rules, monthly
bulletins and weekly task lists.

An indicator is a ratio of two formulas over the roll-up counters (``rollups.timeline``), so every
figure can be recomputed from the cases' timelines for any period and any unit.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wangge.assessment import formulas


class Subject(models.TextChoices):
    CASES = "cases", _("Cases of a region or department")
    PERSON = "person", _("A grid worker's own work")
    PARTY = "party", _("Party work of a region")
    PATROLS = "patrols", _("Patrols and household visits of a region")


class Indicator(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    subject = models.CharField(_("applies to"), max_length=16, choices=Subject.choices, default=Subject.CASES)
    numerator = models.CharField(_("numerator"), max_length=200, help_text=_("Counters with + - * / ( )"))
    denominator = models.CharField(_("denominator"), max_length=200)
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, default=0, help_text=_("0: shown but not scored")
    )
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    description = models.TextField(_("definition"), blank=True)
    description_en = models.TextField(_("English definition"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["subject", "order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name

    @property
    def definition(self) -> str:
        if (get_language() or "").startswith("en") and self.description_en:
            return self.description_en
        return self.description

    def clean(self) -> None:
        allowed = {
            Subject.PERSON: formulas.PERSON_NAMES,
            Subject.PARTY: formulas.PARTY_NAMES,
            Subject.PATROLS: formulas.PATROL_NAMES,
        }.get(self.subject, formulas.CASE_NAMES)
        formulas.validate(self.numerator, allowed, "numerator")
        formulas.validate(self.denominator, allowed, "denominator")
        if self.weight is not None and self.weight < 0:
            raise ValidationError({"weight": _("A weight cannot be negative.")})


class Trigger(models.TextChoices):
    VALID_REPORT = "valid_report", _("A report is filed (credited to the reporter)")
    ON_SPOT = "on_spot", _("A case is solved on the spot")
    TIMELY_VERIFICATION = "timely_verification", _("A verification before its deadline")
    HANDLED_ON_TIME = "handled_on_time", _("Handling reported back before its deadline")
    REWORK = "rework", _("Handling sent back for rework (credited to the handler)")
    SATISFIED = "satisfied", _("A satisfied rating (credited to the handler)")
    CLAIM_DONE = "claim_done", _("A 双百 item done (credited to the member's own account)")
    REGISTRATION_CONFIRMED = "registration_confirmed", _("A 双报到 confirmed (credited to the member's own account)")
    # Volunteering (services to residents): credited through ``assessment.points.credit``.
    WISH_FULFILLED = "wish_fulfilled", _("A wish fulfilled and confirmed (credited to the claimant)")
    CALL_OUT_DONE = "call_out_done", _("A volunteer call-out done (credited to who took it)")
    ERRAND_DONE = "errand_done", _("An errand run for a resident (credited to who ran it)")
    ACTIVITY_ATTENDED = "activity_attended", _("A service activity attended (credited to who checked in)")


VOLUNTEER_TRIGGERS = (Trigger.WISH_FULFILLED, Trigger.CALL_OUT_DONE, Trigger.ERRAND_DONE, Trigger.ACTIVITY_ATTENDED)


class PointRule(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    trigger = models.CharField(_("when"), max_length=32, choices=Trigger.choices)
    points = models.IntegerField(_("points"), help_text=_("Negative for a deduction"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.points:+d})"


class PointEntry(models.Model):
    """One line of the points ledger: made by a rule from a timeline event, or entered by hand."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="point_entries"
    )
    rule = models.ForeignKey(
        PointRule, verbose_name=_("rule"), null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    points = models.IntegerField(_("points"))
    day = models.DateField(_("day"))
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event = models.ForeignKey("cases.CaseEvent", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(
        _("source"), max_length=60, blank=True, help_text=_("What earned a line not made from a case, once per rule")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points ledger")
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "event"], condition=Q(event__isnull=False), name="point_entry_once_per_event"
            ),
            models.UniqueConstraint(
                fields=["rule", "source"], condition=~Q(source=""), name="point_entry_once_per_source"
            ),
        ]
        indexes = [models.Index(fields=["day", "user"], name="point_entry_day_user")]

    def __str__(self) -> str:
        return f"{self.day} {self.user_id} {self.points:+d}"


class Bulletin(models.Model):
    """A monthly assessment bulletin (考核通报) for a region: the numbers are frozen when generated."""

    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    title = models.CharField(_("title"), max_length=120)
    data = models.JSONField(default=dict)
    generated_at = models.DateTimeField(_("generated at"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["-period_start", "region__path"]
        constraints = [
            models.UniqueConstraint(fields=["region", "period_start", "period_end"], name="bulletin_once_per_period")
        ]

    def __str__(self) -> str:
        return self.title


class WeeklyPlan(models.Model):
    """每周工作要点: a week's task list for the grid workers of a region, published to their inbox."""

    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    week_start = models.DateField(_("week of"))
    title = models.CharField(_("title"), max_length=120)
    items = models.TextField(_("tasks"), help_text=_("One task per line"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("weekly task list")
        verbose_name_plural = _("weekly task lists")
        ordering = ["-week_start", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def task_lines(self) -> list[str]:
        return [line.strip() for line in self.items.splitlines() if line.strip()]
