"""Periodic work on cases: the deadline scan, every minute on the huey consumer (``wangge serve`` starts it).

A case turns yellow at ``warn_at`` and red at ``due_at`` (working time, see ``deadlines``). Pages and
filters compute that at query time (``deadlines.warning_at``, the worklist's ``warning`` filter), so they
are right without this task; the scan stores the colour once and tells people:

- ``warn_at`` ≤ now < ``due_at`` and not yet warned → ``warning = "yellow"``, an inbox message (kind
  warning) to the assignees and the handling centre;
- ``due_at`` ≤ now and not yet red → ``warning = "red"``, an inbox message (kind overdue), and the
  stage's entry of ``settings.CASE_OVERDUE_POLICY`` (e.g. a system yellow card for an overdue handle
  stage, recorded on the timeline by ``services.record_system_flag``).

Neither colour is a timeline row; a new stage clears it (``deadlines.start_clock``). Each colour is
published (``events.WARNED`` / ``events.OVERDUE``) in the transaction that claims it: the inbox writes
its messages there, the roll-up store adds a red case to its overdue tally; at the end of a run
``events.SCANNED`` lets the store move the tally's watermark. Each case is claimed with a conditional
UPDATE (``… WHERE warning = ''`` / ``… WHERE warning <> 'red'``) in the same transaction as its
messages, so two consumers, or a scan that runs twice, never tell anyone twice.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from wangge.accounts.models import User
from wangge.cases import events, services, suggester
from wangge.cases.models import OPEN_STATUSES, Case, SuggesterTraining, Supervision, Warning

log = logging.getLogger("wangge.cases.tasks")

BATCH = 2000  # cases per colour per run; the rest wait a minute
POLICY_SUPERVISION = {"supervise": Supervision.YELLOW, "supervise_red": Supervision.RED}
SUPERVISION_RANK = {Supervision.NONE: 0, Supervision.NORMAL: 1, Supervision.YELLOW: 2, Supervision.RED: 3}


@dataclass
class ScanResult:
    yellow: int = 0
    red: int = 0
    flagged: int = 0


@db_periodic_task(crontab(minute="*"))
def scan_deadlines(now: datetime | None = None) -> ScanResult:
    """Every minute: store and announce due-soon and overdue cases (``scan_deadlines.call_local(now)`` in tests)."""
    return scan(now)


def scan(now: datetime | None = None) -> ScanResult:
    now = now or timezone.now()
    result = ScanResult()
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES)
    due_soon = open_cases.filter(warning=Warning.NONE, warn_at__lte=now, due_at__gt=now)
    for pk in list(due_soon.order_by("warn_at").values_list("pk", flat=True)[:BATCH]):
        result.yellow += _warn(pk, now)
    overdue = open_cases.filter(due_at__lte=now).exclude(warning=Warning.RED)
    for pk in list(overdue.order_by("due_at").values_list("pk", flat=True)[:BATCH]):
        red, flagged = _overdue(pk, now)
        result.red += red
        result.flagged += flagged
    events.publish(events.SCANNED, events.Scanned(now))
    if result.yellow or result.red:
        log.info("deadline scan: %d due soon, %d overdue, %d flagged", result.yellow, result.red, result.flagged)
    return result


def _claim(pk: int, now: datetime, colour: str) -> Case | None:
    """Set the colour if the case still qualifies; the UPDATE is the lock, so only one scan wins a case."""
    rows = Case.objects.filter(pk=pk, status__in=OPEN_STATUSES)
    if colour == Warning.YELLOW:
        rows = rows.filter(warning=Warning.NONE, warn_at__lte=now, due_at__gt=now)
    else:
        rows = rows.filter(due_at__lte=now).exclude(warning=Warning.RED)
    if not rows.update(warning=colour):
        return None
    case = Case.objects.select_related(
        "category", "region", "handling_region", "assigned_user", "assigned_region", "assigned_department"
    ).get(pk=pk)
    return case


def _warn(pk: int, now: datetime) -> int:
    with transaction.atomic():
        case = _claim(pk, now, Warning.YELLOW)
        if case is None:
            return 0
        events.publish(events.WARNED, events.Coloured(case, now))
    return 1


def _overdue(pk: int, now: datetime) -> tuple[int, int]:
    with transaction.atomic():
        case = _claim(pk, now, Warning.RED)
        if case is None:
            return 0, 0
        events.publish(events.OVERDUE, events.Coloured(case, now))  # it was not red: the claim says so
        flagged = _apply_policy(case, now)
    return 1, flagged


def _apply_policy(case: Case, now: datetime) -> int:
    policy = (getattr(settings, "CASE_OVERDUE_POLICY", None) or {}).get(case.stage, "")
    level = POLICY_SUPERVISION.get(policy)
    if level is None:
        if policy:
            log.warning("CASE_OVERDUE_POLICY: unknown action %r for stage %r", policy, case.stage)
        return 0
    if SUPERVISION_RANK.get(case.supervision, 0) >= SUPERVISION_RANK[level]:
        return 0  # already supervised at least as strongly: never lower a card
    opinion = _("Overdue: the %(stage)s stage was due at %(due)s.") % {
        "stage": case.get_stage_display(),
        "due": timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M"),
    }
    services.record_system_flag(case, "supervise", opinion=opinion, at=now, supervision=level)
    return 1


# The category suggester learns from operators' corrections once a night (huey's crontab runs on UTC;
# Asia/Shanghai is UTC+8 all year), and only when the corrections in use changed since the last run.
@db_periodic_task(crontab(hour=str((settings.SUGGESTER_RETRAIN_HOUR - 8) % 24), minute="20"))
def retrain_suggester() -> str:
    if not suggester.retrain_due():
        return "unchanged"
    return suggester.retrain(trigger=SuggesterTraining.Trigger.SCHEDULE).status


@db_task()
def retrain_suggester_now(actor_id: int | None = None) -> str:
    """An administrator's "Retrain now" (the admin page), run on the consumer rather than in the request."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return suggester.retrain(actor=actor, trigger=SuggesterTraining.Trigger.ADMIN).status
