"""The deliberation API: pages, the scope of every list and detail, and a meeting run end to end (attend,
vote, close, minutes, sign, decide, follow up)."""

import pytest

from tests.deliberation.conftest import CATEGORY, COMMUNITY_1, COMMUNITY_2
from wangge.deliberation.models import Topic

pytestmark = pytest.mark.django_db
OTHER = "gw329901001002001"  # a grid worker of the next community


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"items", "next_cursor", "count"}
    return {row["id"] for row in body["items"]}


def test_topics_are_pages_scoped_to_the_caller(topic, caller):
    proposed = topic(accept=None)
    accepted = topic(actor="gridworker1", title="已受理")
    theirs = topic(actor="gridworker1", accept=None, title="网格员提的")
    elsewhere = topic(actor="leader", community=COMMUNITY_2, title="别的社区", reviewer="leader")
    made = {proposed.pk, accepted.pk, theirs.pk, elsewhere.pk}
    assert ids(caller("resident1").get("/topics", {"size": 100})) & made == {proposed.pk, accepted.pk}
    assert ids(caller("community1").get("/topics", {"size": 100})) & made == {proposed.pk, accepted.pk, theirs.pk}
    assert ids(caller("leader").get("/topics", {"size": 100})) & made == made
    assert ids(caller(OTHER).get("/topics", {"size": 100})) & made == {elsewhere.pk}
    assert caller(OTHER).get(f"/topics/{accepted.pk}").status_code == 404
    assert caller("resident1").get(f"/topics/{theirs.pk}").status_code == 404  # proposed, not theirs
    first = caller("leader").get("/topics", {"size": 1}).json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    assert caller("resident1").get("/topics", {"community": COMMUNITY_2}).status_code == 404


def test_raise_and_review_through_the_api(caller):
    raised = caller("resident1").post(
        "/topics", {"community": COMMUNITY_1, "title": "<b>路灯</b>", "description": "不亮"}
    )
    assert raised.status_code == 201, raised.content
    body = raised.json()
    assert (body["title"], body["status"], body["source"]) == ("<b>路灯</b>", "proposed", "resident")
    refused = caller("community1").post(f"/topics/{body['id']}/review", {"accept": False, "reason": " "})
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "reason"
    done = caller("community1").post(f"/topics/{body['id']}/review", {"accept": False, "reason": "物业处理"})
    assert done.json()["status"] == "declined" and done.json()["review_reason"] == "物业处理"
    assert caller("community1").post(f"/topics/{body['id']}/review", {"accept": True, "reason": "x"}).status_code == 409
    bad = caller("resident1").post("/topics", {"community": COMMUNITY_1, "title": "a\u202eb", "description": "c"})
    assert bad.status_code == 422


def test_a_meeting_runs_through_the_api(topic, caller):
    accepted = topic()
    staff = caller("community1")
    called = staff.post(
        "/meetings",
        {
            "community": COMMUNITY_1,
            "title": "百姓议事会",
            "place_kind": "pavilion",
            "place": "说事亭",
            "starts_at": "2026-12-20T19:00:00+08:00",
            "invite_residents": True,
            "participants": [{"kind": "property", "name": "红枫物业"}, {"kind": "unit", "name": "供电公司"}],
            "topics": [accepted.pk],
        },
    )
    assert called.status_code == 201, called.content
    meeting = called.json()
    mid = meeting["id"]
    assert {p["kind"] for p in meeting["participants"]} >= {"resident", "property", "unit"}
    assert meeting["agenda"][0]["topic_id"] == accepted.pk
    resident = caller("resident1")
    assert resident.post(f"/meetings/{mid}/attend", {}).json()["attended"] is True
    assert resident.post(f"/meetings/{mid}/vote", {"choice": "yes"}).status_code == 409  # no vote yet
    assert staff.post(f"/meetings/{mid}/vote/open", {"question": "同意吗？"}).status_code == 201
    assert resident.post(f"/meetings/{mid}/vote", {"choice": "yes"}).status_code == 201
    assert resident.post(f"/meetings/{mid}/vote", {"choice": "no"}).status_code == 409
    assert resident.get(f"/meetings/{mid}").json()["voted"] is True
    closed = staff.post(f"/meetings/{mid}/vote/close")
    assert (closed.json()["yes"], closed.json()["no"], closed.json()["passed"]) == (1, 0, True)
    assert resident.post(f"/meetings/{mid}/vote", {"choice": "no"}).status_code == 409
    assert staff.post(f"/meetings/{mid}/minutes", {"text": "一致同意"}).json()["number"] == 1
    assert staff.post(f"/meetings/{mid}/minutes/sign").json()["signed"] is True
    assert staff.post(f"/meetings/{mid}/minutes/sign").status_code == 409
    assert staff.post(f"/meetings/{mid}/minutes", {"text": "补充"}).json()["number"] == 2
    decided = staff.post(
        f"/meetings/{mid}/decisions",
        {
            "text": "增设充电桩",
            "kind": "case",
            "due_on": "2027-01-31",
            "owner_name": "居委会",
            "topic_id": accepted.pk,
            "category": CATEGORY,
        },
    )
    assert decided.status_code == 201, decided.content
    decision = decided.json()
    assert decision["case"] and decision["status"] == "open"
    task = staff.post(
        f"/meetings/{mid}/decisions",
        {"text": "清理车棚", "kind": "task", "due_on": "2027-01-07", "owner": "gridworker1"},
    ).json()
    assert (
        caller("gridworker1")
        .post(f"/meetings/{mid}/decisions/{task['id']}/follow-ups", {"note": "已清运", "done": True})
        .status_code
        == 201
    )
    seen = resident.get(f"/meetings/{mid}").json()
    assert [m["signed"] for m in seen["minutes"]] == [True, False]
    assert {d["text"]: d["status"] for d in seen["decisions"]} == {"增设充电桩": "open", "清理车棚": "done"}
    assert seen["vote"]["passed"] is True
    assert Topic.objects.get(pk=accepted.pk).status == "decided"
    assert caller(OTHER).get(f"/meetings/{mid}").status_code == 404
    assert mid not in ids(caller(OTHER).get("/meetings", {"size": 100}))
    assert mid in ids(resident.get("/meetings", {"size": 100}))
