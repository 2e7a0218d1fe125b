"""红色物业: a ledger property company brought under a community's party leadership, checked monthly against
the checklist (once a month, 409 after), scored per quarter with the late cases about its compounds counted,
and a half-year red/black list published once to the community (residents read it). Pages and API."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.party.conftest import COMMUNITY_1, GRID_1, GRID_OTHER_COMMUNITY, general_of
from tests.people.conftest import point_in
from wangge.accounts.models import User
from wangge.cases import services as case_services
from wangge.cases.models import Case, CaseEvent, Status
from wangge.core.errors import Conflict
from wangge.party import selectors, services
from wangge.party.models import CheckItem, PropertyCheck, PropertyCompany, PropertyListing
from wangge.people.models import Household, Organisation, OrganisationKind

pytestmark = pytest.mark.django_db


def _staff():
    return User.objects.get(username="community1")


@pytest.fixture
def company(db):
    """A property company of community 1 brought in afresh (the demo's companies are removed)."""
    PropertyListing.objects.all().delete()
    PropertyCompany.objects.all().delete()
    organisation = Organisation.objects.filter(
        kind=OrganisationKind.PROPERTY, region_path__startswith=general_of(COMMUNITY_1).served.get().region_path
    ).first()
    return services.register_company(
        actor=_staff(),
        organisation=organisation.pk,
        community=COMMUNITY_1,
        party_organisation=general_of(COMMUNITY_1).pk,
    )


def _quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def test_registering_needs_a_property_company_in_reach_once(company):
    shop = (
        Organisation.objects.exclude(kind=OrganisationKind.PROPERTY)
        .filter(region_path__startswith=company.community_path)
        .first()
    )
    with pytest.raises(ValidationError) as refused:
        services.register_company(actor=_staff(), organisation=shop.pk, community=COMMUNITY_1)
    assert "organisation" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.register_company(actor=_staff(), organisation=company.organisation_id, community=COMMUNITY_1)
    with pytest.raises(PermissionDenied):
        services.register_company(actor=User.objects.get(username="leader"), organisation=1, community=COMMUNITY_1)
    with pytest.raises(ValidationError) as outside:
        services.register_company(
            actor=_staff(), organisation=company.organisation_id, community=GRID_OTHER_COMMUNITY[:12]
        )
    assert "community" in outside.value.message_dict


def test_a_monthly_check_scores_the_share_passed_and_only_once_a_month(company):
    month = timezone.localdate().replace(day=1)
    check = services.record_check(
        actor=_staff(), company=company, month=month, passed=["cleaning", "safety", "facilities"]
    )
    assert check.score == 50 and check.results["cleaning"] and not check.results["party_post"]
    with pytest.raises(Conflict):
        services.record_check(actor=_staff(), company=company, month=month + timedelta(days=3), passed=[])
    with pytest.raises(ValidationError):
        services.record_check(actor=_staff(), company=company, month=month + timedelta(days=40), passed=[])
    with pytest.raises(ValidationError):
        services.record_check(actor=_staff(), company=company, month=month - timedelta(days=40), passed=["bogus"])
    with pytest.raises(ValidationError):  # gridworker1 keeps a grid, not the community
        services.record_check(actor=User.objects.get(username="gridworker1"), company=company, month=month, passed=[])


def test_a_quarter_s_score_is_its_checks_less_the_late_cases_about_its_compounds(company, settings):
    settings.PARTY_PROPERTY_LATE_CASE_POINTS = 5
    today = timezone.localdate()
    year, quarter = _quarter_of(today)
    services.record_check(actor=_staff(), company=company, month=today.replace(day=1), passed=list(CheckItem.values))
    household = Household.objects.filter(house__building__compound__property_company=company.organisation_id).first()
    lon, lat = point_in(GRID_1)
    made = []
    for n in range(3):
        report = case_services.Report(
            category="0602", description=f"小区垃圾未清运 {n}", lon=lon, lat=lat, address="小区", contact_phone=""
        )
        case = case_services.report_case(actor=_staff(), report=report)[0]
        Case.objects.filter(pk=case.pk).update(household=household)  # the report names the household
        made.append(case)
    Case.objects.filter(pk=made[0].pk).update(status=Status.IN_PROGRESS, due_at=timezone.now() - timedelta(hours=2))
    CaseEvent.objects.filter(case=made[1]).update(on_time=False)
    score = selectors.quarter_score(company, year, quarter)
    assert (score.checks, score.check_score, score.cases, score.late_cases, score.score) == (1, 100, 3, 2, 90)


def test_the_half_year_list_is_published_once_red_and_black_by_score(company, settings):
    settings.PARTY_PROPERTY_RED_FROM = 80
    today = timezone.localdate()
    year, half = (today.year, 1) if today.month > 6 else (today.year - 1, 2)
    first_month = date(year, 1 if half == 1 else 7, 1)
    PropertyCheck.objects.create(company=company, month=first_month, results={}, score=85)
    listing = services.publish_listing(actor=_staff(), community=COMMUNITY_1, year=year, half=half)
    assert [(r["name"], r["score"], r["list"]) for r in listing.rows] == [(company.organisation.name, 85.0, "red")]
    with pytest.raises(Conflict):
        services.publish_listing(actor=_staff(), community=COMMUNITY_1, year=year, half=half)
    with pytest.raises(ValidationError):
        services.publish_listing(actor=_staff(), community=COMMUNITY_1, year=today.year + 1, half=1)
    assert selectors.list_of(50) == "black" and selectors.list_of(70) == "" and selectors.list_of(None) == ""


def test_pages_register_check_and_show_the_list_to_residents(company, browser):
    client = browser("community1")
    page = client.get("/party/property/")
    assert page.status_code == 200 and company.organisation.name in page.content.decode()
    month = timezone.localdate().replace(day=1)
    saved = client.post(f"/party/property/{company.pk}/", {"month": f"{month:%Y-%m}", "passed": ["cleaning", "safety"]})
    assert saved.status_code == 302 and company.checks.get().score == 33
    again = client.post(f"/party/property/{company.pk}/", {"month": f"{month:%Y-%m}", "passed": []})
    assert again.status_code == 400 and b'data-testid="form-error"' in again.content
    today = timezone.localdate()
    year, half = (today.year, 1) if today.month > 6 else (today.year - 1, 2)
    published = client.post(
        "/party/property/", {"form": "publish", "community": COMMUNITY_1, "year": year, "half": half}
    )
    assert published.status_code == 302
    listing = PropertyListing.objects.get()
    assert browser("resident1").get(f"/party/property/lists/{listing.pk}/").status_code == 200
    assert browser("resident1").get(f"/party/property/{company.pk}/").status_code == 403
    assert browser("gridworker1").get(f"/party/property/{company.pk}/").status_code == 404


def test_the_api_lists_details_checks_and_publishes(company, caller):
    api = caller("community1")
    listed = api.get("/party/property-companies").json()
    assert [row["id"] for row in listed["items"]] == [company.pk]
    month = timezone.localdate().replace(day=1)
    made = api.post(f"/party/property-companies/{company.pk}/checks", {"month": f"{month:%Y-%m}", "passed": ["safety"]})
    assert made.status_code == 201 and made.json()["score"] == 17
    assert api.post(f"/party/property-companies/{company.pk}/checks", {"month": f"{month:%Y-%m}"}).status_code == 409
    detail = api.get(f"/party/property-companies/{company.pk}").json()
    assert detail["checks"][0]["month"] == f"{month:%Y-%m}" and len(detail["quarters"]) == 4
    assert caller("gridworker1").get(f"/party/property-companies/{company.pk}").status_code == 404
