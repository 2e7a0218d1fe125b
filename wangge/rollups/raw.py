"""Figures computed straight from the timeline, without any roll-up.

Two uses: the reference that the roll-ups are tested against (written independently of
``timeline.contributions``, one rule per counter, as the documentation states them), and the list of
cases behind a number on the screen, the statistics or a bulletin (drill-through).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from wangge.accounts.models import Department
from wangge.cases.models import Case, CaseEvent
from wangge.rollups.rollups import department_ids
from wangge.rollups.timeline import (
    FINISHED_STATUSES,
    STEP_FIELDS,
    Step,
    local_day,
)


@dataclass(frozen=True)
class Slice:
    """Which cases and which part of their figures: a region subtree or a department, plus filters."""

    node: str  # a region path, or "D<department id>"
    category_ids: tuple[int, ...] | None = None
    source: str | None = None
    department_id: int | None = None  # only with a region node: figures credited to this department (0: none)

    @property
    def department_node(self) -> int | None:
        return int(self.node[1:]) if self.node.startswith("D") else None


def day_bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """Local days [start, end] as aware datetimes [from, until)."""
    zone = timezone.get_default_timezone()
    low = datetime.combine(start, time.min, tzinfo=zone) if start else None
    high = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone) if end else None
    return low, high


def _holder_after(steps: list[Step], department_ids) -> list[int]:
    """Department holding the case after each step (0: none), replayed from dispatch data."""
    holders, holder = [], 0
    for step in steps:
        if step.action == "dispatch":
            holder = department_ids.get((step.data or {}).get("department") or "", 0)
        elif step.action in ("approve_return", "escalate"):
            holder = 0
        holders.append(holder)
    return holders


def case_figures(steps: list[Step], department_ids) -> list[tuple[str, date, int]]:
    """Every (counter, day, credited department) the case adds, by the rules in the documentation."""
    if not steps:
        return []
    out: list[tuple[str, date, int]] = []
    holders = _holder_after(steps, department_ids)
    for index, step in enumerate(steps):
        before = holders[index - 1] if index else 0
        credited = holders[index] or before
        day = local_day(step.at)
        a = step.action

        def add(name: str, day=day, credited=credited) -> None:
            out.append((name, day, credited))

        if a == "report":
            add("reported")
        elif a == "accept":
            add("accepted")
        elif a == "solve_on_spot":
            add("on_spot")
        elif a == "reject":
            add("rejected")
        elif a == "merge":
            add("merged")
        elif a == "dispatch":
            add("dispatched")
        elif a == "sign":
            add("signed")
            if step.on_time is True:
                add("signed_on_time")
        elif a == "feedback":
            add("handled")
            if step.on_time is True:
                add("handled_on_time")
        elif a in ("verify_pass", "verify_fail"):
            add("verified")
            if a == "verify_fail":
                add("reworked")
        elif a == "approve_extension":
            add("extended")
        elif a == "approve_return":
            add("returned")
        elif a == "escalate":
            add("escalated")
        elif a == "close":
            add("closed")
        elif a == "reopen":
            add("reopened")
        elif a == "rate":
            add("rated")
            if (step.data or {}).get("satisfied") is True:
                add("satisfied")
        elif a == "park":
            add("parked")
        elif a == "supervise":
            add("supervised")

    holder = holders[-1]
    reported_on = local_day(steps[0].at)
    status = steps[-1].to_status
    out.append((f"st_{status}", reported_on, holder))
    for step in steps:
        if step.from_status == "reported" and step.to_status != "reported":
            out.append(("responded", reported_on, holder))
            if step.on_time is True:
                out.append(("responded_on_time", reported_on, holder))
            break

    filed = [s for s in steps if s.action in ("accept", "solve_on_spot")]
    if filed and status != "merged":
        filed_on = local_day(filed[0].at)
        reopens = [i for i, s in enumerate(steps) if s.action == "reopen"]
        run = steps[reopens[-1] :] if reopens else steps
        late = any(s.on_time is False for s in run)
        out.append(("due", filed_on, holder))
        if status == "parked":
            out.append(("deferred", filed_on, holder))
        if status != "parked" and late:
            out.append(("late", filed_on, holder))
        if status in FINISHED_STATUSES:
            out.append(("finished", filed_on, holder))
            if not late:
                out.append(("finished_on_time", filed_on, holder))
            ratings = [s for s in run if s.action == "rate"]
            if not ratings or int((ratings[-1].data or {}).get("result") or 0) >= 3:
                out.append(("resolved", filed_on, holder))
    return out


def _cases(slice_: Slice, start, end, counters):

    cases = Case.objects.all()
    department = slice_.department_node
    if department is not None:
        code = Department.objects.filter(pk=department).values_list("code", flat=True).first() or ""
        dispatched = CaseEvent.objects.filter(action="dispatch", data__department=code)
        cases = cases.filter(pk__in=dispatched.values("case_id"))
    else:
        cases = cases.filter(region_path__startswith=slice_.node)
    if slice_.category_ids is not None:
        cases = cases.filter(category_id__in=slice_.category_ids)
    if slice_.source is not None:
        cases = cases.filter(source=slice_.source)
    statuses = {c[3:] for c in counters or () if c.startswith("st_")}
    if counters and statuses and len(statuses) == len(counters):
        cases = cases.filter(status__in=statuses)
    low, high = day_bounds(start, end)
    if low or high:
        events = CaseEvent.objects.all()
        if low:
            events = events.filter(at__gte=low)
        if high:
            events = events.filter(at__lt=high)
        cases = cases.filter(Q(pk__in=events.values("case_id")))
    return cases


def figures(slice_: Slice, start: date | None, end: date | None, counters=None) -> dict[str, Counter]:
    """counter → {case id: how many times the case counts}, for the slice and the local days [start, end]."""

    ids = department_ids(refresh=True)
    wanted = set(counters) if counters else None
    case_ids = list(_cases(slice_, start, end, counters).values_list("pk", flat=True))
    result: dict[str, Counter] = defaultdict(Counter)
    for offset in range(0, len(case_ids), 2000):
        chunk = case_ids[offset : offset + 2000]
        by_case: dict[int, list[Step]] = defaultdict(list)
        rows = (
            CaseEvent.objects.filter(case_id__in=chunk).order_by("case_id", "seq").values_list("case_id", *STEP_FIELDS)
        )
        for case_id, *fields in rows:
            by_case[case_id].append(Step(*fields))
        for case_id, steps in by_case.items():
            for name, day, credited in case_figures(steps, ids):
                if wanted is not None and name not in wanted:
                    continue
                if (start and day < start) or (end and day > end):
                    continue
                if slice_.department_node is not None and credited != slice_.department_node:
                    continue
                if slice_.department_id is not None and credited != slice_.department_id:
                    continue
                result[name][case_id] += 1
    return result


def counters(slice_: Slice, start: date | None, end: date | None) -> Counter:
    """counter → total, straight from the timeline."""
    return Counter({name: sum(by_case.values()) for name, by_case in figures(slice_, start, end).items()})


# --- a person's figures ------------------------------------------------------------------------------

PERSON_ACTIONS = {
    "reports": ("report",),
    "valid_reports": ("report",),
    "on_spot": ("solve_on_spot",),
    "handled": ("feedback",),
    "handled_on_time": ("feedback",),
    "grid_handled": ("feedback",),
    "signed": ("sign",),
    "signed_on_time": ("sign",),
    "verifications": ("verify_pass", "verify_fail"),
    "verifications_on_time": ("verify_pass", "verify_fail"),
}


def person_figures(user_id: int, names, start: date | None, end: date | None) -> dict[str, Counter]:
    """counter → {case id: n} for what one person did (the events they are the actor of)."""

    actions = {a for name in names for a in PERSON_ACTIONS[name]}
    low, high = day_bounds(start, end)
    events = CaseEvent.objects.filter(actor_id=user_id, action__in=actions)
    if low:
        events = events.filter(at__gte=low)
    if high:
        events = events.filter(at__lt=high)
    case_ids = set(events.values_list("case_id", flat=True))
    ids = department_ids(refresh=True)
    result: dict[str, Counter] = defaultdict(Counter)
    by_case: dict[int, list[Step]] = defaultdict(list)
    rows = (
        CaseEvent.objects.filter(case_id__in=case_ids).order_by("case_id", "seq").values_list("case_id", *STEP_FIELDS)
    )
    for case_id, *fields in rows:
        by_case[case_id].append(Step(*fields))
    for case_id, steps in by_case.items():
        holders = _holder_after(steps, ids)
        filed = any(s.action in ("accept", "solve_on_spot") for s in steps)
        for index, step in enumerate(steps):
            day = local_day(step.at)
            if step.actor_id != user_id or (start and day < start) or (end and day > end):
                continue
            held = holders[index] or (holders[index - 1] if index else 0)
            checks = {
                "reports": step.action == "report",
                "valid_reports": step.action == "report" and index == 0 and filed,
                "on_spot": step.action == "solve_on_spot",
                "handled": step.action == "feedback",
                "handled_on_time": step.action == "feedback" and step.on_time is True,
                "grid_handled": step.action == "feedback" and held == 0,
                "signed": step.action == "sign",
                "signed_on_time": step.action == "sign" and step.on_time is True,
                "verifications": step.action in ("verify_pass", "verify_fail"),
                "verifications_on_time": step.action in ("verify_pass", "verify_fail") and step.on_time is True,
            }
            for name in names:
                if checks[name]:
                    result[name][case_id] += 1
    return result
