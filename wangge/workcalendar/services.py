"""Every write to the working calendar: one transaction each, audited, and each bumps ``CalendarVersion``
so that every process rebuilds its calendar snapshot (see ``calendar.py``)."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts import audit
from wangge.workcalendar.calendar import forget_calendar
from wangge.workcalendar.models import CalendarDay, CalendarVersion, DayKind, WorkingHours

NAME_MAX = CalendarDay._meta.get_field("name").max_length
NOTE_MAX = CalendarDay._meta.get_field("note").max_length
MAX_RANGE_DAYS = 31


def bump_calendar_version() -> None:
    """Tell every process (after commit) that its calendar snapshot is stale."""
    updated = CalendarVersion.objects.filter(pk=1).update(version=F("version") + 1)
    if not updated:
        CalendarVersion.objects.create(pk=1, version=1)
    transaction.on_commit(forget_calendar)


# --- Calendar days ---------------------------------------------------------------------------------


def check_day_fields(*, kind: str, name: str, note: str) -> None:
    if kind not in DayKind.values:
        raise ValidationError({"kind": _("Unknown kind %(kind)s; use holiday or workday.") % {"kind": kind}})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": _("The name is longer than %(n)d characters.") % {"n": NAME_MAX}})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("The note is longer than %(n)d characters.") % {"n": NOTE_MAX}})


@transaction.atomic
def set_calendar_day(*, actor, day: date, kind: str, name: str = "", note: str = "") -> CalendarDay:
    """Make ``day`` a holiday or a working day whatever the statutory calendar says (creates or updates)."""
    name, note = name.strip(), note.strip()
    check_day_fields(kind=kind, name=name, note=note)
    row = CalendarDay.objects.select_for_update().filter(date=day).first()
    if row is None:
        row = CalendarDay.objects.create(date=day, kind=kind, name=name, note=note)
        audit.record(
            actor=actor,
            action="workcalendar.day.create",
            obj=row,
            changes={"kind": kind, "name": name, "note": note},
        )
        bump_calendar_version()
        return row
    changes = {
        key: [getattr(row, key), value]
        for key, value in (("kind", kind), ("name", name), ("note", note))
        if getattr(row, key) != value
    }
    if not changes:
        return row
    for key, (_old, value) in changes.items():
        setattr(row, key, value)
    row.save(update_fields=[*changes, "updated_at"])
    audit.record(actor=actor, action="workcalendar.day.update", obj=row, changes=changes)
    bump_calendar_version()
    return row


@transaction.atomic
def delete_calendar_days(*, actor, days: Iterable[CalendarDay]) -> int:
    """Remove administrator overrides; those dates follow the statutory calendar again."""
    rows = list(CalendarDay.objects.select_for_update().filter(pk__in=[d.pk for d in days]))
    for row in rows:
        audit.record(
            actor=actor,
            action="workcalendar.day.delete",
            obj=row,
            changes={"kind": row.kind, "name": row.name, "note": row.note},
        )
    if rows:
        CalendarDay.objects.filter(pk__in=[r.pk for r in rows]).delete()
        bump_calendar_version()
    return len(rows)


# --- A year's holiday notice ---------------------------------------------------------------------

_DATE = r"\d{4}-\d{2}-\d{2}"
_DATES = re.compile(rf"({_DATE})(?:\.\.({_DATE}))?")


@dataclass(frozen=True)
class NoticeLine:
    """One line of a holiday notice: a date or an inclusive range of dates, their kind and name."""

    line: int
    first: date
    last: date
    kind: str
    name: str

    def dates(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]


@dataclass
class NoticeResult:
    created: list[date] = field(default_factory=list)
    updated: list[date] = field(default_factory=list)
    unchanged: list[date] = field(default_factory=list)
    deleted: list[date] = field(default_factory=list)
    years: list[int] = field(default_factory=list)


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(_("%(value)s is not a valid date.") % {"value": text}) from None


def _parse_notice_line(number: int, text: str) -> NoticeLine:
    parts = text.split(None, 2)
    if len(parts) < 2:
        raise ValidationError(
            _("Expected a date or a range such as 2027-02-10..2027-02-16, then holiday or workday, then a name.")
        )
    dates, kind, name = parts[0], parts[1].lower(), (parts[2].strip() if len(parts) > 2 else "")
    match = _DATES.fullmatch(dates)
    if match is None:
        raise ValidationError(
            _("%(value)s is not a date (YYYY-MM-DD) or a range (YYYY-MM-DD..YYYY-MM-DD).") % {"value": dates}
        )
    first = _parse_date(match.group(1))
    last = _parse_date(match.group(2)) if match.group(2) else first
    if last < first:
        raise ValidationError(_("The range ends before it starts."))
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise ValidationError(_("A range may cover at most %(n)d days.") % {"n": MAX_RANGE_DAYS})
    if kind not in DayKind.values:
        raise ValidationError(_("Unknown kind %(kind)s; use holiday or workday.") % {"kind": parts[1]})
    if len(name) > NAME_MAX:
        raise ValidationError(_("The name is longer than %(n)d characters.") % {"n": NAME_MAX})
    return NoticeLine(line=number, first=first, last=last, kind=kind, name=name)


def parse_holiday_notice(text: str) -> list[NoticeLine]:
    """Read a notice, one ``DATE[..DATE] holiday|workday [name]`` per line (blank lines and lines starting
    with # are skipped). Raises ``ValidationError({"notice": [...]})`` listing every bad line by number."""
    lines: list[NoticeLine] = []
    problems: list[str] = []
    seen: dict[date, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            entry = _parse_notice_line(number, stripped)
            repeated = next((d for d in entry.dates() if d in seen), None)
            if repeated is not None:
                raise ValidationError(
                    _("%(date)s is already given on line %(first)d.")
                    % {"date": repeated.isoformat(), "first": seen[repeated]}
                )
        except ValidationError as exc:
            problems.extend(
                _("Line %(line)d: %(problem)s") % {"line": number, "problem": message} for message in exc.messages
            )
            continue
        seen.update(dict.fromkeys(entry.dates(), number))
        lines.append(entry)
    if not problems and not lines:
        problems.append(_("The notice has no lines."))
    if problems:
        raise ValidationError({"notice": problems})
    return lines


@transaction.atomic
def import_holiday_notice(*, actor, text: str, replace_years: bool = False, note: str = "") -> NoticeResult:
    """Write a holiday notice as administrator overrides, all or nothing.

    Every date in the notice becomes a ``CalendarDay`` (updated if it exists). With ``replace_years`` the
    overrides in the notice's years that the notice does not mention are deleted, so that a corrected
    notice replaces an earlier draft. ``note`` (e.g. the notice's document number) goes on every written day.
    """
    entries = parse_holiday_notice(text)
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("The note is longer than %(n)d characters.") % {"n": NOTE_MAX}})
    wanted = {d: (entry.kind, entry.name) for entry in entries for d in entry.dates()}
    years = sorted({d.year for d in wanted})
    result = NoticeResult(years=years)
    existing = {row.date: row for row in CalendarDay.objects.select_for_update().filter(date__year__in=years)}
    new_rows, changed_rows = [], []
    now = timezone.now()
    for day in sorted(wanted):
        kind, name = wanted[day]
        row = existing.get(day)
        if row is None:
            new_rows.append(CalendarDay(date=day, kind=kind, name=name, note=note))
            result.created.append(day)
        elif (row.kind, row.name) != (kind, name) or (note and row.note != note):
            row.kind, row.name, row.note, row.updated_at = kind, name, note or row.note, now
            changed_rows.append(row)
            result.updated.append(day)
        else:
            result.unchanged.append(day)
    CalendarDay.objects.bulk_create(new_rows)
    if changed_rows:
        CalendarDay.objects.bulk_update(changed_rows, ["kind", "name", "note", "updated_at"])
    if replace_years:
        result.deleted = sorted(d for d in existing if d not in wanted)
        CalendarDay.objects.filter(date__in=result.deleted).delete()
    audit.record(
        actor=actor,
        action="workcalendar.notice.import",
        object_type=CalendarDay._meta.label_lower,
        summary=_("Holiday notice for %(years)s") % {"years": ", ".join(map(str, years))},
        changes={
            "created": {d.isoformat(): list(wanted[d]) for d in result.created},
            "updated": {d.isoformat(): list(wanted[d]) for d in result.updated},
            "deleted": [d.isoformat() for d in result.deleted],
            "note": note,
        },
    )
    if result.created or result.updated or result.deleted:
        bump_calendar_version()
    return result


# --- Working hours -------------------------------------------------------------------------------


def check_working_period(start: time, end: time, *, exclude_pk: int | None = None) -> None:
    """A period must start before it ends and overlap no other period."""
    if start >= end:
        raise ValidationError({"end": _("A working period must end after it starts.")})
    others = WorkingHours.objects.all()
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    clash = others.filter(start__lt=end, end__gt=start).first()
    if clash is not None:
        raise ValidationError({"start": _("The period overlaps the working period %(other)s.") % {"other": str(clash)}})


@transaction.atomic
def save_working_period(*, actor, period: WorkingHours | None = None, start: time, end: time) -> WorkingHours:
    """Create a working period (``period=None``) or change one."""
    list(WorkingHours.objects.select_for_update())  # one writer at a time checks for overlaps
    check_working_period(start, end, exclude_pk=period.pk if period is not None else None)
    if period is None:
        period = WorkingHours.objects.create(start=start, end=end)
        audit.record(
            actor=actor, action="workcalendar.hours.create", obj=period, changes={"start": str(start), "end": str(end)}
        )
    else:
        period = WorkingHours.objects.get(pk=period.pk)
        changes = {
            key: [str(getattr(period, key)), str(value)]
            for key, value in (("start", start), ("end", end))
            if getattr(period, key) != value
        }
        if not changes:
            return period
        period.start, period.end = start, end
        period.save(update_fields=["start", "end"])
        audit.record(actor=actor, action="workcalendar.hours.update", obj=period, changes=changes)
    bump_calendar_version()
    return period


@transaction.atomic
def delete_working_period(*, actor, period: WorkingHours) -> None:
    rows = list(WorkingHours.objects.select_for_update())
    if len(rows) <= 1:
        raise ValidationError(_("A working day needs at least one working period."))
    period = next((row for row in rows if row.pk == period.pk), None)
    if period is None:
        return
    audit.record(
        actor=actor,
        action="workcalendar.hours.delete",
        obj=period,
        changes={"start": str(period.start), "end": str(period.end)},
    )
    period.delete()
    bump_calendar_version()
