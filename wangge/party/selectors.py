"""Reads of party work, always scoped to the caller.

- Organisations are not personal data: one is visible when a region it serves lies in the caller's data
  reach, or contains it (a grid worker sees their branch and the 党总支 and 大党委 above it).
- Members are: they follow the data reach of persons (``people.view``, the person's ``region_path`` under
  ``scope.restrict``), so a member out of reach answers 404 like an absent one.
- Coverage counts the ledger's households in the caller's reach (``people.selectors.households_for``).
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from wangge.accounts.scope import restrict, scope_for
from wangge.party.models import CentralHousehold, CoveredHousehold, PartyMember, PartyOrganisation, ServedRegion
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


def region_for(user, code: str) -> Region:
    region = people_selectors.region_in_reach(user, code)
    if region is None:
        raise Http404(_("No region with this code in your reach."))
    return region


def members_filtered(
    user, *, organisation: int | None = None, region: str = "", kind: str = "", in_service: bool | None = None
) -> QuerySet[PartyMember]:
    rows = members_for(user)
    if organisation is not None:
        rows = rows.filter(organisation=get_organisation_for(user, organisation))
    if region:
        rows = rows.filter(person__region_path__startswith=region_for(user, region).path)
    if kind:
        rows = rows.filter(status=kind)
    if in_service is not None:
        rows = rows.filter(in_service=in_service)
    return rows


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
