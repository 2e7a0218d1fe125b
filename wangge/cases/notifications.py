"""Who hears about a case move: the new assignee, the handling centre, the reporter.

Moves write their inbox rows after commit. A new report writes them in its own transaction, to
recipients read before it (``centre_users_at(handling region)``): one write transaction per report
instead of two, and the message cannot be lost between the two commits. Outside channels always run
after commit (``inbox.services.notify``).
"""

from django.db import transaction
from django.utils.translation import gettext as _

from wangge.accounts.models import Membership, Role, User
from wangge.inbox.models import Kind


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
    from wangge.inbox.services import notify

    transaction.on_commit(lambda: notify(users=users, kind=kind, title=title, url=_url(case)))


def case_reported(case, recipients: list | None = None) -> None:
    """The handling centre hears of a new case. With ``recipients`` (read before the report's transaction,
    see ``centre_users_at``) the inbox rows are written now, in the caller's transaction; else after commit."""
    title = _("New case %(number)s: %(title)s") % {"number": case.number, "title": case.title}
    if recipients is None:
        _send(_centre_users(case), Kind.ASSIGNED, title, case)
        return
    from wangge.inbox.services import notify

    notify(users=recipients, kind=Kind.ASSIGNED, title=title, url=_url(case))


def case_moved(case, event) -> None:
    action = event.action
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
