"""Cases counted per party organisation: those in its area (served regions and below) by state — open,
overdue now, closed, closed on time — and those its members reported, among the cases the caller sees;
on the organisation's page and at GET /party/organisations/{id}/cases."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.cases.conftest import CATEGORY
from tests.party.conftest import COMMUNITY_1, GRID_1, GRID_2, branch_of, general_of, member_in
from tests.people.conftest import point_in
from wangge.accounts.models import User
from wangge.cases import services as case_services
from wangge.cases.models import Case, CaseEvent, Status
from wangge.party import selectors

pytestmark = pytest.mark.django_db


def _case(grid: str, n: int, *, as_: str = "resident1", status: str = Status.REPORTED, **fields) -> Case:
    lon, lat = point_in(grid)
    report = case_services.Report(
        category=CATEGORY, description=f"楼道堆物 第{n}件", lon=lon, lat=lat, address="测试路1号", contact_phone=""
    )
    case, _created = case_services.report_case(actor=User.objects.get(username=as_), report=report)
    Case.objects.filter(pk=case.pk).update(status=status, **fields)
    return case


@pytest.fixture
def cases(db):
    """Grid 1: two open (one past due), two closed (one with a late step), one rated; grid 2: one open."""
    now = timezone.now()
    made = {
        "open": _case(GRID_1, 1, due_at=now + timedelta(days=1)),
        "overdue": _case(GRID_1, 2, status=Status.IN_PROGRESS, due_at=now - timedelta(hours=1)),
        "closed": _case(GRID_1, 3, status=Status.CLOSED),
        "late": _case(GRID_1, 4, status=Status.CLOSED),
        "rated": _case(GRID_1, 5, status=Status.RATED),
        "other": _case(GRID_2, 6),
    }
    CaseEvent.objects.filter(case=made["late"]).update(on_time=False)
    return made


def test_a_branch_counts_the_cases_of_its_grid_by_state(cases, user):
    counts = selectors.case_counts(user("gridworker1"), branch_of(GRID_1))
    assert (counts.total, counts.open, counts.overdue, counts.closed, counts.closed_on_time) == (5, 2, 1, 3, 2)
    assert counts.on_time_rate == pytest.approx(2 / 3)


def test_the_general_branch_counts_its_whole_community_within_the_caller_s_reach(cases, user):
    assert selectors.case_counts(user("community1"), general_of(COMMUNITY_1)).total == 6
    # gridworker1 sees the 党总支 above their branch, and counts only the cases in their own reach
    assert selectors.case_counts(user("gridworker1"), general_of(COMMUNITY_1)).total == 5


def test_cases_reported_from_a_member_s_own_account_count_for_their_organisation(cases, user):
    member = member_in(GRID_1)
    member.account = User.objects.get(username="resident1")
    member.save(update_fields=["account"])
    counts = selectors.case_counts(user("community1"), member.organisation)
    assert counts.by_members == 6  # resident1 reported every case above
    assert selectors.case_counts(user("community1"), branch_of(GRID_2)).by_members == 0


def test_the_page_and_the_api_show_the_counts_and_refuse_out_of_reach(cases, browser, caller):
    page = browser("gridworker1").get(f"/party/organisations/{branch_of(GRID_1).pk}/").content.decode()
    assert 'data-testid="organisation-cases"' in page and 'data-testid="cases-overdue">1<' in page
    answer = caller("gridworker1").get(f"/party/organisations/{branch_of(GRID_1).pk}/cases")
    assert answer.status_code == 200
    assert answer.json() | {"on_time_rate": None} == {
        "total": 5, "open": 2, "overdue": 1, "closed": 3, "closed_on_time": 2, "on_time_rate": None, "by_members": 0
    }  # fmt: skip
    assert caller("gridworker2").get(f"/party/organisations/{branch_of(GRID_1).pk}/cases").status_code == 404
