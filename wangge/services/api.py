"""Services to residents over JSON under ``/api/v1/``: ``/wishes`` (+ review, withdraw, claim, fulfil,
confirm, counts), ``/activities`` (+ sign-up, cancel, check-in, feedback, call-off, sign-ups, attendance),
``/service-points`` (``?near=lon,lat``), ``/service-circles?region=`` (GeoJSON and coverage), ``/volunteer-teams``, ``/volunteer-points`` and ``/volunteer-ranking``, ``/call-outs`` (+ accept, complete) and ``/errands`` (+ take, complete, cancel).
Thin: reads through ``selectors`` (scoped; 404 out of reach), writes through ``services`` (400 naming the
field, 403 for the wrong role, 409 for a state that no longer allows it)."""

import base64
import binascii
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile

from wangge.core.pagination import Page, PageQuery, keyset_page
from wangge.services import access, selectors, services
from wangge.services.models import SignUpStatus
from wangge.services.schemas import (
    CallOutIn,
    CallOutListQuery,
    CallOutOut,
    ErrandDoneIn,
    ErrandIn,
    ErrandListQuery,
    ErrandOut,
    ServiceActivityIn,
    ServiceActivityListQuery,
    ServiceActivityOut,
    ServiceAttendanceOut,
    ServiceCheckInIn,
    ServiceCircleQuery,
    ServiceCirclesOut,
    ServiceFeedbackIn,
    ServicePointIn,
    ServicePointListQuery,
    ServicePointOut,
    SignUpOut,
    SignUpRowOut,
    VolunteerPointOut,
    VolunteerRankingQuery,
    VolunteerRankOut,
    VolunteerTeamIn,
    VolunteerTeamMemberIn,
    VolunteerTeamMemberOut,
    VolunteerTeamOut,
    WishClaimIn,
    WishConfirmIn,
    WishCountsOut,
    WishCountsQuery,
    WishFulfilIn,
    WishIn,
    WishListQuery,
    WishOut,
    WishReviewIn,
)

router = Router(tags=["services"])


# --- wishes ----------------------------------------------------------------------------------------------


def wish_out(user, wish) -> dict:
    """The wish as the caller may see it: the public side always, the private side for its poster and staff."""
    out = {
        "id": wish.pk,
        "title": wish.title,
        "reason": wish.reason,
        "wanted_by": wish.wanted_by,
        "status": wish.status,
        "status_label": str(wish.get_status_display()),
        "community": {"code": wish.community.code, "name": wish.community.name},
        "compound": wish.compound.name if wish.compound_id else "",
        "photo_url": reverse("services:wish_photo", args=[wish.pk, "wish"]) if wish.photo else None,
        "claimant_kind": wish.claimant_kind,
        "claimant_name": wish.claimant_name,
        "claimed_at": wish.claimed_at,
        "fulfilled_at": wish.fulfilled_at,
        "fulfil_note": wish.fulfil_note,
        "fulfil_photo_url": reverse("services:wish_photo", args=[wish.pk, "fulfilled"]) if wish.fulfil_photo else None,
        "confirmed_at": wish.confirmed_at,
        "thanks": wish.thanks,
        "reviewed_at": wish.reviewed_at,
        "created_at": wish.created_at,
        "stale": selectors.is_stale(wish),
        "private": None,
    }
    if selectors.sees_private(user, wish):
        out["private"] = {
            "posted_by": str(wish.posted_by),
            "on_behalf": wish.on_behalf,
            "beneficiary_name": wish.beneficiary_name,
            "beneficiary_phone": wish.beneficiary_phone_masked,
            "beneficiary_address": wish.beneficiary_address,
            "review_note": wish.review_note,
        }
    return out


def _wish(request, wish_id: int) -> dict:
    return wish_out(
        request.auth,
        selectors.wishes_for(request.auth)
        .select_related("posted_by")
        .get(pk=selectors.get_wish_for(request.auth, wish_id).pk),
    )


@router.get("/wishes", response=Page[WishOut])
def list_wishes(request, query: Query[WishListQuery]):
    """The wish wall of the communities near you, newest first; ``mine`` lists what you posted or claimed."""
    rows = selectors.wishes_filtered(
        request.auth,
        status=query.status or "",
        community=query.community,
        mine=query.mine,
        stale=query.stale,
    ).select_related("posted_by")
    return keyset_page(rows, query, order=("-created_at", "-id"), item=lambda w: wish_out(request.auth, w))


@router.post("/wishes", response={201: WishOut})
def post_wish(request, form: Form[WishIn], photo: File[UploadedFile] = None):
    """Post a wish (multipart form, optional ``photo``: JPEG, PNG or WebP); it waits for the community's review.
    Grid workers post for a resident by giving ``beneficiary_name`` and the ``region``."""
    wish = services.post_wish(
        actor=request.auth,
        title=form.title,
        reason=form.reason,
        wanted_by=form.wanted_by,
        region=form.region,
        compound=form.compound,
        photo=photo,
        beneficiary_name=form.beneficiary_name,
        beneficiary_phone=form.beneficiary_phone,
        beneficiary_address=form.beneficiary_address,
    )
    return Status(201, _wish(request, wish.pk))


@router.get("/wishes/counts", response=WishCountsOut)
def wish_counts(request, query: Query[WishCountsQuery]):
    """Open, claimed and fulfilled wishes per community and month of approval, for the wall you see."""
    return {"rows": selectors.wall_counts(request.auth, community=query.community)}


@router.get("/wishes/{wish_id}", response=WishOut)
def get_wish(request, wish_id: int):
    return _wish(request, wish_id)


@router.post("/wishes/{wish_id}/review", response=WishOut)
def review_wish(request, wish_id: int, payload: WishReviewIn):
    """Approve for the wall or reject with a note (community staff)."""
    wish = selectors.get_wish_for(request.auth, wish_id)
    services.review_wish(actor=request.auth, wish=wish, approve=payload.approve, note=payload.note)
    return _wish(request, wish_id)


@router.post("/wishes/{wish_id}/withdraw", response=WishOut)
def withdraw_wish(request, wish_id: int):
    wish = selectors.get_wish_for(request.auth, wish_id)
    services.withdraw_wish(actor=request.auth, wish=wish)
    return _wish(request, wish_id)


@router.post("/wishes/{wish_id}/claim", response=WishOut)
def claim_wish(request, wish_id: int, payload: WishClaimIn):
    """Claim as a party member, a unit or a volunteer: 409 when someone else was first or it was withdrawn."""
    wish = selectors.get_wish_for(request.auth, wish_id)
    services.claim_wish(actor=request.auth, wish=wish, kind=payload.kind, name=payload.name)
    return _wish(request, wish_id)


@router.post("/wishes/{wish_id}/fulfil", response=WishOut)
def fulfil_wish(request, wish_id: int, form: Form[WishFulfilIn], photo: File[UploadedFile] = None):
    """The claimant marks the wish fulfilled with a ``photo`` (multipart form)."""
    wish = selectors.get_wish_for(request.auth, wish_id)
    if photo is None:  # checked here: ninja would name the field "photo.file"
        raise NinjaValidationError([{"type": "missing", "loc": ("form", "photo")}])
    services.fulfil_wish(actor=request.auth, wish=wish, photo=photo, note=form.note)
    return _wish(request, wish_id)


@router.post("/wishes/{wish_id}/confirm", response=WishOut)
def confirm_wish(request, wish_id: int, payload: WishConfirmIn):
    """Who posted the wish confirms it came true and thanks the claimant."""
    wish = selectors.get_wish_for(request.auth, wish_id)
    services.confirm_wish(actor=request.auth, wish=wish, thanks=payload.thanks)
    return _wish(request, wish_id)


# --- activities ------------------------------------------------------------------------------------------


NOT_LOOKED_UP = object()


def activity_out(user, activity, mine=NOT_LOOKED_UP) -> dict:
    counted = getattr(activity, "confirmed_count", None)
    if counted is None:
        activity = selectors.with_counts(selectors.activities_for(user).filter(pk=activity.pk)).get()
    if mine is NOT_LOOKED_UP:
        mine = selectors.my_signup(user, activity)
    return {
        "id": activity.pk,
        "kind": activity.kind,
        "kind_label": str(activity.get_kind_display()),
        "title": activity.title,
        "description": activity.description,
        "point": {"id": activity.point.pk, "name": activity.point.name} if activity.point_id else None,
        "address": activity.address,
        "region": {"code": activity.region.code, "name": activity.region.name},
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "capacity": activity.capacity,
        "audience": activity.audience,
        "organiser": activity.organiser,
        "cancelled": activity.cancelled_at is not None,
        "series": str(activity.series) if activity.series else None,
        "confirmed": activity.confirmed_count,
        "waiting": activity.waiting_count,
        "my_status": mine.status if mine else None,
        "my_position": selectors.waiting_position(mine),
    }


def signup_out(signup, *, name: bool = False) -> dict:
    out = {
        "id": signup.pk,
        "activity_id": signup.activity_id,
        "status": signup.status,
        "position": selectors.waiting_position(signup),
        "created_at": signup.created_at,
        "checked_in_at": signup.checked_in_at,
        "check_in_method": signup.check_in_method,
        "rating": signup.rating,
        "feedback": signup.feedback,
    }
    if name:
        out["name"] = str(signup.user)
    return out


@router.get("/activities", response=Page[ServiceActivityOut])
def list_activities(request, query: Query[ServiceActivityListQuery]):
    """Activities of your community and street, by start time."""
    rows = selectors.activities_filtered(
        request.auth, upcoming=query.upcoming, kind=query.kind or "", region=query.region
    )
    page = keyset_page(rows, query, order=("starts_at", "id"))
    mine = selectors.my_signups(request.auth, [a.pk for a in page["items"]])  # one query for the page
    page["items"] = [activity_out(request.auth, a, mine.get(a.pk)) for a in page["items"]]
    return page


@router.post("/activities", response={201: ServiceActivityOut})
def plan_activity(request, payload: ServiceActivityIn):
    """Plan an activity at a service point (``point_id``) or a free ``address`` (community or street staff)."""
    activity = services.plan_activity(
        actor=request.auth,
        kind=payload.kind,
        title=payload.title,
        description=payload.description,
        region=payload.region,
        point=payload.point_id,
        address=payload.address,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        capacity=payload.capacity,
        audience=payload.audience,
        organiser=payload.organiser,
        repeat_weeks=payload.repeat_weeks,
    )
    return Status(201, activity_out(request.auth, activity))


@router.get("/activities/{activity_id}", response=ServiceActivityOut)
def get_activity(request, activity_id: int):
    return activity_out(request.auth, selectors.get_activity_for(request.auth, activity_id))


@router.post("/activities/{activity_id}/sign-up", response={201: SignUpOut})
def sign_up(request, activity_id: int):
    """A place, or the end of the waiting list when full (``status`` says which, ``position`` where)."""
    activity = selectors.get_activity_for(request.auth, activity_id)
    return Status(201, signup_out(services.sign_up(actor=request.auth, activity=activity)))


@router.post("/activities/{activity_id}/cancel", response=SignUpOut)
def cancel_sign_up(request, activity_id: int):
    """Cancel your sign-up; a freed place goes to the first on the waiting list."""
    activity = selectors.get_activity_for(request.auth, activity_id)
    return signup_out(services.cancel_sign_up(actor=request.auth, activity=activity))


@router.post("/activities/{activity_id}/check-in", response=SignUpOut)
def check_in(request, activity_id: int, payload: ServiceCheckInIn):
    """With ``token`` (the QR code at the door) you check yourself in; with ``signup_id`` staff check someone
    in. A cancelled activity refuses both (409)."""
    activity = selectors.get_activity_for(request.auth, activity_id)
    if payload.signup_id is not None:
        signup = services.check_in_by_staff(actor=request.auth, activity=activity, signup_id=payload.signup_id)
    else:
        signup = services.check_in_with_token(actor=request.auth, activity=activity, token=payload.token)
    return signup_out(signup)


@router.post("/activities/{activity_id}/feedback", response=SignUpOut)
def feedback(request, activity_id: int, payload: ServiceFeedbackIn):
    activity = selectors.get_activity_for(request.auth, activity_id)
    return signup_out(
        services.give_feedback(actor=request.auth, activity=activity, rating=payload.rating, feedback=payload.feedback)
    )


@router.post("/activities/{activity_id}/call-off", response=ServiceActivityOut)
def call_off(request, activity_id: int):
    """Cancel the whole activity (staff); everyone signed up is told."""
    activity = selectors.get_activity_for(request.auth, activity_id)
    services.cancel_activity(actor=request.auth, activity=activity)
    return activity_out(request.auth, activity)


@router.get("/activities/{activity_id}/sign-ups", response=Page[SignUpRowOut])
def list_sign_ups(request, activity_id: int, query: Query[PageQuery]):
    """Who signed up, in order (staff managing the activity)."""
    activity = selectors.get_activity_for(request.auth, activity_id)
    if not access.manages(request.auth, activity.region_path):
        raise PermissionDenied(_("Only community or street staff plan and run activities here."))
    rows = activity.signups.exclude(status=SignUpStatus.CANCELLED).select_related("user", "activity")
    return keyset_page(rows, query, order=("created_at", "id"), item=lambda s: signup_out(s, name=True))


@router.get("/activities/{activity_id}/attendance", response=ServiceAttendanceOut)
def attendance(request, activity_id: int):
    """Confirmed, waiting, checked in, no-shows (once ended) and the mean rating."""
    return selectors.attendance(selectors.get_activity_for(request.auth, activity_id))


# --- service points --------------------------------------------------------------------------------------


def point_out(point, distance: float | None = None) -> dict:
    return {
        "id": point.pk,
        "kind": point.kind,
        "kind_label": str(point.get_kind_display()),
        "name": point.name,
        "region": {"code": point.region.code, "name": point.region.name},
        "address": point.address,
        "lon": point.lon,
        "lat": point.lat,
        "opening_hours": point.opening_hours,
        "facilities": point.facilities,
        "services": point.services,
        "phone": point.phone,
        "distance_m": distance,
    }


def parse_near(value: str) -> tuple[float, float] | None:
    if not value:
        return None
    try:
        lon, lat = (float(part) for part in value.split(","))
    except ValueError:
        lon = lat = None
    if lon is None or not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValidationError({"near": _("Give the place as lon,lat.")})
    return lon, lat


def _near_page(measured, query) -> dict:
    """A keyset page over (distance, id) worked out in Python: the cursor holds the last row's key."""
    if query.cursor:
        try:
            last = json.loads(base64.urlsafe_b64decode(query.cursor + "=" * (-len(query.cursor) % 4)))
            last = (float(last[0]), int(last[1]))
        except (binascii.Error, ValueError, TypeError, IndexError, UnicodeDecodeError):
            raise ValidationError({"cursor": _("The page cursor is not valid.")}) from None
        measured = [m for m in measured if (m[0], m[1].pk) > last]
    page = measured[: query.size]
    next_cursor = None
    if len(measured) > query.size:
        key = json.dumps([page[-1][0], page[-1][1].pk]).encode()
        next_cursor = base64.urlsafe_b64encode(key).decode().rstrip("=")
    return {"items": [point_out(p, d) for d, p in page], "next_cursor": next_cursor, "count": None}


@router.get("/service-points", response=Page[ServicePointOut])
def list_points(request, query: Query[ServicePointListQuery]):
    """Service points of your community and street, by name; with ``near=lon,lat`` nearest first."""
    near = parse_near(query.near)
    if near:
        return _near_page(selectors.points_by_distance(request.auth, *near, kind=query.kind or ""), query)
    rows = selectors.points_for(request.auth)
    if query.kind:
        rows = rows.filter(kind=query.kind)
    return keyset_page(rows, query, order=("name", "id"), item=point_out, count=True)


@router.get("/service-circles", response=ServiceCirclesOut)
def service_circles(request, query: Query[ServiceCircleQuery]):
    """The walking circles of the service points that serve a region (GeoJSON, one polygon per point) and,
    per community under it, the share of households inside one; the method is given beside the figures."""
    stored = selectors.stored_circles(request.auth, query.region, minutes=query.minutes)
    return stored.payload | {"computed_at": stored.computed_at, "stale": stored.stale}


@router.post("/service-points", response={201: ServicePointOut})
def create_point(request, payload: ServicePointIn):
    data = payload.dict()
    point = services.save_point(actor=request.auth, region=data.pop("region"), **data)
    return Status(201, point_out(point))


@router.get("/service-points/{point_id}", response=ServicePointOut)
def get_point(request, point_id: int):
    return point_out(selectors.get_point_for(request.auth, point_id))


# --- volunteer teams and call-outs ------------------------------------------------------------------------


def team_out(user, team, medians=None, mine=None) -> dict:
    counted = getattr(team, "members_count", None)
    return {
        "id": team.pk,
        "name": team.name,
        "region": {"code": team.region.code, "name": team.region.name},
        "description": team.description,
        "members": team.memberships.count() if counted is None else counted,
        "median_response_seconds": selectors.median_response(team) if medians is None else medians.get(team.pk),
        "is_member": selectors.is_team_member(user, team) if mine is None else team.pk in mine,
    }


def callout_out(callout) -> dict:
    return {
        "id": callout.pk,
        "team_id": callout.team_id,
        "team": callout.team.name,
        "title": callout.title,
        "details": callout.details,
        "address": callout.address,
        "status": callout.status,
        "created_at": callout.created_at,
        "accepted_by": str(callout.accepted_by) if callout.accepted_by_id else None,
        "accepted_at": callout.accepted_at,
        "response_seconds": callout.response_seconds,
        "done_at": callout.done_at,
    }


@router.get("/volunteer-teams", response=Page[VolunteerTeamOut])
def list_teams(request, query: Query[PageQuery]):
    """Volunteer teams of your community and street, with their median response time."""
    rows = selectors.teams_for(request.auth).annotate(members_count=Count("memberships"))
    page = keyset_page(rows, query, order=("name", "id"), count=True)
    ids = [t.pk for t in page["items"]]
    medians, mine = selectors.median_responses(ids), selectors.teams_joined(request.auth, ids)
    page["items"] = [team_out(request.auth, t, medians, mine) for t in page["items"]]
    return page


@router.post("/volunteer-teams", response={201: VolunteerTeamOut})
def create_team(request, payload: VolunteerTeamIn):
    team = services.create_team(
        actor=request.auth, name=payload.name, region=payload.region, description=payload.description
    )
    return Status(201, team_out(request.auth, team))


@router.get("/volunteer-teams/{team_id}", response=VolunteerTeamOut)
def get_team(request, team_id: int):
    return team_out(request.auth, selectors.get_team_for(request.auth, team_id))


@router.post("/volunteer-teams/{team_id}/members", response={201: VolunteerTeamMemberOut})
def add_team_member(request, team_id: int, payload: VolunteerTeamMemberIn):
    """Staff add a user living or serving near the team (residents, members, couriers and riders)."""
    team = selectors.get_team_for(request.auth, team_id)
    member = services.add_team_member(actor=request.auth, team=team, user_id=payload.user_id, kind=payload.kind)
    return Status(201, {"user_id": member.user_id, "name": str(member.user), "kind": member.kind})


@router.get("/call-outs", response=Page[CallOutOut])
def list_call_outs(request, query: Query[CallOutListQuery]):
    """Call-outs of the teams you see, newest first."""
    rows = selectors.callouts_for(request.auth)
    if query.team is not None:
        rows = rows.filter(team=selectors.get_team_for(request.auth, query.team))
    if query.status:
        rows = rows.filter(status=query.status)
    return keyset_page(rows, query, order=("-created_at", "-id"), item=callout_out)


@router.post("/call-outs", response={201: CallOutOut})
def create_call_out(request, payload: CallOutIn):
    """Call a team out: each member gets it in their inbox; the first to accept takes it."""
    team = selectors.get_team_for(request.auth, payload.team_id)
    callout = services.call_out(
        actor=request.auth, team=team, title=payload.title, details=payload.details, address=payload.address
    )
    return Status(201, callout_out(callout))


@router.get("/call-outs/{callout_id}", response=CallOutOut)
def get_call_out(request, callout_id: int):
    return callout_out(selectors.get_callout_for(request.auth, callout_id))


@router.post("/call-outs/{callout_id}/accept", response=CallOutOut)
def accept_call_out(request, callout_id: int):
    """Take the call-out (team members): 409 when another member was first."""
    callout = selectors.get_callout_for(request.auth, callout_id)
    return callout_out(services.accept_call_out(actor=request.auth, callout=callout))


@router.post("/call-outs/{callout_id}/complete", response=CallOutOut)
def complete_call_out(request, callout_id: int):
    callout = selectors.get_callout_for(request.auth, callout_id)
    return callout_out(services.complete_call_out(actor=request.auth, callout=callout))


# --- 红色代办 errands -------------------------------------------------------------------------------------


def errand_out(errand) -> dict:
    return {
        "id": errand.pk,
        "category": errand.category,
        "category_label": str(errand.get_category_display()),
        "description": errand.description,
        "region": {"code": errand.region.code, "name": errand.region.name},
        "status": errand.status,
        "status_label": str(errand.get_status_display()),
        "created_at": errand.created_at,
        "due_at": errand.due_at,
        "overdue": errand.overdue,
        "assignee": str(errand.assignee) if errand.assignee_id else None,
        "taken_at": errand.taken_at,
        "done_at": errand.done_at,
        "result": errand.result,
    }


@router.get("/errands", response=Page[ErrandOut])
def list_errands(request, query: Query[ErrandListQuery]):
    """Your own errands, and (staff) those of the grids in your data reach, newest first."""
    rows = selectors.errands_filtered(request.auth, status=query.status or "", overdue=query.overdue)
    return keyset_page(rows, query, order=("-created_at", "-id"), item=errand_out)


@router.post("/errands", response={201: ErrandOut})
def request_errand(request, payload: ErrandIn):
    """Ask staff to run an errand; due within the category's working days."""
    errand = services.request_errand(
        actor=request.auth, category=payload.category, description=payload.description, region=payload.region
    )
    return Status(201, errand_out(errand))


@router.get("/errands/{errand_id}", response=ErrandOut)
def get_errand(request, errand_id: int):
    return errand_out(selectors.get_errand_for(request.auth, errand_id))


@router.post("/errands/{errand_id}/take", response=ErrandOut)
def take_errand(request, errand_id: int):
    errand = selectors.get_errand_for(request.auth, errand_id)
    return errand_out(services.take_errand(actor=request.auth, errand=errand))


@router.post("/errands/{errand_id}/complete", response=ErrandOut)
def complete_errand(request, errand_id: int, payload: ErrandDoneIn):
    errand = selectors.get_errand_for(request.auth, errand_id)
    return errand_out(services.complete_errand(actor=request.auth, errand=errand, result=payload.result))


@router.post("/errands/{errand_id}/cancel", response=ErrandOut)
def cancel_errand(request, errand_id: int):
    errand = selectors.get_errand_for(request.auth, errand_id)
    return errand_out(services.cancel_errand(actor=request.auth, errand=errand))


# --- volunteer points ------------------------------------------------------------------------------------


def _point_line(entry) -> dict:
    return {"id": entry.pk, "day": entry.day, "points": entry.points, "rule": entry.rule.name, "note": entry.note}


@router.get("/volunteer-points", response=Page[VolunteerPointOut])
def volunteer_points(request, query: Query[PageQuery]):
    """Your volunteer points on the assessment ledger, newest first; ``count`` is the number of lines (the
    total of points is on the ranking and the page)."""
    return keyset_page(
        selectors.volunteer_entries(request.auth), query, order=("-day", "-id"), item=_point_line, count=True
    )


@router.get("/volunteer-ranking", response=Page[VolunteerRankOut])
def volunteer_ranking(request, query: Query[VolunteerRankingQuery]):
    """The community's volunteers with the most points (wishes fulfilled, call-outs, errands, activities), the
    first 100 ranks; the cursor is the last rank of the page before."""
    _region, ranked = selectors.volunteer_ranking(request.auth, query.region, limit=100)
    after = 0
    if query.cursor:
        if not query.cursor.isdigit():
            raise ValidationError({"cursor": _("The page cursor is not valid.")})
        after = int(query.cursor)
    page = ranked[after : after + query.size]
    more = after + query.size < len(ranked)
    return {
        "items": [vars(v) for v in page],
        "next_cursor": str(after + query.size) if more else None,
        "count": len(ranked),
    }
