"""Revealing a full number needs people.reveal, a reason and the object in reach; each reveal is an
audit record naming who, what, which object, why and from where."""

import pytest

from wangge.accounts.models import AuditLog


def reveal(caller, persona, person, field="id_number", reason="入户核实身份信息"):
    return caller(persona).post(
        f"/persons/{person.pk}/reveal", {"field": field, "reason": reason}, REMOTE_ADDR="10.1.2.3"
    )


def test_a_grid_worker_reveals_with_a_reason_and_it_is_audited(ledger, caller):
    response = reveal(caller, "gridworker1", ledger.person1)
    assert response.status_code == 200
    assert response.json() == {"field": "id_number", "value": ledger.id1}
    record = AuditLog.objects.get(action="people.person.reveal")
    assert record.actor.username == "gridworker1"
    assert record.object_type == "people.person"
    assert record.object_id == str(ledger.person1.pk)
    assert record.changes == {
        "field": "id_number",
        "reason": "入户核实身份信息",
        "masked": ledger.person1.id_number_masked,
    }
    assert record.ip == "10.1.2.3"
    assert record.path == f"/api/v1/persons/{ledger.person1.pk}/reveal"


def test_the_phone_can_be_revealed_too(ledger, caller):
    response = reveal(caller, "community1", ledger.person2, field="phone")
    assert response.json() == {"field": "phone", "value": ledger.phone2}
    assert AuditLog.objects.filter(action="people.person.reveal", actor__username="community1").count() == 1


@pytest.mark.parametrize("reason", ["", "  ", "看看"])
def test_a_reason_is_required(ledger, caller, reason):
    response = reveal(caller, "gridworker1", ledger.person1, reason=reason)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "reason", "message": "Give the reason for seeing the full number (at least 4 characters)."}
    ]
    assert not AuditLog.objects.filter(action="people.person.reveal").exists()


def test_an_unknown_field_is_refused(ledger, caller):
    response = reveal(caller, "gridworker1", ledger.person1, field="name")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "field", "message": "This number cannot be revealed."}]


@pytest.mark.parametrize("persona", ["leader", "resident1", "department1", "outsider"])
def test_roles_without_the_capability_get_403_and_no_number(ledger, caller, persona):
    response = reveal(caller, persona, ledger.person1)
    assert response.status_code == 403
    assert ledger.id1 not in response.content.decode()
    assert not AuditLog.objects.filter(action="people.person.reveal").exists()


def test_out_of_reach_is_404(ledger, caller):
    response = reveal(caller, "gridworker2", ledger.person1)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": []}
    assert not AuditLog.objects.filter(action="people.person.reveal").exists()


def test_the_page_reveals_in_a_fragment_that_is_not_cached(ledger, browser):
    client = browser("gridworker1")
    page = client.get(f"/people/persons/{ledger.person1.pk}/").content.decode()
    assert 'data-testid="reveal-id_number"' in page
    response = client.post(
        f"/people/reveal/person/{ledger.person1.pk}/",
        {"field": "id_number", "reason": "核对户籍信息"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f'data-testid="revealed">{ledger.id1}<' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert AuditLog.objects.filter(action="people.person.reveal", object_id=str(ledger.person1.pk)).count() == 1


def test_the_page_hides_the_reveal_control_from_roles_that_may_not(ledger, browser):
    page = browser("leader").get(f"/people/persons/{ledger.person1.pk}/").content.decode()
    assert 'data-testid="reveal-id_number"' not in page
    assert ledger.person1.id_number_masked in page
    response = browser("leader").post(
        f"/people/reveal/person/{ledger.person1.pk}/", {"field": "id_number", "reason": "核对户籍信息"}
    )
    assert response.status_code == 403


def test_house_owner_and_organisation_phones_are_revealed_the_same_way(ledger, caller):
    from tests.people.conftest import GRID_1, point_in
    from wangge.people import services

    services.update_house(actor=ledger.worker1, house=ledger.house1, data={"owner_phone": "13566667777"})
    lon, lat = point_in(GRID_1)
    org = services.create_organisation(
        actor=ledger.worker1, data={"kind": "shop", "name": "小店", "phone": "0512-66778899", "lon": lon, "lat": lat}
    )
    house = caller("gridworker1").post(
        f"/houses/{ledger.house1.pk}/reveal", {"field": "owner_phone", "reason": "联系房东"}
    )
    assert house.json() == {"field": "owner_phone", "value": "13566667777"}
    shop = caller("gridworker1").post(f"/organisations/{org.pk}/reveal", {"field": "phone", "reason": "联系店主"})
    assert shop.json() == {"field": "phone", "value": "0512-66778899"}
    assert set(AuditLog.objects.filter(action__endswith=".reveal").values_list("action", flat=True)) == {
        "people.house.reveal",
        "people.organisation.reveal",
    }
