"""Who may do what with services to residents. Which rows a user reaches is the scope's business
(``wangge.accounts.scope``); this module names the roles:

- **managers** (community staff, grid chiefs, street leaders, administrators) review wishes, plan and cancel
  activities, check people in at the door and keep service points, in the subtree of their membership;
- **helpers** (grid workers, micro-grid liaisons and the managers) may post a wish on a resident's behalf;
- everyone signed in whose map reach meets a community (residents included) reads its wall, activities and
  points, posts wishes, claims them and signs up.
"""

from django.db.models import Q
from django.db.models.functions import Length

from wangge.accounts.models import Role
from wangge.accounts.scope import scope_for
from wangge.regions.models import Region

MANAGER_ROLES = (Role.COMMUNITY_STAFF, Role.GRID_CHIEF, Role.STREET_LEADER, Role.ADMIN)
HELPER_ROLES = (Role.GRID_WORKER, Role.MICRO_GRID_LIAISON, *MANAGER_ROLES)
PATH_STEP = 10


def _paths(user, roles) -> tuple[str, ...]:
    if user is None or not user.is_authenticated or not user.is_active:
        return ()
    cache = getattr(user, "_wangge_services_paths", None)
    if cache is None:
        cache = user._wangge_services_paths = {}
    key = tuple(roles)
    if key not in cache:
        cache[key] = tuple(
            user.memberships.filter(is_active=True, region__is_active=True, role__in=roles).values_list(
                "region__path", flat=True
            )
        )
    return cache[key]


def manager_paths(user) -> tuple[str, ...]:
    return _paths(user, MANAGER_ROLES)


def helper_paths(user) -> tuple[str, ...]:
    return _paths(user, HELPER_ROLES)


def is_manager(user) -> bool:
    return bool(user is not None and user.is_authenticated and (user.is_superuser or manager_paths(user)))


def manages(user, path: str) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or any(path.startswith(p) for p in manager_paths(user))


def helps(user, path: str) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or any(path.startswith(p) for p in _paths(user, HELPER_ROLES))


def is_helper(user) -> bool:
    return bool(user is not None and user.is_authenticated and (user.is_superuser or _paths(user, HELPER_ROLES)))


def ancestors(path: str) -> list[str]:
    return [path[:end] for end in range(PATH_STEP, len(path) + 1, PATH_STEP)]


def near_filter(user, field: str) -> Q | None:
    """Rows whose ``field`` path lies under the user's map reach or above it (a resident of a grid sees
    what is offered to their community and street). None: everything (superuser)."""
    scope = scope_for(user)
    if scope.is_global:
        return None
    q = Q(pk__in=[])
    for path in scope.map_paths:
        q |= Q(**{f"{field}__startswith": path}) | Q(**{f"{field}__in": ancestors(path)})
    return q


def near(user, path: str) -> bool:
    scope = scope_for(user)
    if scope.is_global:
        return True
    return any(path.startswith(p) or p.startswith(path) for p in scope.map_paths)


def home_region(user) -> Region | None:
    """Where a user's own wish or errand is placed by default: the deepest region of their memberships."""
    if user is None or not user.is_authenticated:
        return None
    rows = Region.objects.filter(memberships__user=user, memberships__is_active=True, is_active=True)
    return rows.order_by(Length("path").desc(), "path").first()
