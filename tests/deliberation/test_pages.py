"""The deliberation pages: residents see their community's topics, meetings and decisions; a topic is one
step from a case page; staff review, run the vote, sign minutes and record decisions from the meeting page."""

from datetime import date

import pytest

from tests.cases.conftest import point_in
from tests.deliberation.conftest import CATEGORY, COMMUNITY_1, GRID_1
from wangge.cases import services as case_services
from wangge.deliberation.models import Decision, MinutesRevision, Topic, Vote

pytestmark = pytest.mark.django_db


def test_the_demo_shows_resident1_and_community1_their_communitys_deliberation(browser):
    for persona in ("resident1", "community1"):
        page = browser(persona).get("/deliberation/")
        assert page.status_code == 200
        text = page.content.decode()
        assert "小区电动车充电桩不够用" in text and "百姓议事会：充电桩与车棚整治" in text
        assert "在3号楼车棚增设20个电动车充电桩" in text
    assert "楼道小广告" in browser("resident1").get("/deliberation/").content.decode()  # their own, declined
    assert "小区电动车充电桩不够用" not in browser("gw329901001002001").get("/deliberation/").content.decode()


def test_the_demo_meeting_shows_the_result_and_signed_minutes(browser):
    held = Vote.objects.get(question__startswith="是否同意在3号楼").meeting
    text = browser("resident1").get(f"/deliberation/meetings/{held.pk}/").content.decode()
    assert 'data-testid="vote-result"' in text and 'data-testid="minutes-signed"' in text
    assert 'data-testid="minutes-form"' not in text  # residents read, staff write


def test_a_resident_raises_a_topic_and_markup_is_shown_as_text(browser):
    response = browser("resident1").post(
        "/deliberation/topics/new/",
        {"community": COMMUNITY_1, "title": "<script>alert(1)</script>", "description": "路灯"},
    )
    topic = Topic.objects.get(title="<script>alert(1)</script>")
    assert response.status_code == 302 and response["Location"] == f"/deliberation/topics/{topic.pk}/"
    page = browser("resident1").get(response["Location"]).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert 'data-testid="review-form"' not in page
    assert 'data-testid="review-form"' in browser("community1").get(response["Location"]).content.decode()


def test_staff_raise_a_topic_from_a_case_page(browser, user):
    lon, lat = point_in(GRID_1)
    case, _ = case_services.report_case(
        actor=user("resident1"),
        report=case_services.Report(category=CATEGORY, description="充电桩全坏了", lon=lon, lat=lat),
    )
    page = browser("community1").get(f"/cases/{case.number}/").content.decode()
    assert f'href="/deliberation/topics/new/?case={case.number}"' in page
    assert 'data-testid="raise-topic"' not in browser("resident1").get(f"/cases/{case.number}/").content.decode()
    form = browser("community1").get(f"/deliberation/topics/new/?case={case.number}")
    assert form.status_code == 200 and "充电桩全坏了" in form.content.decode()
    done = browser("community1").post(
        "/deliberation/topics/new/",
        {"community": COMMUNITY_1, "title": "充电桩", "description": "充电桩全坏了", "case": case.number},
    )
    assert done.status_code == 302
    assert Topic.objects.get(case=case).source == "case"


def test_staff_run_a_meeting_from_its_page(browser, topic, meeting):
    accepted = topic()
    row = meeting(topics=[accepted])
    staff, resident = browser("community1"), browser("resident1")
    base = f"/deliberation/meetings/{row.pk}/"
    assert staff.post(base + "vote-open/", {"question": "同意吗？"}).status_code == 302
    assert resident.post(base + "attend/").status_code == 302
    assert resident.post(base + "vote/", {"choice": "yes"}).status_code == 302
    assert resident.post(base + "vote/", {"choice": "no"}).status_code == 409
    assert resident.post(base + "vote-close/").status_code == 400
    assert staff.post(base + "vote-close/").status_code == 302
    assert staff.post(base + "minutes/", {"text": "一致同意"}).status_code == 302
    assert staff.post(base + "sign/").status_code == 302
    assert staff.post(base + "minutes/", {"text": "补充"}).status_code == 302
    revisions = MinutesRevision.objects.filter(meeting=row).order_by("number")
    assert [(m.number, m.text, m.signed_at is not None) for m in revisions] == [
        (1, "一致同意", True),
        (2, "补充", False),
    ]
    decided = staff.post(
        base + "decide/",
        {
            "text": "增设充电桩",
            "kind": "case",
            "topic": accepted.pk,
            "category": CATEGORY,
            "owner_name": "居委会",
            "due_on": "2027-01-31",
        },
    )
    assert decided.status_code == 302
    decision = Decision.objects.get(meeting=row)
    assert decision.case is not None and decision.due_on == date(2027, 1, 31)
    page = resident.get(f"/deliberation/topics/{accepted.pk}/").content.decode()
    assert decision.case.number in page and 'data-testid="decision-status"' in page
    bad = staff.post(base + "decide/", {"text": "x", "kind": "case", "owner_name": "a", "due_on": "2027-01-31"})
    assert bad.status_code == 400 and "category" in bad.content.decode()


def test_meeting_new_is_for_community_staff(browser):
    assert browser("community1").get("/deliberation/meetings/new/").status_code == 200
    assert browser("gridworker1").get("/deliberation/meetings/new/").status_code == 403
