"""A case reported during a patrol links to it; a case whose reporter cannot patrol costs no patrol query;
the open patrol is looked up before the report's write transaction, not inside it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cases.conftest import CATEGORY, point_in
from tests.patrols.conftest import GRID_1
from wangge.accounts.models import User
from wangge.accounts.roles import roles_of
from wangge.cases import events
from wangge.cases import services as case_services
from wangge.patrols import services

pytestmark = pytest.mark.django_db


def _report(actor):
    lon, lat = point_in(GRID_1)
    case, _ = case_services.report_case(
        actor=actor, report=case_services.Report(category=CATEGORY, description="路灯坏了", lon=lon, lat=lat)
    )
    return case


def test_a_residents_report_asks_nothing_about_patrols(caller):
    resident = User.objects.get(username="resident1")
    case = _report(resident)
    roles_of(resident)  # kept on the user, as after the request's permission check
    with CaptureQueriesContext(connection) as queries:
        assert services.open_patrol_of_reporter(events.Intake(handling=None, reporter=resident)) is None
        services.link_reported_case(events.Reported(case, None), None)
    assert len(queries) == 0
    lon, lat = point_in(GRID_1)
    with CaptureQueriesContext(connection) as queries:
        answer = caller("resident1").post(
            "/cases", {"category": CATEGORY, "description": "渣土", "lon": lon, "lat": lat}
        )
    assert answer.status_code == 201
    assert not [q for q in queries if "patrols_patrol" in q["sql"]]


def test_a_workers_report_still_looks_for_the_open_patrol():
    worker = User.objects.get(username="gridworker1")
    patrol, _ = services.start_patrol(actor=worker)
    case = _report(worker)
    assert list(patrol.case_links.values_list("case_id", flat=True)) == [case.pk]


def test_the_open_patrol_is_read_before_the_write_transaction(caller):
    worker = User.objects.get(username="gridworker1")
    services.start_patrol(actor=worker)
    lon, lat = point_in(GRID_1)
    with CaptureQueriesContext(connection) as queries:
        answer = caller("gridworker1").post(
            "/cases", {"category": CATEGORY, "description": "井盖松动", "lon": lon, "lat": lat}
        )
    assert answer.status_code == 201
    sql = [q["sql"] for q in queries]
    lookup = next(i for i, q in enumerate(sql) if 'FROM "patrols_patrol"' in q)
    first_insert = next(i for i, q in enumerate(sql) if q.startswith('INSERT INTO "cases_case"'))
    assert lookup < first_insert  # read before the case's rows are written
