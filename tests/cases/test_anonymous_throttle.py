"""Reports without an account are limited per client address, on the API and on the public form."""

import json

import pytest
from django.core.cache import cache
from django.test import Client

from wangge.cases.models import Case, Category
from wangge.regions.models import Region


@pytest.fixture
def report_body(db):
    grid = Region.objects.get(code="329901001001001")
    category = Category.objects.filter(parent__isnull=False).order_by("code").first()
    return {
        "category": category.code,
        "description": "楼道灯坏了",
        "lon": grid.center_lon,
        "lat": grid.center_lat,
        "source": "resident",
        "contact_phone": "13912345678",
    }


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.ANONYMOUS_REPORTS_PER_HOUR = 2
    cache.clear()
    yield
    cache.clear()


def test_the_api_refuses_the_third_anonymous_report_within_the_hour(report_body):
    client = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="10.0.0.7")
    before = Case.objects.count()
    statuses = [
        client.post("/api/v1/cases", json.dumps(report_body), content_type="application/json").status_code
        for _ in range(3)
    ]
    assert statuses == [201, 201, 429]
    assert Case.objects.count() == before + 2
    other = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="10.0.0.8")
    assert other.post("/api/v1/cases", json.dumps(report_body), content_type="application/json").status_code == 201


def test_logged_in_reports_are_not_limited(report_body, api):
    resident = api("resident1")
    body = {k: v for k, v in report_body.items() if k != "contact_phone"}
    assert [resident.post("/cases", body).status_code for _ in range(3)] == [201, 201, 201]


def test_the_public_form_refuses_when_over_the_limit(report_body, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ANONYMOUS_REPORTS_PER_HOUR = 0
    client = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="10.0.0.9")
    before = Case.objects.count()
    response = client.post("/cases/report/", {**report_body, "idempotency_key": "a"})
    assert response.status_code == 429
    assert "Too many reports from this address" in response.content.decode()
    assert Case.objects.count() == before
