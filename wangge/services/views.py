"""Pages of services to residents (phone-sized first): the wish wall, a wish with the actions the viewer
may take, activities with sign-up and the door's QR code, service points by distance and on a map. Thin:
scoped reads through ``selectors`` (404 out of reach), writes through ``services``."""

import io

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.api_auth import login_or_bearer_required
from wangge.core import excel
from wangge.core.errors import Conflict
from wangge.patrols import selectors as patrol_selectors
from wangge.people.models import Compound
from wangge.services import access, selectors, services, visits
from wangge.services.api import parse_near
from wangge.services.forms import ActivityForm, ClaimForm, WishForm
from wangge.services.models import ClaimantKind, ErrandCategory, PointKind, WishStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(request, template: str, context: dict):
    return render(request, template, {"nav": "services", **context})


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [str(m) for errors in exc.message_dict.values() for m in errors]
    return [str(m) for m in exc.messages]


# --- wishes ----------------------------------------------------------------------------------------------


@login_required
def wall(request):
    mine = request.GET.get("mine") == "1"
    status = request.GET.get("status", "")
    if status not in WishStatus.values:
        status = ""
    rows = selectors.wishes_filtered(request.user, status=status, mine=mine).select_related("posted_by")
    context = {
        "tab": "wishes",
        "wishes": rows[:100],
        "mine": mine,
        "status": status,
        "statuses": WishStatus.choices,
        "counts": selectors.wall_counts(request.user),
        "review": selectors.to_review(request.user)[:50] if access.is_manager(request.user) else [],
        "stale_days": services.conf.wish_stale_days(),
    }
    return _page(request, "services/wall.html", context)


def _compounds(user):
    region = access.home_region(user)
    if region is None:
        return Compound.objects.none()
    community = services.community_of(region)
    if community is None:
        return Compound.objects.none()
    return Compound.objects.filter(region_path__startswith=community.path).order_by("name")[:300]


@login_required
def wish_new(request):
    helper = access.is_helper(request.user)
    compounds = list(_compounds(request.user))
    regions = selectors.helped_regions(request.user) if helper else []
    # From a household visit's page (``services.visits``): the resident met there, read in the user's reach.
    initial = visits.prefill(request.user, request.GET.get("for_person")) if helper else {}
    form = WishForm(
        request.POST or None,
        request.FILES or None,
        compounds=compounds,
        helper=helper,
        regions=regions,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            wish = services.post_wish(
                actor=request.user,
                title=data["title"],
                reason=data["reason"],
                wanted_by=data["wanted_by"],
                compound=data["compound"],
                photo=data["photo"],
                region=data.get("region", ""),
                beneficiary_name=data.get("beneficiary_name", ""),
                beneficiary_phone=data.get("beneficiary_phone", ""),
                beneficiary_address=data.get("beneficiary_address", ""),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your wish was sent; the community will review it."))
            return redirect("services:wish", pk=wish.pk)
    return _page(request, "services/wish_form.html", {"form": form, "helper": helper, "tab": "wishes"})


@login_required
def wish_detail(request, pk: int):
    wish = selectors.get_wish_for(request.user, pk)
    user = request.user
    actions = services.wish_actions(user, wish)
    context = {
        "tab": "wishes",
        "wish": wish,
        "private": selectors.sees_private(user, wish),
        "stale": selectors.is_stale(wish),
        **{f"can_{name}": name in actions for name in services.WISH_ACTIONS},
        "claim_form": ClaimForm(initial={"kind": ClaimantKind.VOLUNTEER}),
    }
    return _page(request, "services/wish_detail.html", context)


@login_required
@require_POST
def wish_action(request, pk: int, action: str):
    wish = selectors.get_wish_for(request.user, pk)
    post = request.POST
    try:
        if action == "approve":
            services.review_wish(actor=request.user, wish=wish, approve=True, note=post.get("note", ""))
        elif action == "reject":
            services.review_wish(actor=request.user, wish=wish, approve=False, note=post.get("note", ""))
        elif action == "withdraw":
            services.withdraw_wish(actor=request.user, wish=wish)
        elif action == "claim":
            form = ClaimForm(post)
            if not form.is_valid():
                raise ValidationError({k: v for k, v in form.errors.items()})
            services.claim_wish(
                actor=request.user, wish=wish, kind=form.cleaned_data["kind"], name=form.cleaned_data["name"]
            )
        elif action == "fulfil":
            services.fulfil_wish(
                actor=request.user, wish=wish, photo=request.FILES.get("photo"), note=post.get("note", "")
            )
        elif action == "confirm":
            services.confirm_wish(actor=request.user, wish=wish, thanks=post.get("thanks", ""))
        else:
            raise Http404("action")
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    except (Conflict, PermissionDenied) as exc:
        messages.error(request, str(exc))
    return redirect("services:wish", pk=pk)


@login_required
@require_POST
def wish_from_visit(request, pk: int):
    """A household visit's need as a 微心愿 for the resident met there, in one step; back to the visit's page,
    which then shows the wish."""
    visit = patrol_selectors.get_visit_for(request.user, pk)  # 404 outside the caller's reach
    try:
        wish, created = services.wish_from_visit(actor=request.user, visit=visit)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        if created:
            messages.success(
                request, _("Wish posted: %(title)s. The community will review it.") % {"title": wish.title}
            )
    return redirect("patrols:visit", pk=visit.pk)


@login_or_bearer_required
def wish_photo(request, pk: int, which: str):
    """A wish's photo or the photo of it fulfilled, for whoever may open the wish (404 otherwise)."""
    wish = selectors.get_wish_for(request.user, pk)
    field, content_type = {
        "wish": (wish.photo, wish.photo_type),
        "fulfilled": (wish.fulfil_photo, wish.fulfil_photo_type),
    }.get(which, (None, ""))
    if not field:
        raise Http404("photo")
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404("photo file") from None
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=86400"
    return response


# --- activities ------------------------------------------------------------------------------------------


@login_required
def activity_list(request):
    upcoming = request.GET.get("all") != "1"
    rows = selectors.activities_filtered(request.user, upcoming=upcoming).order_by("starts_at", "id")[:100]
    context = {
        "tab": "activities",
        "activities": rows,
        "upcoming": upcoming,
        "can_plan": access.is_manager(request.user),
    }
    return _page(request, "services/activity_list.html", context)


@login_required
def activity_new(request):
    if not access.is_manager(request.user):
        raise PermissionDenied(_("Only community or street staff plan and run activities here."))
    points = list(selectors.points_for(request.user).order_by("name")[:200])
    form = ActivityForm(request.POST or None, points=points, regions=selectors.managed_regions(request.user))
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "repeat_weeks": form.cleaned_data.get("repeat_weeks") or 0}
        try:
            activity = services.plan_activity(actor=request.user, **data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("services:activity", pk=activity.pk)
    return _page(request, "services/activity_form.html", {"form": form, "tab": "activities"})


@login_required
def activity_detail(request, pk: int):
    activity = selectors.get_activity_for(request.user, pk)
    mine = selectors.my_signup(request.user, activity)
    manages = access.manages(request.user, activity.region_path)
    context = {
        "tab": "activities",
        "activity": activity,
        "mine": mine,
        "position": selectors.waiting_position(mine),
        "manages": manages,
        "attendance": selectors.attendance(activity),
        "signups": activity.signups.exclude(status="cancelled").select_related("user") if manages else [],
        "checkin_url": request.build_absolute_uri(
            reverse("services:activity_checkin", args=[pk, services.checkin_token(activity)])
        )
        if manages
        else "",
    }
    return _page(request, "services/activity_detail.html", context)


@login_required
def activity_qr(request, pk: int):
    """The QR code shown at the door (staff): the signed check-in address of this activity, as SVG."""
    activity = selectors.get_activity_for(request.user, pk)
    if not access.manages(request.user, activity.region_path):
        raise PermissionDenied(_("Only community or street staff plan and run activities here."))
    url = request.build_absolute_uri(reverse("services:activity_checkin", args=[pk, services.checkin_token(activity)]))
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=6, border=2)
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


@login_required
def activity_checkin(request, pk: int, token: str):
    """Where the door's QR code leads: the person confirms and is checked in."""
    activity = selectors.get_activity_for(request.user, pk)
    if request.method == "POST":
        try:
            services.check_in_with_token(actor=request.user, activity=activity, token=token)
        except ValidationError as exc:
            for message in _errors(exc):
                messages.error(request, message)
        except Conflict as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("You are checked in. Welcome!"))
        return redirect("services:activity", pk=pk)
    return _page(request, "services/checkin.html", {"activity": activity, "token": token, "tab": "activities"})


@login_required
@require_POST
def activity_action(request, pk: int, action: str):
    activity = selectors.get_activity_for(request.user, pk)
    try:
        if action == "sign-up":
            signup = services.sign_up(actor=request.user, activity=activity)
            if signup.status == "waiting":
                messages.info(request, _("The activity is full: you are on the waiting list."))
            else:
                messages.success(request, _("Your place is booked."))
        elif action == "cancel":
            services.cancel_sign_up(actor=request.user, activity=activity)
        elif action == "check-in":
            services.check_in_by_staff(
                actor=request.user, activity=activity, signup_id=int(request.POST.get("signup", 0))
            )
        elif action == "feedback":
            services.give_feedback(
                actor=request.user,
                activity=activity,
                rating=int(request.POST.get("rating") or 0),
                feedback=request.POST.get("feedback", ""),
            )
        elif action == "call-off":
            services.cancel_activity(actor=request.user, activity=activity)
        else:
            raise Http404("action")
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    except (Conflict, PermissionDenied, ValueError) as exc:
        messages.error(request, str(exc))
    return redirect("services:activity", pk=pk)


# --- service points --------------------------------------------------------------------------------------


@login_required
def point_list(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in PointKind.values else ""
    near = None
    try:
        near = parse_near(request.GET.get("near", ""))
    except ValidationError:
        messages.error(request, _("Give the place as lon,lat."))
    if near:
        rows = selectors.points_by_distance(request.user, *near, kind=kind)
    else:
        points = selectors.points_for(request.user)
        rows = [(None, p) for p in (points.filter(kind=kind) if kind else points).order_by("name", "id")]
    context = {"tab": "points", "rows": rows[:200], "kind": kind, "kinds": PointKind.choices, "near": near}
    return _page(request, "services/point_list.html", context)


def _circles(request):
    """The circles asked for (``?region=``), else those of the caller's community; None without either."""
    code = request.GET.get("region", "")
    if code:
        return selectors.stored_circles_for_page(request.user, code)
    region = selectors.default_circle_region(request.user)
    return selectors.stored_circles_for_page(request.user, region.code) if region is not None else None


@login_required
def point_map(request):
    points = selectors.points_for(request.user).order_by("name", "id")[:500]
    found = _circles(request)
    features = [
        {
            "type": "Feature",
            "id": p.pk,
            "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
            "properties": {
                "name": p.name,
                "kind": str(p.get_kind_display()),
                "url": reverse("services:point", args=[p.pk]),
            },
        }
        for p in points
    ]
    config = {
        "points": {"type": "FeatureCollection", "features": features},
        "circles": found.geojson() if found else None,
        "tileUrl": settings.MAP_TILE_URL,
    }
    context = {
        "tab": "points",
        "config": config,
        "count": len(features),
        "circles": found,
        "method": method_text(found) if found else "",
    }
    return _page(request, "services/point_map.html", context)


@login_required
def circle_coverage(request):
    """Per community, the share of households inside a service circle and the compounds left outside (a
    table, cards on a phone), the method beside the figures."""
    found = _circles(request)
    context = {"tab": "points", "circles": found, "method": method_text(found) if found else ""}
    return _page(request, "services/circles.html", context)


@login_required
def circle_export(request):
    """The coverage table as .xlsx: one row per community, then the compounds with households outside."""
    found = _circles(request)
    if found is None:
        raise Http404("region")
    book = excel.workbook()
    sheet = book.active
    sheet.title = excel.sheet_title(_("Coverage"))
    sheet.append([_("Method"), method_text(found)])
    excel.header(sheet, [_("Community"), _("Households"), _("Located"), _("Inside a circle"), _("Share")])
    for row in found.communities:
        sheet.append([row.region.name, row.households, row.located, row.covered, excel.percent(row.share)])
    outside = book.create_sheet(excel.sheet_title(_("Compounds outside")))
    excel.header(outside, [_("Community"), _("Compound"), _("Households"), _("Outside")])
    for row in found.communities:
        for compound in row.outside:
            outside.append([row.region.name, compound.name or "—", compound.households, compound.outside])
    excel.widths(sheet)
    excel.widths(outside)
    response = HttpResponse(excel.to_bytes(book), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="service-circles-{found.region.code}.xlsx"'
    return response


def method_text(found) -> str:
    how = found.method
    if how.kind == "road_network":
        return _(
            "road network: %(minutes)d min × %(speed)s m/min = %(walk)s m along the roads "
            "(points off the roads: straight line ÷ detour %(detour)s = %(radius)s m)"
        ) % {
            "minutes": how.minutes,
            "speed": f"{how.speed_m_per_min:g}",
            "walk": f"{how.walk_m:g}",
            "detour": f"{how.detour:g}",
            "radius": f"{how.radius_m:g}",
        }
    return _("straight line: %(minutes)d min × %(speed)s m/min ÷ detour %(detour)s = %(radius)s m") % {
        "minutes": how.minutes,
        "speed": f"{how.speed_m_per_min:g}",
        "detour": f"{how.detour:g}",
        "radius": f"{how.radius_m:g}",
    }


@login_required
def point_detail(request, pk: int):
    point = selectors.get_point_for(request.user, pk)
    upcoming = selectors.activities_filtered(request.user, upcoming=True).filter(point=point).order_by("starts_at")[:20]
    return _page(request, "services/point_detail.html", {"tab": "points", "point": point, "activities": upcoming})


# --- volunteer teams and call-outs ------------------------------------------------------------------------


@login_required
def team_list(request):
    rows = list(
        selectors.teams_for(request.user).annotate(members_count=Count("memberships")).order_by("name", "id")[:100]
    )
    medians = selectors.median_responses([team.pk for team in rows])
    teams = [(team, medians.get(team.pk)) for team in rows]
    return _page(request, "services/team_list.html", {"tab": "teams", "teams": teams})


@login_required
def team_detail(request, pk: int):
    team = selectors.get_team_for(request.user, pk)
    if request.method == "POST":
        try:
            callout = services.call_out(
                actor=request.user,
                team=team,
                title=request.POST.get("title", ""),
                details=request.POST.get("details", ""),
                address=request.POST.get("address", ""),
            )
        except ValidationError as exc:
            for message in _errors(exc):
                messages.error(request, message)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            return redirect("services:callout", pk=callout.pk)
    context = {
        "tab": "teams",
        "team": team,
        "median": selectors.median_response(team),
        "members": team.memberships.select_related("user").order_by("joined_at", "id"),
        "callouts": team.callouts.select_related("accepted_by")[:30],
        "can_call": services.may_call_out(request.user, team),
    }
    return _page(request, "services/team_detail.html", context)


@login_required
def callout_detail(request, pk: int):
    callout = selectors.get_callout_for(request.user, pk)
    actions = services.call_out_actions(request.user, callout)
    context = {
        "tab": "teams",
        "callout": callout,
        **{f"can_{name}": name in actions for name in services.CALL_OUT_ACTIONS},
    }
    return _page(request, "services/callout_detail.html", context)


@login_required
@require_POST
def callout_action(request, pk: int, action: str):
    callout = selectors.get_callout_for(request.user, pk)
    try:
        if action == "accept":
            services.accept_call_out(actor=request.user, callout=callout)
        elif action == "complete":
            services.complete_call_out(actor=request.user, callout=callout)
        else:
            raise Http404("action")
    except (Conflict, PermissionDenied) as exc:
        messages.error(request, str(exc))
    return redirect("services:callout", pk=pk)


# --- 红色代办 errands -------------------------------------------------------------------------------------


@login_required
def errand_list(request):
    if request.method == "POST":
        try:
            errand = services.request_errand(
                actor=request.user,
                category=request.POST.get("category", ""),
                description=request.POST.get("description", ""),
            )
        except ValidationError as exc:
            for message in _errors(exc):
                messages.error(request, message)
        else:
            messages.success(request, _("Your errand was sent; staff will take it on."))
            return redirect("services:errand", pk=errand.pk)
    rows = selectors.errands_filtered(request.user, overdue=request.GET.get("overdue") == "1")[:100]
    context = {"tab": "errands", "errands": rows, "categories": ErrandCategory.choices}
    return _page(request, "services/errand_list.html", context)


@login_required
def errand_detail(request, pk: int):
    errand = selectors.get_errand_for(request.user, pk)
    actions = services.errand_actions(request.user, errand)
    context = {
        "tab": "errands",
        "errand": errand,
        **{f"can_{name}": name in actions for name in services.ERRAND_ACTIONS},
    }
    return _page(request, "services/errand_detail.html", context)


@login_required
@require_POST
def errand_action(request, pk: int, action: str):
    errand = selectors.get_errand_for(request.user, pk)
    try:
        if action == "take":
            services.take_errand(actor=request.user, errand=errand)
        elif action == "complete":
            services.complete_errand(actor=request.user, errand=errand, result=request.POST.get("result", ""))
        elif action == "cancel":
            services.cancel_errand(actor=request.user, errand=errand)
        else:
            raise Http404("action")
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    except (Conflict, PermissionDenied) as exc:
        messages.error(request, str(exc))
    return redirect("services:errand", pk=pk)


# --- volunteer points ------------------------------------------------------------------------------------


@login_required
def volunteers(request):
    """My volunteer points (total and lines) and the ranking of a community (mine by default)."""
    code = request.GET.get("region", "")
    if not code:
        region = selectors.default_circle_region(request.user)
        code = region.code if region is not None else ""
    region, ranked = selectors.volunteer_ranking(request.user, code) if code else (None, [])
    context = {
        "tab": "volunteers",
        "total": selectors.volunteer_total(request.user),
        "lines": selectors.volunteer_entries(request.user).order_by("-day", "-id")[:30],
        "region": region,
        "ranked": ranked,
    }
    return _page(request, "services/volunteers.html", context)
