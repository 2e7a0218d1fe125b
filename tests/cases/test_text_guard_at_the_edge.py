"""Control characters and direction overrides are refused where text enters cases: the API (422 naming
the field) and the pages (the message under the field), and nothing is written."""

import uuid

import pytest

from tests.cases.conftest import CATEGORY, GRID_1, point_in
from wangge.cases.models import Case


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def report(**extra):
    lon, lat = point_in(GRID_1)
    return {"category": CATEGORY, "description": "路边堆了渣土", "lon": lon, "lat": lat, **extra}


def errors(response) -> dict:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("description", "渣土\x00"),
        ("description", "a \x1b[31m red"),
        ("title", "abc\u202egnp.exe"),
        ("contact_name", "张\x01三"),
        ("address", "幸福路\n8号"),
    ],
)
def test_a_report_with_control_characters_is_422_naming_the_field(caller, field, value):
    response = caller("resident1").post("/cases", report(**{field: value}))
    assert response.status_code == 422
    assert field in errors(response)
    assert "control characters" in errors(response)[field]
    assert not Case.objects.exists()


def test_a_description_keeps_its_new_lines_and_tabs(caller):
    response = caller("resident1").post("/cases", report(description="第一行\r\n\t第二行"))
    assert response.status_code == 201


def test_an_opinion_with_a_control_character_is_422(caller, report):
    case = report()
    response = caller("operator").act(case.number, "accept", opinion="ok\x07", version=case.version)
    assert response.status_code == 422
    assert "opinion" in errors(response)


def test_the_intake_page_shows_the_refusal_under_the_field(browser):
    lon, lat = point_in(GRID_1)
    data = {
        "category": CATEGORY,
        "description": "渣土\x1b",
        "lon": f"{lon:.6f}",
        "lat": f"{lat:.6f}",
        "idempotency_key": uuid.uuid4().hex,
    }
    response = browser("resident1").post("/cases/new/", data)
    assert response.status_code == 400
    assert "description" in response.context["form"].errors
    assert not Case.objects.exists()
