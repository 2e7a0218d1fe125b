"""Every write to a case: intake and the one ``transition`` that moves it through the workflow.

Each function is one transaction; the case row is locked first, the timeline row is written in the
same transaction, and the case's events are published (``cases.events``): in-transaction subscribers
write in it, the others are queued to run after commit.
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Department, Role
from wangge.accounts.roles import primary_role
from wangge.cases import deadlines, events, suggester
from wangge.cases.locating import handling_region_for, locate_case_point
from wangge.cases.models import (
    LEVEL_STEPS,
    Case,
    CaseEvent,
    CasePhoto,
    CaseSequence,
    Category,
    HandlingLevel,
    PendingRequest,
    PhotoKind,
    Source,
    Status,
    Supervision,
)
from wangge.cases.permissions import case_roles, is_resident_only, pick_role
from wangge.cases.workflow import CLOCK_RESTARTING, STAGE_OF_STATUS, rule_for, system_rule_for
from wangge.core import pii, uploads
from wangge.core.errors import Conflict
from wangge.core.validators import validate_lon_lat, validate_mobile
from wangge.core.writelock import serialized_writes
from wangge.people import selectors as ledger
from wangge.regions.models import GRID_LEVELS, Level, Region
from wangge.workcalendar import calendar as workcal

MAX_DESCRIPTION = 2000
MAX_ADDRESS = 200
MAX_OPINION = 2000


class IllegalTransition(Conflict):
    """The action is not possible in the case's current status (API: 409)."""


class StaleCase(Conflict):
    """The case changed after the form was opened (API: 409)."""


# --- intake -----------------------------------------------------------------------------------------


@dataclass
class Report:
    category: str
    description: str
    lon: float | str
    lat: float | str
    source: str = Source.RESIDENT
    address: str = ""
    title: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    urgent: bool = False
    idempotency_key: str = ""
    household_id: int | None = None  # the ledger's household or person it concerns, when known
    person_id: int | None = None


def _clean_report(report: Report) -> tuple[Category, float, float]:
    errors: dict[str, str] = {}
    category = (
        Category.objects.select_related("parent").filter(code=str(report.category).strip(), is_active=True).first()
    )
    if category is None or category.parent_id is None:
        errors["category"] = _("Unknown category %(code)s: choose a sub-class from the catalogue.") % {
            "code": report.category
        }
    description = (report.description or "").strip()
    if not description:
        errors["description"] = _("Describe the problem.")
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = _("The description is longer than %(n)d characters.") % {"n": MAX_DESCRIPTION}
    if len(report.address or "") > MAX_ADDRESS:
        errors["address"] = _("The address is longer than %(n)d characters.") % {"n": MAX_ADDRESS}
    if report.source not in Source.values:
        errors["source"] = _("Unknown source %(source)s.") % {"source": report.source}
    if len(report.title or "") > 80:
        errors["title"] = _("The title is longer than 80 characters.")
    try:
        lon, lat = validate_lon_lat(report.lon, report.lat)
    except ValidationError as exc:
        errors.update({f: m[0] for f, m in exc.message_dict.items()})
        lon = lat = 0.0
    if errors:
        raise ValidationError(errors)
    return category, lon, lat


def _check_ledger_links(actor, report: Report) -> None:
    """A report for a household or person of the ledger names one the reporter may read there."""
    errors = {}
    for field, get_for in (("household_id", ledger.get_household_for), ("person_id", ledger.get_person_for)):
        pk = getattr(report, field)
        if pk is None:
            continue
        try:
            get_for(actor, pk)
        except Http404:
            errors[field] = _("Choose a household or person of the ledger in the grids you serve.")
    if errors:
        raise ValidationError(errors)


def _idempotency_key(actor, key: str, phone: str) -> str | None:
    key = (key or "").strip()
    if not key:
        return None
    if len(key) > 100:
        raise ValidationError({"Idempotency-Key": _("The idempotency key is longer than 100 characters.")})
    if actor is not None and actor.is_authenticated:
        return f"{actor.pk}:{key}"
    # Anonymous keys share one namespace: tie them to the phone so that nobody reads another's report.
    return "anon:" + hashlib.sha256(f"{(phone or '').strip()}\n{key}".encode()).hexdigest()


def _check_resident_rules(actor, report: Report) -> None:
    """Residents and anonymous reporters report as residents: source "resident", never urgent."""
    if not is_resident_only(actor):
        return
    if report.source != Source.RESIDENT:
        raise ValidationError({"source": _("Residents report with the source “resident”.")})
    if report.urgent:
        raise ValidationError({"urgent": _("Only staff may mark a report urgent.")})


def report_case(*, actor, report: Report, photos=(), at: datetime | None = None) -> tuple[Case, bool]:
    """Create a case (status ``reported``). Returns (case, created); a retried key returns the first case.

    ``actor``: the reporter (an ``AnonymousUser`` for a report without an account), or None for the system.
    """
    _check_resident_rules(actor, report)
    key = _idempotency_key(actor, report.idempotency_key, report.contact_phone)
    if key:
        # The id alone (a fresh key is the usual case): building and reading every column of a case costs more.
        existing_pk = Case.objects.filter(idempotency_key=key).values_list("pk", flat=True).first()
        if existing_pk is not None:
            return Case.objects.get(pk=existing_pk), False
    category, lon, lat = _clean_report(report)
    if actor is not None:  # the system (sensors, imports) names the ledger's records it was configured with
        _check_ledger_links(actor, report)
    authenticated = actor is not None and actor.is_authenticated
    phone = ""
    if report.contact_phone or (actor is not None and not authenticated):
        if not report.contact_phone:
            raise ValidationError({"contact_phone": _("Leave a mobile number so that we can call you back.")})
        phone = validate_mobile(report.contact_phone, field="contact_phone")
    cleaned_photos = [validate_photo(p, field="photos") for p in photos]
    # Reads before the write transaction: on SQLite it holds the only write lock, so every report waits for
    # the one before to commit (in the order they queue on ``serialized_writes``).
    place = _place(lon, lat, category)
    now = at or timezone.now()
    number = None
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # The number in its own statement (autocommit): the day's counter row is locked for that statement
        # only, not for the whole report. A report that fails later leaves a gap in the day's numbers.
        number = next_number(place.region.district_code or "000000", now)
    reporter = actor if authenticated else None
    prepared = events.prepare(events.REPORTED, events.Intake(handling=place.handling, reporter=reporter, at=now))
    try:
        with serialized_writes(), transaction.atomic():
            case, event = _create(
                actor if authenticated else None, report, category, lon, lat, phone, key, now, place, number
            )
            for upload, meta in cleaned_photos:
                _store_photo(case, None, upload, meta, PhotoKind.REPORT, actor if authenticated else None)
            events.publish(events.REPORTED, events.Reported(case, event), prepared)
    except IntegrityError:
        # The same key raced in from a retry: the first request won, answer with its case.
        if key and (existing := Case.objects.filter(idempotency_key=key).first()):
            return existing, False
        raise
    return case, True


def report_solved_on_spot(
    *, actor, report: Report, photos=(), photo_before=(), photo_after=(), note: str = ""
) -> tuple[Case, bool]:
    """A grid worker's quick report of something already fixed (一格解决): created and moved to
    ``handled`` in one transaction, so a refusal (outside their grid, missing photos) creates nothing.
    Someone else still verifies it."""
    with serialized_writes(), transaction.atomic():
        case, created = report_case(actor=actor, report=report, photos=photos)
        if created:
            case = transition(
                case, "solve_on_spot", actor=actor, opinion=note, photo_before=photo_before, photo_after=photo_after
            )
    return case, created


@dataclass
class _Place:
    region: Region
    needs_triage: bool
    handling: Region
    grid: Region | None


def _place(lon: float, lat: float, category: Category) -> _Place:
    """Where a report belongs: the region at the point, the region that handles the category there, the grid.

    The region's chain of ancestors is read once (``Region.chain``) and serves all three, and the answer."""
    region, needs_triage = locate_case_point(lon, lat)
    return _Place(region, needs_triage, handling_region_for(region, category.default_level), _grid_of(region))


def _create(
    actor, report: Report, category, lon, lat, phone, key, now, place: _Place, number=None
) -> tuple[Case, CaseEvent]:
    region, needs_triage, handling = place.region, place.needs_triage, place.handling
    description = report.description.strip()
    case = Case(
        number=number or next_number(region.district_code or "000000", now),
        source=report.source,
        category=category,
        title=(report.title or "").strip() or _title_from(description, category),
        description=description,
        lon=lon,
        lat=lat,
        address=(report.address or "").strip(),
        region=region,
        region_path=region.path,
        grid=place.grid,
        district_code=region.district_code,
        needs_triage=needs_triage,
        level=level_of(handling),
        handling_region=handling,
        handling_path=handling.path,
        status=Status.REPORTED,
        reporter=actor,
        reporter_name=(report.contact_name or "").strip()[:60]
        or (actor.display_name or actor.username if actor else ""),
        contact_phone_encrypted=pii.encrypt(phone) if phone else "",
        contact_phone_masked=pii.mask_phone(phone) if phone else "",
        idempotency_key=key,
        household_id=report.household_id,
        person_id=report.person_id,
        is_urgent=report.urgent,
        created_at=now,
    )
    deadlines.start_clock(case, STAGE_OF_STATUS[Status.REPORTED], now)
    case.save()
    event = _event(case, "report", actor, _reporter_role(actor, report.source), "", Status.REPORTED, "", {}, now, seq=1)
    return case, event


def _title_from(description: str, category: Category) -> str:
    first_line = description.splitlines()[0] if description else category.name
    return first_line[:40] if len(first_line) <= 40 else first_line[:39] + "…"


def _grid_of(region: Region) -> Region | None:
    if region.level in GRID_LEVELS:
        return region
    if region.level == Level.MICRO_GRID:
        chain = region.chain()
        return chain[-1] if chain and chain[-1].pk == region.parent_id else region.parent
    return None


def level_of(region: Region) -> str:
    """The handling level a region stands for (a micro-grid is handled in its grid)."""
    return {
        Level.GRID: HandlingLevel.GRID,
        Level.SPECIAL_GRID: HandlingLevel.GRID,
        Level.MICRO_GRID: HandlingLevel.GRID,
        Level.COMMUNITY: HandlingLevel.COMMUNITY,
        Level.STREET: HandlingLevel.STREET,
    }.get(region.level, HandlingLevel.DISTRICT)


def _reporter_role(actor, source: str) -> str:
    if actor is None:
        return Role.RESIDENT
    return primary_role(actor) or Role.RESIDENT


def next_number(district_code: str, now: datetime) -> str:
    """District code + local date + a sequence that restarts every day: 329901-20261122-0007."""
    day = timezone.localtime(now).date()
    last = _bump_sequence(district_code, day)
    if last is None:
        try:
            with transaction.atomic():
                CaseSequence.objects.create(district_code=district_code, day=day, last=1)
            last = 1
        except IntegrityError:
            last = _bump_sequence(district_code, day)
    return f"{district_code}-{day:%Y%m%d}-{last:04d}"


def _bump_sequence(district_code: str, day) -> int | None:
    """The day's next number in one statement (UPDATE … RETURNING: the row stays locked to the commit
    either way, so one round trip less inside every report's transaction); None when there is no row yet."""
    table = connection.ops.quote_name(CaseSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE {table} SET "last" = "last" + 1 WHERE "district_code" = %s AND "day" = %s RETURNING "last"',  # noqa: S608
            [district_code, connection.ops.adapt_datefield_value(day)],
        )
        row = cursor.fetchone()
    return row[0] if row else None


# --- photos -----------------------------------------------------------------------------------------

ACCEPTED_IMAGES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def validate_photo(upload, *, field: str = "photo"):
    """Check that ``upload`` is a real image under the size and pixel limits, without decoding it;
    returns (upload, meta)."""
    facts = uploads.check_image(
        upload,
        field=field,
        max_bytes=settings.CASE_PHOTO_MAX_BYTES,
        formats=ACCEPTED_IMAGES,
        declared_type="",  # phones name photos freely; the content decides, and is stored as what it is
        too_big_message=_("The photo is larger than %(mb)d MB."),
        not_image_message=_("The file is not a JPEG, PNG or WebP image."),
    )
    upload.seek(0)
    digest = hashlib.sha256(upload.read()).hexdigest()
    upload.seek(0)
    return upload, {"content_type": facts.content_type, "width": facts.width, "height": facts.height, "sha256": digest}


def _store_photo(case, event, upload, meta, kind, actor) -> CasePhoto:
    extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}[meta["content_type"]]
    photo = CasePhoto(case=case, event=event, kind=kind, size=upload.size, uploaded_by=actor, **meta)
    photo.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(upload.read()), save=False)
    photo.save()
    return photo


@transaction.atomic
def add_photo(*, actor, case: Case, upload, kind: str = PhotoKind.REPORT) -> CasePhoto:
    if kind not in PhotoKind.values:
        raise ValidationError({"kind": _("Unknown photo kind %(kind)s.") % {"kind": kind}})
    if not case.is_open and case.status not in (Status.CLOSED, Status.RATED):
        raise IllegalTransition(
            _("Photos cannot be added to a case that is %(status)s.") % {"status": case.get_status_display()}
        )
    upload, meta = validate_photo(upload)
    return _store_photo(case, None, upload, meta, kind, actor)


# --- the workflow -------------------------------------------------------------------------------------


def transition(
    case: Case,
    action: str,
    *,
    actor,
    opinion: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
    **params,
) -> Case:
    """Apply ``action`` to ``case`` as ``actor``: checked against the workflow table, one timeline row."""
    now = at or timezone.now()
    opinion = (opinion or "").strip()
    if len(opinion) > MAX_OPINION:
        raise ValidationError({"opinion": _("The opinion is longer than %(n)d characters.") % {"n": MAX_OPINION}})
    with serialized_writes(), transaction.atomic():
        locked = (
            Case.objects.select_for_update().select_related("category", "region", "handling_region").get(pk=case.pk)
        )
        if expected_version is not None and int(expected_version) != locked.version:
            raise StaleCase(_("Someone else changed this case after you opened it. Reload it and try again."))
        rule = rule_for(locked.status, action)
        if rule is None:
            raise IllegalTransition(
                _("“%(action)s” is not possible while the case is %(status)s.")
                % {"action": action, "status": locked.get_status_display()}
            )
        roles = case_roles(actor, locked) & rule.roles
        if not roles:
            raise PermissionDenied(_("Your role may not do “%(action)s” on this case.") % {"action": action})
        if rule.needs_opinion and not opinion:
            raise ValidationError({"opinion": _("Give a reason or an opinion for this action.")})
        from_status = locked.status
        stage_before = (locked.stage, locked.due_at)
        before = events.Before.of(locked)
        data = EFFECTS.get(action, _no_effect)(locked, actor, params, now) or {}
        locked.status = rule.to
        if rule.to != from_status or action in CLOCK_RESTARTING:
            deadlines.start_clock(locked, STAGE_OF_STATUS.get(rule.to, ""), now)
        locked.version += 1
        locked.save()
        event = _event(
            locked,
            action,
            actor,
            pick_role(roles),
            from_status,
            rule.to,
            opinion,
            data,
            now,
            stage_before,
            seq=locked.version + 1,
        )
        for upload, meta, kind in params.get("_photos", ()):
            _store_photo(locked, event, upload, meta, kind, actor)
        events.publish(events.MOVED, events.Moved(locked, event, before, now))
    return locked


SYSTEM_ROLE = "system"
# Flags the platform may raise by itself: they keep the status, so the timeline still replays.
SYSTEM_FLAGS = frozenset({"supervise", "mark_urgent", "repeat"})
# Moves only the platform makes: closing a case whose cause went away by itself (a sensor back online).
SYSTEM_MOVES = frozenset({"system_close"})


def record_system_flag(case: Case, action: str, *, opinion: str, at: datetime | None = None, **params) -> Case:
    """Raise a flag as the platform (the overdue policy's supervision, a sensor's repeated alarm): no actor,
    role ``system``; or make one of the few moves only the platform makes (``system_close``).

    The same table, effects and timeline as ``transition``: the row is a (status, action) pair of the
    workflow (a flag keeps the status), written in the case's transaction, and the version rises.
    """
    if action not in SYSTEM_FLAGS | SYSTEM_MOVES:
        raise ValueError(f"the system may not {action!r} a case")
    now = at or timezone.now()
    with serialized_writes(), transaction.atomic():
        locked = (
            Case.objects.select_for_update().select_related("category", "region", "handling_region").get(pk=case.pk)
        )
        rule = system_rule_for(locked.status, action)
        if rule is None or (action in SYSTEM_FLAGS and rule.to != locked.status):
            raise IllegalTransition(
                _("“%(action)s” is not possible while the case is %(status)s.")
                % {"action": action, "status": locked.get_status_display()}
            )
        status = locked.status
        stage_before = (locked.stage, locked.due_at)
        before = events.Before.of(locked)
        data = EFFECTS[action](locked, None, params, now) or {}
        if rule.to != status:
            locked.status = rule.to
            deadlines.start_clock(locked, STAGE_OF_STATUS.get(rule.to, ""), now)
        locked.version += 1
        locked.save()
        event = _event(
            locked, action, None, SYSTEM_ROLE, status, rule.to, opinion, data, now, stage_before, seq=locked.version + 1
        )
        events.publish(events.MOVED, events.Moved(locked, event, before, now))
    return locked


def _event(
    case, action, actor, role, from_status, to_status, opinion, data, now, stage=("", None), *, seq: int
) -> CaseEvent:
    """Append an event. Its ``seq`` is the case's version plus one: the report is event 1 and every
    transition raises the version by one, on the row locked for it (no MAX(seq) query)."""
    stage_name, stage_due = stage
    authenticated = actor is not None and actor.is_authenticated
    event = CaseEvent.objects.create(
        case=case,
        seq=seq,
        action=action,
        actor=actor if authenticated else None,
        actor_name=(actor.display_name or actor.username) if authenticated else "",
        role=str(role or ""),
        from_status=from_status,
        to_status=to_status,
        opinion=opinion,
        data=data,
        at=now,
        stage=stage_name or "",
        stage_due_at=stage_due,
        on_time=None if stage_due is None else now <= stage_due,
    )
    events.publish(events.RECORDED, events.Recorded(case, event))  # roll-ups, points: in this transaction
    return event


def _no_effect(case, actor, params, now):
    return {}


def _accept(case, actor, params, now):
    """Accept; with ``category``, under that sub-class instead of the reported one (kept as training data
    for the suggester). The handling region stays: escalation is how a case moves up."""
    case.accepted_at = now
    code = (params.get("category") or "").strip()
    if not code or code == case.category.code:
        return {}
    category = Category.objects.filter(code=code, is_active=True, parent__isnull=False).first()
    if category is None:
        raise ValidationError(
            {"category": _("Unknown category %(code)s: choose a sub-class from the catalogue.") % {"code": code}}
        )
    previous, case.category = case.category, category
    suggester.record_correction(case=case, from_category=previous, to_category=category, actor=actor, at=now)
    return {"category": category.code, "category_from": previous.code}


def _dispatch(case, actor, params, now):
    department_code = (params.get("department") or "").strip()
    region_code = (params.get("region") or "").strip()
    if department_code and region_code:
        raise ValidationError({"department": _("Dispatch to a department or to a grid, not both.")})
    if not department_code and not region_code:
        department = default_department(case)
        if department is None:
            raise ValidationError({"department": _("No default department for this category here: choose one.")})
        department_code = department.code
    case.assigned_department = case.assigned_region = case.assigned_user = None
    if department_code:
        department = Department.objects.filter(code=department_code, is_active=True).first()
        if department is None:
            raise ValidationError({"department": _("Unknown department %(code)s.") % {"code": department_code}})
        case.assigned_department = department
        case.involved_departments.add(department)
        target = {"department": department.code, "department_name": department.name}
    else:
        region = Region.objects.filter(code=region_code, is_active=True).first()
        if region is None or not region.path.startswith(case.handling_path) or region.level not in GRID_LEVELS:
            raise ValidationError({"region": _("Dispatch to a grid under the region that handles the case.")})
        case.assigned_region = region
        target = {"region": region.code, "region_name": region.name}
    case.pending_request = PendingRequest.NONE
    case.dispatched_at = now
    case.handled_by = None
    return target


def default_department(case: Case) -> Department | None:
    """The category's department kind, the one whose jurisdiction covers the case (nearest first)."""
    if not case.category.department_kind:
        return None
    candidates = Department.objects.filter(kind=case.category.department_kind, is_active=True).prefetch_related(
        "jurisdictions"
    )
    best = None
    for department in candidates:
        for region in department.jurisdictions.all():
            if case.region_path.startswith(region.path) and (best is None or len(region.path) > best[0]):
                best = (len(region.path), department)
    return best[1] if best else None


def _sign(case, actor, params, now):
    case.assigned_user = actor
    return {}


def _return(case, actor, params, now):
    if case.pending_request:
        raise IllegalTransition(_("A request is already waiting for approval."))
    case.pending_request = PendingRequest.RETURN
    return {}


def _approve_return(case, actor, params, now):
    _require_pending(case, PendingRequest.RETURN)
    case.pending_request = PendingRequest.NONE
    case.assigned_department = case.assigned_region = case.assigned_user = None
    case.return_count += 1
    return {}


def _deny_request(kind):
    def effect(case, actor, params, now):
        _require_pending(case, kind)
        case.pending_request = PendingRequest.NONE
        case.pending_extension = ""
        return {}

    return effect


def _require_pending(case, kind):
    if case.pending_request != kind:
        raise IllegalTransition(_("There is no such request waiting for approval."))


def _request_extension(case, actor, params, now):
    if case.pending_request:
        raise IllegalTransition(_("A request is already waiting for approval."))
    extension = (params.get("extension") or "").strip()
    if not extension:
        raise ValidationError({"extension": _("Say how much more time is needed, e.g. 2d or 4h.")})
    try:
        workcal.parse_limit(extension)
    except ValidationError as exc:  # parse_limit names no field: the form's field is "extension"
        raise ValidationError({"extension": exc.messages}) from None
    case.pending_request = PendingRequest.EXTENSION
    case.pending_extension = extension
    return {"extension": extension}


def _approve_extension(case, actor, params, now):
    _require_pending(case, PendingRequest.EXTENSION)
    extension = case.pending_extension
    deadlines.extend(case, extension)
    case.pending_request = PendingRequest.NONE
    case.pending_extension = ""
    case.extension_count += 1
    return {"extension": extension, "due_at": case.due_at.isoformat()}


def _photos_of(params, kinds_required: list[str]) -> list:
    photos = []
    for kind in (PhotoKind.BEFORE, PhotoKind.AFTER, PhotoKind.DOCUMENT):
        for upload in params.get(kind, ()) or ():
            upload, meta = validate_photo(upload, field=kind)
            photos.append((upload, meta, kind))
    missing = [k for k in kinds_required if not any(kind == k for *_rest, kind in photos)]
    if missing:
        labels = ", ".join(str(PhotoKind(k).label) for k in missing)
        raise ValidationError({missing[0]: _("Attach the required evidence: %(kinds)s.") % {"kinds": labels}})
    params["_photos"] = photos
    return photos


def _feedback(case, actor, params, now):
    _photos_of(params, [k for k in case.category.evidence if k in PhotoKind.values])
    case.handled_by = actor
    case.handled_at = now
    case.pending_request = PendingRequest.NONE
    return {}


def _solve_on_spot(case, actor, params, now):
    if not case.category.on_spot:
        raise IllegalTransition(_("This category may not be solved on the spot."))
    _photos_of(params, [PhotoKind.BEFORE, PhotoKind.AFTER])
    grid = case.grid or case.region
    case.level = HandlingLevel.GRID
    case.handling_region = grid
    case.handling_path = grid.path
    case.assigned_user = actor
    case.handled_by = actor
    case.accepted_at = case.dispatched_at = case.handled_at = now
    return {}


def _verify(passed: bool):
    def effect(case, actor, params, now):
        if case.handled_by_id is not None and actor is not None and case.handled_by_id == actor.pk:
            raise PermissionDenied(_("Someone other than the person who handled the case must verify it."))
        if not passed:
            case.rework_count += 1
            case.handled_by = None
        return {}

    return effect


def _close(case, actor, params, now):
    case.closed_at = now
    return {}


def _rate(case, actor, params, now):
    errors = {}
    scores = {}
    for name in ("speed", "result"):
        try:
            value = int(params.get(name))
        except (TypeError, ValueError):
            value = 0
        if not 1 <= value <= 5:
            errors[name] = _("Give a score from 1 to 5.")
        scores[name] = value
    comment = (params.get("comment") or "").strip()
    if len(comment) > 500:
        errors["comment"] = _("The comment is longer than 500 characters.")
    if errors:
        raise ValidationError(errors)
    case.rating_speed, case.rating_result = scores["speed"], scores["result"]
    case.rating_comment = comment
    case.satisfied = scores["result"] >= 3 and scores["speed"] >= 3
    return {"speed": scores["speed"], "result": scores["result"], "satisfied": case.satisfied, "comment": comment}


def _reopen(case, actor, params, now):
    reporter_only = case.reporter_id == getattr(actor, "pk", None) and Role.DUTY_CHIEF not in case_roles(actor, case)
    if reporter_only and case.satisfied is not False:
        raise IllegalTransition(_("Only an unsatisfied rating can reopen the case."))
    if case.assigned_department_id is None and case.assigned_region_id is None and case.assigned_user_id is None:
        raise IllegalTransition(_("The case has nobody to hand it back to; escalate it instead."))
    case.reopen_count += 1
    case.closed_at = None
    case.handled_by = None
    case.satisfied = None
    case.rating_speed = case.rating_result = None
    case.rating_comment = ""
    return {}


def _escalate(case, actor, params, now):
    current = LEVEL_STEPS.index(case.level)
    if current + 1 >= len(LEVEL_STEPS):
        raise IllegalTransition(_("The case is already handled at the highest level."))
    next_level = LEVEL_STEPS[current + 1]
    target = handling_region_for(case.region, next_level)
    if target.pk == case.handling_region_id:
        raise IllegalTransition(_("There is no higher level above this region."))
    case.level = level_of(target)
    case.handling_region = target
    case.handling_path = target.path
    case.assigned_department = case.assigned_region = case.assigned_user = None
    case.pending_request = PendingRequest.NONE
    return {"level": case.level, "region": target.code, "region_name": target.name}


def _supervise(case, actor, params, now):
    level = params.get("supervision") or Supervision.NORMAL
    if level not in (Supervision.NORMAL, Supervision.YELLOW, Supervision.RED):
        raise ValidationError({"supervision": _("Choose normal, yellow or red.")})
    case.supervision = level
    return {"supervision": level}


def _mark_urgent(case, actor, params, now):
    """Urgent cases get half the time: the running stage's deadline moves earlier, never later."""
    if case.is_urgent:
        raise IllegalTransition(_("The case is already urgent."))
    case.is_urgent = True
    if not case.stage:
        return {}
    shortened = workcal.deadline(case.stage_started_at, deadlines.stage_limit(case, case.stage))
    if shortened < case.due_at:
        case.due_at = shortened
        case.warn_at = deadlines.warn_time(case.stage_started_at, case.due_at)
    return {"due_at": case.due_at.isoformat()}


def _merge(case, actor, params, now):
    number = (params.get("duplicate_of") or "").strip()
    target = Case.objects.filter(number=number).first()
    if target is None or target.pk == case.pk:
        raise ValidationError({"duplicate_of": _("Give the number of another case to merge into.")})
    if target.status == Status.MERGED:
        raise ValidationError({"duplicate_of": _("That case is itself merged; merge into its original.")})
    if case_roles(actor, target) == set():
        raise ValidationError({"duplicate_of": _("Give the number of another case to merge into.")})
    case.duplicate_of = target
    return {"duplicate_of": target.number}


def _repeat(case, actor, params, now):
    """The same report again (a sensor's alarm within its folding window): what it said, on the timeline."""
    return dict(params.get("data") or {})


def _system_close(case, actor, params, now):
    case.closed_at = now
    return dict(params.get("data") or {})


EFFECTS = {
    "repeat": _repeat,
    "system_close": _system_close,
    "accept": _accept,
    "dispatch": _dispatch,
    "sign": _sign,
    "return": _return,
    "approve_return": _approve_return,
    "deny_return": _deny_request(PendingRequest.RETURN),
    "request_extension": _request_extension,
    "approve_extension": _approve_extension,
    "deny_extension": _deny_request(PendingRequest.EXTENSION),
    "feedback": _feedback,
    "solve_on_spot": _solve_on_spot,
    "verify_pass": _verify(True),
    "verify_fail": _verify(False),
    "close": _close,
    "rate": _rate,
    "reopen": _reopen,
    "escalate": _escalate,
    "supervise": _supervise,
    "mark_urgent": _mark_urgent,
    "merge": _merge,
}
