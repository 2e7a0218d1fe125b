"""What keeps the case lists fast as cases accumulate: worklist boxes counted up to a cap ("99+"), the
to-do boxes read from the status index, the status and sub-class filters walked newest first through
their own indexes, and the filter's options written out without a template per option."""

import re

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wangge.cases import selectors, views
from wangge.cases.forms import FilterForm, QuickSelect
from wangge.cases.models import Case, Status

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plans")


@pytest.fixture
def demo_cases(db):
    from wangge.cases.demo import create_demo_cases

    assert create_demo_cases(count=300, seed=5) == 300


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(row[-1] for row in cursor.fetchall())


def test_a_count_is_shown_up_to_99_then_99_plus():
    assert views.count_label(0) == "0"
    assert views.count_label(99) == "99"
    assert views.count_label(selectors.COUNT_CAP) == "99+"


def test_a_box_stops_counting_at_the_cap_and_the_tab_says_so(browser, user, report, monkeypatch):
    for _ in range(4):
        report()
    operator = user("operator")
    assert selectors.worklist(operator, selectors.CaseFilters(box="todo")).count() == 4
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    with CaptureQueriesContext(connection) as queries:
        counts = selectors.work_counts(operator)
    assert counts["todo"] == 3
    todo_count = next(q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"] and "cases_case" in q["sql"])
    assert "LIMIT 3" in todo_count
    html = browser("operator").get("/cases/").content.decode()
    assert re.search(r'data-testid="count-todo">2\+<', html)
    home = browser("operator").get("/home/").content.decode()
    assert re.search(r'data-testid="work-todo">[^<]*<span[^>]*>2\+<', home)


def test_a_box_under_the_cap_shows_its_exact_count(browser, user, report, demo_cases):
    for _ in range(3):
        report()
    now = timezone.now()
    for persona in ("operator", "admin"):
        counts = selectors.work_counts(user(persona), now)
        for box in ("todo", "soon", "overdue"):
            exact = selectors.worklist(user(persona), selectors.CaseFilters(box=box), now=now).count()
            assert counts[box] == min(exact, selectors.COUNT_CAP), (persona, box)
        assert counts["todo"] >= 3
    html = browser("operator").get("/cases/").content.decode()
    shown = re.search(r'data-testid="count-todo">(\d+)<', html)
    assert shown and int(shown.group(1)) == selectors.work_counts(user("operator"))["todo"]


def test_the_to_do_box_holds_only_open_cases_and_closed_ones_to_rate(user, demo_cases):
    for persona in ("operator", "dispatcher", "dutychief", "gridworker1", "department1", "admin"):
        statuses = set(
            selectors.worklist(user(persona), selectors.CaseFilters(box="todo")).values_list("status", flat=True)
        )
        assert statuses <= set(selectors.TODO_STATUSES), persona


def test_a_pending_request_waits_only_while_the_case_is_with_its_assignee(demo_cases):
    # The to-do count relies on it (TODO_STATUSES): a pending request is on a dispatched or in-progress case.
    pending = Case.objects.exclude(pending_request="")
    assert not pending.exclude(status__in=(Status.DISPATCHED, Status.IN_PROGRESS)).exists()


@sqlite_only
@pytest.mark.parametrize("persona", ["admin", "dispatcher", "operator"])
def test_the_box_counts_read_indexes_not_every_case(persona, user):
    with CaptureQueriesContext(connection) as queries:
        selectors.work_counts(user(persona))
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(")]
    assert len(counts) == 3
    with connection.cursor() as cursor:
        for sql in counts:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            found = [row[-1] for row in cursor.fetchall()]
            assert not any(step.startswith("SCAN cases_case") for step in found), (sql, found)


@sqlite_only
def test_one_status_is_walked_newest_first_through_its_index(user):
    cases = selectors.worklist(user("dispatcher"), selectors.CaseFilters(status=Status.CLOSED, source="hotline"))
    found = plan(cases[:21])
    assert "case_status_keyset" in found and "TEMP B-TREE" not in found, found


@sqlite_only
def test_one_sub_class_is_walked_newest_first_through_its_index(user):
    cases = selectors.worklist(user("dispatcher"), selectors.CaseFilters(category="0602"))
    found = plan(cases[:21])
    assert "case_category_keyset" in found and "TEMP B-TREE" not in found, found


def test_a_class_still_lists_every_sub_class(user, demo_cases):
    admin = user("admin")
    listed = selectors.worklist(admin, selectors.CaseFilters(category="06"))
    expected = Case.objects.filter(category__parent__code="06")
    assert set(listed.values_list("pk", flat=True)) == set(expected.values_list("pk", flat=True))
    assert expected.exists()
    one = selectors.worklist(admin, selectors.CaseFilters(category="0602"))
    assert set(one.values_list("pk", flat=True)) == set(
        Case.objects.filter(category__code="0602").values_list("pk", flat=True)
    )


def test_the_quick_select_writes_what_django_s_select_writes():
    def normal(html: str) -> str:
        html = re.sub(r">\s+<", "><", html.strip())
        opening, rest = html.split(">", 1)
        return " ".join(sorted(opening.split())) + ">" + rest

    choices = [("", "Any"), ("a", "A & <b>"), ("Group", [("g1", "One"), ("g2", 'Two "quoted"')])]
    for value in ("", "a", "g2", None):
        quick = QuickSelect(attrs={"class": "form-select"}, choices=choices).render("f", value, {"id": "id_f"})
        plain = forms.Select(attrs={"class": "form-select"}, choices=choices).render("f", value, {"id": "id_f"})
        assert normal(quick) == normal(plain), value


def test_the_filter_form_marks_the_chosen_options(user):
    form = FilterForm({"status": "closed", "warning": "red"}, regions=views._filter_regions(user("dispatcher")))
    html = str(form["status"]) + str(form["warning"]) + str(form["region"])
    assert '<option value="closed" selected>' in html
    assert '<option value="red" selected>' in html
    assert html.count(" selected") == 3  # and the region's "any"


def test_the_filter_options_are_read_once_per_reach_and_language(browser):
    from django.core.cache import cache

    cache.clear()
    client = browser("dispatcher")

    def option_reads() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/cases/", {"box": "all"}).status_code == 200
        return sum(
            1
            for q in queries.captured_queries
            if q["sql"].startswith('SELECT "regions_region"."code"') or 'FROM "cases_category"' in q["sql"]
        )

    assert option_reads() == 2  # the region list and the category list
    assert option_reads() == 0
    assert '<option value="329901001001001">' in client.get("/cases/").content.decode()
    cache.clear()


@sqlite_only
def test_a_department_s_newest_cases_are_walked_through_its_index(db):
    from datetime import timedelta

    from wangge.accounts.models import Department
    from wangge.dashboard.screen import _scoped
    from wangge.rollups.selectors import dept_node

    node = dept_node(Department.objects.order_by("pk").first())
    week = _scoped(Case.objects.all(), node).filter(created_at__gte=timezone.now() - timedelta(days=7))
    found = plan(week.order_by("-created_at", "-id")[:15])
    assert "case_department_keyset" in found and "TEMP B-TREE" not in found, found
