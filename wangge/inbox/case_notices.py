"""Who hears about a case: the new assignee, the handling centre, the reporter (subscribers of
``cases.events``, registered in ``InboxConfig.ready()``).

Moves write their inbox rows after commit. A new report writes them in its own transaction, to
recipients read before it (``prepare``: ``centre_users_at(handling region)``): one write transaction per
report instead of two, and the message cannot be lost between the two commits. The deadline scan's
warnings are written in the transaction that claims the case's colour, so no one hears twice. Outside
channels always run after commit (``inbox.services.notify``).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Membership, Role, User
from wangge.cases import events
from wangge.inbox.models import Kind
from wangge.inbox.services import notify


def _url(case) -> str:
    return f"/cases/{case.number}/"


CENTRE_ROLES = (Role.DISPATCHER, Role.DUTY_CHIEF, Role.COMMAND_OPERATOR, Role.COMMUNITY_STAFF)


def centre_users_at(region, roles=CENTRE_ROLES) -> list[User]:
    """The active staff of the centre that handles cases in ``region``."""
    memberships = Membership.objects.filter(role__in=roles, is_active=True, region=region)
    return list(User.objects.filter(pk__in=memberships.values("user_id"), is_active=True))


def _centre_users(case, roles=CENTRE_ROLES):
    return centre_users_at(case.handling_region, roles)


def _assignees(case):
    if case.assigned_user_id:
        return [case.assigned_user]
    if case.assigned_department_id:
        memberships = Membership.objects.filter(department_id=case.assigned_department_id, is_active=True)
    elif case.assigned_region_id:
        memberships = Membership.objects.filter(
            region=case.assigned_region, role__in=(Role.GRID_WORKER, Role.GRID_CHIEF), is_active=True
        )
    else:
        return []
    return list(User.objects.filter(pk__in=memberships.values("user_id"), is_active=True))


def _send(users, kind, title, case):
    transaction.on_commit(lambda: notify(users=users, kind=kind, title=title, url=_url(case)))


def recipients_of_report(intake: events.Intake) -> list[User]:
    """Before the report's transaction: who will hear of it."""
    return centre_users_at(intake.handling)


def case_reported(notice: events.Reported, recipients: list) -> None:
    """The handling centre hears of a new case: the inbox rows in the report's transaction."""
    case = notice.case
    title = _("New case %(number)s: %(title)s") % {"number": case.number, "title": case.title}
    notify(users=recipients, kind=Kind.ASSIGNED, title=title, url=_url(case))


def case_moved(notice: events.Moved) -> None:
    """After a move committed: who has to act now, or should know."""
    case, action = notice.case, notice.event.action
    title = f"{case.number} {case.title}"
    if action in ("dispatch", "reopen"):
        _send(_assignees(case), Kind.ASSIGNED, _("Assigned to you: %(title)s") % {"title": title}, case)
    elif action in ("return", "request_extension"):
        _send(
            _centre_users(case, (Role.DUTY_CHIEF, Role.DISPATCHER, Role.COMMUNITY_STAFF)),
            Kind.REQUEST,
            _("Awaiting your approval: %(title)s") % {"title": title},
            case,
        )
    elif action == "approve_return":
        _send(_centre_users(case), Kind.RETURNED, _("Returned, dispatch again: %(title)s") % {"title": title}, case)
    elif action == "verify_fail":
        _send(_assignees(case), Kind.RETURNED, _("Rework needed: %(title)s") % {"title": title}, case)
    elif action in ("feedback", "solve_on_spot"):
        _send(_centre_users(case), Kind.REQUEST, _("Awaiting verification: %(title)s") % {"title": title}, case)
    elif action == "rate":
        _send(_assignees(case) + _centre_users(case), Kind.RATED, _("Rated: %(title)s") % {"title": title}, case)
    elif action == "supervise":
        _send(
            _assignees(case) + _centre_users(case), Kind.SUPERVISED, _("Supervised: %(title)s") % {"title": title}, case
        )
    elif action == "escalate":
        _send(_centre_users(case), Kind.ASSIGNED, _("Escalated to you: %(title)s") % {"title": title}, case)
    if action == "close" and case.reporter_id:
        _send(
            [case.reporter],
            Kind.NOTICE,
            _("Your report was closed: please rate it. %(title)s") % {"title": title},
            case,
        )


def _scan_notice(case, kind: str, title: str) -> None:
    stage = case.get_stage_display()
    due = timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M")
    body = _("Stage: %(stage)s. Due: %(due)s.") % {"stage": stage, "due": due}
    notify(users=_assignees(case) + _centre_users(case), kind=kind, title=title, body=body, url=_url(case))


def case_warned(notice: events.Coloured) -> None:
    case = notice.case
    _scan_notice(case, Kind.WARNING, _("Due soon: %(number)s %(title)s") % {"number": case.number, "title": case.title})


def case_overdue(notice: events.Coloured) -> None:
    case = notice.case
    _scan_notice(case, Kind.OVERDUE, _("Overdue: %(number)s %(title)s") % {"number": case.number, "title": case.title})


def subscribe() -> None:
    events.subscribe(events.REPORTED, case_reported, prepare=recipients_of_report)
    events.subscribe(events.MOVED, case_moved, after_commit=True)
    events.subscribe(events.WARNED, case_warned)
    events.subscribe(events.OVERDUE, case_overdue)
