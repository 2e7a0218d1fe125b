"""Case intake's hot path (bench figure ``intake``): no region is read while the write transaction holds
the locks every report queues on, and the new case is answered from memory exactly as it reads back."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cases.conftest import CATEGORY, GRID_1, point_in


@pytest.fixture
def payload(db):
    lon, lat = point_in(GRID_1)
    return {"category": CATEGORY, "description": "井盖破损", "lon": lon, "lat": lat, "source": "patrol"}


def test_no_region_is_read_between_the_case_number_and_the_timeline_row(caller, payload):
    worker = caller("gridworker1")
    with CaptureQueriesContext(connection) as captured:
        response = worker.post("/cases", payload, HTTP_IDEMPOTENCY_KEY="hot-1")
    assert response.status_code == 201, response.content
    sql = [q["sql"] for q in captured.captured_queries]
    first_lock = next(i for i, s in enumerate(sql) if s.startswith('UPDATE "cases_casesequence"'))
    timeline = next(i for i, s in enumerate(sql) if s.startswith('INSERT INTO "cases_caseevent"'))
    inside = sql[first_lock:timeline]
    assert not [s for s in inside if '"regions_region"' in s.split(" WHERE ")[0]]
    assert not [s for s in inside if s.startswith("SELECT") and '"cases_category"' in s.split(" WHERE ")[0]]


def test_the_new_case_answers_as_it_reads_back(caller, payload):
    worker = caller("gridworker1")
    created = worker.post("/cases", payload)
    assert created.status_code == 201, created.content
    read_back = worker.get(f"/cases/{created.json()['number']}")
    assert read_back.status_code == 200
    assert created.json() == read_back.json()
    assert created.json()["category"]["class_code"] == CATEGORY[:2]


def test_a_retried_key_still_answers_with_the_case_as_it_is_now(caller, payload):
    worker = caller("gridworker1")
    first = worker.post("/cases", payload, HTTP_IDEMPOTENCY_KEY="hot-2")
    again = worker.post("/cases", payload, HTTP_IDEMPOTENCY_KEY="hot-2")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == worker.get(f"/cases/{first.json()['number']}").json()


def test_the_centre_hears_of_a_report_in_the_reports_own_transaction(report):
    """The inbox rows are written with the case (no after-commit write): here no commit ever happens."""
    from wangge.inbox.case_notices import centre_users_at
    from wangge.inbox.models import Kind, Message

    case = report()
    expected = {u.pk for u in centre_users_at(case.handling_region)}
    assert expected, "the demo centre has staff"
    told = set(Message.objects.filter(kind=Kind.ASSIGNED, url=f"/cases/{case.number}/").values_list("user", flat=True))
    assert told == expected


def test_the_region_chain_is_read_once_per_report(caller, payload):
    worker = caller("gridworker1")
    worker.post("/cases", payload, HTTP_IDEMPOTENCY_KEY="hot-3")  # builds this process's point-lookup tree
    with CaptureQueriesContext(connection) as captured:
        response = worker.post("/cases", payload, HTTP_IDEMPOTENCY_KEY="hot-3b")
    assert response.status_code == 201, response.content
    regions = [q["sql"] for q in captured.captured_queries if 'FROM "regions_region"' in q["sql"]]
    assert len(regions) == 2, regions  # the region at the point, then its ancestors (handling, grid, answer)
    assert response.json()["region_chain"][-1]["code"] == response.json()["region"]["code"]


def test_a_retried_key_reads_the_case_only_when_there_is_one(caller, payload):
    worker = caller("gridworker1")
    with CaptureQueriesContext(connection) as captured:
        worker.post("/cases", payload, HTTP_IDEMPOTENCY_KEY="hot-4")
    lookup = [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT") and "idempotency_key" in q["sql"]
    ]
    assert lookup and all(q.split(" FROM ")[0] == 'SELECT "cases_case"."id" AS "pk"' for q in lookup), lookup


def test_a_new_report_is_answered_without_looking_for_photos(caller, payload):
    worker = caller("gridworker1")
    with CaptureQueriesContext(connection) as captured:
        response = worker.post("/cases", payload, HTTP_IDEMPOTENCY_KEY="hot-5")
    assert response.status_code == 201, response.content
    assert response.json()["photos"] == []
    assert not [q for q in captured.captured_queries if 'FROM "cases_casephoto"' in q["sql"]]
