"""Residents follow their reports by role: staff names on the timeline are for staff only."""

import pytest

from wangge.cases import services
from wangge.cases.models import Category
from wangge.regions.models import Region


@pytest.fixture
def accepted_report(db, user):
    grid = Region.objects.get(code="329901001001001")
    category = Category.objects.filter(parent__isnull=False, default_level="street").order_by("code").first()
    case, _ = services.report_case(
        actor=user("resident1"),
        report=services.Report(
            category=category.code, description="路灯不亮", lon=grid.center_lon, lat=grid.center_lat
        ),
    )
    return services.transition(case, "accept", actor=user("operator"))


def test_the_reporter_sees_roles_not_staff_names(accepted_report, api, user, browser_client, settings):
    operator_name = user("operator").display_name
    body = api("resident1").get(f"/cases/{accepted_report.number}/timeline").json()
    assert [e["action"] for e in body] == ["report", "accept"]
    assert body[0]["actor_name"] == user("resident1").display_name
    assert body[1]["actor_name"] == ""
    assert body[1]["role"] == "command_operator"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    response = browser_client("resident1").get(f"/cases/{accepted_report.number}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-action="accept"' in page
    assert operator_name not in page
    assert user("resident1").display_name in page


def test_staff_see_who_acted(accepted_report, api, user):
    body = api("dispatcher").get(f"/cases/{accepted_report.number}/timeline").json()
    assert body[1]["actor_name"] == user("operator").display_name
