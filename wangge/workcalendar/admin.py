"""Admin pages for the working calendar. Every write goes through ``services`` (audited, and it tells
every process to reload the calendar); nothing here saves a model directly."""

from datetime import datetime

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.workcalendar import selectors, services
from wangge.workcalendar.calendar import CALENDAR_TZ, DEFAULT_PERIODS, library_says
from wangge.workcalendar.forms import HolidayNoticeForm, WorkingHoursForm
from wangge.workcalendar.models import CalendarDay, DayKind, WorkingHours


def _this_year() -> int:
    return datetime.now(CALENDAR_TZ).year


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "kind", "name", "library_view", "note", "updated_at")
    list_filter = ("kind",)
    search_fields = ("name", "note")
    date_hierarchy = "date"
    fields = ("date", "kind", "name", "note", "library_view")
    readonly_fields = ("library_view",)

    @admin.display(description=gettext_lazy("weekday"))
    def weekday(self, obj):
        return dateformat.format(obj.date, "D") if obj and obj.date else ""

    @admin.display(description=gettext_lazy("without this override"))
    def library_view(self, obj):
        if obj is None or obj.date is None:
            return ""
        said = library_says(obj.date)
        if said is None:
            kind = DayKind.WORKDAY if obj.date.weekday() < 5 else DayKind.HOLIDAY
            return _("%(kind)s (Monday–Friday rule; the statutory calendar does not know %(year)d)") % {
                "kind": DayKind(kind).label,
                "year": obj.date.year,
            }
        workday, name = said
        label = DayKind.WORKDAY.label if workday else DayKind.HOLIDAY.label
        return f"{label} {name}".strip()

    def get_readonly_fields(self, request, obj=None):
        return ("date", *self.readonly_fields) if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        saved = services.set_calendar_day(
            actor=request.user, day=obj.date, kind=obj.kind, name=obj.name or "", note=obj.note or ""
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.delete_calendar_days(actor=request.user, days=[obj])

    def delete_queryset(self, request, queryset):
        services.delete_calendar_days(actor=request.user, days=list(queryset))

    def get_urls(self):
        return [
            path("notice/", self.admin_site.admin_view(self.notice_view), name="workcalendar_calendarday_notice"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        this_year = _this_year()
        for year in (this_year, this_year + 1):
            if selectors.year_source(year) == selectors.YearSource.WEEKDAYS:
                messages.warning(
                    request,
                    _(
                        "No holidays are known for %(year)d: every Monday–Friday counts as a working day. "
                        "Enter that year's holiday notice once it is published."
                    )
                    % {"year": year},
                )
        return super().changelist_view(request, extra_context)

    def notice_view(self, request):
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            return redirect("admin:index")
        form = HolidayNoticeForm(request.POST or None, allow_replace=self.has_delete_permission(request))
        if request.method == "POST" and form.is_valid():
            try:
                result = services.import_holiday_notice(
                    actor=request.user,
                    text=form.cleaned_data["notice"],
                    replace_years=form.cleaned_data.get("replace_years", False),
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("Holiday notice for %(years)s: %(created)d days added, %(updated)d changed, %(deleted)d removed.")
                    % {
                        "years": ", ".join(map(str, result.years)),
                        "created": len(result.created),
                        "updated": len(result.updated),
                        "deleted": len(result.deleted),
                    },
                )
                return redirect(reverse("admin:workcalendar_calendarday_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": gettext_lazy("Enter a year's holiday notice"),
            "opts": self.model._meta,
        }
        return render(request, "admin/workcalendar/notice.html", context)


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    form = WorkingHoursForm
    list_display = ("__str__", "start", "end")
    actions = None  # no bulk delete: the last period must stay

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and WorkingHours.objects.count() > 1

    def save_model(self, request, obj, form, change):
        saved = services.save_working_period(
            actor=request.user, period=obj if change else None, start=obj.start, end=obj.end
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.delete_working_period(actor=request.user, period=obj)

    def changelist_view(self, request, extra_context=None):
        if not WorkingHours.objects.exists():
            messages.info(
                request,
                _("No working periods are entered; the defaults apply: %(periods)s.")
                % {"periods": ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in DEFAULT_PERIODS)},
            )
        return super().changelist_view(request, extra_context)
