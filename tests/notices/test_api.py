"""The notices API: the page convention, scope of the list and the detail, receipts, answers, results and the
Excel export."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.notices.conftest import COMMUNITY_1, COMMUNITY_2, GRID_1, GRID_2
from wangge.notices.models import Notice, ReadReceipt

pytestmark = pytest.mark.django_db


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


def test_the_list_is_a_page_scoped_to_the_reader(publish, caller):
    now = timezone.now()
    in_grid = publish(GRID_1)
    in_community = publish(COMMUNITY_1)
    next_grid = publish(GRID_2)
    other_community = publish(COMMUNITY_2, actor="leader")
    future = publish(GRID_1, publish_from=now + timedelta(days=1))
    ended = publish(GRID_1, publish_from=now - timedelta(days=3), publish_until=now - timedelta(days=1))
    mine = {in_grid.pk, in_community.pk, next_grid.pk, other_community.pk, future.pk, ended.pk}

    resident = caller("resident1").get("/notices", {"size": 100})
    assert set(resident.json()) == {"items", "next_cursor", "count"}
    assert ids(resident) & mine == {in_grid.pk, in_community.pk}  # published now, to their grid and above
    assert ids(caller("gridworker1").get("/notices", {"size": 100})) & mine == {
        in_grid.pk,
        in_community.pk,
        future.pk,
        ended.pk,
    }
    assert ids(caller("gridworker2").get("/notices", {"size": 100})) & mine == {next_grid.pk, in_community.pk}
    assert ids(caller("community1").get("/notices", {"size": 100})) & mine == mine - {other_community.pk}
    assert ids(caller("leader").get("/notices", {"size": 100})) & mine == mine
    assert ids(caller("resident1").get("/notices", {"size": 100, "kind": "finance"})) & mine == set()


def test_pages_follow_the_cursor(publish, caller):
    for _ in range(3):
        publish(GRID_1)
    first = caller("resident1").get("/notices", {"size": 2}).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = caller("resident1").get("/notices", {"size": 2, "cursor": first["next_cursor"]}).json()
    assert not {r["id"] for r in first["items"]} & {r["id"] for r in second["items"]}


@pytest.mark.parametrize(("persona", "status"), [("resident1", 404), ("gridworker1", 200), ("gridworker2", 404)])
def test_a_notice_outside_its_window_is_absent_for_residents(publish, caller, persona, status):
    future = publish(GRID_1, publish_from=timezone.now() + timedelta(days=1))
    assert caller(persona).get(f"/notices/{future.pk}").status_code == status


def test_the_detail_shows_the_body_as_text_and_no_history_to_residents(publish, caller):
    notice = publish(GRID_1, poll=True, body="<script>alert(1)</script>\n第二行")
    body = caller("resident1").get(f"/notices/{notice.pk}").json()
    assert body["body"] == "<script>alert(1)</script>\n第二行"
    assert body["revisions"] == [] and body["read"] is False and body["answered"] is False
    assert [q["kind"] for q in body["questions"]] == ["single", "multiple"]
    staff = caller("community1").get(f"/notices/{notice.pk}").json()
    assert [r["number"] for r in staff["revisions"]] == [1]


def test_read_is_counted_once(publish, caller):
    notice = publish(GRID_1)
    first = caller("resident1").post(f"/notices/{notice.pk}/read")
    again = caller("resident1").post(f"/notices/{notice.pk}/read")
    assert (first.json(), again.json()) == ({"first": True}, {"first": False})
    assert ReadReceipt.objects.filter(notice=notice).count() == 1
    assert caller("resident1").get(f"/notices/{notice.pk}").json()["read"] is True


def _answers(notice: Notice) -> dict:
    single, multiple = notice.questions.all()
    return {
        "answers": [
            {"question_id": single.pk, "choice_ids": [single.choices.first().pk]},
            {"question_id": multiple.pk, "choice_ids": [c.pk for c in multiple.choices.all()[:2]]},
        ]
    }


def test_respond_once_then_409_and_results_with_export(publish, caller):
    notice = publish(GRID_1, poll=True)
    first = caller("resident1").post(f"/notices/{notice.pk}/respond", _answers(notice))
    assert first.status_code == 201, first.content
    again = caller("resident1").post(f"/notices/{notice.pk}/respond", _answers(notice))
    assert again.status_code == 409
    caller("resident1").post(f"/notices/{notice.pk}/read")

    results = caller("gridworker1").get(f"/notices/{notice.pk}/results").json()
    assert results["basis"] == "resident_accounts" and results["responses"] == 1
    assert [c["count"] for c in results["questions"][0]["choices"]] == [1, 0]
    assert [c["count"] for c in results["questions"][1]["choices"]] == [1, 1, 0]
    grid = next(g for g in results["grids"] if g["code"] == GRID_1)
    assert grid["readers"] == 1 and grid["residents"] >= 1

    export = caller("gridworker1").get(f"/notices/{notice.pk}/results/export")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(export.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert any(r[:3] == ("同意加装电梯吗？", "同意", 1) for r in rows)


def test_the_export_writes_formulas_as_text(publish, caller):
    notice = publish(GRID_1, title='=HYPERLINK("http://x")')
    export = caller("gridworker1").get(f"/notices/{notice.pk}/results/export")
    cell = load_workbook(io.BytesIO(export.content)).worksheets[0]["A1"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x")'


def test_respond_after_closing_is_409(publish, caller):
    now = timezone.now()
    notice = publish(GRID_1, poll=True, publish_from=now - timedelta(days=3), poll_closes_at=now - timedelta(days=1))
    assert caller("resident1").post(f"/notices/{notice.pk}/respond", _answers(notice)).status_code == 409


def test_publish_through_the_api(caller):
    response = caller("gridworker1").post(
        "/notices",
        {
            "kind": "finance",
            "region": GRID_1,
            "title": "收支公开",
            "body": "收入 100 元",
            "questions": [{"text": "满意吗？", "choices": ["满意", "不满意"]}],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind_label"] and body["questions"][0]["choices"][0]["text"] == "满意"
    refused = caller("gridworker1").post("/notices", {"kind": "notice", "region": GRID_2, "title": "x", "body": "y"})
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "region"
    controls = caller("gridworker1").post(
        "/notices", {"kind": "notice", "region": GRID_1, "title": "x\u202e", "body": "y"}
    )
    assert controls.status_code == 422


def test_the_region_filter_takes_a_region_the_caller_may_look_at(publish, caller):
    in_grid = publish(GRID_1)
    in_community = publish(COMMUNITY_1)
    assert ids(caller("resident1").get("/notices", {"region": GRID_1, "size": 100})) & {
        in_grid.pk,
        in_community.pk,
    } == {in_grid.pk}
    assert caller("resident1").get("/notices", {"region": GRID_2}).status_code == 404
    assert caller("gridworker2").get("/notices", {"region": GRID_1}).status_code == 404
