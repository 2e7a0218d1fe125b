"""The case workflow as data: (status, action) → new status and the case roles that may do it.

Case roles are the actor's relation to one case (see ``case_roles``): a membership role whose region
covers the case (e.g. ``dispatcher`` of the street that handles it), ``assignee`` (the department,
grid or person it is dispatched to), or ``reporter``. ``services.transition`` is the only code that
reads this table to change a status.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from wangge.accounts.models import Role
from wangge.cases.models import Stage, Status

ASSIGNEE = "assignee"
REPORTER = "reporter"

GRID_ROLES = frozenset({Role.GRID_WORKER, Role.GRID_CHIEF, Role.MICRO_GRID_LIAISON})
CENTRE = frozenset({Role.COMMAND_OPERATOR, Role.DISPATCHER, Role.DUTY_CHIEF, Role.COMMUNITY_STAFF, Role.GRID_CHIEF})
DISPATCHERS = frozenset(
    {Role.DISPATCHER, Role.DUTY_CHIEF, Role.COMMAND_OPERATOR, Role.COMMUNITY_STAFF, Role.GRID_CHIEF}
)
CHIEFS = frozenset({Role.DUTY_CHIEF, Role.DISPATCHER, Role.COMMUNITY_STAFF})
VERIFIERS = frozenset(
    {Role.GRID_WORKER, Role.GRID_CHIEF, Role.COMMAND_OPERATOR, Role.DISPATCHER, Role.DUTY_CHIEF, Role.COMMUNITY_STAFF}
)
SUPERVISORS = frozenset({Role.DUTY_CHIEF, Role.STREET_LEADER})
CALLERS = frozenset({Role.COMMAND_OPERATOR, Role.DISPATCHER, Role.DUTY_CHIEF})

# Roles checked against the region that *handles* the case; the rest against where it happened.
CENTRE_SCOPED = frozenset({Role.COMMAND_OPERATOR, Role.DISPATCHER, Role.DUTY_CHIEF, Role.COMMUNITY_STAFF})


@dataclass(frozen=True)
class Rule:
    to: str
    roles: frozenset[str]
    needs_opinion: bool = False


S = Status
OPEN = (S.REPORTED, S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.HANDLED, S.VERIFIED)

RULES: dict[tuple[str, str], Rule] = {
    (S.REPORTED, "accept"): Rule(S.ACCEPTED, CENTRE),
    (S.REPORTED, "reject"): Rule(S.REJECTED, CENTRE, needs_opinion=True),
    (S.REPORTED, "merge"): Rule(S.MERGED, CENTRE),
    (S.REPORTED, "solve_on_spot"): Rule(S.HANDLED, GRID_ROLES),
    (S.REPORTED, "escalate"): Rule(S.REPORTED, CENTRE | GRID_ROLES, needs_opinion=True),
    (S.ACCEPTED, "dispatch"): Rule(S.DISPATCHED, DISPATCHERS),
    (S.ACCEPTED, "park"): Rule(S.PARKED, CHIEFS, needs_opinion=True),
    (S.ACCEPTED, "merge"): Rule(S.MERGED, CENTRE),
    (S.ACCEPTED, "escalate"): Rule(S.ACCEPTED, CENTRE, needs_opinion=True),
    (S.DISPATCHED, "sign"): Rule(S.IN_PROGRESS, frozenset({ASSIGNEE})),
    (S.DISPATCHED, "return"): Rule(S.DISPATCHED, frozenset({ASSIGNEE}), needs_opinion=True),
    (S.DISPATCHED, "approve_return"): Rule(S.ACCEPTED, CHIEFS),
    (S.DISPATCHED, "deny_return"): Rule(S.DISPATCHED, CHIEFS, needs_opinion=True),
    (S.DISPATCHED, "dispatch"): Rule(S.DISPATCHED, DISPATCHERS),
    (S.DISPATCHED, "escalate"): Rule(S.ACCEPTED, CENTRE, needs_opinion=True),
    (S.IN_PROGRESS, "feedback"): Rule(S.HANDLED, frozenset({ASSIGNEE}), needs_opinion=True),
    (S.IN_PROGRESS, "request_extension"): Rule(S.IN_PROGRESS, frozenset({ASSIGNEE}), needs_opinion=True),
    (S.IN_PROGRESS, "approve_extension"): Rule(S.IN_PROGRESS, CHIEFS),
    (S.IN_PROGRESS, "deny_extension"): Rule(S.IN_PROGRESS, CHIEFS, needs_opinion=True),
    (S.IN_PROGRESS, "return"): Rule(S.IN_PROGRESS, frozenset({ASSIGNEE}), needs_opinion=True),
    (S.IN_PROGRESS, "approve_return"): Rule(S.ACCEPTED, CHIEFS),
    (S.IN_PROGRESS, "deny_return"): Rule(S.IN_PROGRESS, CHIEFS, needs_opinion=True),
    (S.IN_PROGRESS, "escalate"): Rule(S.ACCEPTED, CENTRE | {ASSIGNEE}, needs_opinion=True),
    (S.HANDLED, "verify_pass"): Rule(S.VERIFIED, VERIFIERS),
    (S.HANDLED, "verify_fail"): Rule(S.IN_PROGRESS, VERIFIERS, needs_opinion=True),
    (S.VERIFIED, "close"): Rule(S.CLOSED, CENTRE),
    (S.CLOSED, "callback"): Rule(S.CLOSED, CALLERS, needs_opinion=True),
    (S.CLOSED, "rate"): Rule(S.RATED, frozenset({REPORTER, Role.COMMAND_OPERATOR})),
    (S.CLOSED, "reopen"): Rule(S.DISPATCHED, frozenset({Role.DUTY_CHIEF}), needs_opinion=True),
    (S.RATED, "callback"): Rule(S.RATED, CALLERS, needs_opinion=True),
    (S.RATED, "reopen"): Rule(S.DISPATCHED, frozenset({REPORTER, Role.DUTY_CHIEF}), needs_opinion=True),
    (S.PARKED, "unpark"): Rule(S.ACCEPTED, CHIEFS),
}
# Flags that never change the status: urgency and supervision (督办) on any open or parked case.
for _status in (*OPEN, S.PARKED):
    RULES[(_status, "mark_urgent")] = Rule(_status, CENTRE | SUPERVISORS)
    RULES[(_status, "supervise")] = Rule(_status, SUPERVISORS, needs_opinion=True)
# What only the platform does (``services.record_system_flag``; no role may, so not in RULES): a sensor's
# repeated alarm added to the open case's timeline, and closing a case whose cause went away by itself (a
# device back online).
NOBODY: frozenset[str] = frozenset()
SYSTEM_RULES: dict[tuple[str, str], Rule] = {}
for _status in OPEN:
    SYSTEM_RULES[(_status, "repeat")] = Rule(_status, NOBODY)
    SYSTEM_RULES[(_status, "system_close")] = Rule(S.CLOSED, NOBODY)

ACTIONS = sorted({action for _, action in RULES})

ACTION_LABELS = {
    "report": _("Report"),
    "accept": _("Accept"),
    "reject": _("Reject"),
    "dispatch": _("Dispatch"),
    "sign": _("Sign for"),
    "feedback": _("Feed back"),
    "verify_pass": _("Verification passed"),
    "verify_fail": _("Verification failed (rework)"),
    "close": _("Close"),
    "callback": _("Call back"),
    "rate": _("Rate"),
    "reopen": _("Reopen"),
    "solve_on_spot": _("Solved on the spot"),
    "request_extension": _("Ask for an extension"),
    "approve_extension": _("Approve the extension"),
    "deny_extension": _("Deny the extension"),
    "return": _("Return"),
    "approve_return": _("Approve the return"),
    "deny_return": _("Deny the return"),
    "escalate": _("Escalate (blow the whistle)"),
    "supervise": _("Supervise"),
    "mark_urgent": _("Mark urgent"),
    "repeat": _("Reported again"),
    "system_close": _("Closed by the system"),
    "park": _("Park"),
    "unpark": _("Unpark"),
    "merge": _("Merge into another case"),
    "warn": _("Due-soon warning"),
    "overdue": _("Overdue"),
}

# The clock of each status; statuses without a stage have no deadline.
STAGE_OF_STATUS = {
    S.REPORTED: Stage.ACCEPT,
    S.ACCEPTED: Stage.DISPATCH,
    S.DISPATCHED: Stage.SIGN,
    S.IN_PROGRESS: Stage.HANDLE,
    S.HANDLED: Stage.VERIFY,
    S.VERIFIED: Stage.CLOSE,
}
# Which category time limit each stage uses.
LIMIT_OF_STAGE = {
    Stage.ACCEPT: "accept",
    Stage.DISPATCH: "accept",
    Stage.SIGN: "sign",
    Stage.HANDLE: "handle",
    Stage.VERIFY: "verify",
    Stage.CLOSE: "verify",
}
# Actions that restart the stage clock even when the status stays the same.
CLOCK_RESTARTING = frozenset({"dispatch", "escalate"})


def rule_for(status: str, action: str) -> Rule | None:
    return RULES.get((status, action))


def system_rule_for(status: str, action: str) -> Rule | None:
    """The rule the platform follows: its own actions, or a flag of the table (supervise, mark_urgent)."""
    return SYSTEM_RULES.get((status, action)) or RULES.get((status, action))


def actions_from(status: str) -> list[str]:
    return [action for (s, action) in RULES if s == status]
