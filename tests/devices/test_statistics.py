"""Statistics per device kind (selector, API and page) and the command screen's devices panel: devices by state,
alarms in a period, the cases they opened, false alarms (cases rejected) and the time to the first response;
scoped like every device read."""

from datetime import timedelta

import pytest
from django.test import Client

from tests.conftest import ApiClient
from tests.devices.conftest import GRID_1, GRID_2, body
from wangge.accounts.services import issue_token
from wangge.cases import services as case_services
from wangge.cases.models import Case, CaseEvent
from wangge.devices import ingest, selectors
from wangge.devices.models import DeviceState

STREET_1 = "329901001000"


@pytest.fixture
def api(user):
    def make(username: str) -> ApiClient:
        key, _token = issue_token(user=user(username))
        return ApiClient(key)

    return make


def page(user, url):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client.get(url)


def alarm(device, type="smoke"):
    [outcome] = ingest.ingest([ingest.Incoming(device.serial, "alarm", body(type=type), "mqtt")])
    return Case.objects.filter(number=outcome.case_number).first()


def answered_after(case, action, user, minutes, **kwargs):
    """``action`` on ``case``, ``minutes`` after the case was opened."""
    case_services.transition(case, action, actor=user, **kwargs)
    at = CaseEvent.objects.filter(case=case, action=action).values_list("at", flat=True).get()
    Case.objects.filter(pk=case.pk).update(created_at=at - timedelta(minutes=minutes))


@pytest.fixture
def smoke_alarms(make_device, user):
    """Two smoke detectors in gridworker1's grid: one alarm accepted after 10 minutes, repeated (folded into its
    case); one rejected as a false alarm after 20 minutes. A gas detector in the next grid, silent."""
    first, second = make_device("smoke"), make_device("smoke")
    other = make_device("gas", GRID_2)
    accepted = alarm(first)
    assert alarm(first) == accepted  # the repeat adds to the open case
    answered_after(accepted, "accept", user("admin"), 10)
    rejected = alarm(second)
    answered_after(rejected, "reject", user("admin"), 20, opinion="False alarm: cooking smoke")
    return first, second, other


def test_figures_per_kind(smoke_alarms, user):
    first, second, other = smoke_alarms
    figures = selectors.kind_statistics(user("gridworker1"))
    smoke = {row.kind: row for row in figures.kinds}["smoke"]
    assert (smoke.alarms, smoke.cases, smoke.false_alarms, smoke.responded) == (3, 2, 1, 2)
    assert smoke.response_median_minutes == pytest.approx(15, abs=0.2)
    assert smoke.response_mean_minutes == pytest.approx(15, abs=0.2)
    assert smoke.devices >= 2 and smoke.alarming >= 1  # the accepted case is still open
    assert figures.total.alarms >= 3 and figures.total.false_alarms >= 1
    gas = {row.kind: row for row in figures.kinds}["gas"]
    assert other.serial not in {d.serial for d in selectors.devices_for(user("gridworker1"))}
    assert gas.alarms == 0 and gas.response_median_minutes is None


def test_the_period_and_the_region_narrow_the_figures(smoke_alarms, user):
    from django.utils import timezone

    today = timezone.localdate()
    earlier = selectors.kind_statistics(
        user("leader"), date_from=today - timedelta(days=60), date_to=today - timedelta(days=31)
    )
    assert earlier.total.alarms == 0
    in_grid_2 = selectors.kind_statistics(user("leader"), region=GRID_2)
    assert {row.kind: row.alarms for row in in_grid_2.kinds}["smoke"] == 0
    assert {row.kind: row.devices for row in in_grid_2.kinds}["gas"] >= 1


def test_the_api_answers_per_kind_and_refuses_bad_periods(smoke_alarms, api):
    client = api("gridworker1")
    answer = client.get("/devices/statistics")
    assert answer.status_code == 200, answer.content
    smoke = {row["kind"]: row for row in answer.json()["kinds"]}["smoke"]
    assert (smoke["alarms"], smoke["cases"], smoke["false_alarms"]) == (3, 2, 1)
    assert answer.json()["total"]["kind"] == ""
    reversed_ = client.get("/devices/statistics?date_from=2026-12-10&date_to=2026-12-01")
    assert reversed_.status_code == 400 and reversed_.json()["errors"][0]["field"] == "date_from"
    assert client.get(f"/devices/statistics?region={GRID_2}").status_code == 404  # outside the worker's reach
    assert client.get("/devices/statistics?date_from=tomorrow").status_code == 422


def test_the_page_shows_the_kinds_as_phone_cards(smoke_alarms, user):
    answer = page(user("gridworker1"), "/devices/statistics/")
    html = answer.content.decode()
    assert answer.status_code == 200
    assert 'data-testid="device-statistics"' in html and "wg-stack" in html
    assert 'data-label="False alarms"' in html and "Smoke detector" in html
    bad = page(user("gridworker1"), "/devices/statistics/?date_from=2026-12-10&date_to=2026-12-01")
    assert bad.status_code == 400 and "The first day comes after the last day." in bad.content.decode()


def test_the_screen_panel_counts_devices_and_open_alarms_under_the_node(smoke_alarms, user):
    first, second, other = smoke_alarms
    total, children = selectors.area_devices(user("leader"), STREET_1)
    assert total.alarming >= 1 and total.open_alarms >= 1
    assert total.devices == sum(row.devices for row in children)
    assert first.state != DeviceState.OFFLINE
    answer = page(user("leader"), f"/dashboard/devices/?region={STREET_1}")
    html = answer.content.decode()
    assert answer.status_code == 200 and 'data-testid="devices-open-alarms"' in html
    assert page(user("community1"), f"/dashboard/devices/?region={STREET_1}").status_code == 404
    screen = page(user("leader"), f"/dashboard/?region={STREET_1}").content.decode()
    assert 'data-testid="devices-layer"' in screen and "/dashboard/devices/?region=" in screen


def test_the_page_picks_the_region_from_those_in_reach(smoke_alarms, user):
    html = page(user("gridworker1"), f"/devices/statistics/?region={GRID_1}").content.decode()
    picker = html.split('data-testid="region-picker"', 1)[1].split("</select>", 1)[0]
    assert f'value="{GRID_1}" selected' in picker
    assert f'value="{GRID_2}"' not in picker  # another worker's grid is not offered
    assert page(user("gridworker1"), f"/devices/statistics/?region={GRID_2}").status_code == 404
