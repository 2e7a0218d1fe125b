"""Which bulletins and task lists a user may read (404 for the rest, like absent ones)."""

from django.db.models import Q, QuerySet
from django.http import Http404

from wangge.accounts.models import Role
from wangge.accounts.roles import has_capability
from wangge.accounts.scope import paths_filter, restrict, scope_for
from wangge.assessment.models import Bulletin, WeeklyPlan
from wangge.regions.models import Region


def regions_in_reach(user) -> QuerySet[Region]:
    """The active regions under the user's data reach: those a bulletin or a task list may be made for."""
    if not user.is_authenticated:
        return Region.objects.none()
    return restrict(Region.objects.filter(is_active=True), user)


def get_region_in_reach(user, code: str) -> Region:
    """The region with this code inside the user's data reach; 404 for absent and out of reach alike."""
    region = regions_in_reach(user).filter(code=code).first()
    if region is None:
        raise Http404("region")
    return region


def get_bulletin_for(user, bulletin_id: int) -> Bulletin:
    item = visible_bulletins(user).select_related("region").filter(pk=bulletin_id).first()
    if item is None:
        raise Http404("bulletin")
    return item


def get_plan_for(user, plan_id: int) -> WeeklyPlan:
    plan = visible_plans(user).select_related("region", "created_by").filter(pk=plan_id).first()
    if plan is None:
        raise Http404("plan")
    return plan


def visible_bulletins(user) -> QuerySet[Bulletin]:
    """Bulletins of regions inside the user's data reach (and only for those who may see figures)."""
    if not user.is_authenticated or not has_capability(user, "stats.view"):
        return Bulletin.objects.none()
    scope = scope_for(user)
    if scope.is_global:
        return Bulletin.objects.all()
    return Bulletin.objects.filter(paths_filter(scope.paths, "region__path"))


def visible_plans(user) -> QuerySet[WeeklyPlan]:
    """Task lists of regions inside the user's reach, and those addressed to a region the user serves in."""
    if not user.is_authenticated:
        return WeeklyPlan.objects.none()
    scope = scope_for(user)
    if scope.is_global:
        return WeeklyPlan.objects.all()
    served = list(
        user.memberships.filter(is_active=True)
        .exclude(role__in=(Role.RESIDENT, Role.DEPARTMENT_STAFF))
        .values_list("region__path", flat=True)
    )
    above = Q(pk__in=[])
    for path in served:
        # A plan addressed to the region itself or to any region above it.
        prefixes = [path[:end] for end in range(10, len(path) + 1, 10)]
        above |= Q(region__path__in=prefixes)
    reach = paths_filter(scope.paths, "region__path") if scope.paths else Q(pk__in=[])
    return WeeklyPlan.objects.filter((reach | above) & ~Q(published_at=None) | reach)
