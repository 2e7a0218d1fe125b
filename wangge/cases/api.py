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
from ninja import File, Form, Query, Router, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile
from ninja.security import django_auth

from wangge.accounts.api_auth import BearerToken
from wangge.cases import selectors, services, suggester
from wangge.cases.duplicates import nearby_cases
from wangge.cases.models import Category, PhotoKind
from wangge.cases.permissions import case_roles
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
    moment,
)
from wangge.cases.throttling import anonymous_report_allowed
from wangge.core.api_errors import ApiErrorOut
from wangge.core.pagination import keyset_page

router = Router(tags=["cases"])

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
    cases = selectors.worklist(request.auth, filters, now=moment(request)).select_related("handling_region")
    return keyset_page(cases, query, order=("-created_at", "-id"))


@router.post(
    "/cases",
    auth=INTAKE_AUTH,
    response={200: CaseOut, 201: CaseOut, 429: ApiErrorOut},
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
    if created:
        case.shown_photos = []
    return Status(201 if created else 200, case)


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
    return candidates


@router.get("/cases/{number}", response=CaseOut)
def case_detail_view(request, number: str):
    return selectors.get_case_for(request.auth, number)


@router.get("/cases/{number}/timeline", response=list[EventOut])
def case_timeline(request, number: str):
    case = selectors.get_case_for(request.auth, number)
    return selectors.timeline(case, request.auth)


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
        return selectors.get_case_for(request.auth, number)
    except Http404:
        # The action took the case out of the caller's reach: answer with what they just did.
        return selectors.reloaded(case)


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
    return Status(201, photo)


# --- categories ---------------------------------------------------------------------------------------


@router.get("/categories", response=list[CategoryClassOut])
def categories(request):
    """The active catalogue: classes (大类) with their sub-classes (小类); cases use sub-class codes."""
    rows = list(selectors.active_categories())
    classes = [c for c in rows if c.parent_id is None]
    subs: dict[int, list[Category]] = {}
    for c in rows:
        if c.parent_id is not None:
            subs.setdefault(c.parent_id, []).append(c)
    for c in classes:
        c.active_subclasses = subs.get(c.pk, [])
    return classes


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
        SuggestionOut(code=code, name=names[code], score=round(float(score), 4))
        for code, score in ranked
        if code in names
    ][: query.k]
