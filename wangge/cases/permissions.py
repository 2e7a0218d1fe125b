"""An actor's relation to one case: the membership roles that reach it, ``assignee``, ``reporter``."""

from wangge.accounts.models import Role
from wangge.accounts.roles import ROLE_PRECEDENCE, roles_of
from wangge.cases.models import PendingRequest
from wangge.cases.workflow import ASSIGNEE, CENTRE_SCOPED, REPORTER, RULES

# Roles that act on cases; residents and department staff act only as reporter or assignee.
GRID_SCOPED = frozenset({Role.GRID_WORKER, Role.GRID_CHIEF, Role.MICRO_GRID_LIAISON, Role.STREET_LEADER})


def is_resident_only(user) -> bool:
    """Someone not signed in, or with no role but resident: reports with the source "resident", never urgent.

    Anyone with another role (an administrator included) reports as staff: chooses the source, may mark
    urgent. ``None`` is the system itself (imports, sensors, the demo), not a resident.
    """
    if user is None:
        return False
    return not user.is_authenticated or all(role == Role.RESIDENT for role in roles_of(user))


def _memberships(user) -> list[tuple[str, str, int | None]]:
    cached = getattr(user, "_wangge_case_memberships", None)
    if cached is None:
        cached = list(
            user.memberships.filter(is_active=True, region__is_active=True).values_list(
                "role", "region__path", "department_id"
            )
        )
        user._wangge_case_memberships = cached
    return cached


def case_roles(user, case) -> set[str]:
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    roles: set[str] = set()
    if case.reporter_id is not None and case.reporter_id == user.pk:
        roles.add(REPORTER)
    if user.is_superuser:
        roles |= {Role.DUTY_CHIEF, Role.DISPATCHER, Role.COMMAND_OPERATOR}
    for role, path, department_id in _memberships(user):
        if role == Role.GRID_CHIEF:
            # A grid chief is a centre (accept, dispatch, close…) only for cases handled within their area.
            # A case that merely happened there but is handled above (a street case, or one escalated
            # past them) leaves them a grid worker's duties: verify, solve on the spot, blow the whistle.
            if case.handling_path.startswith(path):
                roles.add(role)
            elif case.region_path.startswith(path):
                roles.add(Role.GRID_WORKER)
        elif (
            role in CENTRE_SCOPED
            and case.handling_path.startswith(path)
            or role in GRID_SCOPED
            and case.region_path.startswith(path)
        ):
            roles.add(role)
        if _is_assignee(case, user, role, path, department_id):
            roles.add(ASSIGNEE)
    if case.assigned_user_id is not None and case.assigned_user_id == user.pk:
        roles.add(ASSIGNEE)
    return roles


def _is_assignee(case, user, role, path, department_id) -> bool:
    if case.assigned_department_id is not None:
        return role == Role.DEPARTMENT_STAFF and department_id == case.assigned_department_id
    if case.assigned_region_id is not None:
        assigned_path = case.assigned_region.path
        return role in (Role.GRID_WORKER, Role.GRID_CHIEF) and assigned_path.startswith(path)
    return False


def pick_role(roles: set[str]) -> str:
    """The role shown on the timeline when several allow the action."""
    for role in ROLE_PRECEDENCE:
        if role in roles:
            return role
    return next(iter(sorted(roles)), "")


def allowed_actions(user, case) -> list[str]:
    """The actions this user may press on this case now (for the buttons)."""
    roles = case_roles(user, case)
    return [action for (status, action), rule in RULES.items() if status == case.status and roles & rule.roles]


def available_actions(user, case) -> list[str]:
    """``allowed_actions`` without those the service would refuse now anyway: nothing to approve, a
    request already waiting, already urgent, one's own handling to verify, a satisfied reporter."""
    pending = case.pending_request
    own_handling = case.handled_by_id is not None and case.handled_by_id == user.pk
    reporter_only = case.reporter_id == user.pk and Role.DUTY_CHIEF not in case_roles(user, case)
    refused = {
        "approve_extension": pending != PendingRequest.EXTENSION,
        "deny_extension": pending != PendingRequest.EXTENSION,
        "approve_return": pending != PendingRequest.RETURN,
        "deny_return": pending != PendingRequest.RETURN,
        "return": bool(pending),
        "request_extension": bool(pending),
        "mark_urgent": case.is_urgent,
        "solve_on_spot": not case.category.on_spot,
        "verify_pass": own_handling,
        "verify_fail": own_handling,
        "reopen": reporter_only and case.satisfied is not False,
    }
    return [action for action in allowed_actions(user, case) if not refused.get(action, False)]
