"""Cases over JSON: intake, the scoped worklist, detail, timeline, actions, photos, categories.

Thin: every read goes through ``selectors`` (scoped: out of reach is 404), every write through
``services``. Two bodies are parsed here rather than by ninja: ``POST /cases`` (so that a body over
DATA_UPLOAD_MAX_MEMORY_SIZE is a clean 400) and ``POST /cases/{number}/actions`` (JSON, or multipart
when the action carries photos).
"""

import json
from datetime import date, datetime, time, timedelta

import pydantic
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import File, Form, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile
from ninja.security import django_auth

from wangge.accounts.api_auth import BearerToken
from wangge.accounts.models import DepartmentKind, Role
from wangge.cases import deadlines, selectors, services, suggester
from wangge.cases.duplicates import nearby_cases
from wangge.cases.models import Case, CaseEvent, CasePhoto, Category, CategoryKind, PhotoKind
from wangge.cases.permissions import available_actions, case_roles
from wangge.cases.schemas import (
    ActionIn,
    CaseIn,
    CaseListQuery,
    CaseOut,
    CasePageOut,
    CategoryClassOut,
    EventOut,
    NearbyOut,
    NearbyQuery,
    PhotoKindIn,
    PhotoOut,
    SuggestionOut,
    SuggestQuery,
)
from wangge.cases.throttling import anonymous_report_allowed
from wangge.cases.workflow import ACTION_LABELS, ASSIGNEE, REPORTER
from wangge.core.pagination import keyset_page

router = Router(tags=["cases"])

EXTRA_ROLE_LABELS = {ASSIGNEE: gettext_lazy("Assignee"), REPORTER: gettext_lazy("Reporter")}
PHOTO_FIELDS = (PhotoKind.BEFORE, PhotoKind.AFTER, PhotoKind.DOCUMENT)


# --- authentication: a token, the session, or nobody (intake only) --------------------------------


class SessionOrAnonymous:
    """After the bearer token: the browser session (CSRF-checked), else an anonymous reporter.

    A request that sent an Authorization header the token check refused stays a 401: a bad token
    never silently turns into an anonymous report.
    """

    def __call__(self, request):
        if request.headers.get("Authorization"):
            return None
        if request.user.is_authenticated:
            return django_auth(request)
        return AnonymousUser()


INTAKE_AUTH = [BearerToken(), SessionOrAnonymous()]


# --- request bodies ---------------------------------------------------------------------------------


def _too_big() -> ValidationError:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    return ValidationError({"body": _("The request body is larger than %(mb)d MB.") % {"mb": limit}})


def _raw_body(request) -> bytes:
    try:
        return request.body
    except RequestDataTooBig:
        raise _too_big() from None


def _json_object(request) -> dict:
    raw = _raw_body(request)
    try:
        data = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ValidationError({"body": _("The request body is not valid JSON.")}) from None
    if not isinstance(data, dict):
        raise ValidationError({"body": _("The request body must be a JSON object.")})
    return data


def _validated(schema, data: dict):
    """``schema`` from ``data``; a mismatch is the same 422 as ninja's own schema errors."""
    try:
        return schema.model_validate(data)
    except pydantic.ValidationError as exc:
        raise NinjaValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False, include_input=False)]
        ) from None


def _action_payload(request) -> tuple[ActionIn, dict]:
    """(the action, its photo uploads by kind) from a JSON body or a form (multipart for photos)."""
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        try:
            fields = {k: v for k, v in request.POST.items() if v != ""}
            files = {kind: request.FILES.getlist(kind) for kind in PHOTO_FIELDS if kind in request.FILES}
        except RequestDataTooBig:
            raise _too_big() from None
        return _validated(ActionIn, fields), files
    return _validated(ActionIn, _json_object(request)), {}


JSON_BODY_DOC = {"required": True, "content": {"application/json": {"schema": CaseIn.model_json_schema()}}}
ACTION_BODY_DOC = {
    "required": True,
    "content": {
        "application/json": {"schema": ActionIn.model_json_schema()},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    **ActionIn.model_json_schema()["properties"],
                    **{
                        kind: {"type": "array", "items": {"type": "string", "format": "binary"}}
                        for kind in PHOTO_FIELDS
                    },
                },
                "required": ["action"],
            }
        },
    },
}


# --- output ---------------------------------------------------------------------------------------


def photo_url(case: Case, photo: CasePhoto) -> str:
    return f"/cases/{case.number}/photos/{photo.pk}/"


def _photo_out(case: Case, photo: CasePhoto) -> dict:
    return {
        "id": photo.pk,
        "kind": photo.kind,
        "url": photo_url(case, photo),
        "content_type": photo.content_type,
        "width": photo.width,
        "height": photo.height,
    }


def _code_name(obj) -> dict | None:
    return {"code": obj.code, "name": obj.name} if obj is not None else None


def _region_ref(region) -> dict:
    return {"code": region.code, "name": region.name, "level": region.level}


def case_item(case: Case, now: datetime) -> dict:
    return {
        "number": case.number,
        "title": case.title,
        "category": _code_name(case.category),
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "source": case.source,
        "region": _code_name(case.region),
        "address": case.address,
        "handling_region": _code_name(case.handling_region),
        "assigned_department": _code_name(case.assigned_department),
        "is_urgent": case.is_urgent,
        "supervision": case.supervision,
        "warning": deadlines.warning_at(case, now),
        "due_at": case.due_at,
        "created_at": case.created_at,
    }


def case_detail(case: Case, user, photos: list | None = None) -> dict:
    """The case as the API shows it; ``photos`` when the caller knows them already (a new report: none)."""
    category = case.category
    rated = case.rating_speed is not None or case.rating_result is not None
    return {
        "number": case.number,
        "title": case.title,
        "description": case.description,
        "category": {
            "code": category.code,
            "name": category.name,
            "class_code": category.parent.code if category.parent_id else "",
            "class_name": category.parent.name if category.parent_id else "",
        },
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "source": case.source,
        "source_label": str(case.get_source_display()),
        "lon": case.lon,
        "lat": case.lat,
        "address": case.address,
        "region": _region_ref(case.region),
        "region_chain": [_region_ref(r) for r in [*case.region.chain(), case.region]],
        "level": case.level,
        "level_label": str(case.get_level_display()),
        "handling_region": _region_ref(case.handling_region),
        "assignee": {
            "department": _code_name(case.assigned_department),
            "region": _code_name(case.assigned_region),
            "user": (case.assigned_user.display_name or case.assigned_user.username) if case.assigned_user else None,
        },
        "stage": case.stage,
        "due_at": case.due_at,
        "warn_at": case.warn_at,
        "warning": deadlines.warning_at(case, timezone.now()),
        "flags": {
            "is_urgent": case.is_urgent,
            "supervision": case.supervision,
            "needs_triage": case.needs_triage,
            "pending_request": case.pending_request,
            "pending_extension": case.pending_extension,
            "duplicate_of": case.duplicate_of.number if case.duplicate_of_id else None,
            "extension_count": case.extension_count,
            "rework_count": case.rework_count,
            "return_count": case.return_count,
            "reopen_count": case.reopen_count,
        },
        "rating": {
            "speed": case.rating_speed,
            "result": case.rating_result,
            "comment": case.rating_comment,
            "satisfied": case.satisfied,
        }
        if rated
        else None,
        "reporter_name": case.reporter_name,
        "contact_phone": case.contact_phone_masked,
        "photos": [_photo_out(case, p) for p in (case.photos.order_by("pk") if photos is None else photos)],
        "allowed_actions": available_actions(user, case),
        "version": case.version,
        "created_at": case.created_at,
        "accepted_at": case.accepted_at,
        "dispatched_at": case.dispatched_at,
        "handled_at": case.handled_at,
        "closed_at": case.closed_at,
    }


def _role_label(role: str) -> str:
    if role in EXTRA_ROLE_LABELS:
        return str(EXTRA_ROLE_LABELS[role])
    return str(Role(role).label) if role in Role.values else role


def _event_out(case: Case, event: CaseEvent) -> dict:
    return {
        "seq": event.seq,
        "action": event.action,
        "action_label": str(ACTION_LABELS.get(event.action, event.action)),
        "actor_name": event.actor_name,
        "role": event.role,
        "role_label": _role_label(event.role),
        "from_status": event.from_status,
        "to_status": event.to_status,
        "opinion": event.opinion,
        "data": event.data,
        "at": event.at,
        "photos": [_photo_out(case, p) for p in event.photos.all()],
    }


def _detail_for(user, number: str) -> dict:
    return case_detail(selectors.get_case_for(user, number), user)


# --- the worklist and intake ------------------------------------------------------------------------


def _bound(value: date | datetime | None, *, end: bool) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value + timedelta(days=1) if end else value, time.min)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


@router.get("/cases", response=CasePageOut)
def list_cases(request, query: Query[CaseListQuery]):
    """The caller's cases, newest first, one page at a time (``next_cursor`` → ``cursor``)."""
    filters = selectors.CaseFilters(
        status=query.status or "",
        category=query.category.strip(),
        source=query.source or "",
        region=query.region.strip(),
        warning=query.warning or "",
        box=query.box or "",
        q=query.q,
        date_from=_bound(query.date_from, end=False),
        date_to=_bound(query.date_to, end=True),
    )
    now = timezone.now()
    cases = selectors.worklist(request.auth, filters, now=now).select_related("handling_region")
    return keyset_page(cases, query, order=("-created_at", "-id"), item=lambda case: case_item(case, now))


class ThrottledOut(Schema):
    detail: str
    errors: list[dict] = []


@router.post(
    "/cases",
    auth=INTAKE_AUTH,
    response={200: CaseOut, 201: CaseOut, 429: ThrottledOut},
    openapi_extra={
        "requestBody": JSON_BODY_DOC,
        "security": [{"SessionAuth": []}, {}],  # appended to the bearer token: both optional
        "parameters": [
            {
                "in": "header",
                "name": "Idempotency-Key",
                "required": False,
                "schema": {"type": "string", "maxLength": 100},
                "description": "Retrying with the same key returns the first case (200) instead of a new one",
            }
        ],
    },
)
def report_case(request):
    """Report a case (201). Without a token a contact_phone is required; a retried Idempotency-Key is 200."""
    actor = request.auth
    if not actor.is_authenticated and not anonymous_report_allowed(request):
        message = _("Too many reports from this address without an account: try again later or log in.")
        return Status(429, {"detail": message, "errors": [{"field": "", "message": message}]})
    payload = _validated(CaseIn, _json_object(request))
    report = services.Report(**payload.dict(), idempotency_key=request.headers.get("Idempotency-Key") or "")
    case, created = services.report_case(actor=actor, report=report)
    if not created:  # a retried key: the first case, as it is now
        case = selectors.reloaded(case)
    # A new case already holds its category (with its class), region and handling region; nobody is assigned
    # yet, and a JSON report carries no photo.
    return Status(201 if created else 200, case_detail(case, actor, photos=[] if created else None))


# Declared before /cases/{number}: that pattern would take "nearby" as a number.
@router.get("/cases/nearby", response=list[NearbyOut])
def nearby(request, query: Query[NearbyQuery]):
    """Possible duplicates among open cases the caller can see, best first."""
    category = None
    if query.category:
        category = selectors.active_categories().filter(code=query.category.strip()).first()
        if category is None:
            raise ValidationError({"category": _("Unknown category %(code)s.") % {"code": query.category}})
    candidates = nearby_cases(
        selectors.visible_cases(request.auth), lon=query.lon, lat=query.lat, category=category, text=query.text
    )
    return [
        {
            "number": c.case.number,
            "title": c.case.title,
            "status": c.case.status,
            "distance_m": c.distance_m,
            "similarity": c.similarity,
            "score": c.score,
        }
        for c in candidates
    ]


@router.get("/cases/{number}", response=CaseOut)
def case_detail_view(request, number: str):
    return _detail_for(request.auth, number)


@router.get("/cases/{number}/timeline", response=list[EventOut])
def case_timeline(request, number: str):
    case = selectors.get_case_for(request.auth, number)
    return [_event_out(case, e) for e in selectors.timeline(case, request.auth)]


@router.post("/cases/{number}/actions", response=CaseOut, openapi_extra={"requestBody": ACTION_BODY_DOC})
def case_action(request, number: str):
    """Move the case: 409 when the action is impossible now or ``version`` is stale, 403 when your role may not."""
    case = selectors.get_case_for(request.auth, number)
    payload, files = _action_payload(request)
    params = {
        name: value
        for name, value in payload.dict(exclude={"action", "opinion", "version"}).items()
        if value is not None
    }
    params.update(files)
    services.transition(
        case,
        payload.action,
        actor=request.auth,
        opinion=payload.opinion,
        expected_version=payload.version,
        **params,
    )
    try:
        return _detail_for(request.auth, number)
    except Http404:
        # The action took the case out of the caller's reach: answer with what they just did.
        return case_detail(selectors.reloaded(case), request.auth)


@router.post("/cases/{number}/photos", response={201: PhotoOut})
def add_photo(request, number: str, form: Form[PhotoKindIn], file: File[UploadedFile] = None):
    """Attach a JPEG, PNG or WebP photo (at most CASE_PHOTO_MAX_BYTES) to a case you take part in."""
    case = selectors.get_case_for(request.auth, number)
    if file is None:  # checked here: ninja would name the field "file.file"
        raise NinjaValidationError([{"type": "missing", "loc": ("form", "file")}])
    if not case_roles(request.auth, case):
        raise PermissionDenied(_("Only people who take part in a case may add photos to it."))
    try:
        photo = services.add_photo(actor=request.auth, case=case, upload=file, kind=form.kind)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "photo" in exc.error_dict:
            raise ValidationError({"file": exc.error_dict["photo"]}) from None
        raise
    return Status(201, _photo_out(case, photo))


# --- categories ---------------------------------------------------------------------------------------


def _sub_out(category: Category) -> dict:
    kind = category.department_kind
    return {
        "code": category.code,
        "name": category.name,
        "name_en": category.name_en,
        "kind": category.kind,
        "department_kind": kind,
        "department_label": str(DepartmentKind(kind).label) if kind in DepartmentKind.values else kind,
        "level": category.default_level,
        "on_spot": category.on_spot,
        "evidence": list(category.evidence),
        "limits": {
            "accept": category.limit_accept,
            "sign": category.limit_sign,
            "handle": category.limit_handle,
            "verify": category.limit_verify,
        },
        "related": list(category.related),
    }


@router.get("/categories", response=list[CategoryClassOut])
def categories(request):
    """The active catalogue: classes (大类) with their sub-classes (小类); cases use sub-class codes."""
    rows = list(selectors.active_categories())
    classes = [c for c in rows if c.parent_id is None]
    subs: dict[int, list[Category]] = {}
    for c in rows:
        if c.parent_id is not None:
            subs.setdefault(c.parent_id, []).append(c)
    return [
        {
            "code": c.code,
            "name": c.name,
            "name_en": c.name_en,
            "kind": c.kind,
            "kind_label": str(CategoryKind(c.kind).label) if c.kind in CategoryKind.values else c.kind,
            "subclasses": [_sub_out(s) for s in subs.get(c.pk, [])],
        }
        for c in classes
    ]


@router.get("/categories/suggest", response=list[SuggestionOut])
def suggest_categories(request, query: Query[SuggestQuery]):
    """Sub-classes that fit a description, best first (``score`` from the classifier)."""
    # A few spare: a code the model knows may have been switched off in the catalogue since.
    ranked = suggester.suggest(query.text, query.k + 5)
    names = dict(
        selectors.active_categories()
        .filter(code__in=[code for code, _score in ranked], parent__isnull=False)
        .values_list("code", "name")
    )
    return [
        {"code": code, "name": names[code], "score": round(float(score), 4)} for code, score in ranked if code in names
    ][: query.k]
