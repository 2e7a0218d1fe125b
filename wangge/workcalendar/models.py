"""The data behind the working-time calendar: administrator overrides and the working periods of a day.

Statutory holidays and adjusted working days (调休上班) come from the ``chinesecalendar`` package; the rows
here only record what an administrator entered, and they win over the package. See ``calendar.py``.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    WORKDAY = "workday", _("Working day")
    HOLIDAY = "holiday", _("Holiday")


class CalendarDay(models.Model):
    """One date whose kind an administrator fixed: a holiday, or a working day (e.g. 调休上班)."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True, help_text=_("For example 春节, 国庆节, 调休上班."))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DayKind.values), name="workcalendar_day_kind_valid"),
        ]

    def __str__(self) -> str:
        label = self.name or self.get_kind_display()
        return f"{self.date.isoformat()} {label}"

    @property
    def is_workday(self) -> bool:
        return self.kind == DayKind.WORKDAY


class WorkingHours(models.Model):
    """One working period of every working day, in Asia/Shanghai wall-clock time.

    The working day is the union of the rows (by default 08:30–12:00 and 13:30–17:30, seeded by the
    migration). Periods may not overlap, and the last one cannot be deleted.
    """

    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))

    class Meta:
        ordering = ["start"]
        verbose_name = _("working period")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="workcalendar_period_start_before_end"),
        ]

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


class CalendarVersion(models.Model):
    """A single row whose counter rises whenever a calendar day or a working period changes.

    Each process keeps its calendar snapshot until it sees a different number here (the same scheme as
    ``regions.BoundaryVersion``).
    """

    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar version")

    def __str__(self) -> str:
        return str(self.version)
