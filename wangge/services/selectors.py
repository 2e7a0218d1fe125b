"""Reads of services to residents, always scoped to the caller.

- The **wall** (approved wishes) and **activities** and **service points** are public to the neighbourhood:
  a row is visible when its path lies under the caller's map reach or above it (``access.near_filter``), so a
  resident of a grid sees their community's wall and the street's activities, and nothing of other streets.
- A wish's **private side** (the resident's name, phone and address; wishes awaiting review or rejected) is
  seen by its poster, its claimant (status only) and staff whose data reach covers the wish.
Out of reach answers 404 like an absent row.
"""

import math
import statistics
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import User
from wangge.accounts.scope import path_filter, scope_for
from wangge.assessment.models import VOLUNTEER_TRIGGERS, PointEntry
from wangge.core import geo
from wangge.people.models import Household
from wangge.regions.models import Level, Region
from wangge.services import access, circles, conf, roads
from wangge.services.models import (
    WALL_STATUSES,
    Activity,
    CallOut,
    CoverageResult,
    Errand,
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

# --- wishes --------------------------------------------------------------------------------------------


def _near(queryset: QuerySet, user, field: str) -> QuerySet:
    if user is None or not user.is_authenticated:
        return queryset.none()
    condition = access.near_filter(user, field)
    return queryset if condition is None else queryset.filter(condition)


def wall_for(user) -> QuerySet[Wish]:
    """Approved wishes of the communities near the caller: what the public wall shows."""
    return _near(Wish.objects.filter(status__in=WALL_STATUSES), user, "community_path").select_related(
        "community", "compound"
    )


def wishes_for(user) -> QuerySet[Wish]:
    """Every wish the caller may open: the wall, their own posts and claims, and (staff) every wish in their
    data reach, whatever its status."""
    if user is None or not user.is_authenticated:
        return Wish.objects.none()
    condition = Q(posted_by=user) | Q(claimed_by=user)
    near = access.near_filter(user, "community_path")
    condition |= Q(status__in=WALL_STATUSES) & (Q() if near is None else near)
    scope = scope_for(user)
    if not scope.is_empty:
        condition |= path_filter(scope, "region_path")
    return Wish.objects.filter(condition).select_related("community", "compound", "region")


def get_wish_for(user, pk) -> Wish:
    try:
        return wishes_for(user).get(pk=pk)
    except (Wish.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No wish with this id in your reach.")) from None


def sees_private(user, wish: Wish) -> bool:
    """The poster and staff whose data reach covers the wish see who it is for."""
    if user is None or not user.is_authenticated:
        return False
    return wish.posted_by_id == user.pk or scope_for(user).covers_path(wish.region_path)


def to_review(user) -> QuerySet[Wish]:
    """Wishes awaiting review in the communities the caller manages."""
    if user is None or not user.is_authenticated:
        return Wish.objects.none()
    rows = Wish.objects.filter(status=WishStatus.PENDING)
    if not user.is_superuser:
        rows = rows.filter(_under(access.manager_paths(user), "region_path"))
    return rows.select_related("community", "compound", "region")


def _under(paths, field: str) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def stale_before(now=None):
    return (now or timezone.now()) - timedelta(days=conf.wish_stale_days())


def is_stale(wish: Wish, now=None) -> bool:
    """Open and unclaimed for ``SERVICES_WISH_STALE_DAYS`` days since it was approved (worked out on read;
    the daily task also tells the community once, see ``tasks.flag_unclaimed_wishes``)."""
    return wish.status == WishStatus.OPEN and wish.reviewed_at is not None and wish.reviewed_at < stale_before(now)


def wishes_filtered(user, *, status: str = "", community: str = "", mine: bool = False, stale: bool = False):
    rows = wishes_for(user) if mine else wall_for(user)
    if mine:
        rows = rows.filter(Q(posted_by=user) | Q(claimed_by=user))
    if status:
        rows = rows.filter(status=status)
    if community:
        rows = rows.filter(community__code=community)
    if stale:
        rows = rows.filter(status=WishStatus.OPEN, reviewed_at__lt=stale_before())
    return rows


@dataclass
class WallCount:
    community_code: str
    community_name: str
    month: str  # YYYY-MM
    open: int
    claimed: int
    fulfilled: int


def wall_counts(user, *, community: str = "") -> list[WallCount]:
    """Open, claimed and fulfilled (confirmed included) wishes per community and month of approval."""
    rows = wall_for(user)
    if community:
        rows = rows.filter(community__code=community)
    grouped = (
        rows.annotate(month=TruncMonth("reviewed_at"))
        .values("community__code", "community__name", "month")
        .annotate(
            open=Count("id", filter=Q(status=WishStatus.OPEN)),
            claimed=Count("id", filter=Q(status=WishStatus.CLAIMED)),
            fulfilled=Count("id", filter=Q(status__in=(WishStatus.FULFILLED, WishStatus.CONFIRMED))),
        )
        .order_by("community__code", "-month")
    )
    return [
        WallCount(
            r["community__code"],
            r["community__name"],
            r["month"].strftime("%Y-%m") if r["month"] else "",
            r["open"],
            r["claimed"],
            r["fulfilled"],
        )
        for r in grouped
    ]


# --- activities ----------------------------------------------------------------------------------------


def activities_for(user) -> QuerySet[Activity]:
    return _near(Activity.objects.all(), user, "region_path").select_related("point", "region")


def get_activity_for(user, pk) -> Activity:
    try:
        return activities_for(user).get(pk=pk)
    except (Activity.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No activity with this id in your reach.")) from None


def with_counts(rows: QuerySet[Activity]) -> QuerySet[Activity]:
    return rows.annotate(
        confirmed_count=Count("signups", filter=Q(signups__status=SignUpStatus.CONFIRMED)),
        waiting_count=Count("signups", filter=Q(signups__status=SignUpStatus.WAITING)),
    )


def activities_filtered(user, *, upcoming: bool = False, kind: str = "", region: str = ""):
    rows = activities_for(user)
    if upcoming:
        rows = rows.filter(ends_at__gte=timezone.now(), cancelled_at__isnull=True)
    if kind:
        rows = rows.filter(kind=kind)
    if region:
        rows = rows.filter(region__code=region)
    return with_counts(rows)


def my_signup(user, activity: Activity) -> SignUp | None:
    if user is None or not user.is_authenticated:
        return None
    return activity.signups.exclude(status=SignUpStatus.CANCELLED).filter(user=user).first()


def my_signups(user, activity_ids: list[int]) -> dict[int, SignUp]:
    """The caller's live sign-ups for these activities, by activity id (one query for a page)."""
    if user is None or not user.is_authenticated or not activity_ids:
        return {}
    rows = SignUp.objects.filter(user=user, activity_id__in=activity_ids).exclude(status=SignUpStatus.CANCELLED)
    return {s.activity_id: s for s in rows.select_related("activity")}


def waiting_position(signup: SignUp) -> int | None:
    if signup is None or signup.status != SignUpStatus.WAITING:
        return None
    ahead = signup.activity.signups.filter(status=SignUpStatus.WAITING).filter(
        Q(created_at__lt=signup.created_at) | Q(created_at=signup.created_at, id__lt=signup.id)
    )
    return ahead.count() + 1


@dataclass
class Attendance:
    confirmed: int
    waiting: int
    checked_in: int
    no_shows: int | None  # known once the activity has ended
    rating: float | None
    ratings: int


def attendance(activity: Activity, now=None) -> Attendance:
    rows = activity.signups.aggregate(
        confirmed=Count("id", filter=Q(status=SignUpStatus.CONFIRMED)),
        waiting=Count("id", filter=Q(status=SignUpStatus.WAITING)),
        checked_in=Count("id", filter=Q(status=SignUpStatus.CONFIRMED, checked_in_at__isnull=False)),
        ratings=Count("id", filter=Q(rating__isnull=False)),
    )
    rated = list(activity.signups.filter(rating__isnull=False).values_list("rating", flat=True))
    ended = activity.ends_at <= (now or timezone.now())
    return Attendance(
        confirmed=rows["confirmed"],
        waiting=rows["waiting"],
        checked_in=rows["checked_in"],
        no_shows=rows["confirmed"] - rows["checked_in"] if ended and not activity.cancelled_at else None,
        rating=round(sum(rated) / len(rated), 2) if rated else None,
        ratings=rows["ratings"],
    )


# --- service points ------------------------------------------------------------------------------------


def points_for(user) -> QuerySet[ServicePoint]:
    return _near(ServicePoint.objects.filter(is_active=True), user, "region_path").select_related("region")


def get_point_for(user, pk) -> ServicePoint:
    try:
        return points_for(user).get(pk=pk)
    except (ServicePoint.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No service point with this id in your reach.")) from None


def points_by_distance(user, lon: float, lat: float, *, kind: str = "") -> list[tuple[float, ServicePoint]]:
    """The caller's points nearest first (metres, great circle), ties by id. A street holds tens of points,
    so they are measured in Python."""
    rows = points_for(user)
    if kind:
        rows = rows.filter(kind=kind)
    measured = [(round(geo.metres_between(lon, lat, p.lon, p.lat), 1), p) for p in rows]
    return sorted(measured, key=lambda pair: (pair[0], pair[1].pk))


# --- volunteer teams and call-outs -----------------------------------------------------------------------


def teams_for(user) -> QuerySet[VolunteerTeam]:
    return _near(VolunteerTeam.objects.all(), user, "region_path").select_related("region")


def get_team_for(user, pk) -> VolunteerTeam:
    try:
        return teams_for(user).get(pk=pk)
    except (VolunteerTeam.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No volunteer team with this id in your reach.")) from None


def callouts_for(user) -> QuerySet[CallOut]:
    return CallOut.objects.filter(team__in=teams_for(user)).select_related("team", "accepted_by")


def get_callout_for(user, pk) -> CallOut:
    try:
        return callouts_for(user).get(pk=pk)
    except (CallOut.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No call-out with this id in your reach.")) from None


def is_team_member(user, team: VolunteerTeam) -> bool:
    return bool(user and user.is_authenticated and team.memberships.filter(user=user).exists())


def median_response(team: VolunteerTeam) -> float | None:
    """The team's median time from call-out to acceptance, in seconds (None before the first acceptance)."""
    times = list(team.callouts.filter(response_seconds__isnull=False).values_list("response_seconds", flat=True))
    return float(statistics.median(times)) if times else None


def median_responses(team_ids: list[int]) -> dict[int, float]:
    """``median_response`` for several teams in one query."""
    times: dict[int, list[int]] = {}
    rows = CallOut.objects.filter(team_id__in=team_ids, response_seconds__isnull=False)
    for team_id, seconds in rows.values_list("team_id", "response_seconds"):
        times.setdefault(team_id, []).append(seconds)
    return {team_id: float(statistics.median(values)) for team_id, values in times.items()}


def teams_joined(user, team_ids: list[int]) -> set[int]:
    if user is None or not user.is_authenticated:
        return set()
    return set(TeamMember.objects.filter(user=user, team_id__in=team_ids).values_list("team_id", flat=True))


# --- 红色代办 errands -------------------------------------------------------------------------------------


def errands_for(user) -> QuerySet[Errand]:
    """Errands are personal: their requester's, and those in the data reach of staff."""
    if user is None or not user.is_authenticated:
        return Errand.objects.none()
    condition = Q(requested_by=user)
    scope = scope_for(user)
    if not scope.is_empty:
        condition |= path_filter(scope, "region_path")
    return Errand.objects.filter(condition).select_related("region", "requested_by", "assignee")


def get_errand_for(user, pk) -> Errand:
    try:
        return errands_for(user).get(pk=pk)
    except (Errand.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No errand with this id in your reach.")) from None


def errands_filtered(user, *, status: str = "", overdue: bool = False) -> QuerySet[Errand]:
    rows = errands_for(user)
    if status:
        rows = rows.filter(status=status)
    if overdue:
        rows = rows.filter(status__in=(ErrandStatus.REQUESTED, ErrandStatus.TAKEN), due_at__lt=timezone.now())
    return rows


# --- 10-minute service circles ---------------------------------------------------------------------------

CIRCLE_LEVELS = (Level.CITY, Level.DISTRICT, Level.STREET, Level.COMMUNITY)
MAX_COMMUNITIES = 200


@dataclass
class CompoundOutside:
    id: int | None
    name: str
    households: int
    outside: int


@dataclass
class CommunityCoverage:
    """One community's households: all, located (through their building, else its compound), inside a
    circle, and the compounds with households left outside."""

    region: Region
    households: int = 0
    located: int = 0
    covered: int = 0
    compounds: dict = None

    @property
    def share(self) -> float | None:
        return round(self.covered / self.located, 4) if self.located else None

    @property
    def outside(self) -> list[CompoundOutside]:
        rows = [c for c in (self.compounds or {}).values() if c.outside]
        return sorted(rows, key=lambda c: (-c.outside, c.name))


@dataclass
class ServiceCircles:
    region: Region
    method: circles.Method
    points: list
    shapes: circles.Circles
    communities: list[CommunityCoverage]
    network: dict | None = None  # {"lines", "components"} of the road networks used, else None

    def geojson(self) -> dict:
        return {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "id": point.pk,
                    "geometry": self.shapes.geometry(shape),
                    "properties": {
                        "name": point.name,
                        "kind": point.kind,
                        "kind_label": str(point.get_kind_display()),
                        "radius_m": self.method.radius_m,
                        "method": how,
                    },
                }
                for point, shape, how in zip(self.points, self.shapes.circles, self.shapes.kinds, strict=True)
            ],
        }


def circle_region_for(user, code: str) -> Region:
    """The region named by ``code`` if the caller may look at it (map reach, up or down), else 404. A grid
    or micro-grid stands for its community."""
    region = Region.objects.filter(code=code, is_active=True).first() if code else None
    if region is None or not access.near(user, region.path):
        raise Http404(_("No region with this code in your reach."))
    if region.level not in CIRCLE_LEVELS:
        region = (
            Region.objects.filter(path__in=access.ancestors(region.path), level=Level.COMMUNITY, is_active=True)
            .order_by("-depth")
            .first()
        ) or region
    return region


def default_circle_region(user) -> Region | None:
    """Where the circles open: the community of the caller's home region (or that region, above it)."""
    home = access.home_region(user)
    if home is None:
        return None
    return circle_region_for(user, home.code)


def _circle_points(region: Region, radius_m: float) -> list[ServicePoint]:
    """Active points that can cover the region: inside its bounding box widened by the radius (a point of
    the next community counts as much as one's own), or, for a region without a boundary, under it or above."""
    rows = ServicePoint.objects.filter(is_active=True)
    if region.min_lon is not None and region.max_lat is not None:
        pad_lat = radius_m / 110_540.0
        pad_lon = radius_m / (111_320.0 * max(0.01, math.cos(math.radians((region.min_lat + region.max_lat) / 2))))
        rows = rows.filter(
            lon__gte=region.min_lon - pad_lon,
            lon__lte=region.max_lon + pad_lon,
            lat__gte=region.min_lat - pad_lat,
            lat__lte=region.max_lat + pad_lat,
        )
    else:
        rows = rows.filter(Q(region_path__startswith=region.path) | Q(region_path__in=access.ancestors(region.path)))
    return list(rows.order_by("id"))


def road_networks_for(region: Region) -> list[RoadNetwork]:
    """The road networks that cover a region: imported for it, for a street or district above it, or for
    a part of it."""
    return list(
        RoadNetwork.objects.filter(
            Q(region_path__in=[*access.ancestors(region.path), region.path]) | Q(region_path__startswith=region.path)
        ).order_by("region_path")
    )


def service_circles(user, code: str, *, minutes: int | None = None) -> ServiceCircles:
    """The circles of the points that can serve ``code`` and, per community under it, the share of
    households inside one. Households are counted, never listed (aggregates only)."""
    return compute_circles(circle_region_for(user, code), minutes=minutes)


def compute_circles(region: Region, *, minutes: int | None = None) -> ServiceCircles:
    """The circles and coverage of a region the caller may already see (no scope check: the background
    recompute calls this; the numbers are aggregates)."""
    networks = road_networks_for(region)
    how = circles.method(minutes, kind=circles.ROAD_NETWORK if networks else circles.STRAIGHT_LINE)
    if region.level == Level.COMMUNITY:
        communities = [region]
    else:
        communities = list(
            Region.objects.filter(path__startswith=region.path, level=Level.COMMUNITY, is_active=True).order_by("path")[
                :MAX_COMMUNITIES
            ]
        )
    points = _circle_points(region, how.walk_m if networks else how.radius_m)
    centre = (region.center_lon, region.center_lat)
    if centre[0] is None:
        centre = (points[0].lon, points[0].lat) if points else (120.9, 31.4)
    places = [(p.lon, p.lat) for p in points]
    network = None
    if networks:
        lines = [line for n in networks for line in roads.lines_of(n.lines_geojson)]
        shapes = circles.build_on_network(places, how, centre, lines)
        network = {"lines": sum(n.lines for n in networks), "components": sum(n.components for n in networks)}
        if circles.ROAD_NETWORK not in shapes.kinds:
            how = circles.method(minutes)  # no point reaches the roads: the straight line throughout
    else:
        shapes = circles.build(places, how.radius_m, centre)
    rows = list(
        Household.objects.filter(region_path__startswith=region.path)
        .annotate(
            at_lon=Coalesce("house__building__lon", "house__building__compound__lon"),
            at_lat=Coalesce("house__building__lat", "house__building__compound__lat"),
        )
        .values("region_path", "at_lon", "at_lat", "house__building__compound_id", "house__building__compound__name")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_path = {c.path: CommunityCoverage(region=c, compounds={}) for c in communities}
    lengths = sorted({len(p) for p in by_path})
    located = [r for r in rows if r["at_lon"] is not None and r["at_lat"] is not None]
    inside = shapes.covers(
        np.array([r["at_lon"] for r in located], dtype=float), np.array([r["at_lat"] for r in located], dtype=float)
    )
    covered = {id(r): bool(flag) for r, flag in zip(located, inside, strict=True)}
    for row in rows:
        entry = next((by_path[row["region_path"][:n]] for n in lengths if row["region_path"][:n] in by_path), None)
        if entry is None:
            continue
        entry.households += row["n"]
        if id(row) not in covered:
            continue
        entry.located += row["n"]
        compound_id = row["house__building__compound_id"]
        compound = entry.compounds.setdefault(
            compound_id, CompoundOutside(compound_id, row["house__building__compound__name"] or "", 0, 0)
        )
        compound.households += row["n"]
        if covered[id(row)]:
            entry.covered += row["n"]
        else:
            compound.outside += row["n"]
    return ServiceCircles(region, how, points, shapes, list(by_path.values()), network)


def circles_payload(found: ServiceCircles) -> dict:
    """The circles and coverage as the API gives them (and as they are stored)."""
    method = found.method.as_dict() | {"network": found.network}
    return {
        "region": {"code": found.region.code, "name": found.region.name},
        "method": method,
        "circles": found.geojson(),
        "coverage": [
            {
                "region": {"code": c.region.code, "name": c.region.name},
                "households": c.households,
                "located": c.located,
                "covered": c.covered,
                "share": c.share,
                "compounds_outside": [vars(o) for o in c.outside],
            }
            for c in found.communities
        ],
    }


def stored_circles(user, code: str, *, minutes: int | None = None) -> CoverageResult:
    """The stored circles and coverage of a region in the caller's reach (404 outside), computed and stored
    on the first ask; a stale one is answered as it is (saying so) while the background recompute runs."""
    region = circle_region_for(user, code)
    minutes = minutes or conf.circle_minutes()
    found = CoverageResult.objects.filter(region=region, minutes=minutes).first()
    if found is not None:
        return found
    return store_circles(region, minutes)


def store_circles(region: Region, minutes: int) -> CoverageResult:
    """Compute the circles of a region now and store them (fresh)."""
    payload = circles_payload(compute_circles(region, minutes=minutes))
    row, _created = CoverageResult.objects.update_or_create(
        region=region,
        minutes=minutes,
        defaults={"region_path": region.path, "payload": payload, "stale": False, "computed_at": timezone.now()},
    )
    return row


@dataclass
class StoredCircles:
    """A stored result in the shape the pages read (``region``, ``method``, ``communities``, ``geojson()``)."""

    region: Region
    method: circles.Method
    communities: list[CommunityCoverage]
    payload: dict
    computed_at: object
    stale: bool

    def geojson(self) -> dict:
        return self.payload["circles"]


def stored_circles_for_page(user, code: str) -> StoredCircles:
    """The stored circles of a region in reach (404 outside), for the pages and the export."""
    row = stored_circles(user, code)
    payload = row.payload
    how = payload["method"]
    method = circles.Method(
        kind=how["kind"], minutes=how["minutes"], speed_m_per_min=how["speed_m_per_min"], detour=how["detour"]
    )
    regions = Region.objects.in_bulk([c["region"]["code"] for c in payload["coverage"]], field_name="code")
    communities = []
    for c in payload["coverage"]:
        compounds = {
            i: CompoundOutside(o["id"], o["name"], o["households"], o["outside"])
            for i, o in enumerate(c["compounds_outside"])
        }
        entry = CommunityCoverage(
            regions.get(c["region"]["code"]) or Region(code=c["region"]["code"], name=c["region"]["name"]),
            c["households"],
            c["located"],
            c["covered"],
            compounds,
        )
        communities.append(entry)
    return StoredCircles(row.region, method, communities, payload, row.computed_at, row.stale)


# --- volunteer points ------------------------------------------------------------------------------------


def volunteer_entries(user) -> QuerySet[PointEntry]:
    """The caller's own volunteer lines on the assessment ledger (wishes, call-outs, errands, activities)."""
    if user is None or not user.is_authenticated:
        return PointEntry.objects.none()
    return PointEntry.objects.filter(user=user, rule__trigger__in=VOLUNTEER_TRIGGERS).select_related("rule")


def volunteer_total(user) -> int:
    return volunteer_entries(user).aggregate(n=Sum("points"))["n"] or 0


@dataclass
class Volunteer:
    rank: int
    user_id: int
    name: str
    points: int


def volunteer_ranking(user, code: str, *, limit: int = 50) -> tuple[Region, list[Volunteer]]:
    """The volunteers of a community (an active membership in it or under it) by their volunteer points, most
    first (ties by name); the region as for the circles (404 out of the caller's map reach)."""
    region = circle_region_for(user, code)
    members = (
        User.objects.filter(
            is_active=True, memberships__is_active=True, memberships__region__path__startswith=region.path
        )
        .values("pk")
        .distinct()
    )
    rows = (
        PointEntry.objects.filter(user__in=members, rule__trigger__in=VOLUNTEER_TRIGGERS)
        .values("user_id", "user__display_name", "user__username")
        .annotate(total=Sum("points"))
        .order_by("-total", "user__display_name", "user_id")[:limit]
    )
    ranked = [
        Volunteer(i + 1, r["user_id"], r["user__display_name"] or r["user__username"], r["total"])
        for i, r in enumerate(rows)
    ]
    return region, ranked


# --- call-outs on the screen -----------------------------------------------------------------------------

SCREEN_DAYS = 30


@dataclass
class CallOutFigures:
    """Call-outs of the teams under a region over the last ``SCREEN_DAYS`` days: how many, by state, the
    median response time, and the newest ones."""

    called: int
    open: int
    accepted: int
    done: int
    median_response_seconds: float | None
    recent: list


def callout_figures(path: str, *, now=None, recent: int = 8) -> CallOutFigures:
    """For the screen (the dashboard checks the node is in the caller's reach): the teams under ``path``."""
    since = (now or timezone.now()) - timedelta(days=SCREEN_DAYS)
    rows = CallOut.objects.filter(team__region_path__startswith=path, created_at__gte=since)
    counts = dict(rows.values_list("status").annotate(n=Count("id")).order_by())
    times = list(rows.filter(response_seconds__isnull=False).values_list("response_seconds", flat=True))
    return CallOutFigures(
        called=sum(counts.values()),
        open=counts.get("open", 0),
        accepted=counts.get("accepted", 0),
        done=counts.get("done", 0),
        median_response_seconds=float(statistics.median(times)) if times else None,
        recent=list(rows.select_related("team").order_by("-created_at", "-id")[:recent]),
    )


# --- region pickers of the forms -------------------------------------------------------------------------

PICKER_LIMIT = 500


def _regions_under(user, paths, levels) -> list[Region]:
    rows = Region.objects.filter(is_active=True, level__in=levels)
    if not (user is not None and user.is_superuser):
        if not paths:
            return []
        condition = Q(pk__in=[])
        for path in paths:
            condition |= Q(path__startswith=path)
        rows = rows.filter(condition)
    return list(rows.order_by("path")[:PICKER_LIMIT])


def managed_regions(user) -> list[Region]:
    """Streets and communities the caller manages: the picker of the activity form (what ``plan_activity``
    accepts)."""
    return _regions_under(user, access.manager_paths(user), (Level.STREET, Level.COMMUNITY))


def helped_regions(user) -> list[Region]:
    """Communities and grids where the caller may post a wish for a resident (helper role and data reach):
    the picker of the wish form (what ``post_wish`` accepts on someone's behalf)."""
    scope = scope_for(user)
    rows = _regions_under(user, access.helper_paths(user), (Level.COMMUNITY, Level.GRID, Level.SPECIAL_GRID))
    return [r for r in rows if scope.covers_path(r.path)]
