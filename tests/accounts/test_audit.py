"""Audit records: who did what to which object from where, and nobody edits them afterwards."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from wangge.accounts.models import AuditLog, User
from wangge.regions.models import Region

GRID_1 = "329901001001001"


def _latest(action: str) -> AuditLog:
    return AuditLog.objects.filter(action=action).order_by("-id").first()


def test_a_page_login_is_recorded_with_actor_and_ip(client, demo_password):
    before = AuditLog.objects.filter(action="auth.login").count()
    response = client.post(
        "/accounts/login/", {"username": "gridworker1", "password": demo_password}, HTTP_USER_AGENT="pytest-browser"
    )
    assert response.status_code == 302
    assert AuditLog.objects.filter(action="auth.login").count() == before + 1
    record = _latest("auth.login")
    worker = User.objects.get(username="gridworker1")
    assert (record.actor_id, record.actor_name) == (worker.pk, "gridworker1")
    assert (record.object_type, record.object_id) == ("accounts.user", str(worker.pk))
    assert (record.ip, record.user_agent, record.path) == ("127.0.0.1", "pytest-browser", "/accounts/login/")


def test_a_token_issue_is_recorded_with_actor_and_ip(api):
    api("gridworker2")
    record = _latest("auth.token.issue")
    worker = User.objects.get(username="gridworker2")
    assert (record.actor_id, record.object_type, record.object_id) == (worker.pk, "accounts.user", str(worker.pk))
    assert record.changes["prefix"].startswith("wg_")
    assert (record.ip, record.path) == ("127.0.0.1", "/api/v1/auth/token")


def test_a_failed_token_request_records_no_token_issue(api):
    before = AuditLog.objects.filter(action="auth.token.issue").count()
    assert api().post("/auth/token", {"username": "gridworker1", "password": "wrong-password"}).status_code == 401
    assert AuditLog.objects.filter(action="auth.token.issue").count() == before


def test_region_create_and_update_are_recorded(api):
    admin_api = api("admin")
    created = admin_api.post(
        "/regions", {"code": f"{GRID_1}006", "name": "第6微网格", "level": "micro_grid", "parent_code": GRID_1}
    )
    assert created.status_code == 201, created.content
    region = Region.objects.get(code=f"{GRID_1}006")
    admin_user = User.objects.get(username="admin")

    record = _latest("regions.region.create")
    assert (record.actor_id, record.actor_name) == (admin_user.pk, "admin")
    assert (record.object_type, record.object_id, record.object_repr) == (
        "regions.region",
        str(region.pk),
        f"第6微网格 ({GRID_1}006)",
    )
    assert (record.ip, record.path) == ("127.0.0.1", "/api/v1/regions")

    updated = admin_api.patch(f"/regions/{GRID_1}006", {"name": "第六微网格", "household_count": 12})
    assert updated.status_code == 200, updated.content
    record = _latest("regions.region.update")
    assert (record.actor_id, record.object_id, record.ip) == (admin_user.pk, str(region.pk), "127.0.0.1")
    assert record.changes == {"name": ["第6微网格", "第六微网格"], "household_count": [0, 12]}


def test_an_update_that_changes_nothing_is_not_recorded(api):
    before = AuditLog.objects.filter(action="regions.region.update").count()
    name = Region.objects.get(code=GRID_1).name
    assert api("admin").patch(f"/regions/{GRID_1}", {"name": name}).status_code == 200
    assert AuditLog.objects.filter(action="regions.region.update").count() == before


def test_an_import_is_recorded(api):
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "code": f"{GRID_1}007",
                    "name": "第7微网格",
                    "level": "micro_grid",
                    "parent_code": GRID_1,
                },
                "geometry": None,
            }
        ],
    }
    response = api("admin").post("/regions/import?dry_run=false", collection)
    assert response.status_code == 200, response.content
    record = _latest("regions.import")
    assert (record.actor_name, record.object_type, record.changes) == ("admin", "regions.region", {"created": 1})
    assert (record.ip, record.path) == ("127.0.0.1", "/api/v1/regions/import")


def test_a_dry_run_import_is_not_recorded(api):
    before = AuditLog.objects.filter(action="regions.import").count()
    response = api("admin").post("/regions/import?dry_run=true", {"type": "FeatureCollection", "features": []})
    assert response.status_code == 200
    assert AuditLog.objects.filter(action="regions.import").count() == before


@pytest.fixture
def audit_record(api):
    api("gridworker1")
    return _latest("auth.token.issue")


def test_the_admin_lists_audit_records(browser_client, audit_record):
    response = browser_client("admin", language="en").get("/admin/accounts/auditlog/")
    assert response.status_code == 200
    assert "auth.token.issue" in response.content.decode()


def test_the_admin_cannot_edit_an_audit_record(browser_client, audit_record):
    client = browser_client("admin", language="en")
    response = client.post(
        f"/admin/accounts/auditlog/{audit_record.pk}/change/", {"action": "tampered", "actor_name": "someone"}
    )
    assert response.status_code == 403
    assert AuditLog.objects.get(pk=audit_record.pk).action == "auth.token.issue"


def test_the_admin_cannot_delete_an_audit_record(browser_client, audit_record):
    client = browser_client("admin", language="en")
    assert client.get(f"/admin/accounts/auditlog/{audit_record.pk}/delete/").status_code == 403
    assert client.post(f"/admin/accounts/auditlog/{audit_record.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = client.post(
        "/admin/accounts/auditlog/",
        {"action": "delete_selected", "_selected_action": [audit_record.pk], "post": "yes"},
    )
    assert bulk.status_code == 200
    assert AuditLog.objects.filter(pk=audit_record.pk).exists()


def test_the_admin_cannot_add_an_audit_record(browser_client, db):
    assert browser_client("admin", language="en").get("/admin/accounts/auditlog/add/").status_code == 403


def test_the_audit_admin_grants_no_add_change_or_delete_even_to_a_superuser(user):
    model_admin = admin.site._registry[AuditLog]
    request = RequestFactory().get("/admin/")
    request.user = user("admin")
    assert request.user.is_superuser is True
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request) is False
    assert model_admin.has_delete_permission(request) is False
    assert "delete_selected" not in model_admin.get_actions(request)
