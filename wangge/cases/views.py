"""The case pages: worklist, detail with its action forms, intake (staff, residents, anonymous), photos.

Thin views: reads through ``selectors``, writes through ``services``; a service's ValidationError
goes back next to the field, a conflict (stale form, illegal move) becomes a message.
"""

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from PIL import Image, ImageOps

from wangge.accounts.api_auth import login_or_bearer_required
from wangge.accounts.models import Role
from wangge.accounts.scope import scope_for
from wangge.cases import deadlines, offers, selectors, services, suggester
from wangge.cases.duplicates import nearby_cases
from wangge.cases.forms import (
    MAX_PHOTOS,
    FilterForm,
    IntakeForm,
    action_form,
    apply_service_errors,
    category_label,
    is_staff_member,
)
from wangge.cases.locating import describe_place
from wangge.cases.models import CasePhoto, Status, Supervision, Warning
from wangge.cases.permissions import available_actions, is_resident_only
from wangge.cases.throttling import anonymous_locate_allowed, anonymous_report_allowed
from wangge.cases.workflow import ACTION_LABELS, ASSIGNEE, REPORTER, RULES
from wangge.core.errors import Conflict
from wangge.core.validators import validate_lon_lat
from wangge.regions import selectors as region_selectors
from wangge.regions.models import GRID_LEVELS, Level

PAGE_SIZE = 25
THUMB_SIZE = 320
ROLE_LABELS = {ASSIGNEE: gettext_lazy("Assignee"), REPORTER: gettext_lazy("Reporter")}
KNOWN_ACTIONS = {action for _status, action in RULES}
# Buttons that change nothing but flags, or that say "no", look quieter than the main move.
QUIET_ACTIONS = {"mark_urgent", "supervise", "callback", "escalate", "park", "merge", "return", "request_extension"}
DANGER_ACTIONS = {"reject", "verify_fail", "deny_extension", "deny_return", "reopen"}


# --- presentation helpers -------------------------------------------------------------------------------


def role_label(role: str) -> str:
    if role in ROLE_LABELS:
        return str(ROLE_LABELS[role])
    return str(Role(role).label) if role in Role.values else role


def assignee_label(case) -> str:
    parts = []
    if case.assigned_department_id:
        parts.append(case.assigned_department.name)
    elif case.assigned_region_id:
        parts.append(case.assigned_region.name)
    if case.assigned_user_id:
        parts.append(case.assigned_user.display_name or case.assigned_user.username)
    return " · ".join(parts)


@dataclass
class Row:
    """A case as a worklist row: what the template shows, worked out once in Python (the row template
    only prints these; per-row lookups, displays, filters and includes were most of the page's time)."""

    case: object
    number: str
    url: str
    title: str
    category: str
    status: str
    status_label: str
    region: str
    warning: str
    warning_badge: str  # the _warning.html badge, or ""
    due: str  # "Y-m-d H:i" local time, "" unless the case is open and has a deadline
    due_short: str  # "m-d H:i"
    assignee: str
    created: str
    is_urgent: bool
    supervision: str
    supervision_label: str


class RowMaker:
    """Turns cases into rows; labels and badges are looked up once per page, not once per row."""

    def __init__(self, now):
        self.now = now
        self.status_labels = {value: str(label) for value, label in Status.choices}
        self.supervision_labels = {value: str(label) for value, label in Supervision.choices}
        self.badges = {
            warning: render_to_string("cases/_warning.html", {"warning": warning})
            for warning in (Warning.YELLOW, Warning.RED)
        }

    def __call__(self, case) -> Row:
        is_open = case.is_open
        warning = deadlines.warning_at(case, self.now) if is_open else Warning.NONE
        due = timezone.localtime(case.due_at) if case.due_at and is_open else None
        return Row(
            case=case,
            number=case.number,
            url=reverse("cases:detail", args=[case.number]),
            title=case.title,
            category=category_label(case.category),
            status=case.status,
            status_label=self.status_labels.get(case.status, case.status),
            region=case.region.name,
            warning=warning,
            warning_badge=self.badges.get(warning, ""),
            due=due.strftime("%Y-%m-%d %H:%M") if due else "",
            due_short=due.strftime("%m-%d %H:%M") if due else "",
            assignee=assignee_label(case),
            created=timezone.localtime(case.created_at).strftime("%Y-%m-%d %H:%M"),
            is_urgent=case.is_urgent,
            supervision=case.supervision,
            supervision_label=self.supervision_labels.get(case.supervision, ""),
        )


def count_label(count: int) -> str:
    """A box's count as shown: the number, or "99+" from ``COUNT_CAP`` on."""
    return f"{selectors.COUNT_CAP - 1}+" if count >= selectors.COUNT_CAP else str(count)


FILTER_OPTIONS_SECONDS = 60  # a renamed or new region reaches the filter's list within a minute


def _filter_regions(user) -> list[tuple[str, str]]:
    """The regions a staff member may filter by, as (code, indented name): what they see on the map,
    down to the grids. The same for everyone with the same map reach, so kept a minute per reach."""
    scope = scope_for(user)
    reach = "*" if scope.is_global else "|".join(scope.map_paths)
    key = f"wangge:filter-regions:{hashlib.sha256(reach.encode()).hexdigest()[:32]}"
    choices = cache.get(key)
    if choices is None:
        levels = (Level.STREET, Level.COMMUNITY, *GRID_LEVELS)
        regions = list(
            region_selectors.visible_regions(user)
            .filter(level__in=levels)
            .order_by("path")
            .values_list("code", "name", "depth")[:600]  # not the boundaries: hundreds of polygons
        )
        top = min((depth for _code, _name, depth in regions), default=0)
        choices = [(code, "\u2003" * max(depth - top, 0) + name) for code, name, depth in regions]
        cache.set(key, choices, FILTER_OPTIONS_SECONDS)
    return choices


# --- the worklist --------------------------------------------------------------------------------------

STAFF_TABS = [
    ("todo", gettext_lazy("To do")),
    ("soon", gettext_lazy("Due soon")),
    ("overdue", gettext_lazy("Overdue")),
    ("done", gettext_lazy("Done by me")),
    ("all", gettext_lazy("All")),
]
RESIDENT_TABS = [("mine", gettext_lazy("My reports")), ("todo", gettext_lazy("To rate"))]


@login_required
def worklist(request):
    user = request.user
    resident = is_resident_only(user)
    tabs = RESIDENT_TABS if resident else STAFF_TABS
    box = request.GET.get("box") or tabs[0][0]
    if box not in dict(tabs):
        box = tabs[0][0]
    now = timezone.now()
    form = FilterForm(request.GET or None, regions=[] if resident else _filter_regions(user))
    filters = form.filters("" if box == "all" else box)
    cases = selectors.worklist(user, filters, now=now).select_related("assigned_region", "assigned_user")
    cursor = request.GET.get("cursor") or None
    try:
        page, next_cursor = selectors.page_after(cases, cursor, PAGE_SIZE)
    except ValidationError:
        messages.error(request, _("The page link is not valid; showing the first page."))
        cursor = None
        page, next_cursor = selectors.page_after(cases, None, PAGE_SIZE)
    query = request.GET.copy()
    query.pop("cursor", None)
    query["box"] = box
    next_query = query.copy()
    if next_cursor:
        next_query["cursor"] = next_cursor
    tab_query = request.GET.copy()
    tab_query.pop("cursor", None)
    tab_query.pop("box", None)
    counts = selectors.work_counts(user, now)
    make_row = RowMaker(now)
    context = {
        "nav": "cases",
        "tabs": [
            (key, label, counts.get(key), count_label(counts[key]) if key in counts else "") for key, label in tabs
        ],
        "box": box,
        "counts": counts,
        "form": form,
        "rows": [make_row(case) for case in page],
        "cursor": cursor,
        "next_query": next_query.urlencode() if next_cursor else "",
        "first_query": query.urlencode(),
        "tab_query": tab_query.urlencode(),
        "resident": resident,
        "page_size": PAGE_SIZE,
    }
    return render(request, "cases/worklist.html", context)


# --- the case page -------------------------------------------------------------------------------------


def _action_buttons(actions: list[str]) -> list[dict]:
    buttons = []
    for action in actions:
        style = "btn-outline-danger" if action in DANGER_ACTIONS else "btn-danger"
        if action in QUIET_ACTIONS:
            style = "btn-outline-secondary"
        buttons.append({"action": action, "label": ACTION_LABELS.get(action, action), "style": style})
    return buttons


def _category_corrections(events) -> dict[int, str]:
    """Event id → "reported category → corrected category" for the events that corrected it."""
    changed = [e for e in events if (e.data or {}).get("category_from")]
    if not changed:
        return {}
    codes = {code for e in changed for code in (e.data["category_from"], e.data["category"])}
    labels = {code: category_label(c) for code, c in selectors.categories_by_code(codes).items()}
    return {
        e.pk: f"{labels.get(e.data['category_from'], e.data['category_from'])} → "
        f"{labels.get(e.data['category'], e.data['category'])}"
        for e in changed
    }


def _merge_suggestions(user, case) -> list:
    others = selectors.visible_cases(user).exclude(pk=case.pk)
    return nearby_cases(others, lon=case.lon, lat=case.lat, category=case.category, text=case.description, limit=5)


def _render_case(request, case, *, bound=None, status=200):
    user = request.user
    actions = available_actions(user, case)
    if bound is not None and bound.action not in actions:
        actions.append(bound.action)
    forms = {}
    for action in actions:
        forms[action] = bound if bound is not None and bound.action == action else action_form(action, case, user)
    events = selectors.timeline(case, user)
    corrections = _category_corrections(events)
    photos = list(case.photos.order_by("pk"))
    report_photos = [p for p in photos if p.event_id is None]
    staff = is_staff_member(user)
    boundary = None
    if case.region.boundary:
        boundary = {"type": "Feature", "geometry": case.region.boundary, "properties": {"name": case.region.name}}
    context = {
        "nav": "cases",
        "case": case,
        "category": category_label(case.category),
        "category_class": category_label(case.category.parent) if case.category.parent_id else "",
        "warning": deadlines.warning_at(case, timezone.now()) if case.is_open else Warning.NONE,
        "assignee": assignee_label(case),
        "events": [
            {
                "event": e,
                "role": role_label(e.role),
                "label": ACTION_LABELS.get(e.action, e.action),
                "to_label": Status(e.to_status).label if e.to_status in Status.values else e.to_status,
                "photos": report_photos if e.action == "report" else list(e.photos.all()),
                "category_change": corrections.get(e.pk, ""),
            }
            for e in events
        ],
        "photos": photos,
        "buttons": _action_buttons(actions),
        "forms": forms,
        "open_form": bound.action if bound is not None else request.GET.get("do", ""),
        "merge_suggestions": _merge_suggestions(user, case) if "merge" in actions else [],
        "staff": staff,
        "offers": offers.links_for(user, case),
        "map": {
            "lon": case.lon,
            "lat": case.lat,
            "boundary": boundary,
            "tileUrl": _tile_url(),
            "label": case.address or case.title,
        },
    }
    return render(request, "cases/detail.html", context, status=status)


def _tile_url() -> str:
    return settings.MAP_TILE_URL


@login_required
def detail(request, number):
    case = selectors.get_case_for(request.user, number)
    return _render_case(request, case)


@login_required
@require_POST
def act(request, number, action):
    case = selectors.get_case_for(request.user, number)
    if action not in KNOWN_ACTIONS:
        raise Http404("action")
    form = action_form(action, case, request.user, data=request.POST, files=request.FILES)
    if not form.is_valid():
        return _render_case(request, case, bound=form, status=400)
    label = ACTION_LABELS.get(action, action)
    try:
        services.transition(
            case,
            action,
            actor=request.user,
            opinion=form.cleaned_data.get("opinion", ""),
            expected_version=form.cleaned_data["version"],
            **form.params(),
        )
    except ValidationError as exc:
        apply_service_errors(form, exc, aliases={"Idempotency-Key": "version"})
        return _render_case(request, case, bound=form, status=400)
    except (Conflict, PermissionDenied) as exc:
        messages.error(request, str(exc) or _("This action is not possible now."))
        return redirect("cases:detail", number=case.number)
    messages.success(request, _("Done: %(action)s.") % {"action": label})
    if not selectors.visible_cases(request.user).filter(pk=case.pk).exists():
        return redirect("cases:worklist")
    return redirect("cases:detail", number=case.number)


@login_or_bearer_required
@require_GET
def photo(request, number, photo_id):
    """A case photo, only for someone who may see the case (404 otherwise, like an absent one)."""
    case = selectors.get_case_for(request.user, number)
    item = get_object_or_404(CasePhoto, pk=photo_id, case=case)
    thumb = _thumbnail(item) if request.GET.get("size") == "thumb" else None
    if thumb is not None:
        response = HttpResponse(thumb, content_type="image/jpeg")
    else:
        try:
            handle = item.file.open("rb")
        except FileNotFoundError:
            raise Http404("photo file") from None
        response = FileResponse(handle, content_type=item.content_type)
        response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=86400"
    return response


def _thumbnail(item: CasePhoto) -> bytes | None:
    """A small JPEG of the photo (cached); None when it cannot be made, and the original is sent."""
    key = f"wangge:case-thumb:{item.pk}:{item.sha256[:16]}"
    data = cache.get(key)
    if data is None:
        try:
            with item.file.open("rb") as handle, Image.open(handle) as image:
                image.draft("RGB", (THUMB_SIZE * 2, THUMB_SIZE * 2))
                image = ImageOps.exif_transpose(image).convert("RGB")
                image.thumbnail((THUMB_SIZE, THUMB_SIZE))
                out = io.BytesIO()
                image.save(out, "JPEG", quality=80)
        except (OSError, ValueError, Image.DecompressionBombError):
            return None
        data = out.getvalue()
        cache.set(key, data, 60 * 60 * 24)
    return data


# --- intake --------------------------------------------------------------------------------------------


def _map_start(user) -> dict:
    """Where the intake map opens before the browser's position is known: the user's grid centre."""
    region = None
    if user.is_authenticated:
        membership = (
            user.memberships.filter(is_active=True, region__is_active=True, region__center_lon__isnull=False)
            .select_related("region")
            .order_by("-region__depth")
            .first()
        )
        region = membership.region if membership else None
    if region is None:
        region = region_selectors.default_map_start()
    outlines = []
    if region is not None and region.boundary:
        outlines.append({"type": "Feature", "geometry": region.boundary, "properties": {"name": region.name}})
    return {
        "lon": region.center_lon if region else 120.9,
        "lat": region.center_lat if region else 31.4,
        "outlines": outlines,
    }


def _submit_report(user, form: IntakeForm):
    """Create the case; a grid worker's "solved on the spot" closes the loop in the same transaction."""
    data = form.cleaned_data
    if data.get("solved_on_spot"):
        return services.report_solved_on_spot(
            actor=user,
            report=form.report(),
            photos=data.get("photos") or [],
            photo_before=data.get("photo_before") or [],
            photo_after=data.get("photo_after") or [],
            note=data.get("on_spot_note", ""),
        )
    return services.report_case(actor=user, report=form.report(), photos=data.get("photos") or [])


def _intake(request, *, template: str, anonymous: bool):
    user = request.user
    form = IntakeForm(request.POST or None, request.FILES or None, user=user)
    if anonymous and request.method == "POST" and not anonymous_report_allowed(request):
        form.is_valid()
        form.add_error(None, _("Too many reports from this address without an account: try again later or log in."))
        return render(request, template, _intake_context(form, user, anonymous), status=429)
    if request.method == "POST" and form.is_valid():
        try:
            case, created = _submit_report(user, form)
        except ValidationError as exc:
            apply_service_errors(form, exc, aliases={"lon": "lat", "Idempotency-Key": "idempotency_key"})
        except PermissionDenied:
            form.add_error(
                "solved_on_spot", _("You may solve on the spot only inside your own grid: untick it to report.")
            )
        else:
            if anonymous:
                request.session["wangge_reported_case"] = case.number
                return redirect("cases:report_done")
            if created:
                messages.success(request, _("Case %(number)s was reported. Thank you.") % {"number": case.number})
            else:
                messages.info(request, _("This report was already sent: case %(number)s.") % {"number": case.number})
            return redirect("cases:detail", number=case.number)
    return render(
        request, template, _intake_context(form, user, anonymous), status=400 if form.is_bound and form.errors else 200
    )


def _intake_context(form, user, anonymous: bool) -> dict:
    return {
        "nav": "report",
        "form": form,
        "anonymous": anonymous,
        "max_photos": MAX_PHOTOS,
        "map": {
            **_map_start(user),
            "tileUrl": _tile_url(),
            "onSpot": form.on_spot_categories() if "solved_on_spot" in form.fields else [],
            "maxPhotos": MAX_PHOTOS,
            "labels": {
                "located": _("Your position"),
                "pin": _("The problem is here"),
                "noGps": _("Your position is not available: put the pin on the map yourself."),
                "inRegion": _("In:"),
                "nearBuilding": _("Nearest building: %(name)s, %(m)s m away"),
                "addPhotos": _("Add more photos"),
                "removePhoto": _("Remove this photo"),
                "removePhotos": _("Remove the photos"),
                "tooManyPhotos": _("At most %(n)d photos: the first ones are kept.") % {"n": MAX_PHOTOS},
            },
        },
    }


@login_required
def new(request):
    return _intake(request, template="cases/new.html", anonymous=False)


def report(request):
    """Anyone, without an account: a mobile number is required so that the centre can call back."""
    if request.user.is_authenticated:
        return redirect("cases:new")
    return _intake(request, template="cases/new.html", anonymous=True)


def report_done(request):
    number = request.session.get("wangge_reported_case")
    if not number:
        return redirect("cases:report")
    return render(request, "cases/report_done.html", {"number": number})


@require_GET
def suggest(request):
    """Up to three categories that fit the description so far, as chips (suggested, never forced)."""
    text = (request.GET.get("description") or "").strip()[:2000]
    chips = []
    if len(text) >= 2:
        ranked = suggester.suggest(text, 3)
        by_code = {c.code: c for c in selectors.active_categories().filter(code__in=[code for code, _s in ranked])}
        chips = [{"code": code, "label": category_label(by_code[code])} for code, _score in ranked if code in by_code][
            :3
        ]
    return render(request, "cases/_suggestions.html", {"chips": chips})


@require_GET
def locate(request):
    """Where the pin falls, for the intake's place step: the region's name path and an address from the
    nearest ledger building (the user may edit it). Open to anyone who may report, like the report page;
    a point outside every region served answers 400 with the message the step shows."""
    if not request.user.is_authenticated and not anonymous_locate_allowed(request):
        return _locate_refusal(_("Too many look-ups from this address: try again later or log in."), status=429)
    try:
        lon, lat = validate_lon_lat(request.GET.get("lon"), request.GET.get("lat"))
    except ValidationError as exc:
        return _locate_refusal([m for messages in exc.message_dict.values() for m in messages][0])
    place = describe_place(lon, lat)
    if place is None:
        return _locate_refusal(
            _("This place is outside the area we serve: put the pin where the problem is, inside the town.")
        )
    building = place.building
    return JsonResponse(
        {
            "point": [lon, lat],
            "region": {"code": place.region.code, "name": place.region.name, "level": place.region.level},
            "path": place.path,
            "label": place.label,
            "in_grid": place.in_grid,
            "building": (
                {"name": building.name, "address": building.address, "distance_m": round(building.distance_m)}
                if building
                else None
            ),
            "address": place.address[: services.MAX_ADDRESS],
        }
    )


def _locate_refusal(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"detail": message, "errors": [{"field": "lon,lat", "message": message}]}, status=status)


@login_required
@require_GET
def nearby(request):
    """Open cases nearby of the same (or a related) category that the user can see: maybe the same problem."""
    try:
        lon = float(request.GET.get("lon", ""))
        lat = float(request.GET.get("lat", ""))
    except ValueError:
        return render(request, "cases/_nearby.html", {"candidates": []})
    category = selectors.active_categories().filter(code=request.GET.get("category", "")).first()
    candidates = []
    if category is not None:
        candidates = nearby_cases(
            selectors.visible_cases(request.user),
            lon=lon,
            lat=lat,
            category=category,
            text=(request.GET.get("description") or "")[:2000],
            limit=5,
        )
    return render(request, "cases/_nearby.html", {"candidates": candidates})
