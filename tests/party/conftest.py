"""Fixtures for party work: the demo town (with its party tree, members and central households, loaded once
per session) and the ledger personas of tests/people."""

from tests.common import _english, _plain_static_files  # noqa: F401
from tests.people.conftest import browser, caller, outsider, user  # noqa: F401
from wangge.party.models import OrganisationKind, PartyMember, PartyOrganisation
from wangge.people.models import Household, Person

GRID_1 = "329901001001001"  # gridworker1, resident1
GRID_2 = "329901001001002"  # gridworker2
COMMUNITY_1 = "329901001001"  # community1
GRID_OTHER_COMMUNITY = "329901001002001"
STREET_1 = "329901001000"  # leader
STREET_2 = "329901002000"


def branch_of(code: str) -> PartyOrganisation:
    return PartyOrganisation.objects.get(kind=OrganisationKind.BRANCH, served__region__code=code)


def general_of(code: str) -> PartyOrganisation:
    return PartyOrganisation.objects.get(kind=OrganisationKind.GENERAL_BRANCH, served__region__code=code)


def committee(code: str = STREET_1) -> PartyOrganisation:
    return PartyOrganisation.objects.get(kind=OrganisationKind.COMMITTEE, served__region__code=code)


def persons_in(code: str):
    return Person.objects.filter(region_path__startswith=_path(code))


def member_in(code: str) -> PartyMember:
    return PartyMember.objects.filter(person__in=persons_in(code)).order_by("id").first()


def person_in(code: str, *, member: bool = False) -> Person:
    rows = Person.objects.filter(region_path__startswith=_path(code), party_member__isnull=not member)
    return rows.order_by("id").first()


def households_in(code: str, *, covered: bool | None = None):
    rows = Household.objects.filter(region_path__startswith=_path(code))
    if covered is not None:
        rows = rows.filter(party_covers__isnull=not covered)
    return rows.order_by("id")


def _path(code: str) -> str:
    from wangge.regions.models import Region

    return Region.objects.get(code=code).path


MEMBER_PHONE = "13912340001"


def png_upload(name: str = "done.png"):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def in_service_member(code: str = GRID_1, *, phone: str = MEMBER_PHONE) -> PartyMember:
    """A current member living in ``code``, made in service, whose person has ``phone`` in the ledger."""
    member = (
        PartyMember.objects.filter(
            person__in=persons_in(code), left_on__isnull=True, registration__isnull=True, account__isnull=True
        )
        .order_by("id")
        .first()
    )
    member.in_service, member.employer = True, "区人民医院"
    member.save(update_fields=["in_service", "employer"])
    person = member.person
    person.set_pii("phone", phone)
    person.save(update_fields=["phone_encrypted", "phone_index", "phone_masked"])
    return member


def member_account(username: str = "member1", *, phone: str = MEMBER_PHONE):
    """A resident's account (no ledger rights) whose phone matches an in-service member's."""
    from wangge.accounts import services as account_services
    from wangge.accounts.models import Membership, Role
    from wangge.regions.models import Region

    account = account_services.create_user(actor=None, username=username, password=None, phone=phone)
    Membership.objects.create(user=account, role=Role.RESIDENT, region=Region.objects.get(code=GRID_1))
    return account
