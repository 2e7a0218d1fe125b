"""Which bulletins and task lists a user may read (404 for the rest, like absent ones)."""

from django.db.models import Q, QuerySet

from wangge.accounts.models import Role
from wangge.accounts.roles import has_capability
from wangge.accounts.scope import paths_filter, scope_for
from wangge.assessment.models import Bulletin, WeeklyPlan


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
