"""POST /cases/{number}/actions: each way an action can be refused, and actions with evidence."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.cases.conftest import GRID_1, GRID_2, ON_SPOT_CATEGORY, image_bytes
from wangge.accounts.models import User
from wangge.cases import services
from wangge.cases.models import Case, CaseEvent, CasePhoto


def _fields(response) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


def _png(name="p.png"):
    return SimpleUploadedFile(name, image_bytes(), content_type="image/png")


def _as(username):
    return User.objects.get(username=username)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def reported(report):
    return report("resident1")


@pytest.fixture
def in_progress(report):
    case = report("resident1")
    services.transition(case, "accept", actor=_as("operator"))
    services.transition(case, "dispatch", actor=_as("dispatcher"))
    services.transition(case, "sign", actor=_as("department1"))
    return Case.objects.get(pk=case.pk)


def test_an_action_not_possible_now_is_a_409(caller, reported):
    response = caller("operator").act(reported.number, "close", opinion="结案")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "“close” is not possible while the case is Reported, awaiting acceptance.",
        "errors": [],
    }
    assert CaseEvent.objects.filter(case=reported).count() == 1


def test_a_stale_version_is_a_409_and_changes_nothing(caller, reported):
    operator = caller("operator")
    assert operator.act(reported.number, "accept", version=0).status_code == 200
    response = caller("dispatcher").act(reported.number, "dispatch", version=0)
    assert response.status_code == 409
    assert response.json()["detail"].startswith("Someone else changed this case")
    assert Case.objects.get(pk=reported.pk).status == "accepted"
    assert caller("dispatcher").act(reported.number, "dispatch", version=1).status_code == 200


def test_the_same_submission_twice_is_refused_the_second_time(caller, reported):
    operator = caller("operator")
    first = operator.act(reported.number, "accept", version=0)
    second = operator.act(reported.number, "accept", version=0)
    assert (first.status_code, second.status_code) == (200, 409)
    assert CaseEvent.objects.filter(case=reported, action="accept").count() == 1


def test_reject_without_an_opinion_is_a_400_naming_opinion(caller, reported):
    response = caller("operator").act(reported.number, "reject", opinion="   ")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "opinion", "message": "Give a reason or an opinion for this action."}
    ]
    response = caller("operator").act(reported.number, "reject", opinion="不属于网格事项")
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"


def test_a_role_that_may_not_is_a_403(caller, reported):
    response = caller("gridworker1").act(reported.number, "accept")
    assert response.status_code == 403
    assert Case.objects.get(pk=reported.pk).status == "reported"


def test_out_of_scope_is_a_404_before_anything_else(caller, reported):
    for body in ({"action": "accept"}, {"action": "no-such-action"}, {}):
        response = caller("gridworker2").post(f"/cases/{reported.number}/actions", body)
        assert response.status_code == 404
    assert caller("operator").act("329901-20260101-9999", "accept").status_code == 404


def test_an_unknown_action_is_a_422_naming_action(caller, reported):
    response = caller("operator").act(reported.number, "teleport")
    assert response.status_code == 422
    assert _fields(response) == ["action"]
    assert caller("operator").post(f"/cases/{reported.number}/actions", {}).status_code == 422


def test_a_malformed_body_is_a_400(caller, reported):
    response = caller("operator").post(f"/cases/{reported.number}/actions", raw="{action: accept}")
    assert response.status_code == 400
    assert _fields(response) == ["body"]


def test_an_overlong_opinion_is_refused(caller, reported):
    response = caller("operator").act(reported.number, "reject", opinion="理" * 2001)
    assert response.status_code == 422
    assert _fields(response) == ["opinion"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"department": "NOPE"}, "department"),
        ({"region": "329901002001001"}, "region"),  # a grid under another street
        ({"department": "x", "region": GRID_1}, "department"),
    ],
)
def test_a_bad_dispatch_is_a_400_naming_the_field(caller, reported, fields, field):
    services.transition(reported, "accept", actor=_as("operator"))
    response = caller("dispatcher").act(reported.number, "dispatch", **fields)
    assert response.status_code == 400, response.content
    assert _fields(response) == [field]
    assert Case.objects.get(pk=reported.pk).status == "accepted"


def test_dispatch_to_a_grid_makes_its_worker_the_assignee(caller, reported):
    services.transition(reported, "accept", actor=_as("operator"))
    body = caller("dispatcher").act(reported.number, "dispatch", region=GRID_1, opinion="网格处置").json()
    assert body["assignee"]["region"]["code"] == GRID_1
    assert body["assignee"]["department"] is None
    worker = caller("gridworker1")
    assert worker.get(f"/cases/{reported.number}").json()["allowed_actions"] == ["sign", "return"]
    body = worker.act(reported.number, "sign").json()
    assert body["assignee"]["user"] == _as("gridworker1").display_name
    assert caller("gridworker2").act(reported.number, "sign").status_code == 404


def test_extension_and_rating_params_are_validated(caller, in_progress):
    department = caller("department1")
    response = department.act(in_progress.number, "request_extension", opinion="忙", extension="soon")
    assert (response.status_code, _fields(response)) == (400, ["extension"])
    response = department.act(in_progress.number, "request_extension", opinion="忙")
    assert (response.status_code, _fields(response)) == (400, ["extension"])
    response = department.act(in_progress.number, "request_extension", opinion="忙", extension="2d")
    assert response.status_code == 200
    second = department.act(in_progress.number, "request_extension", opinion="还要", extension="1d")
    assert second.status_code == 409
    denied = caller("dutychief").act(in_progress.number, "deny_extension", opinion="不批")
    assert denied.json()["flags"]["pending_request"] == ""


def test_rating_scores_must_be_1_to_5(caller, in_progress):
    case = in_progress
    services.transition(
        case, "feedback", actor=_as("department1"), opinion="好了", photo_before=[_png()], photo_after=[_png()]
    )
    services.transition(case, "verify_pass", actor=_as("gridworker1"))
    services.transition(case, "close", actor=_as("operator"))
    resident = caller("resident1")
    response = resident.act(case.number, "rate", speed=9, result=0)
    assert response.status_code == 400
    assert sorted(_fields(response)) == ["result", "speed"]
    response = resident.act(case.number, "rate", speed="fast", result=3)
    assert (response.status_code, _fields(response)) == (422, ["speed"])
    assert resident.act(case.number, "rate", speed=4, result=5).status_code == 200
    assert caller("gridworker1").act(case.number, "rate", speed=1, result=1).status_code == 409


def test_supervise_and_merge_params(caller, report, reported):
    leader, operator = caller("leader"), caller("operator")
    response = leader.act(reported.number, "supervise", opinion="督办", supervision="purple")
    assert (response.status_code, _fields(response)) == (400, ["supervision"])
    body = leader.act(reported.number, "supervise", opinion="督办", supervision="yellow").json()
    assert body["flags"]["supervision"] == "yellow"
    original = report("resident1")
    response = operator.act(reported.number, "merge", duplicate_of="329901-20200101-0001")
    assert (response.status_code, _fields(response)) == (400, ["duplicate_of"])
    body = operator.act(reported.number, "merge", duplicate_of=original.number).json()
    assert (body["status"], body["flags"]["duplicate_of"]) == ("merged", original.number)


def test_feedback_needs_the_categorys_evidence(caller, in_progress):
    department = caller("department1")
    response = department.act(in_progress.number, "feedback", opinion="已处理")
    assert response.status_code == 400
    assert _fields(response) == ["photo_before"]
    response = department.post_multipart(
        f"/cases/{in_progress.number}/actions",
        {"action": "feedback", "opinion": "已处理", "photo_before": _png()},
    )
    assert (response.status_code, _fields(response)) == (400, ["photo_after"])
    assert CasePhoto.objects.filter(case=in_progress).count() == 0


def test_feedback_refuses_a_file_that_is_not_an_image(caller, in_progress):
    fake = SimpleUploadedFile("after.jpg", b"just some text, renamed", content_type="image/jpeg")
    response = caller("department1").post_multipart(
        f"/cases/{in_progress.number}/actions",
        {"action": "feedback", "opinion": "已处理", "photo_before": _png(), "photo_after": fake},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "photo_after", "message": "The file is not a JPEG, PNG or WebP image."}
    ]
    assert Case.objects.get(pk=in_progress.pk).status == "in_progress"


def test_multipart_feedback_attaches_several_photos_to_the_event(caller, in_progress):
    response = caller("department1").post_multipart(
        f"/cases/{in_progress.number}/actions",
        {
            "action": "feedback",
            "opinion": "已处理",
            "version": str(in_progress.version),
            "photo_before": [_png("a.png"), _png("b.png")],
            "photo_after": _png("c.png"),
            "document": _png("d.png"),
        },
    )
    assert response.status_code == 200, response.content
    event = CaseEvent.objects.get(case=in_progress, action="feedback")
    assert sorted(event.photos.values_list("kind", flat=True)) == [
        "document",
        "photo_after",
        "photo_before",
        "photo_before",
    ]
    assert len(response.json()["photos"]) == 4


def test_a_stale_version_in_a_form_is_a_409(caller, in_progress):
    response = caller("department1").post_multipart(
        f"/cases/{in_progress.number}/actions",
        {"action": "feedback", "opinion": "已处理", "version": "0", "photo_before": _png(), "photo_after": _png()},
    )
    assert response.status_code == 409


def test_a_grid_worker_solves_on_the_spot_with_photos(caller, report):
    case = report("gridworker1", category=ON_SPOT_CATEGORY, source="patrol")
    response = caller("gridworker1").post_multipart(
        f"/cases/{case.number}/actions",
        {"action": "solve_on_spot", "opinion": "当场清理", "photo_before": _png(), "photo_after": _png()},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "handled"
    assert body["handling_region"]["code"] == GRID_1
    # Someone else verifies: the handler may not.
    assert caller("gridworker1").act(case.number, "verify_pass").status_code == 403
    other = report("gridworker2", grid=GRID_2, category=ON_SPOT_CATEGORY, source="patrol")
    response = caller("gridworker2").act(other.number, "solve_on_spot", opinion="当场清理")
    assert (response.status_code, _fields(response)) == (400, ["photo_before"])


def test_solve_on_spot_is_refused_for_a_category_that_does_not_allow_it(caller, report):
    case = report("gridworker1", source="patrol")  # 0602: not on the spot
    response = caller("gridworker1").post_multipart(
        f"/cases/{case.number}/actions",
        {"action": "solve_on_spot", "opinion": "当场", "photo_before": _png(), "photo_after": _png()},
    )
    assert response.status_code == 409


def test_the_response_is_the_updated_case_with_the_callers_next_actions(caller, reported):
    body = caller("operator").act(reported.number, "accept", opinion="好").json()
    assert body["status"] == "accepted"
    assert body["version"] == 1
    assert "dispatch" in body["allowed_actions"] and "accept" not in body["allowed_actions"]


def test_a_plain_form_works_like_json(caller, reported):
    client = caller("operator")
    response = client.client.post(
        f"/api/v1/cases/{reported.number}/actions",
        "action=reject&opinion=%E9%87%8D%E5%A4%8D&version=0",
        content_type="application/x-www-form-urlencoded",
        **client.headers,
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["version"]) == ("rejected", 1)
