"""红色代办: a resident asks for an errand, due within its category's working days; staff serving the grid take
it (one taker), finish it; overdue shown; errands are personal (requester and staff in reach only)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.resident_services.conftest import GRID_1
from wangge.core.errors import Conflict
from wangge.inbox.models import Message
from wangge.services import services
from wangge.services.models import ERRAND_WORKING_DAYS, Errand, ErrandStatus
from wangge.workcalendar.calendar import add_working_time

pytestmark = pytest.mark.django_db


def test_a_request_is_due_in_its_categorys_working_days_and_the_community_is_told(user):
    errand = services.request_errand(actor=user("resident1"), category="pension", description="代办养老金资格认证")
    assert errand.region.code == GRID_1 and errand.status == ErrandStatus.REQUESTED
    assert errand.due_at == add_working_time(errand.created_at, days=ERRAND_WORKING_DAYS["pension"])
    assert Message.objects.filter(user=user("community1"), url=f"/services/errands/{errand.pk}/").exists()
    with pytest.raises(ValidationError):
        services.request_errand(actor=user("resident1"), category="x", description="代办")


def test_staff_in_reach_take_it_once_and_finish_it(user):
    errand = services.request_errand(actor=user("resident1"), category="certificate", description="开具居住证明")
    with pytest.raises(PermissionDenied):
        services.take_errand(actor=user("gridworker2"), errand=errand)
    with pytest.raises(PermissionDenied):
        services.take_errand(actor=user("resident1"), errand=errand)
    services.take_errand(actor=user("gridworker1"), errand=errand)
    with pytest.raises(Conflict):
        services.take_errand(actor=user("community1"), errand=errand)
    with pytest.raises(Conflict):
        services.cancel_errand(actor=user("resident1"), errand=errand)
    done = services.complete_errand(actor=user("gridworker1"), errand=errand, result="证明已送到家中")
    assert done.status == ErrandStatus.DONE and not done.overdue


def test_overdue_on_read_and_in_the_filter(user, caller):
    errand = services.request_errand(actor=user("resident1"), category="certificate", description="开具居住证明")
    Errand.objects.filter(pk=errand.pk).update(due_at=timezone.now() - timedelta(hours=1))
    answer = caller("gridworker1").get(f"/errands/{errand.pk}").json()
    assert answer["overdue"] is True
    overdue = caller("gridworker1").get("/errands", {"overdue": True, "size": 100}).json()["items"]
    assert errand.pk in [e["id"] for e in overdue]


def test_errands_are_personal(user, caller, far_resident):
    errand = services.request_errand(actor=user("resident1"), category="medical", description="医保报销")
    assert caller("resident1").get(f"/errands/{errand.pk}").status_code == 200
    assert caller("gridworker1").get(f"/errands/{errand.pk}").status_code == 200
    assert caller("gridworker2").get(f"/errands/{errand.pk}").status_code == 404
    assert caller("far_resident").get(f"/errands/{errand.pk}").status_code == 404
    assert errand.pk not in [e["id"] for e in caller("gridworker2").get("/errands", {"size": 100}).json()["items"]]


def test_the_api_and_pages(user, caller, browser):
    made = caller("resident1").post("/errands", {"category": "residence", "description": "代办户口迁移材料"})
    assert made.status_code == 201 and made.json()["status"] == "requested"
    errand_id = made.json()["id"]
    assert caller("gridworker1").post(f"/errands/{errand_id}/take").json()["assignee"]
    assert caller("resident1").post(f"/errands/{errand_id}/complete", {"result": "x"}).status_code == 403
    assert caller("gridworker1").post(f"/errands/{errand_id}/complete", {"result": "已办好"}).json()["status"] == "done"
    page = browser("resident1").post("/services/errands/", {"category": "subsidy", "description": "代办高龄津贴"})
    assert page.status_code == 302
    listed = browser("resident1").get("/services/errands/").content.decode()
    assert "wg-stack" in listed and 'data-testid="errand-form"' in listed
    newest = Errand.objects.filter(requested_by=user("resident1")).latest("pk")
    worker = browser("gridworker1")
    assert b'data-testid="errand-take"' in worker.get(f"/services/errands/{newest.pk}/").content
    worker.post(f"/services/errands/{newest.pk}/take/")
    assert Errand.objects.get(pk=newest.pk).assignee == user("gridworker1")


def test_the_demo_has_errands_for_its_residents(user):
    mine = Errand.objects.filter(requested_by=user("resident1"))
    assert mine.filter(status=ErrandStatus.DONE).exists() and mine.filter(status=ErrandStatus.REQUESTED).exists()
