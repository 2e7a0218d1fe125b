"""Every write of services to residents: one function per use case, atomic, keyword-only ``actor``,
``full_clean`` and an audit record. Rows whose state decides who wins (a wish being claimed, an activity
being signed up for) are locked first (``select_for_update``), so of two claims exactly one wins and the
other answers 409, and sign-ups never pass the capacity."""

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts import audit
from wangge.accounts.models import Role, User
from wangge.accounts.scope import scope_for
from wangge.assessment import points as ledger
from wangge.assessment.models import Trigger
from wangge.core import bodies, pii, uploads
from wangge.core.errors import Conflict
from wangge.inbox import services as inbox
from wangge.inbox.models import Kind
from wangge.people import permissions as people_permissions
from wangge.people.models import Compound
from wangge.regions.models import Level, Region
from wangge.services import access, circles, conf, roads, selectors, visits
from wangge.services.models import (
    ERRAND_WORKING_DAYS,
    Activity,
    CallOut,
    CallOutStatus,
    ClaimantKind,
    CoverageResult,
    Errand,
    ErrandCategory,
    ErrandStatus,
    RoadNetwork,
    ServicePoint,
    SignUp,
    SignUpStatus,
    TeamMember,
    VolunteerTeam,
    Wish,
    WishStatus,
)
from wangge.workcalendar.calendar import add_working_time

PHOTO_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
CHECKIN_SALT = "wangge.services.checkin"
MAX_REPEAT_WEEKS = 26


def _photo(upload, *, field: str) -> tuple[ContentFile, str]:
    """The upload checked by the shared guard (size, real image, pixel count) → (file, content type)."""
    facts = uploads.check_image(
        upload,
        field=field,
        max_bytes=conf.photo_max_bytes(),
        formats=PHOTO_TYPES,
        declared_type="",
        too_big_message=_("The photo is larger than %(mb)d MB."),
        not_image_message=_("The file is not a JPEG, PNG or WebP image."),
    )
    upload.seek(0)
    content = ContentFile(upload.read(), name=f"{uuid.uuid4().hex}.{EXTENSIONS[facts.content_type]}")
    return content, facts.content_type


def community_of(region: Region) -> Region | None:
    if region.level == Level.COMMUNITY:
        return region
    return Region.objects.filter(path__in=access.ancestors(region.path), level=Level.COMMUNITY).first()


def _community_staff(path: str):
    return User.objects.filter(
        is_active=True,
        memberships__is_active=True,
        memberships__role=Role.COMMUNITY_STAFF,
        memberships__region__path__in=access.ancestors(path),
    ).distinct()


def _locked_wish(wish: Wish) -> Wish:
    return Wish.objects.select_for_update().get(pk=wish.pk)


# --- who may do what --------------------------------------------------------------------------------------
# One predicate per action: the service's guard asks it (before locking the row, or on the locked row), and
# the pages and the API ask ``*_actions`` (the predicate and the state the action needs) so that a button
# is offered exactly when the service would accept it. Predicates only read: no locks and no exceptions, so
# a guard stays inside its service's transaction and a race is decided by the locked row alone.


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def may_review_wish(user, wish: Wish) -> bool:
    return access.manages(user, wish.region_path)


def may_withdraw_wish(user, wish: Wish) -> bool:
    return _signed_in(user) and (wish.posted_by_id == user.pk or access.manages(user, wish.region_path))


def may_claim_wish(user, wish: Wish) -> bool:
    return _signed_in(user) and wish.posted_by_id != user.pk


def may_fulfil_wish(user, wish: Wish) -> bool:
    return _signed_in(user) and wish.claimed_by_id == user.pk


def may_confirm_wish(user, wish: Wish) -> bool:
    return _signed_in(user) and wish.posted_by_id == user.pk


WISH_ACTIONS = {
    "review": (may_review_wish, (WishStatus.PENDING,)),
    "withdraw": (may_withdraw_wish, (WishStatus.PENDING, WishStatus.OPEN)),
    "claim": (may_claim_wish, (WishStatus.OPEN,)),
    "fulfil": (may_fulfil_wish, (WishStatus.CLAIMED,)),
    "confirm": (may_confirm_wish, (WishStatus.FULFILLED,)),
}


def wish_actions(user, wish: Wish) -> frozenset[str]:
    """What ``user`` may do with ``wish`` now (its state and their role)."""
    return frozenset(name for name, (may, states) in WISH_ACTIONS.items() if wish.status in states and may(user, wish))


def may_call_out(user, team: VolunteerTeam) -> bool:
    return _signed_in(user) and (access.manages(user, team.region_path) or team.memberships.filter(user=user).exists())


def may_accept_call_out(user, callout: CallOut) -> bool:
    return _signed_in(user) and callout.team.memberships.filter(user=user).exists()


def may_complete_call_out(user, callout: CallOut) -> bool:
    return _signed_in(user) and (callout.accepted_by_id == user.pk or access.manages(user, callout.team.region_path))


CALL_OUT_ACTIONS = {
    "accept": (may_accept_call_out, (CallOutStatus.OPEN,)),
    "complete": (may_complete_call_out, (CallOutStatus.ACCEPTED,)),
}


def call_out_actions(user, callout: CallOut) -> frozenset[str]:
    return frozenset(
        name for name, (may, states) in CALL_OUT_ACTIONS.items() if callout.status in states and may(user, callout)
    )


def may_take_errand(user, errand: Errand) -> bool:
    """Staff serving the errand's grid whose data reach covers it (helpers whose reach stops short may see
    the errand through their map reach, but not run it)."""
    return access.helps(user, errand.region_path) and scope_for(user).covers_path(errand.region_path)


def may_complete_errand(user, errand: Errand) -> bool:
    return _signed_in(user) and (errand.assignee_id == user.pk or access.manages(user, errand.region_path))


def may_cancel_errand(user, errand: Errand) -> bool:
    return _signed_in(user) and errand.requested_by_id == user.pk


ERRAND_ACTIONS = {
    "take": (may_take_errand, (ErrandStatus.REQUESTED,)),
    "complete": (may_complete_errand, (ErrandStatus.TAKEN,)),
    "cancel": (may_cancel_errand, (ErrandStatus.REQUESTED,)),
}


def errand_actions(user, errand: Errand) -> frozenset[str]:
    return frozenset(
        name for name, (may, states) in ERRAND_ACTIONS.items() if errand.status in states and may(user, errand)
    )


def _credit(trigger: str, user_id: int | None, source: str, what: str) -> None:
    """Volunteer points on the assessment ledger (its ``credit`` extension point), in this write's transaction:
    once per source, so a repeated completion earns nothing more."""
    if user_id is not None:
        ledger.credit(trigger=trigger, user_id=user_id, day=timezone.localdate(), source=source, note=what[:200])


# --- wishes ----------------------------------------------------------------------------------------------


@transaction.atomic
def post_wish(
    *,
    actor,
    title: str,
    reason: str = "",
    wanted_by: date | None = None,
    region: str = "",
    compound: int | None = None,
    photo=None,
    beneficiary_name: str = "",
    beneficiary_phone: str = "",
    beneficiary_address: str = "",
    visit=None,
) -> Wish:
    """A resident posts for themselves (their home grid, or ``region`` among their memberships); a grid
    worker or staff member posts for a resident met on a visit (``beneficiary_name`` given, ``region`` in
    their data reach; ``visit`` links the wish to the visit). The wish waits for the community's review."""
    on_behalf = bool(beneficiary_name or beneficiary_phone or beneficiary_address)
    scope = scope_for(actor)
    place = Region.objects.filter(code=region, is_active=True).first() if region else None
    if on_behalf:
        if not access.is_helper(actor):
            raise PermissionDenied(_("Only grid workers and community staff post wishes for someone else."))
        if not beneficiary_name:
            raise ValidationError({"beneficiary_name": _("Name the resident the wish is for.")})
        if place is None or not (scope.covers_path(place.path) and access.helps(actor, place.path)):
            raise ValidationError({"region": _("Name a grid or community in your reach.")})
    else:
        if place is None:
            place = access.home_region(actor)
        if place is None or not scope.map_covers_path(place.path):
            raise ValidationError({"region": _("Name a grid or community in your reach.")})
    community = community_of(place)
    if community is None:
        raise ValidationError({"region": _("A wish is posted in a community or one of its grids.")})
    if wanted_by is not None and wanted_by < timezone.localdate():
        raise ValidationError({"wanted_by": _("The date has passed.")})
    wish = Wish(
        title=title.strip(),
        reason=reason.strip(),
        wanted_by=wanted_by,
        region=place,
        region_path=place.path,
        community=community,
        community_path=community.path,
        posted_by=actor,
        on_behalf=on_behalf,
        beneficiary_name=beneficiary_name.strip(),
        beneficiary_address=beneficiary_address.strip(),
        visit=visit,
    )
    if compound:
        wish.compound = Compound.objects.filter(pk=compound, region_path__startswith=community.path).first()
        if wish.compound is None:
            raise ValidationError({"compound": _("No compound with this id in the wish's community.")})
    if beneficiary_phone:
        phone = beneficiary_phone.strip()
        if not phone.isdigit() or not 7 <= len(phone) <= 15:
            raise ValidationError({"beneficiary_phone": _("Enter a phone number of 7 to 15 digits.")})
        wish.beneficiary_phone_encrypted = pii.encrypt(phone)
        wish.beneficiary_phone_masked = pii.mask_phone(phone)
    if photo is not None:
        content, wish.photo_type = _photo(photo, field="photo")
        wish.photo.save(content.name, content, save=False)
    wish.full_clean()
    wish.save()
    audit.record(actor=actor, action="services.wish.post", obj=wish, changes={"on_behalf": on_behalf})
    inbox.notify(
        users=_community_staff(wish.region_path),
        kind=Kind.REQUEST,
        title=_("A wish awaits review: %(title)s") % {"title": wish.title},
        url=f"/services/wishes/{wish.pk}/",
    )
    return wish


@transaction.atomic
def wish_from_visit(*, actor, visit) -> tuple[Wish, bool]:
    """A household visit's need as a 微心愿 for the elderly or disabled resident met there, in one step: the
    need's first line is the title, the whole need the reason, the resident's name, address and grid come from
    the ledger in the actor's reach, and the wish is linked to the visit. One wish per visit: asking again
    answers it (created False), also when two requests race (the unique visit decides)."""
    existing = Wish.objects.filter(visit=visit).first()
    if existing is not None:
        return existing, False
    if not access.helps(actor, visit.region_path) or not people_permissions.can(actor, people_permissions.LABELS):
        raise PermissionDenied(
            _("Only the grid workers and staff of the area post wishes for the residents they visit.")
        )
    need = (visit.needs or "").strip()
    if not need:
        raise ValidationError({"needs": _("The visit recorded no need to turn into a wish.")})
    person = visits.beneficiary_of(actor, visit)
    details = visits.prefill(actor, person.pk) if person is not None else {}
    if not details:
        raise ValidationError({"visit": _("The visit met no elderly or disabled resident to post a wish for.")})
    try:
        wish = post_wish(
            actor=actor,
            title=need.splitlines()[0].strip()[:100],
            reason=need[:1000],
            region=details["region"],
            beneficiary_name=details["beneficiary_name"],
            beneficiary_address=details["beneficiary_address"],
            visit=visit,
        )
    except (IntegrityError, ValidationError):
        # Another request posted the visit's wish first: seen by full_clean's check of the unique visit, or by
        # the database when it committed meanwhile (post_wish's savepoint is undone either way).
        existing = Wish.objects.filter(visit=visit).first()
        if existing is None:
            raise
        return existing, False
    return wish, True


@transaction.atomic
def review_wish(*, actor, wish: Wish, approve: bool, note: str = "") -> Wish:
    """The community approves the wish for the wall, or rejects it with a note."""
    if not may_review_wish(actor, wish):
        raise PermissionDenied(_("Only the community's staff review wishes."))
    wish = _locked_wish(wish)
    if wish.status != WishStatus.PENDING:
        raise Conflict(_("This wish has already been reviewed."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the wish is rejected.")})
    wish.status = WishStatus.OPEN if approve else WishStatus.REJECTED
    wish.reviewed_by, wish.reviewed_at, wish.review_note = actor, timezone.now(), note.strip()
    wish.full_clean()
    wish.save()
    audit.record(actor=actor, action="services.wish.review", obj=wish, changes={"status": wish.status})
    inbox.notify(
        users=[wish.posted_by],
        kind=Kind.NOTICE,
        title=(_("Your wish is on the wall: %(title)s") if approve else _("Your wish was not accepted: %(title)s"))
        % {"title": wish.title},
        url=f"/services/wishes/{wish.pk}/",
    )
    return wish


@transaction.atomic
def withdraw_wish(*, actor, wish: Wish) -> Wish:
    if not may_withdraw_wish(actor, wish):
        raise PermissionDenied(_("Only the poster or the community's staff withdraw a wish."))
    wish = _locked_wish(wish)
    if wish.status not in (WishStatus.PENDING, WishStatus.OPEN):
        raise Conflict(_("A wish that is %(status)s cannot be withdrawn.") % {"status": wish.get_status_display()})
    wish.status, wish.withdrawn_at = WishStatus.WITHDRAWN, timezone.now()
    wish.save(update_fields=["status", "withdrawn_at"])
    audit.record(actor=actor, action="services.wish.withdraw", obj=wish)
    return wish


@transaction.atomic
def claim_wish(*, actor, wish: Wish, kind: str, name: str = "") -> Wish:
    """A member, unit or volunteer takes the wish on. The row is locked: of two claims at once the first wins
    and the second is refused (409), as is a claim on a wish that is withdrawn or not on the wall."""
    if kind not in ClaimantKind.values:
        raise ValidationError({"kind": _("Claim as a party member, a unit or a volunteer.")})
    if not may_claim_wish(actor, wish):
        raise ValidationError({"kind": _("You cannot claim your own wish.")})
    wish = _locked_wish(wish)
    if wish.status == WishStatus.WITHDRAWN:
        raise Conflict(_("This wish was withdrawn."))
    if wish.status != WishStatus.OPEN:
        raise Conflict(
            _("This wish is not open for claiming (it is %(status)s).") % {"status": wish.get_status_display()}
        )
    name = name.strip() or str(actor)
    wish.status, wish.claimed_by, wish.claimant_kind, wish.claimant_name = WishStatus.CLAIMED, actor, kind, name
    wish.claimed_at = timezone.now()
    wish.full_clean()
    wish.save()
    audit.record(actor=actor, action="services.wish.claim", obj=wish, changes={"kind": kind, "name": name})
    inbox.notify(
        users=[wish.posted_by],
        kind=Kind.NOTICE,
        title=_("Your wish was claimed by %(name)s: %(title)s") % {"name": name, "title": wish.title},
        url=f"/services/wishes/{wish.pk}/",
    )
    return wish


@transaction.atomic
def fulfil_wish(*, actor, wish: Wish, photo, note: str = "") -> Wish:
    """The claimant shows the wish fulfilled, with a photo."""
    if not may_fulfil_wish(actor, wish):
        raise PermissionDenied(_("Only whoever claimed the wish marks it fulfilled."))
    if photo is None:
        raise ValidationError({"photo": _("Add a photo of the wish fulfilled.")})
    content, content_type = _photo(photo, field="photo")
    wish = _locked_wish(wish)
    if wish.status != WishStatus.CLAIMED:
        raise Conflict(_("This wish is not claimed (it is %(status)s).") % {"status": wish.get_status_display()})
    wish.fulfil_photo.save(content.name, content, save=False)
    wish.fulfil_photo_type, wish.fulfil_note = content_type, note.strip()
    wish.status, wish.fulfilled_at = WishStatus.FULFILLED, timezone.now()
    wish.full_clean()
    wish.save()
    audit.record(actor=actor, action="services.wish.fulfil", obj=wish)
    inbox.notify(
        users=[wish.posted_by],
        kind=Kind.NOTICE,
        title=_("Your wish was fulfilled: %(title)s. Please confirm.") % {"title": wish.title},
        url=f"/services/wishes/{wish.pk}/",
    )
    return wish


@transaction.atomic
def confirm_wish(*, actor, wish: Wish, thanks: str = "") -> Wish:
    """The resident (or who posted for them) confirms the wish came true and thanks the claimant."""
    if not may_confirm_wish(actor, wish):
        raise PermissionDenied(_("Only who posted the wish confirms it."))
    wish = _locked_wish(wish)
    if wish.status != WishStatus.FULFILLED:
        raise Conflict(
            _("Only a fulfilled wish can be confirmed (it is %(status)s).") % {"status": wish.get_status_display()}
        )
    wish.status, wish.confirmed_at, wish.thanks = WishStatus.CONFIRMED, timezone.now(), thanks.strip()
    wish.full_clean()
    wish.save()
    audit.record(actor=actor, action="services.wish.confirm", obj=wish)
    if wish.claimed_by_id:
        _credit(Trigger.WISH_FULFILLED, wish.claimed_by_id, f"services.wish:{wish.pk}", wish.title)
        inbox.notify(
            users=[wish.claimed_by],
            kind=Kind.NOTICE,
            title=_("Thanks for fulfilling a wish: %(title)s") % {"title": wish.title},
            body=wish.thanks,
            url=f"/services/wishes/{wish.pk}/",
        )
    return wish


def flag_unclaimed_wishes(*, now: datetime | None = None) -> int:
    """Wishes open for ``SERVICES_WISH_STALE_DAYS`` since approval and not flagged yet: flagged once and
    told to the community's staff. Run daily (``tasks.flag_unclaimed_wishes``); pages and the API also work
    the flag out on read (``selectors.is_stale``)."""
    now = now or timezone.now()
    flagged = 0
    with transaction.atomic():
        rows = list(
            Wish.objects.select_for_update(skip_locked=True).filter(
                status=WishStatus.OPEN, flagged_at__isnull=True, reviewed_at__lt=selectors.stale_before(now)
            )
        )
        for wish in rows:
            wish.flagged_at = now
            wish.save(update_fields=["flagged_at"])
            inbox.notify(
                users=_community_staff(wish.region_path),
                kind=Kind.WARNING,
                title=_("A wish has not been claimed for %(days)d days: %(title)s")
                % {"days": conf.wish_stale_days(), "title": wish.title},
                url=f"/services/wishes/{wish.pk}/",
            )
            flagged += 1
        if flagged:
            audit.record(actor=None, action="services.wish.flag", object_type="services.wish", summary=str(flagged))
    return flagged


# --- activities ------------------------------------------------------------------------------------------


def _require_manager(actor, path: str) -> None:
    if not access.manages(actor, path):
        raise PermissionDenied(_("Only community or street staff plan and run activities here."))


@transaction.atomic
def plan_activity(
    *,
    actor,
    kind: str,
    title: str,
    region: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    organiser: str,
    point: int | None = None,
    address: str = "",
    audience: str = "all",
    description: str = "",
    repeat_weeks: int = 0,
) -> Activity:
    """Plan an activity; ``repeat_weeks`` more copies follow at the same weekday and hour (every Tuesday
    afternoon), each one its own activity with its own sign-ups, linked by ``series``."""
    place = Region.objects.filter(code=region, is_active=True).first() if region else None
    if place is None or not access.manages(actor, place.path):
        raise ValidationError({"region": _("Name a community or street you manage.")})
    activity = Activity(
        kind=kind,
        title=title.strip(),
        description=description.strip(),
        region=place,
        region_path=place.path,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        audience=audience,
        organiser=organiser.strip(),
        address=address.strip(),
        created_by=actor,
    )
    if point:
        activity.point = (
            ServicePoint.objects.filter(pk=point, is_active=True)
            .filter(Q(region_path__startswith=place.path) | Q(region_path__in=access.ancestors(place.path)))
            .first()
        )
        if activity.point is None:
            raise ValidationError({"point": _("No service point with this id serves that region.")})
    if not activity.point and not activity.address:
        raise ValidationError({"address": _("Name a service point or an address.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The activity must end after it starts.")})
    if capacity < 1:
        raise ValidationError({"capacity": _("At least one place.")})
    if not 0 <= repeat_weeks <= MAX_REPEAT_WEEKS:
        raise ValidationError({"repeat_weeks": _("Repeat at most %(n)d weeks.") % {"n": MAX_REPEAT_WEEKS}})
    activity.series = uuid.uuid4() if repeat_weeks else None
    activity.full_clean()
    activity.save()
    for week in range(1, repeat_weeks + 1):
        Activity.objects.create(
            **{f.attname: getattr(activity, f.attname) for f in Activity._meta.concrete_fields if f.name != "id"}
            | {"starts_at": starts_at + timedelta(weeks=week), "ends_at": ends_at + timedelta(weeks=week)}
        )
    audit.record(actor=actor, action="services.activity.plan", obj=activity, changes={"repeat_weeks": repeat_weeks})
    return activity


@transaction.atomic
def cancel_activity(*, actor, activity: Activity) -> Activity:
    _require_manager(actor, activity.region_path)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.cancelled_at:
        raise Conflict(_("The activity is already cancelled."))
    activity.cancelled_at = timezone.now()
    activity.save(update_fields=["cancelled_at"])
    users = User.objects.filter(pk__in=activity.signups.exclude(status=SignUpStatus.CANCELLED).values("user_id"))
    inbox.notify(
        users=list(users),
        kind=Kind.NOTICE,
        title=_("Cancelled: %(title)s") % {"title": activity.title},
        url=f"/services/activities/{activity.pk}/",
    )
    audit.record(actor=actor, action="services.activity.cancel", obj=activity)
    return activity


@transaction.atomic
def sign_up(*, actor, activity: Activity) -> SignUp:
    """A place if one is left, else the end of the waiting list. The activity row is locked, so sign-ups at
    once are counted one after the other and never pass the capacity."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.cancelled_at:
        raise Conflict(_("The activity is cancelled."))
    if activity.ends_at <= timezone.now():
        raise Conflict(_("The activity is over."))
    if activity.signups.filter(user=actor).exclude(status=SignUpStatus.CANCELLED).exists():
        raise Conflict(_("You have already signed up."))
    taken = activity.signups.filter(status=SignUpStatus.CONFIRMED).count()
    status = SignUpStatus.CONFIRMED if taken < activity.capacity else SignUpStatus.WAITING
    signup = SignUp.objects.create(activity=activity, user=actor, status=status)
    audit.record(actor=actor, action="services.activity.sign_up", obj=activity, changes={"status": status})
    return signup


@transaction.atomic
def cancel_sign_up(*, actor, activity: Activity) -> SignUp:
    """Cancel the actor's place; a freed place goes to the first on the waiting list, who is told."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    signup = activity.signups.filter(user=actor).exclude(status=SignUpStatus.CANCELLED).first()
    if signup is None:
        raise Conflict(_("You have not signed up for this activity."))
    if signup.checked_in_at:
        raise Conflict(_("You have already checked in."))
    freed = signup.status == SignUpStatus.CONFIRMED
    signup.status, signup.cancelled_at = SignUpStatus.CANCELLED, timezone.now()
    signup.save(update_fields=["status", "cancelled_at"])
    if freed and not activity.cancelled_at:
        _promote(activity)
    audit.record(actor=actor, action="services.activity.cancel_sign_up", obj=activity)
    return signup


def _promote(activity: Activity) -> None:
    taken = activity.signups.filter(status=SignUpStatus.CONFIRMED).count()
    free = activity.capacity - taken
    if free <= 0:
        return
    for waiting in activity.signups.filter(status=SignUpStatus.WAITING).order_by("created_at", "id")[:free]:
        waiting.status, waiting.promoted_at = SignUpStatus.CONFIRMED, timezone.now()
        waiting.save(update_fields=["status", "promoted_at"])
        inbox.notify(
            users=[waiting.user],
            kind=Kind.NOTICE,
            title=_("A place is yours: %(title)s") % {"title": activity.title},
            url=f"/services/activities/{activity.pk}/",
        )


def checkin_token(activity: Activity) -> str:
    """What the QR code at the door carries: signed, for this activity only."""
    return signing.dumps({"a": activity.pk}, salt=CHECKIN_SALT, compress=True)


def _check_in(activity: Activity, signup: SignUp, *, actor, method: str) -> SignUp:
    if activity.cancelled_at:
        raise Conflict(_("The activity is cancelled: no check-in."))
    now = timezone.now()
    opens = activity.starts_at - timedelta(minutes=conf.checkin_early_minutes())
    if now < opens or now > activity.ends_at:
        raise Conflict(_("Check-in is open from shortly before the start until the end."))
    if signup.status != SignUpStatus.CONFIRMED:
        raise Conflict(
            _("Only confirmed places check in (yours is %(status)s).") % {"status": signup.get_status_display()}
        )
    if signup.checked_in_at:
        return signup
    signup.checked_in_at, signup.checked_in_by, signup.check_in_method = now, actor, method
    signup.save(update_fields=["checked_in_at", "checked_in_by", "check_in_method"])
    audit.record(actor=actor, action="services.activity.check_in", obj=activity, changes={"method": method})
    _credit(Trigger.ACTIVITY_ATTENDED, signup.user_id, f"services.signup:{signup.pk}", activity.title)
    return signup


@transaction.atomic
def check_in_with_token(*, actor, activity: Activity, token: str) -> SignUp:
    try:
        data = signing.loads(token, salt=CHECKIN_SALT)
    except signing.BadSignature:
        data = None
    if not isinstance(data, dict) or data.get("a") != activity.pk:
        raise ValidationError({"token": _("This check-in code is not for this activity.")})
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    signup = activity.signups.filter(user=actor).exclude(status=SignUpStatus.CANCELLED).first()
    if signup is None:
        if activity.cancelled_at:
            raise Conflict(_("The activity is cancelled: no check-in."))
        raise Conflict(_("You have not signed up for this activity."))
    return _check_in(activity, signup, actor=actor, method="qr")


@transaction.atomic
def check_in_by_staff(*, actor, activity: Activity, signup_id: int) -> SignUp:
    _require_manager(actor, activity.region_path)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    signup = activity.signups.filter(pk=signup_id).exclude(status=SignUpStatus.CANCELLED).first()
    if signup is None:
        raise ValidationError({"signup_id": _("No sign-up with this id for this activity.")})
    return _check_in(activity, signup, actor=actor, method="staff")


@transaction.atomic
def give_feedback(*, actor, activity: Activity, rating: int, feedback: str = "") -> SignUp:
    signup = activity.signups.filter(user=actor, checked_in_at__isnull=False).first()
    if signup is None:
        raise Conflict(_("Only people who came give feedback."))
    if not 1 <= int(rating) <= 5:
        raise ValidationError({"rating": _("Rate from 1 to 5.")})
    signup.rating, signup.feedback = int(rating), feedback.strip()
    signup.full_clean()
    signup.save(update_fields=["rating", "feedback"])
    audit.record(actor=actor, action="services.activity.feedback", obj=activity, changes={"rating": signup.rating})
    return signup


# --- service points --------------------------------------------------------------------------------------


@transaction.atomic
def save_point(*, actor, point: ServicePoint | None = None, region: str, **fields) -> ServicePoint:
    place = Region.objects.filter(code=region, is_active=True).first() if region else None
    if place is None or not access.manages(actor, place.path):
        raise ValidationError({"region": _("Name a community or street you manage.")})
    if point is not None:
        _require_manager(actor, point.region_path)
    point = point or ServicePoint()
    for name, value in fields.items():
        setattr(point, name, value.strip() if isinstance(value, str) else value)
    point.region, point.region_path = place, place.path
    point.full_clean()
    point.save()
    audit.record(actor=actor, action="services.point.save", obj=point)
    coverage_changed()
    return point


# --- road networks and the stored coverage ------------------------------------------------------------------


def coverage_changed() -> None:
    """A service point or a road network changed: every stored coverage is marked stale (a point serves the
    next community too, and there is one stored result per region looked at, so few) and recomputed in the
    background once the change commits."""
    if CoverageResult.objects.filter(stale=False).update(stale=True) or CoverageResult.objects.exists():

        def queue():
            from wangge.services.tasks import recompute_coverage  # the task module imports this one

            recompute_coverage()

        transaction.on_commit(queue)


def recompute_stale_coverage() -> int:
    """Recompute every stale stored coverage (the huey task); returns how many were recomputed."""
    done = 0
    for row in CoverageResult.objects.filter(stale=True).select_related("region").order_by("id"):
        selectors.store_circles(row.region, row.minutes)
        done += 1
    return done


@dataclass
class RoadImport:
    network: RoadNetwork
    lines: int
    skipped: int
    nodes: int
    components: int


def read_roads(data: bytes, *, field: str = "file") -> roads.Parsed:
    """A GeoJSON file's lines through the shared guards (size, nesting depth); a file that is not GeoJSON
    is a translated error naming the field, broken lines inside one are counted, not fatal."""
    uploads.check_size(data, max_bytes=conf.road_max_bytes(), field=field)
    bodies.check_json_depth(data, field=field)
    try:
        parsed = roads.parse(json.loads(data))
    except (ValueError, UnicodeDecodeError):
        raise ValidationError({field: _("Not a GeoJSON file of road lines.")}) from None
    if not parsed.lines:
        raise ValidationError({field: _("No usable road line in the file (%(n)d skipped).") % {"n": parsed.skipped}})
    return parsed


@transaction.atomic
def import_roads(*, actor, region: str, data: bytes, name: str = "") -> RoadImport:
    """Import (or replace) the road network of a street or district from GeoJSON lines. Broken lines are
    skipped and counted, islands counted; the stored coverage is recomputed in the background."""
    place = Region.objects.filter(code=region, is_active=True).first() if region else None
    if place is None or place.level not in (Level.STREET, Level.DISTRICT) or not access.manages(actor, place.path):
        raise ValidationError({"region": _("Name a street or district you manage.")})
    parsed = read_roads(data)
    lon, lat = parsed.lines[0][0]
    forward, _back = circles.frame(
        place.center_lon if place.center_lon is not None else lon,
        place.center_lat if place.center_lat is not None else lat,
    )
    graph = roads.Network(parsed.lines, forward)
    network = RoadNetwork.objects.filter(region=place).first() or RoadNetwork(region=place)
    network.region_path = place.path
    network.name = name.strip()[:100]
    network.lines_geojson = parsed.geojson()
    network.lines, network.skipped = len(parsed.lines), parsed.skipped
    network.nodes, network.components = graph.graph.number_of_nodes(), graph.components
    network.imported_at, network.imported_by = timezone.now(), actor
    network.save()
    audit.record(
        actor=actor,
        action="services.roads.import",
        obj=network,
        changes={"lines": network.lines, "skipped": network.skipped, "components": network.components},
    )
    coverage_changed()
    return RoadImport(network, network.lines, network.skipped, network.nodes, network.components)


# --- volunteer teams and call-outs ------------------------------------------------------------------------


@transaction.atomic
def create_team(*, actor, name: str, region: str, description: str = "") -> VolunteerTeam:
    place = Region.objects.filter(code=region, is_active=True).first() if region else None
    if place is None or not access.manages(actor, place.path):
        raise ValidationError({"region": _("Name a community or street you manage.")})
    team = VolunteerTeam(name=name.strip(), region=place, region_path=place.path, description=description.strip())
    team.full_clean()
    team.save()
    audit.record(actor=actor, action="services.team.create", obj=team)
    return team


@transaction.atomic
def add_team_member(*, actor, team: VolunteerTeam, user_id: int, kind: str = "resident") -> TeamMember:
    """Staff add someone living or serving near the team (their map reach meets the team's region)."""
    _require_manager(actor, team.region_path)
    person = User.objects.filter(pk=user_id, is_active=True).first()
    if person is None or not access.near(person, team.region_path):
        raise ValidationError({"user_id": _("No user with this id near the team's region.")})
    if team.memberships.filter(user=person).exists():
        raise Conflict(_("Already a member of the team."))
    member = TeamMember(team=team, user=person, kind=kind)
    member.full_clean(exclude=["team", "user"])
    member.save()
    audit.record(actor=actor, action="services.team.add_member", obj=team, changes={"user": person.pk})
    return member


@transaction.atomic
def call_out(*, actor, team: VolunteerTeam, title: str, details: str = "", address: str = "") -> CallOut:
    """Staff (or a team member) call the team out: every member gets it in their inbox."""
    if not may_call_out(actor, team):
        raise PermissionDenied(_("Only the team's members or the community's staff call the team out."))
    callout = CallOut(
        team=team, title=title.strip(), details=details.strip(), address=address.strip(), created_by=actor
    )
    callout.full_clean()
    callout.save()
    inbox.notify(
        users=[m.user for m in team.memberships.select_related("user").exclude(user=actor)],
        kind=Kind.REQUEST,
        title=_("Call-out for %(team)s: %(title)s") % {"team": team.name, "title": callout.title},
        body=callout.address,
        url=f"/services/call-outs/{callout.pk}/",
    )
    audit.record(actor=actor, action="services.callout.create", obj=callout)
    return callout


@transaction.atomic
def accept_call_out(*, actor, callout: CallOut) -> CallOut:
    """The first member to accept takes it (the row is locked; later ones get 409); the response time is kept."""
    if not may_accept_call_out(actor, callout):
        raise PermissionDenied(_("Only the team's members accept its call-outs."))
    callout = CallOut.objects.select_for_update().get(pk=callout.pk)
    if callout.status != CallOutStatus.OPEN:
        raise Conflict(_("Someone else has already taken this call-out."))
    now = timezone.now()
    callout.status, callout.accepted_by, callout.accepted_at = CallOutStatus.ACCEPTED, actor, now
    callout.response_seconds = max(0, int((now - callout.created_at).total_seconds()))
    callout.save(update_fields=["status", "accepted_by", "accepted_at", "response_seconds"])
    audit.record(actor=actor, action="services.callout.accept", obj=callout)
    inbox.notify(
        users=[callout.created_by],
        kind=Kind.NOTICE,
        title=_("%(name)s is on the way: %(title)s") % {"name": str(actor), "title": callout.title},
        url=f"/services/call-outs/{callout.pk}/",
    )
    return callout


@transaction.atomic
def complete_call_out(*, actor, callout: CallOut) -> CallOut:
    callout = CallOut.objects.select_for_update().get(pk=callout.pk)
    if not may_complete_call_out(actor, callout):
        raise PermissionDenied(_("Only who took the call-out marks it done."))
    if callout.status != CallOutStatus.ACCEPTED:
        raise Conflict(_("Only an accepted call-out can be marked done."))
    callout.status, callout.done_at = CallOutStatus.DONE, timezone.now()
    callout.save(update_fields=["status", "done_at"])
    audit.record(actor=actor, action="services.callout.done", obj=callout)
    _credit(Trigger.CALL_OUT_DONE, callout.accepted_by_id, f"services.callout:{callout.pk}", callout.title)
    return callout


# --- 红色代办 errands -------------------------------------------------------------------------------------


@transaction.atomic
def request_errand(*, actor, category: str, description: str, region: str = "") -> Errand:
    """A resident asks for an errand to be run (their home grid unless ``region`` names another membership);
    due within the category's working days (``ERRAND_WORKING_DAYS``); the community's staff are told."""
    if category not in ErrandCategory.values:
        raise ValidationError({"category": _("Choose a category of errand.")})
    scope = scope_for(actor)
    place = Region.objects.filter(code=region, is_active=True).first() if region else None
    if place is None:
        place = access.home_region(actor)
    if place is None or not scope.map_covers_path(place.path):
        raise ValidationError({"region": _("Name a grid or community in your reach.")})
    now = timezone.now()
    errand = Errand(
        category=category,
        description=description.strip(),
        region=place,
        region_path=place.path,
        requested_by=actor,
        created_at=now,
        due_at=add_working_time(now, days=ERRAND_WORKING_DAYS[category]),
    )
    errand.full_clean()
    errand.save()
    audit.record(actor=actor, action="services.errand.request", obj=errand)
    inbox.notify(
        users=_community_staff(errand.region_path),
        kind=Kind.REQUEST,
        title=_("Errand requested: %(category)s") % {"category": errand.get_category_display()},
        url=f"/services/errands/{errand.pk}/",
    )
    return errand


@transaction.atomic
def take_errand(*, actor, errand: Errand) -> Errand:
    """Staff whose data reach covers the errand take it on (the row is locked: one taker)."""
    if not may_take_errand(actor, errand):
        raise PermissionDenied(_("Only staff serving the resident's grid run errands for them."))
    errand = Errand.objects.select_for_update().get(pk=errand.pk)
    if errand.status != ErrandStatus.REQUESTED:
        raise Conflict(_("This errand has already been taken or closed."))
    errand.status, errand.assignee, errand.taken_at = ErrandStatus.TAKEN, actor, timezone.now()
    errand.save(update_fields=["status", "assignee", "taken_at"])
    audit.record(actor=actor, action="services.errand.take", obj=errand)
    inbox.notify(
        users=[errand.requested_by],
        kind=Kind.NOTICE,
        title=_("%(name)s is running your errand: %(category)s")
        % {"name": str(actor), "category": errand.get_category_display()},
        url=f"/services/errands/{errand.pk}/",
    )
    return errand


@transaction.atomic
def complete_errand(*, actor, errand: Errand, result: str = "") -> Errand:
    errand = Errand.objects.select_for_update().get(pk=errand.pk)
    if not may_complete_errand(actor, errand):
        raise PermissionDenied(_("Only who runs the errand marks it done."))
    if errand.status != ErrandStatus.TAKEN:
        raise Conflict(_("Only an errand being handled can be marked done."))
    errand.status, errand.done_at, errand.result = ErrandStatus.DONE, timezone.now(), result.strip()
    errand.full_clean()
    errand.save()
    audit.record(actor=actor, action="services.errand.done", obj=errand, changes={"overdue": errand.overdue})
    _credit(Trigger.ERRAND_DONE, errand.assignee_id, f"services.errand:{errand.pk}", errand.get_category_display())
    inbox.notify(
        users=[errand.requested_by],
        kind=Kind.NOTICE,
        title=_("Your errand is done: %(category)s") % {"category": errand.get_category_display()},
        body=errand.result,
        url=f"/services/errands/{errand.pk}/",
    )
    return errand


@transaction.atomic
def cancel_errand(*, actor, errand: Errand) -> Errand:
    if not may_cancel_errand(actor, errand):
        raise PermissionDenied(_("Only who asked for the errand cancels it."))
    errand = Errand.objects.select_for_update().get(pk=errand.pk)
    if errand.status != ErrandStatus.REQUESTED:
        raise Conflict(_("Only an errand nobody has taken yet can be cancelled."))
    errand.status = ErrandStatus.CANCELLED
    errand.save(update_fields=["status"])
    audit.record(actor=actor, action="services.errand.cancel", obj=errand)
    return errand
