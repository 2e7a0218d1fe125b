"""What the roll-ups count: every counter is defined here over one case's timeline.

A case's contribution is a function of its timeline (``CaseEvent`` rows in ``seq`` order) and three
fields: where it happened and its source, which never change after intake, and its category, which an
acceptance may correct (``rollups.count_event`` then moves the whole contribution to the new category). The roll-up
tables hold, for every key, the sum of the contributions of all cases; ``rollups.count_event`` adds
*contribution(timeline with the new event) − contribution(timeline without it)*, so the tables
always equal a recomputation from the raw timeline (``rebuild_rollups`` does exactly that).

Three kinds of counter, each with the day it counts on (the local date, Asia/Shanghai):

- **flow** counters count events, on the day of the event, credited to the department that held the
  case when it happened (the one it is assigned to after the event, or before it when the event
  takes it away, as an approved return or an escalation does);
- **report-cohort** counters count cases on the day they were reported, by their state now;
- **filing-cohort** counters count cases on the day they were filed (立案: accepted, or solved on the
  spot), by their state now.

Cohort counters are credited to the department that holds the case now (after its last event).
"""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from wangge.cases.models import Status

# Status names as the cases app spells them (kept as plain strings: this module has no model imports).
OPEN_STATUSES = ("reported", "accepted", "dispatched", "in_progress", "handled", "verified")
FINISHED_STATUSES = ("closed", "rated")
STATUSES = (*OPEN_STATUSES, "closed", "rated", "rejected", "parked", "merged")

# --- flow counters: counter → the actions it counts ------------------------------------------------
FLOW_ACTIONS: dict[str, tuple[str, ...]] = {
    "reported": ("report",),
    "accepted": ("accept",),
    "on_spot": ("solve_on_spot",),
    "rejected": ("reject",),
    "merged": ("merge",),
    "dispatched": ("dispatch",),
    "signed": ("sign",),
    "signed_on_time": ("sign",),  # … whose stage (sign) ended before its deadline
    "handled": ("feedback",),
    "handled_on_time": ("feedback",),  # … whose stage (handle) ended before its deadline
    "verified": ("verify_pass", "verify_fail"),
    "reworked": ("verify_fail",),
    "extended": ("approve_extension",),
    "returned": ("approve_return",),
    "escalated": ("escalate",),
    "closed": ("close",),
    "reopened": ("reopen",),
    "rated": ("rate",),
    "satisfied": ("rate",),  # … whose rating says satisfied
    "parked": ("park",),
    "supervised": ("supervise",),
}
ON_TIME_FLOWS = {"signed_on_time", "handled_on_time"}

# --- report cohort: on the report day --------------------------------------------------------------
RESPONSE_ACTIONS = ("accept", "reject", "merge", "solve_on_spot")
REPORT_COHORT = ("responded", "responded_on_time", *(f"st_{s}" for s in STATUSES))

# --- filing cohort: on the day the case was filed --------------------------------------------------
FILING_ACTIONS = ("accept", "solve_on_spot")
FILING_COHORT = ("due", "deferred", "finished", "finished_on_time", "resolved", "late")

COUNTERS: tuple[str, ...] = (*FLOW_ACTIONS, *REPORT_COHORT, *FILING_COHORT)
OPEN_COUNTERS = tuple(f"st_{s}" for s in OPEN_STATUSES)

# --- per person (the actor of the event) -----------------------------------------------------------
ACTOR_COUNTERS: tuple[str, ...] = (
    "reports",
    "valid_reports",
    "on_spot",
    "grid_handled",
    "handled",
    "handled_on_time",
    "signed",
    "signed_on_time",
    "verifications",
    "verifications_on_time",
)

# Plain-language definitions, shown next to the numbers and in the documentation.
DEFINITIONS: dict[str, Promise] = {
    "reported": _("report events (cases reported), on the day reported"),
    "accepted": _("accept events (立案 by a command centre), on the day accepted"),
    "on_spot": _("solve_on_spot events (filed and handled in one step in the grid)"),
    "rejected": _("reject events (不予立案)"),
    "merged": _("merge events (duplicates merged into another case)"),
    "dispatched": _("dispatch events (first dispatches and re-dispatches), credited to the receiving department"),
    "signed": _("sign events"),
    "signed_on_time": _("sign events that ended the sign stage before its deadline"),
    "handled": _("feedback events (handling reported back)"),
    "handled_on_time": _("feedback events that ended the handle stage before its (possibly extended) deadline"),
    "verified": _("verify_pass and verify_fail events"),
    "reworked": _("verify_fail events (sent back for rework)"),
    "extended": _("approve_extension events"),
    "returned": _("approve_return events, credited to the department that returned the case"),
    "escalated": _("escalate events"),
    "closed": _("close events"),
    "reopened": _("reopen events"),
    "rated": _("rate events"),
    "satisfied": _("rate events whose rating is satisfied (speed and result ≥ 3)"),
    "parked": _("park events"),
    "supervised": _("supervise events"),
    "responded": _(
        "cases reported that day that have had their first response (accept, reject, merge or solve on the spot)"
    ),
    "responded_on_time": _("cases reported that day whose first response came before the accept deadline"),
    "due": _("cases filed (accepted or solved on the spot) that day, except those since merged"),
    "deferred": _("of those, cases parked (挂账) now"),
    "finished": _("of those, cases closed or rated now"),
    "finished_on_time": _("of those finished, cases with no late step since they were last reopened"),
    "resolved": _(
        "of those finished, cases not rated as unresolved (result score below 3) since they were last reopened"
    ),
    "late": _("of those not parked, cases with a late step since they were last reopened"),
    **{
        f"st_{s}": format_lazy(_("cases reported that day whose status is now {status}"), status=Status(s).label)
        for s in STATUSES
    },
    "reports": _("report events by the person"),
    "valid_reports": _("cases the person reported that were filed (accepted or solved on the spot), on the report day"),
    "grid_handled": _("feedback events by the person on cases not assigned to a department (handled in the grid)"),
    "verifications": _("verify_pass and verify_fail events by the person"),
    "verifications_on_time": _("verifications by the person before the verify deadline"),
}


@dataclass(frozen=True, slots=True)
class Step:
    """One timeline row, the fields the counters read."""

    seq: int
    action: str
    from_status: str
    to_status: str
    at: datetime
    on_time: bool | None
    data: dict = field(default_factory=dict)
    actor_id: int | None = None


STEP_FIELDS = ("seq", "action", "from_status", "to_status", "at", "on_time", "data", "actor_id")


@cache
def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_day(at: datetime) -> date:
    return at.astimezone(_zone()).date()


def credited_departments(steps: Sequence[Step], department_ids: Mapping[str, int]) -> tuple[list[int], int]:
    """The department credited with each step (0: none) and the one holding the case after the last step.

    Replayed from the timeline: a dispatch to a department assigns it (its code is in the event's data),
    a dispatch to a grid, an approved return or an escalation takes the case away from it.
    """
    current = 0
    credited = []
    for step in steps:
        before = current
        if step.action == "dispatch":
            code = (step.data or {}).get("department")
            current = department_ids.get(code, 0) if code else 0
        elif step.action in ("approve_return", "escalate"):
            current = 0
        credited.append(current or before)
    return credited, current


def current_run(steps: Sequence[Step]) -> Sequence[Step]:
    """The steps since the case was last reopened (all of them when it never was)."""
    for index in range(len(steps) - 1, -1, -1):
        if steps[index].action == "reopen":
            return steps[index:]
    return steps


def _flow_counters(step: Step) -> list[str]:
    names = [name for name, actions in FLOW_ACTIONS.items() if step.action in actions]
    out = []
    for name in names:
        if name in ON_TIME_FLOWS and step.on_time is not True:
            continue
        if name == "satisfied" and (step.data or {}).get("satisfied") is not True:
            continue
        out.append(name)
    return out


Key = tuple[date, int, str]  # (day, department id or 0, counter)
ActorKey = tuple[date, int, str]  # (day, user id, counter)


def contributions(steps: Sequence[Step], department_ids: Mapping[str, int]) -> tuple[Counter, Counter]:
    """(case counters keyed (day, department, counter), person counters keyed (day, user, counter))."""
    counts: Counter = Counter()
    people: Counter = Counter()
    if not steps:
        return counts, people
    credited, holder = credited_departments(steps, department_ids)
    for step, department in zip(steps, credited, strict=True):
        day = local_day(step.at)
        for name in _flow_counters(step):
            counts[(day, department, name)] += 1
        if step.actor_id is not None:
            for name in _actor_counters(step, department):
                people[(day, step.actor_id, name)] += 1

    first = steps[0]
    report_day = local_day(first.at)
    status = steps[-1].to_status
    counts[(report_day, holder, f"st_{status}")] += 1
    response = next((s for s in steps if s.from_status == "reported" and s.to_status != "reported"), None)
    if response is not None:
        counts[(report_day, holder, "responded")] += 1
        if response.on_time is True:
            counts[(report_day, holder, "responded_on_time")] += 1

    filing = next((s for s in steps if s.action in FILING_ACTIONS), None)
    if filing is not None:
        if first.action == "report" and first.actor_id is not None:
            people[(report_day, first.actor_id, "valid_reports")] += 1
        if status != "merged":
            day = local_day(filing.at)
            run = current_run(steps)
            late = any(s.on_time is False for s in run)
            counts[(day, holder, "due")] += 1
            if status == "parked":
                counts[(day, holder, "deferred")] += 1
            elif late:
                counts[(day, holder, "late")] += 1
            if status in FINISHED_STATUSES:
                counts[(day, holder, "finished")] += 1
                if not late:
                    counts[(day, holder, "finished_on_time")] += 1
                rating = next((s for s in reversed(run) if s.action == "rate"), None)
                if rating is None or int((rating.data or {}).get("result") or 0) >= 3:
                    counts[(day, holder, "resolved")] += 1
    return counts, people


def _actor_counters(step: Step, department: int) -> Iterable[str]:
    action = step.action
    if action == "report":
        yield "reports"
    elif action == "solve_on_spot":
        yield "on_spot"
    elif action == "feedback":
        yield "handled"
        if step.on_time is True:
            yield "handled_on_time"
        if department == 0:
            yield "grid_handled"
    elif action == "sign":
        yield "signed"
        if step.on_time is True:
            yield "signed_on_time"
    elif action in ("verify_pass", "verify_fail"):
        yield "verifications"
        if step.on_time is True:
            yield "verifications_on_time"


def difference(after: Counter, before: Counter) -> dict:
    """after − before, keeping negative and dropping zero entries."""
    keys = set(after) | set(before)
    return {k: after[k] - before[k] for k in keys if after[k] != before[k]}


def rollup_path(region_path: str, region_id: int, grid_id: int | None, step: int = 10) -> str:
    """The path a case is counted under: its grid (a micro-grid counts for the grid above it), else its region."""
    if grid_id is not None and grid_id != region_id:
        return region_path[:-step]
    return region_path
