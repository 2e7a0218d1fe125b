"""双报到: an in-service member registers from their own account (linked by phone), a co-building unit with
its community; the community confirms and sees who registered and what each did."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tests.conftest import ApiClient
from tests.party.conftest import COMMUNITY_1, GRID_1, in_service_member, member_account, persons_in, png_upload
from wangge.accounts.models import AuditLog, User
from wangge.accounts.services import issue_token
from wangge.core.errors import Conflict
from wangge.party import selectors, services
from wangge.party.models import OrganisationKind, PartyMember, PartyOrganisation, Registration, RegistrationStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # claim photos land in the test's own directory


def api_for(user) -> ApiClient:
    key, _token = issue_token(user=user)
    return ApiClient(key)


def test_a_member_registers_from_their_own_account_and_is_linked_by_phone():
    member = in_service_member()
    account = member_account()
    registration = services.register_member(actor=account)
    member.refresh_from_db()
    assert member.account == account and registration.member == member
    assert registration.community.code == COMMUNITY_1 and registration.status == RegistrationStatus.REGISTERED
    assert selectors.own_member(account) == member
    assert AuditLog.objects.filter(action="party.register.member").exists()
    with pytest.raises(Conflict):
        services.register_member(actor=account)


def test_an_account_whose_phone_matches_no_member_is_refused():
    in_service_member()
    with pytest.raises(ValidationError) as refused:
        services.register_member(actor=member_account("stranger", phone="13912349999"))
    assert "member" in refused.value.message_dict


def test_a_member_not_in_service_is_refused():
    member = in_service_member()
    member.in_service = False
    member.save(update_fields=["in_service"])
    with pytest.raises(ValidationError):
        services.register_member(actor=member_account())


def test_the_community_confirms_and_sees_what_each_did(caller):
    in_service_member()
    account = member_account()
    registration = services.register_member(actor=account)
    unit = PartyOrganisation.objects.filter(kind=OrganisationKind.COBUILDING, community__code=COMMUNITY_1).first()
    Registration.objects.filter(unit=unit).delete()  # the demo registered every unit
    unit_registration = services.register_unit(actor=User.objects.get(username="community1"), unit=unit.pk)
    item = services.publish_item(
        actor=User.objects.get(username="community1"), community=COMMUNITY_1, kind="need", title="清理楼道"
    )
    claim = services.claim_item(actor=account, item=item)
    services.complete_claim(actor=account, claim=claim, note="清理完毕", hours=2.5, photo=png_upload())

    staff = caller("community1")
    listed = staff.get("/party/registrations", {"community": COMMUNITY_1}).json()
    assert {row["id"] for row in listed["items"]} >= {registration.pk, unit_registration.pk}
    assert caller("gridworker1").get("/party/registrations").json()["items"] == []  # the community's, not a grid's
    assert caller("gridworker1").post(f"/party/registrations/{registration.pk}/confirm").status_code == 404
    confirmed = staff.post(f"/party/registrations/{registration.pk}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert staff.post(f"/party/registrations/{registration.pk}/confirm").status_code == 409

    rows = {row.registration.pk: row for row in selectors.registration_rows(User.objects.get(username="community1"))}
    assert rows[registration.pk].claims_done == 1 and rows[registration.pk].hours == 2.5
    assert rows[unit_registration.pk].claims_done == unit.claims.filter(status="done").count()

    registered = staff.get("/party/members", {"registered": "true", "size": 100}).json()
    assert registration.member_id in [row["id"] for row in registered["items"]]
    assert all(row["registered"] for row in registered["items"])
    unregistered = staff.get("/party/members", {"registered": "false", "region": GRID_1, "size": 100}).json()
    assert registration.member_id not in [row["id"] for row in unregistered["items"]]

    own = api_for(account).get("/party/me").json()
    assert own["member"]["id"] == registration.member_id and own["registration"]["status"] == "confirmed"


def test_register_and_confirm_through_the_pages(browser):
    member = in_service_member()
    account = member_account()
    page = Client(HTTP_ACCEPT_LANGUAGE="en")
    page.force_login(account)
    assert b'data-testid="register"' in page.get("/party/mine/").content
    assert page.post("/party/mine/").status_code == 302
    assert b"Registered with" in page.get("/party/mine/").content
    staff = browser("community1")
    listing = staff.get("/party/registrations/")
    assert listing.status_code == 200 and member.person.name in listing.content.decode()
    registration = member.registration
    assert staff.post("/party/registrations/", {"registration": registration.pk}).status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert browser("gridworker1").post("/party/registrations/", {"registration": registration.pk}).status_code == 404


def test_staff_register_a_member_and_a_stranger_sees_nothing(caller):
    member = PartyMember.objects.filter(person__in=persons_in(GRID_1), registration__isnull=True).first()
    member.in_service, member.employer = True, "供电公司"
    member.save(update_fields=["in_service", "employer"])
    made = caller("community1").post("/party/registrations", {"member_id": member.pk})
    assert made.status_code == 201 and made.json()["kind"] == "member"
    assert caller("resident1").get("/party/registrations").status_code == 403
    assert caller("resident1").get("/party/me").json()["member"] is None
