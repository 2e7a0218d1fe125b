"""A co-building unit's own staff: ledger staff name the accounts acting for the unit; those accounts see
the unit's members on their 党员报到 page, register the unit and claim for it; other accounts see nothing of it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.party.conftest import COMMUNITY_1
from wangge.accounts import services as account_services
from wangge.accounts.models import AuditLog, Membership, Role, User
from wangge.party import selectors, services
from wangge.party.models import OrganisationKind, PartyMember, PartyOrganisation, Registration, UnitStaff
from wangge.regions.models import Region

pytestmark = pytest.mark.django_db


def _unit() -> PartyOrganisation:
    return PartyOrganisation.objects.filter(kind=OrganisationKind.COBUILDING, community__code=COMMUNITY_1).first()


def _account(username: str) -> User:
    account = account_services.create_user(actor=None, username=username, password=None)
    Membership.objects.create(user=account, role=Role.RESIDENT, region=Region.objects.get(code=COMMUNITY_1 + "001"))
    return account


def test_ledger_staff_name_the_unit_s_accounts_audited():
    unit, clerk = _unit(), _account("unitclerk")
    services.set_unit_staff(actor=User.objects.get(username="community1"), unit=unit, usernames=["unitclerk"])
    assert list(UnitStaff.objects.filter(unit=unit).values_list("user__username", flat=True)) == ["unitclerk"]
    assert selectors.own_units(clerk).filter(pk=unit.pk).exists()
    assert AuditLog.objects.filter(action="party.unit.staff").exists()
    with pytest.raises(ValidationError) as refused:
        services.set_unit_staff(actor=User.objects.get(username="community1"), unit=unit, usernames=["nobody-here"])
    assert "staff" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.set_unit_staff(actor=User.objects.get(username="leader"), unit=unit, usernames=[])
    services.set_unit_staff(actor=User.objects.get(username="community1"), unit=unit, usernames=[])
    assert not selectors.own_units(clerk).exists()


def test_unit_staff_see_their_unit_s_members_and_register_it(browser):
    unit, clerk = _unit(), _account("unitclerk")
    member = PartyMember.objects.filter(left_on__isnull=True).exclude(organisation=unit).first()
    PartyMember.objects.filter(pk=member.pk).update(organisation=unit)
    services.set_unit_staff(actor=User.objects.get(username="community1"), unit=unit, usernames=["unitclerk"])
    page = browser("unitclerk").get("/party/mine/").content.decode()
    assert 'data-testid="unit-members"' in page and member.person.name in page
    assert not selectors.unit_members(User.objects.get(username="resident1"), unit).exists()
    Registration.objects.filter(unit=unit).delete()  # the demo registered it: the clerk registers afresh
    registration = services.register_unit(actor=clerk, unit=unit.pk)
    assert registration.unit == unit


def test_the_staff_page_saves_and_is_for_ledger_staff_only(browser):
    unit = _unit()
    _account("unitclerk")
    client = browser("community1")
    assert client.get(f"/party/organisations/{unit.pk}/staff/").status_code == 200
    saved = client.post(f"/party/organisations/{unit.pk}/staff/", {"staff": "unitclerk\n"})
    assert saved.status_code == 302 and UnitStaff.objects.filter(unit=unit).count() == 1
    bad = client.post(f"/party/organisations/{unit.pk}/staff/", {"staff": "ghost"})
    assert bad.status_code == 400 and b'data-testid="error-staff"' in bad.content
    assert browser("leader").get(f"/party/organisations/{unit.pk}/staff/").status_code == 403
    branch = PartyOrganisation.objects.filter(kind=OrganisationKind.BRANCH).first()
    assert client.get(f"/party/organisations/{branch.pk}/staff/").status_code in (404,)
