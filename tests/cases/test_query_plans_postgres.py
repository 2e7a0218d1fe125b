"""The list and overdue queries use their indexes on PostgreSQL (the SQLite plans are read in
``test_list_queries`` and ``dashboard/test_overdue_tally``).

A test database holds too few rows for the planner's own choice to mean anything (a sequential scan
of a small table is the right plan), so each plan is asked for with the alternatives priced out:
``enable_seqscan``, ``enable_bitmapscan`` and ``enable_sort`` off. The planner still uses them where
nothing else can answer the query, so the checks below fail exactly when no index can serve it: every
read of the cases table must have an index condition (a range, not a walk of the whole index), and a
newest-first page must come out of the index in order, without a Sort.
"""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wangge.cases import selectors
from wangge.cases.models import Case, Status
from wangge.rollups import overdue

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's query plans")

PRICED_OUT = ("enable_seqscan", "enable_bitmapscan", "enable_sort")


def nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def explain(sql: str, params=None) -> list[dict]:
    """Every node of the plan PostgreSQL picks when any index that can serve the query is preferred."""
    with connection.cursor() as cursor:
        for setting in PRICED_OUT:
            cursor.execute(f"SET LOCAL {setting} = off")
        try:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)  # None: the SQL as captured, literals in
            found = cursor.fetchone()[0]
        finally:
            for setting in PRICED_OUT:
                cursor.execute(f"RESET {setting}")
    plan = found if isinstance(found, list) else json.loads(found)
    return list(nodes(plan[0]["Plan"]))


def plan_of(queryset) -> list[dict]:
    return explain(*queryset.query.sql_with_params())


def case_reads(plan: list[dict]) -> list[dict]:
    return [n for n in plan if n.get("Relation Name") == "cases_case"]


def assert_ranges_only(plan: list[dict], query: str = "") -> None:
    """Every read of the cases table is an index range (no sequential scan, no walk of a whole index)."""
    reads = case_reads(plan)
    assert reads, (query, plan)
    for read in reads:
        assert read["Node Type"] in ("Index Scan", "Index Only Scan"), (query, read)
        assert read.get("Index Cond"), (query, read)


def assert_walked_in_order(plan: list[dict], index: str) -> None:
    reads = case_reads(plan)
    assert [r.get("Index Name") for r in reads] == [index], plan
    assert reads[0].get("Index Cond"), reads[0]
    assert not [n for n in plan if n["Node Type"] in ("Sort", "Incremental Sort")], plan


@pytest.fixture
def demo_cases(db):
    from wangge.cases.demo import create_demo_cases

    assert create_demo_cases(count=300, seed=5) == 300
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")


@pytest.mark.parametrize("persona", ["admin", "dispatcher", "operator"])
def test_the_box_counts_read_index_ranges_not_every_case(persona, user, demo_cases):
    with CaptureQueriesContext(connection) as queries:
        selectors.work_counts(user(persona))
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(")]
    assert len(counts) == 3
    for sql in counts:
        assert_ranges_only(explain(sql), sql)


def test_one_status_is_walked_newest_first_through_its_index(user, demo_cases):
    cases = selectors.worklist(user("dispatcher"), selectors.CaseFilters(status=Status.CLOSED, source="hotline"))
    assert_walked_in_order(plan_of(cases[:21]), "case_status_keyset")


def test_one_sub_class_is_walked_newest_first_through_its_index(user, demo_cases):
    cases = selectors.worklist(user("dispatcher"), selectors.CaseFilters(category="0602"))
    assert_walked_in_order(plan_of(cases[:21]), "case_category_keyset")


def test_a_department_s_newest_cases_are_walked_through_its_index(demo_cases):
    from wangge.accounts.models import Department
    from wangge.dashboard.screen import _scoped
    from wangge.rollups.selectors import dept_node

    node = dept_node(Department.objects.order_by("pk").first())
    week = _scoped(Case.objects.all(), node).filter(created_at__gte=timezone.now() - timedelta(days=7))
    assert_walked_in_order(plan_of(week.order_by("-created_at", "-id")[:15]), "case_department_keyset")


@pytest.mark.parametrize("department", [False, True])
def test_the_cases_the_scan_has_not_reached_are_read_through_the_due_at_range(demo_cases, department):
    from wangge.accounts.models import Department

    department_id = Department.objects.order_by("pk").values_list("pk", flat=True).first() if department else None
    plan = plan_of(overdue._unscanned(timezone.now(), department_id).values("id"))
    assert_ranges_only(plan)
    used = [read["Index Name"] for read in case_reads(plan)]
    assert used and all(name.startswith("cases_case_due_at") for name in used), plan  # not status, not department
    assert "due_at" in case_reads(plan)[0]["Index Cond"]
