"""The disputes API: register, the case in one step, sessions, agreement, outcome, escalation, rates; pages of
lists, scope (404 outside), masked numbers, bad input named by field."""

import pytest

from tests.cases.conftest import point_in
from tests.mediation.conftest import DISPUTE_CATEGORY, GRID_1, GRID_2, party
from wangge.accounts.models import User
from wangge.cases import services as case_services
from wangge.core import pii
from wangge.mediation.models import Dispute

BODY = {
    "kind": "property",
    "region": GRID_1,
    "title": "<b>物业</b>收费",
    "summary": "物业费争议",
    "parties": [
        {"name": "<script>alert(1)</script>", "phone": "13912345678", "role": "applicant"},
        {"name": "物业公司", "role": "respondent"},
    ],
}


def _case(grid=GRID_1, category=DISPUTE_CATEGORY):
    lon, lat = point_in(grid)
    case, _created = case_services.report_case(
        actor=User.objects.get(username="resident1"),
        report=case_services.Report(category=category, description="楼上楼下噪音纠纷", lon=lon, lat=lat),
    )
    return case


def test_register_and_read_masked(caller):
    response = caller("gridworker1").post("/disputes", BODY)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "registered" and body["title"] == "<b>物业</b>收费"
    first = body["parties"][0]
    assert first["phone_masked"] == "139****5678" and "13912345678" not in response.content.decode()
    assert body["allowed"] == ["start", "escalate"]
    listed = caller("gridworker1").get("/disputes", {"size": 100}).json()
    assert any(item["id"] == body["id"] for item in listed["items"]) and "next_cursor" in listed
    assert caller("gridworker2").get(f"/disputes/{body['id']}").status_code == 404
    assert caller("community1").get(f"/disputes/{body['id']}").status_code == 200
    assert caller("resident1").get(f"/disputes/{body['id']}").status_code == 404


def test_bad_input_names_the_field(caller):
    bad = {**BODY, "parties": [{"name": "张三", "phone": "123"}]}
    response = caller("gridworker1").post("/disputes", bad)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "parties"
    response = caller("gridworker1").post("/disputes", {**BODY, "title": "a\u202eb"})
    assert response.status_code == 422
    assert caller("gridworker1").post("/disputes", {**BODY, "region": GRID_2}).status_code == 400


def test_the_workflow_over_the_api(caller):
    client = caller("gridworker1")
    dispute_id = client.post("/disputes", BODY).json()["id"]
    assert client.post(f"/disputes/{dispute_id}/agreement", {"text": "x"}).status_code == 400  # no session
    response = client.post(f"/disputes/{dispute_id}/sessions", {"place": "调解室", "notes": "第一次"})
    assert response.status_code == 201 and response.json()["status"] == "mediating"
    response = client.post(f"/disputes/{dispute_id}/agreement", {"text": "减免三个月物业费"})
    assert response.json()["status"] == "agreed"
    assert client.post(f"/disputes/{dispute_id}/outcome", {"outcome": "failed"}).status_code == 409
    response = client.post(f"/disputes/{dispute_id}/escalate", {"to": "judicial", "note": "申请司法确认"})
    assert response.json()["status"] == "escalated" and response.json()["escalated_to"] == "judicial"
    actions = [e["action"] for e in response.json()["timeline"]]
    assert actions == ["register", "start", "session", "agree", "escalate"]


def test_a_dispute_case_becomes_a_dispute_once(caller):
    case = _case()
    client = caller("gridworker1")
    response = client.post("/disputes/from-case", {"case": case.number})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["case"] == case.number and body["kind"] == "neighbour"
    assert client.post("/disputes/from-case", {"case": case.number}).status_code == 409
    other = _case(category="0602")
    assert client.post("/disputes/from-case", {"case": other.number}).status_code == 400
    assert caller("gridworker2").post("/disputes/from-case", {"case": _case().number}).status_code == 404


def test_rates_change_with_an_agreement(caller, dispute):
    client = caller("gridworker1")
    before = {r["key"]: r for r in client.get("/disputes/rates").json()["rows"]}.get(GRID_1)
    d = dispute()
    client.post(f"/disputes/{d.pk}/sessions", {"place": "调解室"})
    client.post(f"/disputes/{d.pk}/agreement", {"text": "协议"})
    after = {r["key"]: r for r in client.get("/disputes/rates").json()["rows"]}[GRID_1]
    assert after["resolved"] == (before["resolved"] if before else 0) + 1
    assert client.get("/disputes/rates", {"by": "mediator"}).status_code == 200
    assert caller("resident1").get("/disputes/rates").status_code == 404


def test_resident_sees_the_disputes_they_are_a_party_to(caller, dispute):
    resident = User.objects.get(username="resident1")
    mine = dispute(parties=[party("居民甲", phone=pii.decrypt(resident.phone_encrypted))])
    other = dispute()
    ids = [i["id"] for i in caller("resident1").get("/disputes", {"size": 100}).json()["items"]]
    assert mine.pk in ids and other.pk not in ids
    assert caller("resident1").get(f"/disputes/{mine.pk}").json()["allowed"] == []
    assert caller("resident1").post(f"/disputes/{mine.pk}/sessions", {"place": "x"}).status_code == 404


def test_reveal_is_audited(caller, dispute):
    d = dispute()
    p = d.parties.order_by("position").first()
    url = f"/disputes/{d.pk}/parties/{p.pk}/reveal"
    assert caller("gridworker1").post(url, {"field": "phone", "reason": ""}).status_code == 400
    response = caller("gridworker1").post(url, {"field": "phone", "reason": "联系当事人"})
    assert response.json() == {"value": "13900001111"}


@pytest.mark.parametrize("persona", ["gridworker1", "community1", "leader"])
def test_list_is_scoped(caller, persona):
    items = caller(persona).get("/disputes", {"size": 100}).json()["items"]
    paths = {d.region_path for d in Dispute.objects.filter(pk__in=[i["id"] for i in items])}
    reach = User.objects.get(username=persona).memberships.get().region.path
    assert all(path.startswith(reach) for path in paths)
