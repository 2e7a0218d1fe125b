"""A reveal needs a reason a person can read: invisible characters are not one."""

from wangge.accounts.models import AuditLog


def test_a_reason_of_four_zero_width_spaces_is_refused(ledger, caller):
    response = caller("gridworker1").post(
        f"/persons/{ledger.person1.pk}/reveal", {"field": "id_number", "reason": "\u200b" * 4}
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["reason"]
    assert not AuditLog.objects.filter(action="people.person.reveal").exists()
