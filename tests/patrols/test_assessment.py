"""Patrols and visits in assessment: the shipped indicators (formulas over patrol counters, refused over
others), the counters of a region and its areas on hand-built patrols and visits in a period of their own
(patrols, hours, kilometres, workers patrolling, micro-grids covered, visits, households visited within their
interval), each grid worker's figures, the ranking page and the scores API with ``unit=patrols`` (in reach
only), and the monthly bulletin with its patrol section and Excel sheet."""

from datetime import date, datetime, timedelta
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from tests.patrols.conftest import COMMUNITY_1, GRID_1, GRID_2, STREET_1, micro_grids_of
from wangge.accounts.models import User
from wangge.assessment import patrol_work, services
from wangge.assessment.models import Indicator, Subject
from wangge.patrols import selectors
from wangge.patrols.models import Patrol, Vehicle, Visit
from wangge.people.models import Household, PersonLabel
from wangge.regions.models import Region

pytestmark = pytest.mark.django_db

START, END = date(2031, 3, 1), date(2031, 3, 31)  # a month of its own: the demo has nothing there


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


def _patrol(
    username: str, day: date, passed: list[int], *, hours: float = 2, km: float = 3, vehicle: Vehicle | None = None
) -> Patrol:
    worker = User.objects.get(username=username)
    region = Region.objects.get(code=GRID_1 if username == "gridworker1" else GRID_2)
    return Patrol.objects.create(
        worker=worker,
        region=region,
        region_path=region.path,
        vehicle=vehicle,
        started_at=_at(day),
        ended_at=_at(day) + timedelta(hours=hours),
        duration_s=int(hours * 3600),
        distance_m=km * 1000,
        regions_passed=passed,
    )


def _visit(username: str, household: Household, day: date) -> Visit:
    return Visit.objects.create(
        worker=User.objects.get(username=username),
        household=household,
        region_path=household.region_path,
        visited_on=day,
    )


def test_patrol_indicators_are_shipped_as_data_and_their_formulas_use_patrol_counters():
    codes = set(Indicator.objects.filter(subject=Subject.PATROLS).values_list("code", flat=True))
    assert {"patrol_coverage_rate", "patrol_workers_rate", "patrol_hours_rate", "visits_on_time_rate"} <= codes
    wrong = Indicator(code="x", name="x", subject=Subject.PATROLS, numerator="claims_done", denominator="cells")
    with pytest.raises(ValidationError) as refused:
        wrong.clean()
    assert "numerator" in refused.value.message_dict


def test_counters_of_a_region_and_its_grids_from_hand_built_patrols_and_visits():
    grid_1 = Region.objects.get(code=GRID_1)
    cells = micro_grids_of(GRID_1)
    assert len(cells) >= 3
    _patrol("gridworker1", START, [cells[0].pk, cells[1].pk], hours=2, km=3)
    _patrol("gridworker1", START + timedelta(days=3), [cells[1].pk], hours=1.5, km=2)
    _patrol("gridworker1", START - timedelta(days=1), [cells[2].pk])  # before the period: not counted
    households = list(Household.objects.filter(region_path__startswith=grid_1.path).order_by("id")[:3])
    _visit("gridworker1", households[0], END - timedelta(days=5))  # within 90 days of the end
    _visit("gridworker1", households[1], START - timedelta(days=200))  # long ago: overdue at the end
    community = Region.objects.get(code=COMMUNITY_1)
    children = list(Region.objects.filter(parent=community, is_active=True))
    total, rows = selectors.work_counters(community, START, END, children)
    mine = rows[GRID_1]
    assert (mine["patrols"], mine["patrol_hours"], mine["patrol_km"]) == (2, 4, 5)
    assert (mine["cells"], mine["cells_covered"]) == (len(cells), 2)
    assert mine["workers"] >= 1 and mine["workers_patrolling"] == 1
    assert mine["visits"] == 1
    in_grid = Household.objects.filter(region_path__startswith=grid_1.path).count()
    assert mine["households"] == in_grid
    assert mine["households_visited_on_time"] == 1
    assert rows[GRID_2]["patrols"] == 0 and rows[GRID_2]["cells_covered"] == 0
    assert total["patrols"] == 2 and total["cells_covered"] == 2 and total["households"] >= in_grid


def test_a_labelled_household_is_on_time_only_within_its_stricter_interval():
    grid_1 = Region.objects.get(code=GRID_1)
    household = (
        Household.objects.filter(region_path__startswith=grid_1.path, members__isnull=False).order_by("id").first()
    )
    person = household.members.order_by("id").first()
    PersonLabel.objects.get_or_create(person=person, kind="elderly_alone")
    _visit("gridworker1", household, END - timedelta(days=20))  # within 90 days, not within 7
    total, _rows = selectors.work_counters(grid_1, START, END)
    assert total["households_visited_on_time"] == 0
    _visit("gridworker1", household, END - timedelta(days=2))
    total, _rows = selectors.work_counters(grid_1, START, END)
    assert total["households_visited_on_time"] == 1


def test_each_grid_worker_s_patrol_time_distance_and_visits():
    cells = micro_grids_of(GRID_1)
    _patrol("gridworker1", START, [cells[0].pk], hours=2, km=3.5)
    household = Household.objects.filter(region_path__startswith=Region.objects.get(code=GRID_1).path).first()
    _visit("gridworker1", household, START + timedelta(days=1))
    figures = {w["username"]: w for w in patrol_work.workers(Region.objects.get(code=COMMUNITY_1), START, END)}
    assert (figures["gridworker1"]["patrols"], figures["gridworker1"]["hours"], figures["gridworker1"]["km"]) == (
        1,
        2.0,
        3.5,
    )
    assert figures["gridworker1"]["visits"] == 1
    assert figures["gridworker2"]["patrols"] == 0


def test_the_ranking_page_and_the_scores_api_show_patrols_in_reach_only(browser, caller):
    cells = micro_grids_of(GRID_1)
    _patrol("gridworker1", START, [c.pk for c in cells])
    period = f"date_from={START}&date_to={END}"
    page = browser("leader").get(f"/assessment/?region={STREET_1}&unit=patrols&{period}")
    assert page.status_code == 200
    assert "Micro-grid patrol coverage" in page.content.decode()
    answer = caller("leader").get(f"/assessment/scores?region={COMMUNITY_1}&unit=patrols&{period}")
    assert answer.status_code == 200, answer.content
    row = next(r for r in answer.json()["rows"] if r["code"] == GRID_1)
    assert row["values"]["patrol_coverage_rate"]["value"] == 1.0
    own = caller("leader").get(f"/assessment/scores?region={COMMUNITY_1}&unit=patrols_self&{period}").json()["rows"]
    assert [r["code"] for r in own] == [COMMUNITY_1]
    assert caller("gridworker2").get(f"/assessment/scores?region={STREET_1}&unit=patrols").status_code == 404


def test_the_monthly_bulletin_has_a_patrol_section_and_sheet(browser):
    cells = micro_grids_of(GRID_1)
    _patrol("gridworker1", START, [cells[0].pk], hours=3, km=4)
    street = Region.objects.get(code=STREET_1)
    bulletin = services.generate_bulletin(actor=None, region=street, start=START, end=END)
    data = bulletin.data
    assert {i["code"] for i in data["patrol_indicators"]} >= {"patrol_coverage_rate", "visits_on_time_rate"}
    assert data["patrol_total"]["values"]["patrol_coverage_rate"]["numerator"] == 1
    worker = next(w for w in data["patrol_workers"] if w["username"] == "gridworker1")
    assert (worker["patrols"], worker["hours"], worker["km"]) == (1, 3.0, 4.0)
    page = browser("leader").get(f"/assessment/bulletins/{bulletin.pk}/")
    assert page.status_code == 200
    body = page.content.decode().split("</title>", 1)[1]  # in the page, not in its title
    assert 'data-testid="bulletin-patrols"' in body and 'data-testid="bulletin-patrol-worker"' in body
    sheet = browser("leader").get(f"/assessment/bulletins/{bulletin.pk}/xlsx/")
    assert sheet.status_code == 200
    book = load_workbook(BytesIO(sheet.content))
    assert "Patrols and visits" in book.sheetnames


def _car() -> Vehicle:
    street = Region.objects.get(code=STREET_1)
    return Vehicle.objects.create(plate="苏E·12345", region=street, region_path=street.path)


def test_car_kilometres_are_counted_apart_from_walking_and_patrol_time_together():
    cells = micro_grids_of(GRID_1)
    _patrol("gridworker1", START, [cells[0].pk], hours=2, km=3)
    _patrol("gridworker1", START + timedelta(days=1), [cells[1].pk], hours=2.5, km=62.4, vehicle=_car())
    total, rows = selectors.work_counters(Region.objects.get(code=COMMUNITY_1), START, END, [])
    assert (total["patrols"], total["patrol_hours"], total["patrol_km"]) == (2, 4, 3)
    assert (total["car_trips"], total["car_km"], total["cells_covered"]) == (1, 62, 2)
    figures = {w["username"]: w for w in patrol_work.workers(Region.objects.get(code=COMMUNITY_1), START, END)}
    mine = figures["gridworker1"]
    assert (mine["patrols"], mine["hours"], mine["km"], mine["car_km"]) == (2, 4.5, 3.0, 62.4)


def test_the_bulletin_shows_car_kilometres_in_a_column_of_their_own(browser):
    _patrol("gridworker1", START, [], hours=2, km=3)
    _patrol("gridworker1", START + timedelta(days=1), [], hours=2, km=48, vehicle=_car())
    bulletin = services.generate_bulletin(actor=None, region=Region.objects.get(code=STREET_1), start=START, end=END)
    worker = next(w for w in bulletin.data["patrol_workers"] if w["username"] == "gridworker1")
    assert (worker["km"], worker["car_km"]) == (3.0, 48.0)
    page = browser("leader").get(f"/assessment/bulletins/{bulletin.pk}/").content.decode()
    assert "Km in patrol cars" in page and ">48.0</td>" in page
    book = load_workbook(BytesIO(browser("leader").get(f"/assessment/bulletins/{bulletin.pk}/xlsx/").content))
    rows = list(book["Patrols and visits"].iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "Grid worker")
    row = next(r for r in rows if r and r[0] == worker["name"])
    assert dict(zip(header, row, strict=False))["Km in patrol cars"] == 48.0
