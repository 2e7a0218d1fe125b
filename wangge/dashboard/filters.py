"""The filters of the statistics and of the cases behind a number, parsed once for the API and the pages.

Parameters: ``date_from`` and ``date_to`` (dates, both included), ``category`` (a class or a sub-class
code), ``source``, ``department`` (with a region node: only the figures credited to that department;
``none`` on the cases behind a number: credited to no department), ``group``. A bad value raises
``ValidationError`` naming the parameter: the API answers 400 with it, a page shows the same message
above its form, answers 400 and falls back to the default for that parameter.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Department
from wangge.cases.models import Category, Source
from wangge.core import validators
from wangge.dashboard import statistics
from wangge.rollups.selectors import Node

MAX_DAYS = 3660
NO_DEPARTMENT = "none"


@dataclass
class DrillFilters:
    """The filters of the cases behind a number: an absent period is all time."""

    start: date | None = None
    end: date | None = None
    category: Category | None = None
    source: str = ""
    department: Department | None = None
    no_department: bool = False

    @property
    def category_ids(self) -> tuple[int, ...] | None:
        if self.category is None:
            return None
        if self.category.parent_id is None:
            return tuple(Category.objects.filter(parent=self.category).values_list("pk", flat=True))
        return (self.category.pk,)

    @property
    def department_id(self) -> int | None:
        """0 for "credited to no department", as ``drill.cases_behind`` takes it."""
        if self.no_department:
            return 0
        return self.department.pk if self.department else None


class _Reader:
    """Reads one parameter at a time, collecting the error of each bad one."""

    def __init__(self, params: Mapping):
        self.params = params
        self.errors: dict[str, str] = {}

    def text(self, name: str) -> str:
        value = self.params.get(name)
        return str(value).strip() if value not in (None, "") else ""

    def day(self, name: str) -> date | None:
        value = self.params.get(name)
        if value in (None, "") or isinstance(value, date):
            if isinstance(value, date) and validators.day_out_of_range(value):
                self.errors[name] = validators.date_range_message()
                return None
            return value or None
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            self.errors[name] = _("Give the date as YYYY-MM-DD.")
            return None
        if validators.day_out_of_range(day):
            self.errors[name] = validators.date_range_message()
            return None
        return day

    def period(self, start: date | None, end: date | None) -> tuple[date | None, date | None]:
        if start and end and start > end:
            self.errors["date_from"] = _("The period ends before it starts.")
            return None, None
        if start and end and (end - start).days > MAX_DAYS:
            self.errors["date_from"] = _("The period is longer than ten years.")
            return None, None
        return start, end

    def category(self) -> Category | None:
        code = self.text("category")
        if not code:
            return None
        category = Category.objects.filter(code=code).first()
        if category is None:
            self.errors["category"] = _("Unknown category %(code)s.") % {"code": code}
        return category

    def source(self) -> str:
        source = self.text("source")
        if source and source not in Source.values:
            self.errors["source"] = _("Unknown source %(source)s.") % {"source": source}
            return ""
        return source

    def department(self, node: Node, *, allow_none: bool = False) -> tuple[Department | None, bool]:
        """(the department credited, "no department"); a department node is itself the department."""
        code = self.text("department")
        if not code or node.department is not None:
            return None, False
        if allow_none and code == NO_DEPARTMENT:
            return None, True
        department = Department.objects.filter(code=code).first()
        if department is None:
            self.errors["department"] = _("Unknown department %(code)s.") % {"code": code}
        return department, False

    def raise_errors(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _statistics(node: Node, params: Mapping) -> tuple[statistics.Filters, dict[str, str]]:
    read = _Reader(params)
    start, end = read.period(read.day("date_from"), read.day("date_to"))
    end = end or timezone.localdate()
    start = start or end.replace(day=1)
    if start > end:  # only date_from given, after this month's start
        start = end.replace(day=1)
    default_group = "region" if node.has_children else "category"
    group = read.text("group") or default_group
    if group not in statistics.GROUPS:
        read.errors["group"] = _("Unknown grouping %(group)s.") % {"group": group}
        group = default_group
    if group == "region" and not node.has_children:
        group = "category"  # a grid has no children to group by
    category, source = read.category(), read.source()
    department, _none = read.department(node)
    return statistics.Filters(start, end, category, source, department, group), read.errors


def statistics_filters(node: Node, params: Mapping) -> statistics.Filters:
    """The statistics' filters (the API): a bad value raises ``ValidationError`` naming it."""
    filters, errors = _statistics(node, params)
    if errors:
        raise ValidationError(errors)
    return filters


def statistics_filters_for_page(node: Node, params: Mapping) -> tuple[statistics.Filters, dict[str, str]]:
    """The statistics' filters (the page): bad values fall back to their defaults and come back as errors."""
    return _statistics(node, params)


def _drill(node: Node, params: Mapping) -> tuple[DrillFilters, dict[str, str]]:
    read = _Reader(params)
    start, end = read.period(read.day("date_from"), read.day("date_to"))
    department, no_department = read.department(node, allow_none=True)
    filters = DrillFilters(start, end, read.category(), read.source(), department, no_department)
    return filters, read.errors


def drill_filters(node: Node, params: Mapping) -> DrillFilters:
    """The filters of the cases behind a number (the API): a bad value raises ``ValidationError``."""
    filters, errors = _drill(node, params)
    if errors:
        raise ValidationError(errors)
    return filters


def drill_filters_for_page(node: Node, params: Mapping) -> tuple[DrillFilters, dict[str, str]]:
    return _drill(node, params)
