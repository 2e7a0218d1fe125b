"""The dispute workflow: registration, sessions, agreement, fulfilment, escalation; the table refuses other
moves; every change is on the timeline and audited; numbers are stored encrypted and shown masked."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.mediation.conftest import GRID_1, GRID_2, id_number, party
from wangge.accounts.models import AuditLog, User
from wangge.core import pii
from wangge.core.errors import Conflict
from wangge.inbox.models import Message
from wangge.mediation import selectors, services
from wangge.mediation.models import DisputeStatus
from wangge.people.models import Person
from wangge.regions.models import Region


@pytest.fixture
def worker(db):
    return User.objects.get(username="gridworker1")


def test_register_keeps_numbers_encrypted_and_masked(dispute):
    number = id_number(seq=7)
    d = dispute(parties=[party("王五", phone="13912345678", id_number=number)])
    p = d.parties.get()
    assert p.phone_masked == "139****5678" and "13912345678" not in p.phone_encrypted
    assert p.id_number_masked.startswith("320583") and number not in p.id_number_encrypted
    assert p.reveal_pii("id_number") == number
    assert d.status == DisputeStatus.REGISTERED
    assert list(d.events.values_list("action", flat=True)) == ["register"]
    assert AuditLog.objects.filter(action="mediation.register", object_id=str(d.pk)).exists()


def test_register_refuses_a_grid_outside_the_reach_and_bad_input(dispute):
    with pytest.raises(ValidationError) as exc:
        dispute(GRID_2)
    assert "region" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        dispute(parties=[party("", phone="")])
    assert "parties" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        dispute(parties=[party("赵六", phone="12345")])
    assert "parties" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        dispute(title="a\u202eb")  # a bidi override: the shared text guard
    assert "title" in exc.value.message_dict


def test_a_ledger_person_is_copied_with_their_masked_numbers(dispute):
    grid = Region.objects.get(code=GRID_1)
    person = Person.objects.filter(region_path__startswith=grid.path).exclude(id_number_index="").order_by("pk").first()
    d = dispute(parties=[services.PartyIn(person=person.pk)])
    p = d.parties.get()
    assert (p.person_id, p.name, p.id_number_masked) == (person.pk, person.name, person.id_number_masked)
    other = Person.objects.exclude(region_path__startswith=grid.path).order_by("pk").first()
    with pytest.raises(ValidationError):
        dispute(parties=[services.PartyIn(person=other.pk)])


def test_the_whole_way_to_fulfilment(dispute, worker):
    d = dispute()
    with pytest.raises(Conflict):
        services.record_failure(actor=worker, dispute=d)  # not mediating yet
    with pytest.raises(ValidationError):
        services.record_agreement(actor=worker, dispute=d, text="赔偿")  # no session yet
    services.record_session(actor=worker, dispute=d, place="社区调解室", notes="双方到场")
    d.refresh_from_db()
    assert d.status == DisputeStatus.MEDIATING
    services.record_agreement(actor=worker, dispute=d, text="楼上赔偿500元")
    d.refresh_from_db()
    assert d.status == DisputeStatus.AGREED and d.agreed_on and d.concluded_at
    with pytest.raises(Conflict):
        services.record_session(actor=worker, dispute=d, place="x")
    services.record_fulfilment(actor=worker, dispute=d, note="已付清")
    d.refresh_from_db()
    assert d.status == DisputeStatus.FULFILLED
    actions = list(d.events.values_list("action", "to_status"))
    assert actions == [
        ("register", "registered"),
        ("start", "mediating"),
        ("session", "mediating"),
        ("agree", "agreed"),
        ("fulfil", "fulfilled"),
    ]
    with pytest.raises(Conflict):
        services.escalate(actor=worker, dispute=d, to="court")


def test_failure_then_escalation_and_judicial_confirmation(dispute, worker):
    d = dispute()
    services.record_session(actor=worker, dispute=d, place="调解室")
    services.record_failure(actor=worker, dispute=d, note="分歧大")
    with pytest.raises(ValidationError):
        services.escalate(actor=worker, dispute=d, to="judicial")  # only an agreement
    services.escalate(actor=worker, dispute=d, to="court", note="建议起诉")
    d.refresh_from_db()
    assert (d.status, d.escalated_to) == (DisputeStatus.ESCALATED, "court")
    agreed = dispute()
    services.record_session(actor=worker, dispute=agreed, place="调解室")
    services.record_agreement(actor=worker, dispute=agreed, text="协议")
    services.escalate(actor=worker, dispute=agreed, to="judicial")
    agreed.refresh_from_db()
    assert agreed.status == DisputeStatus.ESCALATED and agreed.agreed_on


def test_outsiders_may_not_record(dispute):
    d = dispute()
    for name in ("gridworker2", "resident1", "department1"):
        with pytest.raises(PermissionDenied):
            services.record_session(actor=User.objects.get(username=name), dispute=d, place="x")
    # the leader reads the street but does not change the ledger
    with pytest.raises(PermissionDenied):
        services.record_session(actor=User.objects.get(username="leader"), dispute=d, place="x")


def test_reveal_needs_a_reason_and_is_audited(dispute, worker):
    d = dispute()
    p = d.parties.order_by("position").first()
    with pytest.raises(ValidationError):
        services.reveal(actor=worker, party=p, field="phone", reason="")
    assert services.reveal(actor=worker, party=p, field="phone", reason="电话联系当事人") == "13900001111"
    log = AuditLog.objects.get(action="mediation.disputeparty.reveal", object_id=str(p.pk))
    assert log.changes["masked"] == "139****1111" and "13900001111" not in str(log.changes)
    with pytest.raises(PermissionDenied):
        services.reveal(actor=User.objects.get(username="leader"), party=p, field="phone", reason="想看看号码")


def test_recurring_party_is_flagged_and_told_to_the_community(dispute):
    number = id_number(seq=41)
    first = dispute(parties=[party("钱七", id_number=number)])
    assert selectors.recurring_in(first) == set()
    before = Message.objects.filter(user__username="community1").count()
    second = dispute(parties=[party("钱七", id_number=number), party("孙八")], title="又吵架了")
    flagged = selectors.recurring_in(second)
    assert flagged == {second.parties.get(name="钱七").pk}
    assert Message.objects.filter(user__username="community1").count() == before + 1
    rows = selectors.recurring_parties(User.objects.get(username="community1"))
    mine = [r for r in rows if r.name == "钱七"]
    assert len(mine) == 1 and {d.pk for d in mine[0].disputes} == {first.pk, second.pk}
    assert selectors.recurring_parties(User.objects.get(username="gridworker2")) == [] or all(
        r.name != "钱七" for r in selectors.recurring_parties(User.objects.get(username="gridworker2"))
    )


def test_rates_per_grid_and_mediator(dispute, worker):
    community1 = User.objects.get(username="community1")
    _total, before = selectors.rates_by_grid(community1)
    row = {r.key: r for r in before}.get(GRID_1)
    base = (row.concluded, row.resolved) if row else (0, 0)
    d = dispute(mediator=worker.pk)
    services.record_session(actor=worker, dispute=d, place="调解室")
    services.record_agreement(actor=worker, dispute=d, text="协议")
    failed = dispute(mediator=worker.pk)
    services.record_session(actor=worker, dispute=failed, place="调解室")
    services.record_failure(actor=worker, dispute=failed)
    _total, after = selectors.rates_by_grid(community1)
    row = {r.key: r for r in after}[GRID_1]
    assert (row.concluded, row.resolved) == (base[0] + 2, base[1] + 1)
    _total, mediators = selectors.rates_by_mediator(community1)
    mine = next(r for r in mediators if r.key.startswith(f"{worker.pk}:"))
    assert mine.resolved >= 1 and mine.concluded >= 2
    assert selectors.rates_by_grid(User.objects.get(username="resident1"))[1] == []


def test_resident_sees_only_disputes_they_are_a_party_to(dispute):
    resident = User.objects.get(username="resident1")
    d = dispute()
    assert not selectors.disputes_for(resident).filter(pk=d.pk).exists()
    mine = dispute(parties=[party("居民", phone=pii.decrypt(resident.phone_encrypted))])
    assert mine in selectors.disputes_for(resident) and d not in selectors.disputes_for(resident)
    assert not selectors.disputes_for(User.objects.get(username="gridworker2")).filter(pk=mine.pk).exists()
    assert selectors.disputes_for(User.objects.get(username="leader")).filter(pk=mine.pk).exists()
