"""Reads of party work, always scoped to the caller.

- Organisations are not personal data: one is visible when a region it serves lies in the caller's data
  reach, or contains it (a grid worker sees their branch and the 党总支 and 大党委 above it).
- Members are: they follow the data reach of persons (``people.view``, the person's ``region_path`` under
  ``scope.restrict``), so a member out of reach answers 404 like an absent one.
- Coverage counts the ledger's households in the caller's reach (``people.selectors.households_for``).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import BooleanField, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum, Value
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.scope import paths_filter, restrict, scope_for
from wangge.cases.models import FINISHED_STATUSES, OPEN_STATUSES, Case, CaseEvent
from wangge.cases.selectors import visible_cases
from wangge.core import pii
from wangge.party import conf
from wangge.party.counters import STOCK_COUNTERS
from wangge.party.models import (
    CentralHousehold,
    ClaimStatus,
    CoveredHousehold,
    ItemClaim,
    OrganisationKind,
    PartyMember,
    PartyOrganisation,
    PropertyCompany,
    PropertyListing,
    Registration,
    ServedRegion,
    ServiceItem,
    UnitStaff,
)
from wangge.people import permissions
from wangge.people import selectors as people_selectors
from wangge.people.models import Household
from wangge.regions.models import GRID_LEVELS, Region

PATH_STEP = 10  # digits per level of a region's materialized path


def _ancestor_paths(path: str) -> list[str]:
    return [path[:end] for end in range(PATH_STEP, len(path) + 1, PATH_STEP)]


def organisations_for(user) -> QuerySet[PartyOrganisation]:
    if not permissions.can(user, permissions.VIEW):
        return PartyOrganisation.objects.none()
    scope = scope_for(user)
    if scope.is_global:
        return PartyOrganisation.objects.all()
    if scope.is_empty:
        return PartyOrganisation.objects.none()
    near = Q()
    for path in scope.paths:
        near |= Q(region_path__startswith=path) | Q(region_path__in=_ancestor_paths(path))
    served = ServedRegion.objects.filter(near, organisation=OuterRef("pk"))
    return PartyOrganisation.objects.filter(Exists(served))


def get_organisation_for(user, pk) -> PartyOrganisation:
    try:
        return organisations_for(user).get(pk=pk)
    except (PartyOrganisation.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No party organisation with this id in your reach.")) from None


def organisations_filtered(user, *, parent: int | None = None, roots: bool = False, kind: str = "", q: str = ""):
    rows = organisations_for(user)
    if parent is not None:
        rows = rows.filter(parent=get_organisation_for(user, parent))
    elif roots:
        # The tops of what the caller sees: organisations whose parent they cannot see (or none).
        rows = rows.exclude(parent__in=organisations_for(user))
    if kind:
        rows = rows.filter(kind=kind)
    if q:
        rows = rows.filter(name__icontains=q)
    return rows


def members_for(user) -> QuerySet[PartyMember]:
    if not permissions.can(user, permissions.VIEW):
        return PartyMember.objects.none()
    return restrict(
        PartyMember.objects.select_related("person", "organisation", "grid"), user, field="person__region_path"
    )


def get_member_for(user, pk) -> PartyMember:
    try:
        return members_for(user).get(pk=pk)
    except (PartyMember.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No party member with this id in your reach.")) from None


PERSON_CHOICES = 20


def person_choices(user, q: str) -> list:
    """Ledger persons in the caller's reach to make a member of, for the add-member form's search: by name
    (part of it), by a whole phone number (the blind index) or by a phone's last four digits (the masked
    copy); at most ``PERSON_CHOICES``, each with ``is_member`` (already a member: shown, not offered)."""
    q = (q or "").strip()[:40]
    if not q:
        return []
    rows = people_selectors.persons_for(user)
    digits = q.replace(" ", "").replace("-", "")
    if digits.isdigit() and len(digits) == 4:
        rows = rows.filter(phone_masked__endswith=digits)
    elif digits.isdigit() and len(digits) >= 7:
        rows = rows.filter(phone_index__in=pii.blind_indexes(digits, kind="phone"))
    else:
        rows = rows.filter(name__icontains=q)
    member = PartyMember.objects.filter(person_id=OuterRef("pk"))
    rows = rows.annotate(is_member=Exists(member)).select_related("house", "region")
    return list(rows.order_by("name", "id")[:PERSON_CHOICES])


def chosen_person(user, pk):
    """The person picked in the add-member form (a redisplay or ``?person=``), when in reach."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    member = PartyMember.objects.filter(person_id=OuterRef("pk"))
    rows = people_selectors.persons_for(user).annotate(is_member=Exists(member)).select_related("house", "region")
    return rows.filter(pk=pk).first()


def region_for(user, code: str) -> Region:
    region = people_selectors.region_in_reach(user, code)
    if region is None:
        raise Http404(_("No region with this code in your reach."))
    return region


def members_filtered(
    user,
    *,
    organisation: int | None = None,
    region: str = "",
    kind: str = "",
    in_service: bool | None = None,
    registered: bool | None = None,
    left: bool | None = None,
) -> QuerySet[PartyMember]:
    rows = members_for(user)
    if left is not None:
        rows = rows.filter(left_on__isnull=not left)
    if registered is not None:
        rows = rows.filter(registration__isnull=not registered)
    if organisation is not None:
        rows = rows.filter(organisation=get_organisation_for(user, organisation))
    if region:
        rows = rows.filter(person__region_path__startswith=region_for(user, region).path)
    if kind:
        rows = rows.filter(status=kind)
    if in_service is not None:
        rows = rows.filter(in_service=in_service)
    return rows


def members_listed(user, *, organisation: int | None = None, left: bool | None = None, **filters):
    """The member list of the API: ledger readers get the members in their data reach (``members_filtered``);
    an account acting for co-building units without ledger rights gets its units' current members, as its
    党员报到 page shows them (marked ``unit_view``: name and standing, not where they live); anyone else is
    refused (403) as before."""
    if permissions.can(user, permissions.VIEW):
        return members_filtered(user, organisation=organisation, left=left, **filters)
    units = own_units(user)
    if not units.exists():
        permissions.require(user, permissions.VIEW)
    if organisation is not None:
        if not units.filter(pk=organisation).exists():
            raise Http404(_("No party organisation with this id in your reach."))
        units = units.filter(pk=organisation)
    rows = PartyMember.objects.filter(organisation__in=units, left_on__isnull=True)
    if left:  # the unit's staff see its current members only
        rows = rows.none()
    if filters.get("region"):
        region_for(user, filters["region"])  # 404: no region is in their reach
    if filters.get("kind"):
        rows = rows.filter(status=filters["kind"])
    if filters.get("in_service") is not None:
        rows = rows.filter(in_service=filters["in_service"])
    if filters.get("registered") is not None:
        rows = rows.filter(registration__isnull=not filters["registered"])
    return rows.select_related("person", "organisation").annotate(unit_view=Value(True, output_field=BooleanField()))


def centrals_for(user) -> QuerySet[CentralHousehold]:
    return CentralHousehold.objects.filter(member__in=members_for(user)).select_related(
        "member__person", "member__organisation"
    )


def get_central_for(user, pk) -> CentralHousehold:
    try:
        return centrals_for(user).get(pk=pk)
    except (CentralHousehold.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No central household with this id in your reach.")) from None


def covering(user, household: Household) -> list[CentralHousehold]:
    """The central households (whose member the caller may see) that cover ``household``."""
    return list(centrals_for(user).filter(covered__household=household).order_by("id"))


@dataclass
class GridCoverage:
    region: Region
    households: int
    covered: int

    @property
    def uncovered(self) -> int:
        return self.households - self.covered

    @property
    def rate(self) -> float | None:
        return round(self.covered / self.households, 4) if self.households else None


def _covered_filter() -> Exists:
    return Exists(CoveredHousehold.objects.filter(household=OuterRef("pk")))


def coverage(user, code: str) -> tuple[GridCoverage, list[GridCoverage]]:
    """The households of the region ``code`` covered by a central household: in total and per grid.

    One grouped query per region path (a grid or micro-grid), summed per grid by path prefix."""
    region = region_for(user, code)
    households = people_selectors.households_for(user).filter(region_path__startswith=region.path)
    per_path = (
        households.annotate(is_covered=_covered_filter())
        .values("region_path")
        .annotate(total=Count("id"), covered=Count("id", filter=Q(is_covered=True)))
        .order_by()
    )
    tallies = [(row["region_path"], row["total"], row["covered"]) for row in per_path]
    grids = Region.objects.filter(path__startswith=region.path, level__in=GRID_LEVELS, is_active=True)
    rows = []
    for grid in restrict(grids, user).order_by("code"):
        inside = [t for t in tallies if t[0].startswith(grid.path)]
        rows.append(GridCoverage(grid, sum(t[1] for t in inside), sum(t[2] for t in inside)))
    total = GridCoverage(region, sum(t[1] for t in tallies), sum(t[2] for t in tallies))
    return total, rows


def uncovered_households(user, code: str) -> QuerySet[Household]:
    region = region_for(user, code)
    households = people_selectors.households_for(user).filter(region_path__startswith=region.path)
    return households.exclude(_covered_filter()).select_related("house__building", "region")


def uncovered_buildings_geojson(user, code: str) -> dict:
    """Buildings of the region holding households no central household covers, as GeoJSON points."""
    region = region_for(user, code)
    households = people_selectors.households_for(user).filter(region_path__startswith=region.path)
    households = households.annotate(is_covered=_covered_filter())
    buildings: dict[int, dict] = {}
    rows = households.filter(house__building__lon__isnull=False, house__building__lat__isnull=False).values_list(
        "house__building_id", "house__building__name", "house__building__lon", "house__building__lat", "is_covered"
    )
    for building_id, name, lon, lat, is_covered in rows:
        entry = buildings.setdefault(building_id, {"name": name, "lon": lon, "lat": lat, "households": 0, "covered": 0})
        entry["households"] += 1
        entry["covered"] += int(bool(is_covered))
    features = [
        {
            "type": "Feature",
            "id": building_id,
            "geometry": {"type": "Point", "coordinates": [b["lon"], b["lat"]]},
            "properties": {
                "name": b["name"],
                "households": b["households"],
                "covered": b["covered"],
                "uncovered": b["households"] - b["covered"],
            },
        }
        for building_id, b in sorted(buildings.items())
    ]
    return {"type": "FeatureCollection", "features": features}


# The regions each organisation serves, in tree order: for lists that show them (pages and API).
SERVED_REGIONS = Prefetch("served", queryset=ServedRegion.objects.select_related("region").order_by("region_path"))


def default_coverage_region(user) -> Region | None:
    """Where the coverage page opens: the first street for a user who sees everything, else the top of the
    user's reach."""
    scope = scope_for(user)
    regions = Region.objects.filter(is_active=True)
    if scope.is_global:
        return regions.filter(level="street").order_by("code").first()
    return regions.filter(path__in=scope.paths).order_by("path").first()


# --- the caller's own party standing (双报到 and claims from one's own account) --------------------------


def own_member(user) -> PartyMember | None:
    """The current member whose own account ``user`` is (not a scoped read: it is the caller's own record)."""
    if user is None or not user.is_authenticated:
        return None
    return (
        PartyMember.objects.select_related("person", "organisation", "registration__community")
        .filter(account=user, left_on__isnull=True)
        .first()
    )


def member_by_phone(user) -> PartyMember | None:
    """The current member, not yet linked to an account, whose person in the ledger has ``user``'s phone."""
    if not user.phone_encrypted:
        return None
    indexes = pii.blind_indexes(pii.decrypt(user.phone_encrypted), kind="phone")
    rows = PartyMember.objects.filter(person__phone_index__in=indexes, account__isnull=True, left_on__isnull=True)
    return rows.select_related("person").order_by("id").first()


def own_units(user) -> QuerySet[PartyOrganisation]:
    """The co-building units ``user`` acts for: as the secretary's own account, or as the unit's staff."""
    if user is None or not user.is_authenticated:
        return PartyOrganisation.objects.none()
    staff = UnitStaff.objects.filter(unit_id=OuterRef("pk"), user=user)
    return PartyOrganisation.objects.filter(
        Q(secretary__account=user, secretary__left_on__isnull=True) | Q(Exists(staff)),
        kind=OrganisationKind.COBUILDING,
    )


def unit_members(user, unit: PartyOrganisation) -> QuerySet[PartyMember]:
    """A co-building unit's current members, for the unit's own staff (only units ``user`` acts for)."""
    if not own_units(user).filter(pk=unit.pk).exists():
        return PartyMember.objects.none()
    rows = PartyMember.objects.filter(organisation=unit, left_on__isnull=True).select_related("person")
    return rows.order_by("person__name", "id")


def member_communities(member: PartyMember) -> list[str]:
    """Paths of the communities a member may take items from: where they live, and where they registered."""
    paths = _ancestor_paths(member.person.region_path)
    registration = getattr(member, "registration", None) if hasattr(member, "registration") else None
    if registration is not None:
        paths.append(registration.community_path)
    return paths


def _near(user, field: str) -> Q | None:
    """Rows whose ``field`` path lies in the caller's data reach or above it (None: everything)."""
    scope = scope_for(user)
    if scope.is_global:
        return None
    near = Q(pk__in=[])
    for path in scope.paths:
        near |= Q(**{f"{field}__startswith": path}) | Q(**{f"{field}__in": _ancestor_paths(path)})
    return near


def items_for(user) -> QuerySet[ServiceItem]:
    """双百 items: of the communities in (or above) the caller's reach for ledger staff; of where they live or
    registered for a member; of the community co-built with for a unit's secretary."""
    rows = ServiceItem.objects.select_related("community", "offered_by")
    if user is None or not user.is_authenticated:
        return rows.none()
    visible = Q(pk__in=[])
    if permissions.can(user, permissions.VIEW):
        near = _near(user, "community_path")
        if near is None:
            return rows
        visible |= near
    member = own_member(user)
    if member is not None:
        visible |= Q(community_path__in=member_communities(member))
    units = list(own_units(user).values_list("community_id", flat=True))
    if units:
        visible |= Q(community_id__in=units)
    return rows.filter(visible)


def get_item_for(user, pk) -> ServiceItem:
    try:
        return items_for(user).get(pk=pk)
    except (ServiceItem.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No list item with this id in your reach.")) from None


def items_filtered(user, *, community: str = "", kind: str = "", status: str = "", mine: bool = False):
    rows = items_for(user)
    if community:
        rows = rows.filter(community_path__startswith=region_for(user, community).path)
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    if mine:
        rows = rows.filter(_claimed_by_own(user))
    return rows


def _claimed_by_own(user) -> Q:
    return Q(claims__member__account=user) | Q(claims__unit__in=own_units(user))


ITEM_CLAIMS = Prefetch("claims", queryset=ItemClaim.objects.select_related("member__person", "unit"))


def with_claims(user, rows: QuerySet[ServiceItem]) -> QuerySet[ServiceItem]:
    """Items with their claim prefetched and whether the caller may see the claiming member (one subquery
    instead of a look-up per row)."""
    visible = members_for(user).filter(pk=OuterRef("claims__member_id"))
    return rows.prefetch_related(ITEM_CLAIMS).annotate(claimant_visible=Exists(visible))


def claim_of(item: ServiceItem) -> ItemClaim | None:
    return ItemClaim.objects.select_related("member__person", "unit").filter(item=item).first()


def may_see_claimant(user, claim: ItemClaim) -> bool:
    """A claiming member is personal data (political status): named to ledger staff who see the person, to
    the member themself; a unit is not."""
    if claim.unit_id:
        return True
    known = getattr(claim, "claimant_visible", None)  # from ``with_claims``
    if known:
        return True
    if claim.member.account_id and claim.member.account_id == user.pk:
        return True
    return members_for(user).filter(pk=claim.member_id).exists()


def get_claim_for(user, pk) -> ItemClaim:
    try:
        return ItemClaim.objects.select_related("item", "member__person", "unit").get(pk=pk, item__in=items_for(user))
    except (ItemClaim.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No claim with this id in your reach.")) from None


# --- 双报到 ---------------------------------------------------------------------------------------------


def registrations_for(user) -> QuerySet[Registration]:
    """Registrations with communities in the caller's data reach (the member's name is read through
    ``members_for``, so only where the caller may see persons)."""
    rows = Registration.objects.select_related("member__person", "unit", "community")
    if not permissions.can(user, permissions.VIEW):
        return rows.none()
    return restrict(rows, user, field="community_path")


def get_registration_for(user, pk) -> Registration:
    try:
        return registrations_for(user).get(pk=pk)
    except (Registration.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No registration with this id in your reach.")) from None


@dataclass
class RegistrationRow:
    registration: Registration
    name: str
    claims_done: int
    hours: float


def registration_rows(user, *, community: str = "", status: str = "") -> list[RegistrationRow]:
    """Who registered with the communities in reach, whether confirmed, and what each did: claims done and
    service hours (two grouped queries)."""
    rows = registrations_for(user)
    if community:
        rows = rows.filter(community_path__startswith=region_for(user, community).path)
    if status:
        rows = rows.filter(status=status)
    rows = list(rows.order_by("community_path", "-registered_at", "id")[:500])
    done = ItemClaim.objects.filter(status=ClaimStatus.DONE)
    by_member = {
        r["member"]: r
        for r in done.filter(member__in=[r.member_id for r in rows if r.member_id])
        .values("member")
        .annotate(n=Count("id"), hours=Sum("hours"))
        .order_by()
    }
    by_unit = {
        r["unit"]: r
        for r in done.filter(unit__in=[r.unit_id for r in rows if r.unit_id])
        .values("unit")
        .annotate(n=Count("id"), hours=Sum("hours"))
        .order_by()
    }
    result = []
    for row in rows:
        tally = by_member.get(row.member_id) if row.member_id else by_unit.get(row.unit_id)
        name = row.member.person.name if row.member_id else row.unit.name
        result.append(
            RegistrationRow(row, name, tally["n"] if tally else 0, float(tally["hours"] or 0) if tally else 0.0)
        )
    return result


def regions_in_reach(user, levels=None) -> list[Region]:
    """Active regions in the caller's data reach (for the pickers of the forms), in tree order."""
    scope = scope_for(user)
    if not permissions.can(user, permissions.VIEW) or scope.is_empty:
        return []
    rows = Region.objects.filter(is_active=True)
    if levels:
        rows = rows.filter(level__in=levels)
    return list(restrict(rows, user).order_by("path")[:2000])


# --- figures for the command-centre screen (counts only) -------------------------------------------------


@dataclass
class PartyFigures:
    region: Region
    branches: int = 0
    members: int = 0
    in_service: int = 0
    registered: int = 0
    confirmed: int = 0
    centrals: int = 0
    households: int = 0
    covered: int = 0

    @property
    def rate(self) -> float | None:
        return round(self.covered / self.households, 4) if self.households else None

    @property
    def registered_rate(self) -> float | None:
        return round(self.registered / self.in_service, 4) if self.in_service else None

    def add(self, **counts) -> None:
        for name, value in counts.items():
            setattr(self, name, getattr(self, name) + (value or 0))


def figures(user, code: str) -> tuple[PartyFigures, list[PartyFigures]]:
    """Party work under the region ``code`` in the caller's reach (else 404), in total and per child region:
    grid branches, current members (in service, registered, confirmed: 双报到), central households and the
    households they cover. Counts only, no person named, so the screen shows them to whoever may see the
    region's figures. Three grouped queries by region path, summed per child by path prefix."""
    region = Region.objects.filter(code=code, is_active=True).first()
    if region is None or not scope_for(user).covers_path(region.path):
        raise Http404(_("No region with this code in your reach."))
    children = list(Region.objects.filter(parent=region, is_active=True).order_by("code"))
    total, rows = PartyFigures(region), [PartyFigures(child) for child in children]

    def spread(path: str, **counts) -> None:
        total.add(**counts)
        for row in rows:
            if path.startswith(row.region.path):
                row.add(**counts)
                break

    under = region.path
    branches = (
        ServedRegion.objects.filter(region_path__startswith=under, organisation__kind=OrganisationKind.BRANCH)
        .values("region_path")
        .annotate(n=Count("organisation", distinct=True))
        .order_by()
    )
    for row in branches:
        spread(row["region_path"], branches=row["n"])
    members = (
        PartyMember.objects.filter(person__region_path__startswith=under, left_on__isnull=True)
        .values("person__region_path")
        .annotate(
            n=Count("id"),
            serving=Count("id", filter=Q(in_service=True)),
            registered=Count("id", filter=Q(registration__isnull=False)),
            confirmed=Count("id", filter=Q(registration__status="confirmed")),
            centrals=Count("id", filter=Q(central_household__isnull=False)),
        )
        .order_by()
    )
    for row in members:
        spread(
            row["person__region_path"],
            members=row["n"],
            in_service=row["serving"],
            registered=row["registered"],
            confirmed=row["confirmed"],
            centrals=row["centrals"],
        )
    households = (
        Household.objects.filter(region_path__startswith=under)
        .annotate(is_covered=_covered_filter())
        .values("region_path")
        .annotate(n=Count("id"), covered=Count("id", filter=Q(is_covered=True)))
        .order_by()
    )
    for row in households:
        spread(row["region_path"], households=row["n"], covered=row["covered"])
    return total, rows


# --- cases per organisation -------------------------------------------------------------------------------


@dataclass
class CaseCounts:
    """Cases that happened in an organisation's area (its served regions and everything under them) and the
    cases its current members reported or handled from their own accounts, among the cases the caller sees
    (``cases.selectors.visible_cases``). Merged and rejected cases are in ``total`` only."""

    total: int = 0
    open: int = 0
    overdue: int = 0  # open and past the current stage's deadline now
    closed: int = 0
    closed_on_time: int = 0  # closed (or rated) with no step recorded late
    by_members: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return self.closed_on_time / self.closed if self.closed else None


def case_counts(user, organisation: PartyOrganisation, *, now=None) -> CaseCounts:
    """Two grouped queries: the area's cases by state, and the members' cases."""
    now = now or timezone.now()
    paths = tuple(organisation.served.values_list("region_path", flat=True))
    cases = visible_cases(user)
    late = CaseEvent.objects.filter(case_id=OuterRef("pk"), on_time=False)
    finished = Q(status__in=FINISHED_STATUSES)
    figures = cases.filter(paths_filter(paths, "region_path")).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_at__lt=now)),
        closed=Count("pk", filter=finished),
        closed_on_time=Count("pk", filter=finished & ~Q(Exists(late))),
    )
    accounts = PartyMember.objects.filter(
        organisation=organisation, left_on__isnull=True, account__isnull=False
    ).values("account_id")
    by_members = cases.filter(Q(reporter_id__in=accounts) | Q(handled_by_id__in=accounts)).count()
    return CaseCounts(**figures, by_members=by_members)


# --- counters for assessment (its party indicators are formulas over these names) -------------------------


def _local_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def work_counters(user, code: str, start: date, end: date) -> tuple[Counter, dict[str, Counter]]:
    """The party counters under region ``code`` (in the caller's reach, else 404), in total and per child
    region (keyed by code). Counts only, like ``figures``: no person is named."""
    total_figures, child_figures = figures(user, code)
    low, high = _local_bounds(start, end)

    def of(f: PartyFigures) -> Counter:
        return Counter({name: getattr(f, name) for name in STOCK_COUNTERS})

    total = of(total_figures)
    rows = {f.region.code: of(f) for f in child_figures}
    paths = {f.region.path: f.region.code for f in child_figures}

    def spread(path: str, **counts) -> None:
        total.update(counts)
        for prefix, child in paths.items():
            if path.startswith(prefix):
                rows[child].update(counts)
                break

    under = total_figures.region.path
    claims = (
        ItemClaim.objects.filter(item__community_path__startswith=under)
        .values("item__community_path")
        .annotate(
            taken=Count("id", filter=Q(claimed_at__gte=low, claimed_at__lt=high)),
            done=Count("id", filter=Q(status=ClaimStatus.DONE, done_at__gte=low, done_at__lt=high)),
            on_time=Count(
                "id",
                filter=Q(status=ClaimStatus.DONE, done_at__gte=low, done_at__lt=high)
                & (Q(item__due_on__isnull=True) | Q(done_at__date__lte=F("item__due_on"))),
            ),
            hours=Sum("hours", filter=Q(status=ClaimStatus.DONE, done_at__gte=low, done_at__lt=high)),
        )
        .order_by()
    )
    for row in claims:
        spread(
            row["item__community_path"],
            claims=row["taken"],
            claims_done=row["done"],
            claims_done_on_time=row["on_time"],
            hours=int(row["hours"] or 0),
        )
    reported = Case.objects.filter(reporter_id=OuterRef("account_id"), created_at__gte=low, created_at__lt=high)
    reporting = (
        PartyMember.objects.filter(person__region_path__startswith=under, left_on__isnull=True, account__isnull=False)
        .filter(Exists(reported))
        .values("person__region_path")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in reporting:
        spread(row["person__region_path"], members_reporting=row["n"])
    return total, rows


# --- 红色物业 --------------------------------------------------------------------------------------------


def companies_for(user) -> QuerySet[PropertyCompany]:
    """Red property companies of the communities in the caller's data reach (ledger readers)."""
    if not permissions.can(user, permissions.VIEW):
        return PropertyCompany.objects.none()
    rows = PropertyCompany.objects.select_related("organisation", "community", "party_organisation")
    return restrict(rows, user, field="community_path")


def get_company_for(user, pk) -> PropertyCompany:
    try:
        return companies_for(user).get(pk=pk)
    except (PropertyCompany.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No property company with this id in your reach.")) from None


def listings_for(user) -> QuerySet[PropertyListing]:
    """Published red/black lists: public to the community, so read through the map reach (staff and the
    community's residents alike: a resident's grid lies under the community) up and down."""
    scope = scope_for(user)
    if scope.is_global:
        return PropertyListing.objects.select_related("community")
    near = Q(pk__in=[])
    for path in scope.map_paths:
        near |= Q(community_path__startswith=path) | Q(community_path__in=_ancestor_paths(path))
    return PropertyListing.objects.filter(near).select_related("community")


def get_listing_for(user, pk) -> PropertyListing:
    try:
        return listings_for(user).get(pk=pk)
    except (PropertyListing.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No red/black list with this id in your reach.")) from None


@dataclass
class QuarterScore:
    year: int
    quarter: int
    checks: int  # monthly checks recorded in the quarter
    check_score: float | None  # their mean
    cases: int  # cases about the company's compounds reported in the quarter
    late_cases: int  # of those: overdue now, or closed with a late step
    score: float | None  # check_score less the late cases' points, not below 0

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.quarter}"


def _quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    first = date(year, 3 * quarter - 2, 1)
    last = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - timedelta(days=1)
    return first, last


def company_cases(company: PropertyCompany):
    """Cases about the company's compounds: the household or person named lives in one of them."""
    compound = "house__building__compound__property_company"
    return Case.objects.filter(
        Q(**{f"household__{compound}": company.organisation_id}) | Q(**{f"person__{compound}": company.organisation_id})
    )


def quarter_score(company: PropertyCompany, year: int, quarter: int, *, now=None) -> QuarterScore:
    now = now or timezone.now()
    first, last = _quarter_bounds(year, quarter)
    checks = list(company.checks.filter(month__range=(first, last)).values_list("score", flat=True))
    low, high = _local_bounds(first, last)
    cases = company_cases(company).filter(created_at__gte=low, created_at__lt=high)
    late = Exists(CaseEvent.objects.filter(case_id=OuterRef("pk"), on_time=False))
    figures = cases.aggregate(
        n=Count("pk", distinct=True),
        late=Count("pk", distinct=True, filter=Q(late) | Q(status__in=OPEN_STATUSES, due_at__lt=now)),
    )
    mean = sum(checks) / len(checks) if checks else None
    score = None if mean is None else max(0.0, mean - conf.property_late_case_points() * figures["late"])
    return QuarterScore(year, quarter, len(checks), mean, figures["n"], figures["late"], score)


def half_year(company: PropertyCompany, year: int, half: int, *, now=None) -> tuple[list[QuarterScore], float | None]:
    """The two quarters of a half year and their mean score (of those with a score)."""
    quarters = [quarter_score(company, year, q, now=now) for q in ((1, 2) if half == 1 else (3, 4))]
    return quarters, mean_score(quarters)


def mean_score(quarters: list[QuarterScore]) -> float | None:
    """The mean of the quarters' scores, of those with a score (a half year's, as its list ranks it)."""
    scored = [q.score for q in quarters if q.score is not None]
    return sum(scored) / len(scored) if scored else None


def list_of(score: float | None) -> str:
    if score is None:
        return ""
    if score >= conf.property_red_from():
        return "red"
    if score < conf.property_black_below():
        return "black"
    return ""


def unregistered_property_companies(user) -> list:
    """The ledger's property companies in the caller's reach not yet brought in (the register form's choice)."""
    taken = PropertyCompany.objects.values("organisation_id")
    rows = people_selectors.organisations_for(user).filter(kind="property").exclude(pk__in=taken)
    return list(rows.order_by("name", "id")[:500])


def company_compound_rows(user, company: PropertyCompany):
    """The compounds in the caller's reach that name the company as their property company."""
    return people_selectors.compounds_for(user).filter(property_company=company.organisation_id)


def company_compounds(user, company: PropertyCompany) -> list:
    return list(company_compound_rows(user, company).order_by("name"))
