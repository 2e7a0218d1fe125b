"""What each role may do, declared as data. Scope (which rows) is separate: see ``scope.py``."""

from wangge.accounts.models import Role

# Who keeps the ledger of people, houses and organisations (see docs/decisions.md, "Basic data").
PEOPLE_KEEPER = ("people.view", "people.change", "people.labels", "people.reveal", "people.export")

# Capabilities are coarse verbs; each module checks the one it needs through ``has_capability``.
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.RESIDENT: frozenset(),
    Role.MICRO_GRID_LIAISON: frozenset({"regions.view", "people.view"}),
    Role.GRID_WORKER: frozenset({"regions.view", *PEOPLE_KEEPER}),
    Role.GRID_CHIEF: frozenset({"regions.view", *PEOPLE_KEEPER}),
    Role.COMMUNITY_STAFF: frozenset({"regions.view", *PEOPLE_KEEPER}),
    Role.COMMAND_OPERATOR: frozenset({"regions.view"}),
    Role.DISPATCHER: frozenset({"regions.view"}),
    Role.DUTY_CHIEF: frozenset({"regions.view"}),
    Role.DEPARTMENT_STAFF: frozenset({"regions.view"}),
    Role.STREET_LEADER: frozenset({"regions.view", "audit.view", "people.view", "people.labels", "people.export"}),
    Role.ADMIN: frozenset(
        {
            "regions.view",
            "regions.change",
            "accounts.change",
            "audit.view",
            "people.view",
            "people.change",
            "people.labels",
            "devices.manage",
            "webhooks.manage",
            "hotline.manage",
        }
    ),
}

# Command centre, statistics and assessment: figures are scoped like cases (see rollups.selectors).
# stats.view: the screen, statistics, rankings and bulletins of one's reach; assessment.manage: generate
# bulletins, publish weekly task lists, enter points by hand.
STATS_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.GRID_WORKER: frozenset({"stats.view"}),
    Role.GRID_CHIEF: frozenset({"stats.view"}),
    Role.COMMUNITY_STAFF: frozenset({"stats.view", "assessment.manage"}),
    Role.COMMAND_OPERATOR: frozenset({"stats.view"}),
    Role.DISPATCHER: frozenset({"stats.view"}),
    Role.DUTY_CHIEF: frozenset({"stats.view", "assessment.manage"}),
    Role.DEPARTMENT_STAFF: frozenset({"stats.view"}),
    Role.STREET_LEADER: frozenset({"stats.view", "assessment.manage"}),
    Role.ADMIN: frozenset({"stats.view", "assessment.manage"}),
}
for _role, _capabilities in STATS_CAPABILITIES.items():
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | _capabilities

# When a user holds several roles, the home page follows the highest of them.
ROLE_PRECEDENCE = [
    Role.ADMIN,
    Role.STREET_LEADER,
    Role.DUTY_CHIEF,
    Role.DISPATCHER,
    Role.COMMAND_OPERATOR,
    Role.DEPARTMENT_STAFF,
    Role.COMMUNITY_STAFF,
    Role.GRID_CHIEF,
    Role.GRID_WORKER,
    Role.MICRO_GRID_LIAISON,
    Role.RESIDENT,
]


def roles_of(user) -> list[str]:
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_wangge_roles", None)
    if cached is None:
        cached = sorted(
            set(user.memberships.filter(is_active=True).values_list("role", flat=True)),
            key=ROLE_PRECEDENCE.index,
        )
        if user.is_superuser and Role.ADMIN not in cached:
            cached.insert(0, Role.ADMIN)
        user._wangge_roles = cached
    return cached


def primary_role(user) -> str | None:
    roles = roles_of(user)
    return roles[0] if roles else None


def has_capability(user, capability: str) -> bool:
    return any(capability in ROLE_CAPABILITIES[role] for role in roles_of(user))
