"""A reveal needs a reason a person can read: invisible characters are not one."""

from wangge.accounts.models import AuditLog


def test_a_reason_of_four_zero_width_spaces_is_refused(ledger, caller):
    response = caller("gridworker1").post(
        f"/persons/{ledger.person1.pk}/reveal", {"field": "id_number", "reason": "\u200b" * 4}
    )
    assert response.status_code == 422  # the schema's text guard, before the service's own check
    assert [e["field"] for e in response.json()["errors"]] == ["reason"]
    assert not AuditLog.objects.filter(action="people.person.reveal").exists()


def test_the_service_refuses_it_too_for_the_page(ledger):
    import pytest
    from django.core.exceptions import ValidationError

    from wangge.people import services

    with pytest.raises(ValidationError) as error:
        services.reveal(actor=ledger.worker1, obj=ledger.person1, field="id_number", reason="\u200b" * 4)
    assert list(error.value.message_dict) == ["reason"]
