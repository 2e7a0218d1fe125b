"""The demo's cases follow the workflow table: every timeline replays to the case's status."""

import json
from collections import Counter, defaultdict

import pytest

from wangge.cases.demo import DESCRIPTIONS, PERSONA_WORK, create_demo_cases, create_persona_work
from wangge.cases.models import Case, CaseSequence, Source, Status
from wangge.cases.selectors import CaseFilters, worklist
from wangge.cases.workflow import RULES


@pytest.fixture(scope="module")
def demo_cases(django_db_setup, django_db_blocker):
    """The demo's own size (open cases are the last days' few), built once for the module."""
    with django_db_blocker.unblock():
        before = set(Case.objects.values_list("pk", flat=True))
        sequences = set(CaseSequence.objects.values_list("pk", flat=True))
        assert create_demo_cases(count=3000, seed=7) == 3000
        yield
        Case.objects.exclude(pk__in=before).delete()
        CaseSequence.objects.exclude(pk__in=sequences).delete()


def test_every_demo_timeline_replays_to_its_status(demo_cases, db):
    for case in Case.objects.prefetch_related("events"):
        events = list(case.events.all())
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert events[0].action == "report"
        assert events[-1].to_status == case.status
        for previous, event in zip(events, events[1:], strict=False):
            assert event.from_status == previous.to_status
            assert RULES[(event.from_status, event.action)].to == event.to_status


def test_demo_cases_cover_every_status_and_stay_in_the_district(demo_cases, db):
    statuses = Counter(Case.objects.values_list("status", flat=True))
    assert {Status.RATED, Status.REJECTED, Status.REPORTED, Status.DISPATCHED, Status.IN_PROGRESS} <= set(statuses)
    assert not Case.objects.exclude(district_code="329901").exists()
    assert Case.objects.filter(number__regex=r"^329901-\d{8}-\d{4}$").count() == Case.objects.count()


def test_open_demo_cases_have_deadlines_and_finished_ones_none(demo_cases, db):
    assert not Case.objects.filter(status__in=[Status.REPORTED, Status.IN_PROGRESS], due_at__isnull=True).exists()
    assert not Case.objects.filter(status=Status.RATED, due_at__isnull=False).exists()


def test_demo_steps_are_judged_against_their_stage_deadline_like_real_ones(demo_cases, db):
    from wangge.cases.models import CaseEvent

    judged = CaseEvent.objects.filter(stage_due_at__isnull=False)
    assert judged.count() > CaseEvent.objects.count() // 2
    for event in judged:
        assert event.stage and event.on_time == (event.at <= event.stage_due_at)
    # The first response (accept, reject, …) is judged against the accept deadline: the response rate is real.
    responses = CaseEvent.objects.filter(from_status=Status.REPORTED).exclude(to_status=Status.REPORTED)
    assert responses.filter(on_time=True).count() > responses.count() // 2


def test_most_open_demo_cases_are_within_their_deadline(demo_cases, db):
    from wangge.cases.models import Warning

    open_cases = Case.objects.filter(due_at__isnull=False)
    assert open_cases.count() > 20
    assert open_cases.filter(warning=Warning.RED).count() < open_cases.count() * 0.3


def test_the_first_grids_people_find_work_waiting(db, user):
    """The persona work: each first visitor's to-do holds the step they act on, through the real services."""
    made = create_persona_work(seed=3)
    assert len(made) == len(PERSONA_WORK)
    pks = [c.pk for c in made]
    worker, chief, community, resident = (user(n) for n in ("gridworker1", "gridchief1", "community1", "resident1"))

    def todo(who):
        return {c.status for c in worklist(who, CaseFilters(box="todo")).filter(pk__in=pks)}

    assert todo(worker) == {Status.DISPATCHED, Status.IN_PROGRESS}
    assert Status.HANDLED in todo(chief)
    assert Status.REPORTED in todo(community)
    mine = worklist(resident, CaseFilters(box="mine")).filter(pk__in=pks)
    assert {c.status for c in mine} == {Status.REPORTED, Status.IN_PROGRESS}
    handled = Case.objects.get(pk__in=pks, status=Status.HANDLED)
    assert {p.kind for p in handled.photos.all()} == {"photo_before", "photo_after"}


def test_a_demo_cases_words_are_in_the_register_of_its_source(demo_cases, db):
    """A resident's report reads like a resident's, a hotline order like a hotline summary."""
    written = defaultdict(set)
    for line in DESCRIPTIONS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        written[(row["category"], row["register"])].add(row["text"])
    checked = 0
    for source, register in ((Source.RESIDENT, "resident"), (Source.HOTLINE, "hotline"), (Source.PATROL, "grid")):
        for code, text in Case.objects.filter(source=source).values_list("category__code", "description"):
            if written[(code, register)]:
                assert text in written[(code, register)], (source, code, text)
                checked += 1
    assert checked > 1000
