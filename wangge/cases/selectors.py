"""Reads of cases, always restricted to what the user may see.

A staff member sees cases that happened or are handled under their data reach; a department the
cases dispatched to it (now or before); a resident their own reports. Anything else is 404.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from wangge.accounts.models import Role
from wangge.accounts.scope import paths_filter, scope_for
from wangge.cases.models import OPEN_STATUSES, Case, CaseEvent, Category, PendingRequest, Status
from wangge.cases.permissions import _memberships, case_roles, is_resident_only
from wangge.cases.workflow import REPORTER
from wangge.core.pagination import PageQuery, keyset_page
from wangge.regions.models import Region

COUNT_CAP = 100  # a worklist box counts its cases up to here and shows "99+" beyond


def visible_cases(user) -> QuerySet[Case]:
    scope = scope_for(user)
    if scope.is_global:
        return Case.objects.all()
    if not user.is_authenticated:
        return Case.objects.none()
    reach = Q(reporter=user)
    if scope.paths:
        reach |= paths_filter(scope.paths, "region_path") | paths_filter(scope.paths, "handling_path")
    if scope.department_ids:
        involved = Case.involved_departments.through.objects.filter(
            case_id=OuterRef("pk"), department_id__in=scope.department_ids
        )
        reach |= Q(Exists(involved))
    return Case.objects.filter(reach)


def get_case_for(user, number: str) -> Case:
    case = (
        visible_cases(user)
        .select_related(
            "category",
            "category__parent",
            "region",
            "handling_region",
            "assigned_department",
            "assigned_region",
            "assigned_user",
            "reporter",
            "duplicate_of",
        )
        .filter(number=number)
        .first()
    )
    if case is None:
        raise Http404("case")
    return case


def timeline(case: Case, viewer=None) -> list[CaseEvent]:
    """The case's events in order, with their photos (each holding the case, for its address). A reporter
    without a staff role sees who acted by role only: staff names are not shown to the public."""
    events = list(case.events.select_related("actor").prefetch_related("photos").order_by("seq"))
    for event in events:
        for photo in event.photos.all():
            photo.case = case
    if viewer is not None and _sees_roles_only(viewer, case):
        for event in events:
            if event.actor_id != viewer.pk:
                event.actor_name = ""
    return events


def _sees_roles_only(viewer, case: Case) -> bool:
    return not viewer.is_authenticated or case_roles(viewer, case) <= {REPORTER}


@dataclass
class CaseFilters:
    status: str = ""
    category: str = ""
    source: str = ""
    region: str = ""  # a region code: cases under it
    warning: str = ""  # "yellow" (due soon) or "red" (overdue)
    date_from: datetime | None = None
    date_to: datetime | None = None
    q: str = ""
    box: str = ""  # todo | done | soon | overdue | mine (reports)


# Every case waiting for someone is open, or closed and waiting for its reporter's rating; a request
# (extension, return) waits only while the case is with its assignee. Each branch of the to-do filter
# names its statuses, so the database reads the to-do box (and due soon, overdue) from the status
# index, about 1 % of the cases, instead of walking every case in reach: the "due soon" page walked a
# million cases for its few. A count of the box names all of them at once (TODO_STATUSES).
TODO_STATUSES = (*OPEN_STATUSES, Status.CLOSED)
REQUEST_STATUSES = (Status.DISPATCHED, Status.IN_PROGRESS)


def todo_filter(user) -> Q:
    """Cases waiting for this user to act, derived from roles (the worklist's 待办)."""
    scope = scope_for(user)
    q = Q(pk__in=[])
    centre_paths = tuple(
        path
        for role, path, _ in _memberships(user)
        if role in (Role.COMMAND_OPERATOR, Role.DISPATCHER, Role.DUTY_CHIEF, Role.COMMUNITY_STAFF, Role.GRID_CHIEF)
    )
    chief_paths = tuple(
        path for role, path, _ in _memberships(user) if role in (Role.DUTY_CHIEF, Role.DISPATCHER, Role.COMMUNITY_STAFF)
    )
    grid_paths = tuple(path for role, path, _ in _memberships(user) if role in (Role.GRID_WORKER, Role.GRID_CHIEF))
    if user.is_superuser:
        centre_paths = chief_paths = ("",)
    if centre_paths:
        q |= paths_filter(centre_paths, "handling_path") & Q(
            status__in=(Status.REPORTED, Status.ACCEPTED, Status.VERIFIED)
        )
    if chief_paths:
        q |= (
            paths_filter(chief_paths, "handling_path")
            & Q(status__in=REQUEST_STATUSES)
            & ~Q(pending_request=PendingRequest.NONE)
        )
    if scope.department_ids:
        q |= Q(assigned_department_id__in=scope.department_ids, status__in=(Status.DISPATCHED, Status.IN_PROGRESS))
    if grid_paths:
        q |= paths_filter(grid_paths, "assigned_region__path") & Q(status__in=(Status.DISPATCHED, Status.IN_PROGRESS))
        q |= paths_filter(grid_paths, "region_path") & Q(status=Status.HANDLED) & ~Q(handled_by=user)
    q |= Q(assigned_user=user, status__in=(Status.DISPATCHED, Status.IN_PROGRESS))
    q |= Q(reporter=user, status=Status.CLOSED)
    return q


def worklist(user, filters: CaseFilters, *, now: datetime | None = None) -> QuerySet[Case]:
    now = now or timezone.now()
    cases = visible_cases(user).select_related("category", "region", "assigned_department")
    if filters.box in ("todo", "soon", "overdue"):
        cases = cases.filter(todo_filter(user))
    if filters.box == "soon":
        cases = cases.filter(warn_at__lte=now, due_at__gt=now)
    elif filters.box == "overdue":
        cases = cases.filter(due_at__lte=now)
    elif filters.box == "done":
        cases = cases.filter(Exists(CaseEvent.objects.filter(case_id=OuterRef("pk"), actor=user)))
    elif filters.box == "mine":
        cases = cases.filter(reporter=user)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.category:
        cases = _category_filter(cases, filters.category)
    if filters.source:
        cases = cases.filter(source=filters.source)
    if filters.region:
        region = Region.objects.filter(code=filters.region).first()
        cases = cases.filter(region_path__startswith=region.path) if region else cases.none()
    if filters.warning == "red":
        cases = cases.filter(status__in=OPEN_STATUSES, due_at__lte=now)
    elif filters.warning == "yellow":
        cases = cases.filter(status__in=OPEN_STATUSES, warn_at__lte=now, due_at__gt=now)
    if filters.date_from:
        cases = cases.filter(created_at__gte=filters.date_from)
    if filters.date_to:
        cases = cases.filter(created_at__lt=filters.date_to)
    if filters.q:
        text = filters.q.strip()[:100]
        cases = cases.filter(Q(number__icontains=text) | Q(title__icontains=text) | Q(description__icontains=text))
    return cases.order_by("-created_at", "-id")


def work_counts(user, now=None) -> dict[str, int]:
    """How many cases wait in each worklist box (the home page and the tabs show them), counted up to
    ``COUNT_CAP``: a box holding more shows "99+" (``count_label``), and its count stops reading there."""
    now = now or timezone.now()
    boxes = ("todo", "mine") if is_resident_only(user) else ("todo", "soon", "overdue")
    counts = {}
    for box in boxes:
        cases = worklist(user, CaseFilters(box=box), now=now).order_by()
        if box == "todo":  # the same cases, found through the status index (due soon and overdue: due_at's)
            cases = cases.filter(status__in=TODO_STATUSES)
        counts[box] = cases[:COUNT_CAP].count()
    return counts


def _category_filter(cases: QuerySet[Case], code: str) -> QuerySet[Case]:
    """Cases of a sub-class, or of every sub-class of a class.

    One sub-class is matched by id, so its newest cases are an ordered walk of the
    (category, created_at, id) index. A class is matched through the join: given the list of its
    sub-classes instead, SQLite reads every case of the class through that index and sorts them all
    (tens of thousands at a million cases), where the newest-first walk stops after a page.
    """
    ids = list(Category.objects.filter(Q(code=code) | Q(parent__code=code)).values_list("pk", flat=True)[:2])
    if len(ids) == 1:
        return cases.filter(category_id=ids[0])
    return cases.filter(Q(category__code=code) | Q(category__parent__code=code))


def page_after(cases: QuerySet[Case], cursor: str | None, size: int) -> tuple[list[Case], str | None]:
    """Keyset pagination on (created_at, id) descending, the one page convention (``core.pagination``)."""
    page = keyset_page(cases, PageQuery(cursor=cursor, size=size), order=("-created_at", "-id"))
    return page["items"], page["next_cursor"]


def categories_by_code(codes) -> dict[str, Category]:
    """Categories by code, switched-off ones included (old events name them)."""
    return {c.code: c for c in Category.objects.filter(code__in=codes)}


def reloaded(case: Case) -> Case:
    """The case again with what its detail shows, for a caller who already holds it (their retried report,
    or a case their own action just moved out of their reach)."""
    return Case.objects.select_related(
        "category__parent", "region", "handling_region", "assigned_department", "assigned_region", "assigned_user"
    ).get(pk=case.pk)


def active_categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).select_related("parent").order_by("code")
