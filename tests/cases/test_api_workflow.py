"""A whole life of a case through the JSON API, each step by the persona whose job it is."""

from tests.cases.conftest import CATEGORY, GRID_1, image_bytes, point_in
from wangge.accounts.models import Department
from wangge.cases.models import Case, CaseEvent, CasePhoto


def _photos():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        "photo_before": SimpleUploadedFile("before.png", image_bytes(), content_type="image/png"),
        "photo_after": SimpleUploadedFile("after.jpg", image_bytes("JPEG"), content_type="image/jpeg"),
    }


def test_a_report_travels_the_whole_workflow_through_the_api(caller, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    resident, operator, dispatcher = caller("resident1"), caller("operator"), caller("dispatcher")
    department, dutychief, gridworker = caller("department1"), caller("dutychief"), caller("gridworker1")
    lon, lat = point_in(GRID_1)

    created = resident.post(
        "/cases",
        {"category": CATEGORY, "description": "路边堆了一大堆渣土", "lon": lon, "lat": lat, "address": "幸福路8号"},
        HTTP_IDEMPOTENCY_KEY="happy-1",
    )
    assert created.status_code == 201, created.content
    case = created.json()
    number = case["number"]
    assert case["status"] == "reported"
    assert case["allowed_actions"] == []
    assert case["category"]["code"] == CATEGORY
    assert GRID_1 in [r["code"] for r in case["region_chain"]]

    def act(client, action, expect=200, **fields):
        response = client.act(number, action, version=Case.objects.get(number=number).version, **fields)
        assert response.status_code == expect, (action, response.content)
        return response.json()

    assert "accept" in operator.get(f"/cases/{number}").json()["allowed_actions"]
    assert act(operator, "accept", opinion="受理")["status"] == "accepted"
    body = act(dispatcher, "dispatch", opinion="派城管")
    city_management = Department.objects.get(kind="city_management")
    assert body["status"] == "dispatched"
    assert body["assignee"]["department"] == {"code": city_management.code, "name": city_management.name}
    assert act(department, "sign")["status"] == "in_progress"
    body = act(department, "request_extension", opinion="需要调车", extension="2d")
    assert body["flags"]["pending_request"] == "extension"
    due_before = body["due_at"]
    body = act(dutychief, "approve_extension")
    assert body["flags"]["extension_count"] == 1
    assert body["due_at"] > due_before

    # Feedback carries its evidence as multipart files on the same endpoint.
    version = Case.objects.get(number=number).version
    response = department.post_multipart(
        f"/cases/{number}/actions",
        {"action": "feedback", "opinion": "已清运", "version": str(version), **_photos()},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "handled"
    assert act(gridworker, "verify_fail", opinion="还有残留")["status"] == "in_progress"
    response = department.post_multipart(
        f"/cases/{number}/actions", {"action": "feedback", "opinion": "已彻底清运", **_photos()}
    )
    assert response.status_code == 200, response.content
    assert act(gridworker, "verify_pass", opinion="已核实")["status"] == "verified"
    assert act(operator, "close", opinion="结案")["status"] == "closed"
    body = act(resident, "rate", speed=2, result=1, comment="太慢了")
    assert body["status"] == "rated"
    assert body["rating"] == {"speed": 2, "result": 1, "comment": "太慢了", "satisfied": False}
    assert act(resident, "reopen", opinion="渣土又回来了")["status"] == "dispatched"
    assert act(department, "sign")["status"] == "in_progress"
    response = department.post_multipart(
        f"/cases/{number}/actions", {"action": "feedback", "opinion": "再次清运", **_photos()}
    )
    assert response.status_code == 200, response.content
    assert act(gridworker, "verify_pass", opinion="已核实")["status"] == "verified"
    assert act(operator, "close", opinion="结案")["status"] == "closed"
    body = act(resident, "rate", speed=5, result=5)
    assert body["status"] == "rated"
    assert body["rating"]["satisfied"] is True
    assert body["flags"]["reopen_count"] == 1
    assert body["flags"]["rework_count"] == 1

    timeline = resident.get(f"/cases/{number}/timeline")
    assert timeline.status_code == 200
    events = timeline.json()
    assert [e["action"] for e in events] == [
        "report",
        "accept",
        "dispatch",
        "sign",
        "request_extension",
        "approve_extension",
        "feedback",
        "verify_fail",
        "feedback",
        "verify_pass",
        "close",
        "rate",
        "reopen",
        "sign",
        "feedback",
        "verify_pass",
        "close",
        "rate",
    ]
    assert [e["seq"] for e in events] == list(range(1, 19))
    # The resident follows the case by role: staff names are shown to staff only.
    assert events[1]["actor_name"] == "" and events[1]["role"] == "command_operator"
    staff_view = operator.get(f"/cases/{number}/timeline").json()
    assert staff_view[1]["actor_name"] != ""
    assert events[1]["role_label"] == "Command-centre operator"
    assert events[1]["action_label"] == "Accept"
    assert (events[1]["from_status"], events[1]["to_status"]) == ("reported", "accepted")
    assert events[3]["role"] == "assignee" and events[3]["role_label"] == "Assignee"
    assert events[4]["data"] == {"extension": "2d"}
    feedback = events[6]
    photos = CasePhoto.objects.filter(event__seq=7, event__case__number=number).order_by("pk")
    assert [p["url"] for p in feedback["photos"]] == [f"/cases/{number}/photos/{p.pk}/" for p in photos]
    assert {p["kind"] for p in feedback["photos"]} == {"photo_before", "photo_after"}
    assert CaseEvent.objects.filter(case__number=number).count() == 18
    detail = resident.get(f"/cases/{number}").json()
    assert len(detail["photos"]) == 6
    assert detail["version"] == 17
