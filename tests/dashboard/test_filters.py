"""One parser for the dashboard's filters: the API answers 400 naming the parameter, the pages show the
same message (and answer 400) with the figures at the defaults; the same rules on both sides."""

import pytest

from tests.dashboard.helpers import STREET_1
from wangge.accounts.models import Department

BAD = [
    ("date_from=2026-02-01&date_to=2026-01-01", "date_from"),
    ("date_from=2016-01-01&date_to=2026-12-01", "date_from"),
    ("category=0000", "category"),
    ("source=pigeon", "source"),
    ("department=nowhere", "department"),
]


@pytest.mark.parametrize(("query", "field"), BAD)
def test_the_api_and_the_statistics_page_refuse_the_same_filters_with_the_same_message(
    api, browser_client, query, field
):
    answer = api("leader").get(f"/dashboard/statistics?region={STREET_1}&{query}")
    assert answer.status_code == 400
    [error] = answer.json()["errors"]
    assert error["field"] == field
    page = browser_client("leader", language="en").get(f"/dashboard/stats/?region={STREET_1}&{query}")
    assert page.status_code == 400
    assert page.context["filter_errors"] == {field: error["message"]}
    assert f'data-field="{field}"' in page.content.decode()


@pytest.mark.parametrize(("query", "field"), BAD)
def test_the_cases_behind_a_number_refuse_them_too(api, browser_client, query, field):
    figure = "&figure=reported"
    answer = api("leader").get(f"/dashboard/cases?region={STREET_1}&{query}{figure}")
    assert (answer.status_code, [e["field"] for e in answer.json()["errors"]]) == (400, [field])
    page = browser_client("leader", language="en").get(f"/dashboard/cases/?region={STREET_1}&{query}{figure}")
    assert page.status_code == 400 and list(page.context["filter_errors"]) == [field]
    assert page.context["cases"] == []


def test_department_with_a_region_filters_and_alone_names_the_node(api, db):
    code = Department.objects.order_by("code").values_list("code", flat=True).first()
    client = api("admin")
    filtered = client.get(f"/dashboard/statistics?region={STREET_1}&department={code}&group=source")
    assert filtered.status_code == 200
    assert filtered.json()["node"]["code"] == STREET_1
    assert all(f"department={code}" in cell["link"] for cell in filtered.json()["total"]["counts"].values())
    alone = client.get(f"/dashboard/statistics?department={code}")
    assert alone.status_code == 200 and alone.json()["node"]["code"] == code


def test_a_good_period_comes_back_as_date_from_and_date_to(api):
    body = api("leader").get(f"/dashboard/statistics?region={STREET_1}&date_from=2026-03-01&date_to=2026-03-31").json()
    assert (body["date_from"], body["date_to"]) == ("2026-03-01", "2026-03-31")
