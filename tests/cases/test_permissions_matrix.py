"""Who gets what from every cases endpoint: a matrix of persona × case × endpoint → status.

Out of reach answers exactly like absent (404); reachable but not your job is 403; no token is 401.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.cases.conftest import GRID_1, GRID_2, GRID_OTHER_STREET, PERSONAS, image_bytes, point_in
from wangge.accounts.models import User
from wangge.cases import services

MARKER = "矩阵测试"

# Four cases: where they happened, who reported them, how far they went.
#   mine      resident1's report in grid 1, waiting for acceptance at street 1's command centre
#   assigned  gridworker1's patrol report in grid 1, dispatched to city management (department1)
#   grid2     gridworker2's patrol report in grid 2
#   far       an anonymous phone report in another street
SEES = {
    "mine": {"resident1", "gridworker1", "dispatcher", "operator", "dutychief", "community1", "leader", "admin"},
    "assigned": {"gridworker1", "department1", "dispatcher", "operator", "dutychief", "community1", "leader", "admin"},
    "grid2": {"gridworker2", "dispatcher", "operator", "dutychief", "community1", "leader", "admin"},
    "far": {"admin"},
}
# Who may accept "mine" (the rest who can see it get 403): the street's centre and the superuser.
MAY_ACCEPT = {"dispatcher", "operator", "dutychief", "admin"}
# Who may add a photo to "mine": anyone with a role on the case (community staff reads it but
# neither handles it, the street does, nor patrols it).
MAY_ADD_PHOTO = {"resident1", "gridworker1", "dispatcher", "operator", "dutychief", "leader", "admin"}


@pytest.fixture
def cases(db, report):
    operator, dispatcher = User.objects.get(username="operator"), User.objects.get(username="dispatcher")
    assigned = report("gridworker1", source="patrol", description=f"{MARKER} 已派遣")
    services.transition(assigned, "accept", actor=operator)
    services.transition(assigned, "dispatch", actor=dispatcher)
    return {
        "mine": report("resident1", description=f"{MARKER} 待受理"),
        "assigned": assigned,
        "grid2": report("gridworker2", grid=GRID_2, source="patrol", description=f"{MARKER} 二网格"),
        "far": report(None, grid=GRID_OTHER_STREET, description=f"{MARKER} 外街道"),
    }


def _expected(persona, case_key, allowed=200):
    if persona is None:
        return 401
    return allowed if persona in SEES[case_key] else 404


READS = ["/cases/{number}", "/cases/{number}/timeline"]
READ_MATRIX = [
    pytest.param(persona, key, path, _expected(persona, key), id=f"{persona}-{key}-{path.rsplit('/', 1)[-1]}")
    for persona in [*PERSONAS, None]
    for key in SEES
    for path in READS
]


@pytest.mark.parametrize(("persona", "key", "path", "expected"), READ_MATRIX)
def test_reading_a_case_answers_by_scope(caller, cases, persona, key, path, expected):
    response = caller(persona).get(path.format(number=cases[key].number))
    assert response.status_code == expected, response.content
    if expected == 404:
        assert response.json() == {"detail": "Not found.", "errors": []}
    if expected == 401:
        assert response.json()["errors"][0]["field"] == "Authorization"


@pytest.mark.parametrize("persona", [*PERSONAS, None])
def test_the_list_holds_exactly_the_cases_in_reach(caller, cases, persona):
    response = caller(persona).get("/cases", {"q": MARKER, "size": 100})
    if persona is None:
        assert response.status_code == 401
        return
    assert response.status_code == 200, response.content
    numbers = {item["number"] for item in response.json()["items"]}
    assert numbers == {cases[key].number for key, who in SEES.items() if persona in who}


@pytest.mark.parametrize("persona", [*PERSONAS, None])
def test_nearby_offers_only_cases_in_reach(caller, cases, persona):
    lon, lat = point_in(GRID_1)
    response = caller(persona).get("/cases/nearby", {"lon": lon, "lat": lat, "text": MARKER})
    if persona is None:
        assert response.status_code == 401
        return
    assert response.status_code == 200, response.content
    numbers = {item["number"] for item in response.json()}
    # The two grid-1 cases share the point; other cases are elsewhere.
    assert numbers == {cases[key].number for key in ("mine", "assigned") if persona in SEES[key]}


ACCEPT_MATRIX = [
    pytest.param(persona, 401 if persona is None else _expected(persona, "mine", 200 if persona in MAY_ACCEPT else 403))
    for persona in [*PERSONAS, None]
]


@pytest.mark.parametrize(("persona", "expected"), ACCEPT_MATRIX)
def test_accepting_answers_by_role_and_scope(caller, cases, persona, expected):
    number = cases["mine"].number
    response = caller(persona).act(number, "accept", opinion="受理")
    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json()["status"] == "accepted"
    if expected == 403:
        assert response.json()["detail"] == "Your role may not do “accept” on this case."


PHOTO_MATRIX = [
    pytest.param(
        persona, 401 if persona is None else _expected(persona, "mine", 201 if persona in MAY_ADD_PHOTO else 403)
    )
    for persona in [*PERSONAS, None]
]


@pytest.mark.parametrize(("persona", "expected"), PHOTO_MATRIX)
def test_adding_a_photo_answers_by_role_and_scope(caller, cases, settings, tmp_path, persona, expected):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("x.png", image_bytes(), content_type="image/png")
    response = caller(persona).post_multipart(f"/cases/{cases['mine'].number}/photos", {"file": upload})
    assert response.status_code == expected, response.content


@pytest.mark.parametrize(("persona", "expected"), [*[(p, 200) for p in PERSONAS], (None, 401)])
def test_the_catalogue_needs_a_login_but_no_role(caller, persona, expected):
    assert caller(persona).get("/categories").status_code == expected


def test_a_department_sees_a_case_only_once_dispatched_to_it(caller, report):
    case = report("resident1", description=f"{MARKER} 等待派遣")
    department = caller("department1")
    assert department.get(f"/cases/{case.number}").status_code == 404
    services.transition(case, "accept", actor=User.objects.get(username="operator"))
    assert department.get(f"/cases/{case.number}").status_code == 404
    services.transition(case, "dispatch", actor=User.objects.get(username="dispatcher"))
    body = department.get(f"/cases/{case.number}").json()
    assert body["allowed_actions"] == ["sign", "return"]


def test_anonymous_may_only_report_and_only_with_a_phone(caller):
    lon, lat = point_in(GRID_1)
    anonymous = caller(None)
    payload = {"category": "0602", "description": f"{MARKER} 匿名", "lon": lon, "lat": lat}
    response = anonymous.post("/cases", payload)
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["contact_phone"]
    response = anonymous.post("/cases", {**payload, "contact_phone": "13812345678"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["contact_phone"] == "138****5678"
    assert body["allowed_actions"] == []
    assert anonymous.get(f"/cases/{body['number']}").status_code == 401
    assert anonymous.post(f"/cases/{body['number']}/actions", {"action": "accept"}).status_code == 401


def test_a_bad_token_is_a_401_even_where_anonymous_reports_are_allowed(caller):
    lon, lat = point_in(GRID_1)
    bad = caller(None)
    bad.headers = {"HTTP_AUTHORIZATION": "Bearer wg_not-a-token"}
    response = bad.post(
        "/cases", {"category": "0602", "description": "x", "lon": lon, "lat": lat, "contact_phone": "13812345678"}
    )
    assert response.status_code == 401
