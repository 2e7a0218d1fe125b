"""The points ledger (积分): rules turn timeline events into ledger lines.

What earns points is decided here (``awards``: which event credits whom); how many points is data
(``PointRule.points``, editable in the admin; several rules may share a trigger). Lines are written in
the event's transaction (``event_recorded``, a subscriber of ``cases.events.RECORDED``) and rebuilt from the timeline by
``rebuild_ledger``; a line keeps the points of its rule at the time it was written. Lines entered by
hand (no rule) are never touched by a rebuild.

Other modules earn points through ``credit`` (the extension point for what is not a case: volunteering in
services to residents): a trigger, the person, the day and a ``source`` naming what earned it; a source
credits once per rule, so a retried or replayed write adds nothing. Party work (``party_work``) and
volunteering in services to residents credit through it.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from wangge.assessment.models import PointEntry, PointRule, Trigger
from wangge.cases import events
from wangge.cases.models import CaseEvent
from wangge.rollups import rollups
from wangge.rollups.timeline import FILING_ACTIONS, STEP_FIELDS, Step, local_day

HANDLING_ACTIONS = ("feedback", "solve_on_spot")


def awards(steps: Sequence[Step], index: int) -> list[tuple[str, int]]:
    """(trigger, user id) pairs earned by ``steps[index]``."""
    step = steps[index]
    out: list[tuple[str, int]] = []
    first = steps[0]
    first_filing = step.action in FILING_ACTIONS and not any(s.action in FILING_ACTIONS for s in steps[:index])
    if first_filing and first.action == "report" and first.actor_id is not None:
        out.append((Trigger.VALID_REPORT, first.actor_id))
    if step.actor_id is not None:
        if step.action == "solve_on_spot":
            out.append((Trigger.ON_SPOT, step.actor_id))
        if step.action in ("verify_pass", "verify_fail") and step.on_time is True:
            out.append((Trigger.TIMELY_VERIFICATION, step.actor_id))
        if step.action == "feedback" and step.on_time is True:
            out.append((Trigger.HANDLED_ON_TIME, step.actor_id))
    if step.action == "verify_fail" or (step.action == "rate" and (step.data or {}).get("satisfied") is True):
        handler = next((s.actor_id for s in reversed(steps[:index]) if s.action in HANDLING_ACTIONS), None)
        if handler is not None:
            out.append((Trigger.REWORK if step.action == "verify_fail" else Trigger.SATISFIED, handler))
    return out


def _rules() -> dict[str, list[PointRule]]:
    by_trigger: dict[str, list[PointRule]] = defaultdict(list)
    for rule in PointRule.objects.filter(is_active=True):
        by_trigger[rule.trigger].append(rule)
    return by_trigger


def _entries(case_id: int, event_id: int, step: Step, earned, rules) -> list[PointEntry]:
    return [
        PointEntry(
            user_id=user_id,
            rule=rule,
            points=rule.points,
            day=local_day(step.at),
            case_id=case_id,
            event_id=event_id,
            note=str(rule.name),
        )
        for trigger, user_id in earned
        for rule in rules.get(trigger, ())
    ]


def event_recorded(notice: events.Recorded) -> int:
    """A subscriber of ``cases.events.RECORDED``, after the roll-ups (it reuses their replayed timeline)."""
    return credit_event(notice.case, notice.event, rollups.steps_through(notice))


def credit_event(case, event, steps: Sequence[Step]) -> int:
    """Write the lines the newest event earns (called in the event's transaction)."""
    earned = awards(steps, len(steps) - 1)
    if not earned:
        return 0
    entries = _entries(case.pk, event.pk, steps[-1], earned, _rules())
    PointEntry.objects.bulk_create(entries, ignore_conflicts=True)
    return len(entries)


def rebuild_ledger(*, chunk: int = 5000) -> int:
    """Rewrite every rule-made line from the timelines (hand-made lines and those credited by other modules
    through ``credit`` stay)."""
    PointEntry.objects.filter(rule__isnull=False, source="").delete()
    rules = _rules()
    if not rules:
        return 0
    written = 0
    last_case = 0
    while True:
        case_ids = list(
            CaseEvent.objects.filter(case_id__gt=last_case)
            .order_by("case_id")
            .values_list("case_id", flat=True)
            .distinct()[:chunk]
        )
        if not case_ids:
            return written
        last_case = case_ids[-1]
        by_case: dict[int, list[tuple[int, Step]]] = defaultdict(list)
        rows = (
            CaseEvent.objects.filter(case_id__in=case_ids)
            .order_by("case_id", "seq")
            .values_list("case_id", "id", *STEP_FIELDS)
        )
        for case_id, event_id, *fields in rows:
            by_case[case_id].append((event_id, Step(*fields)))
        entries: list[PointEntry] = []
        for case_id, pairs in by_case.items():
            steps = [step for _, step in pairs]
            for index, (event_id, step) in enumerate(pairs):
                earned = awards(steps, index)
                if earned:
                    entries.extend(_entries(case_id, event_id, step, earned, rules))
        PointEntry.objects.bulk_create(entries, batch_size=2000)
        written += len(entries)


def credit(*, trigger: str, user_id: int, day: date, source: str, note: str = "") -> int:
    """Write the lines ``trigger`` earns ``user_id`` for ``source`` (e.g. ``services.wish:12``), once per rule;
    call it inside the earning write's transaction. Answers how many rules applied (a line already written
    for the same rule and source is left as it was)."""
    rules = list(PointRule.objects.filter(is_active=True, trigger=trigger))
    if not rules or user_id is None:
        return 0
    PointEntry.objects.bulk_create(
        [
            PointEntry(
                user_id=user_id,
                rule=rule,
                points=rule.points,
                day=day,
                source=source[:60],
                note=(note or str(rule.name))[:200],
            )
            for rule in rules
        ],
        ignore_conflicts=True,
    )
    return len(rules)
