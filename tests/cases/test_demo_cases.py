"""The demo's cases follow the workflow table: every timeline replays to the case's status."""

from collections import Counter

import pytest

from wangge.cases.demo import create_demo_cases
from wangge.cases.models import Case, Status
from wangge.cases.workflow import RULES


@pytest.fixture
def demo_cases(db):
    before = Case.objects.count()
    created = create_demo_cases(count=600, seed=7)
    assert created == 600
    return Case.objects.exclude(pk__in=[]).order_by("pk")[before:]


def test_every_demo_timeline_replays_to_its_status(demo_cases):
    for case in Case.objects.prefetch_related("events"):
        events = list(case.events.all())
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert events[0].action == "report"
        assert events[-1].to_status == case.status
        for previous, event in zip(events, events[1:], strict=False):
            assert event.from_status == previous.to_status
            assert RULES[(event.from_status, event.action)].to == event.to_status


def test_demo_cases_cover_every_status_and_stay_in_the_district(demo_cases):
    statuses = Counter(Case.objects.values_list("status", flat=True))
    assert {Status.RATED, Status.REJECTED, Status.REPORTED, Status.DISPATCHED, Status.IN_PROGRESS} <= set(statuses)
    assert not Case.objects.exclude(district_code="329901").exists()
    assert Case.objects.filter(number__regex=r"^329901-\d{8}-\d{4}$").count() == Case.objects.count()


def test_open_demo_cases_have_deadlines_and_finished_ones_none(demo_cases):
    assert not Case.objects.filter(status__in=[Status.REPORTED, Status.IN_PROGRESS], due_at__isnull=True).exists()
    assert not Case.objects.filter(status=Status.RATED, due_at__isnull=False).exists()


def test_the_same_seed_gives_the_same_cases(db):
    create_demo_cases(count=50, seed=11)
    first = list(Case.objects.order_by("number").values_list("number", "category__code", "status"))
    Case.objects.all().delete()
    create_demo_cases(count=50, seed=11)
    second = list(Case.objects.order_by("number").values_list("number", "category__code", "status"))
    assert first == second
