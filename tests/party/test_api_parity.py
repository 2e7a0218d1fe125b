"""What the party pages do, over the API too: members imported from Excel through the page's importer (a dry
run, broken rows naming their cells with nothing stored, a file imported twice adding nobody twice, the reach
of the importer, the upload guard), the staff of a co-building unit (named by ledger staff; they see only their
unit's members and claims) and 红色物业's checks, quarter scores, compounds and one published list."""

import io
from datetime import date, datetime

import pytest
from django.utils import timezone

from tests.party.conftest import COMMUNITY_1, GRID_1, GRID_2, GRID_OTHER_COMMUNITY, branch_of, general_of, person_in
from tests.party.test_import import _file, _row, _two_persons
from tests.people.conftest import point_in
from wangge.accounts import services as account_services
from wangge.accounts.models import AuditLog, Membership, Role, User
from wangge.cases import services as case_services
from wangge.cases.models import Case, CaseEvent
from wangge.party import selectors, services
from wangge.party.models import (
    OrganisationKind,
    PartyMember,
    PartyOrganisation,
    PropertyCheck,
    PropertyCompany,
    PropertyListing,
    ServiceItem,
    UnitStaff,
)
from wangge.people.models import Household, Organisation
from wangge.people.models import OrganisationKind as LedgerKind

pytestmark = pytest.mark.django_db

OTHER_COMMUNITY = GRID_OTHER_COMMUNITY[:12]


def _import(api, upload, *, dry_run: bool):
    data = {"dry_run": "true" if dry_run else "false"}
    if upload is not None:
        data["file"] = upload
    return api.client.post("/api/v1/party/members/import", data, **api.headers)


# --- member import ------------------------------------------------------------------------------------


def test_a_dry_run_checks_every_row_and_stores_nothing_then_a_real_run_imports(caller):
    api = caller("gridworker1")
    first, second = _two_persons()
    branch = branch_of(GRID_1)
    rows = [_row(first, branch), _row(second, branch, grid="")]
    checked = _import(api, _file(rows), dry_run=True)
    assert checked.status_code == 200, checked.content
    body = checked.json()
    assert (body["ok"], body["dry_run"], body["total"], body["added"], body["errors"]) == (True, True, 2, 2, [])
    assert [(r["row"], r["status"], r["errors"]) for r in body["rows"]] == [(2, "ok", []), (3, "ok", [])]
    assert first.reveal_pii("id_number") not in checked.content.decode()  # masked only
    assert body["rows"][0]["id_number_masked"] and body["rows"][0]["name"] == first.name
    assert not PartyMember.objects.filter(person__in=[first, second]).exists()
    done = _import(api, _file(rows), dry_run=False)
    assert done.status_code == 200 and done.json()["added"] == 2
    member = PartyMember.objects.get(person=first)
    assert member.organisation == branch and member.status == "probationary" and member.grid.code == GRID_1
    assert AuditLog.objects.filter(action="party.member.import", actor__username="gridworker1").exists()


def test_a_broken_row_names_its_cells_and_nothing_is_written(caller):
    api = caller("gridworker1")
    first, second = _two_persons()
    branch = branch_of(GRID_1)
    rows = [_row(first, branch), _row(second, branch, org="没有这个党组织", joined="昨天")]
    answer = _import(api, _file(rows), dry_run=False)
    assert answer.status_code == 400
    body = answer.json()
    assert body["ok"] is False and body["added"] == 0 and "nothing was stored" in body["detail"]
    assert {(e["row"], e["field"], e["column"]) for e in body["errors"]} == {
        (3, "organisation", "C"),
        (3, "joined_on", "E"),
    }
    assert all(e["message"] for e in body["errors"])
    assert [r["status"] for r in body["rows"]] == ["ok", "error"]
    assert not PartyMember.objects.filter(person__in=[first, second]).exists()  # the good row neither


def test_importing_the_same_file_again_adds_nobody_twice(caller):
    api = caller("gridworker1")
    first, second = _two_persons()
    branch = branch_of(GRID_1)
    upload = [_row(first, branch), _row(second, branch)]
    assert _import(api, _file(upload), dry_run=False).status_code == 200
    before = PartyMember.objects.count()
    again = _import(api, _file(upload), dry_run=False)
    assert again.status_code == 400
    assert {(e["row"], e["field"]) for e in again.json()["errors"]} == {(2, "id_number"), (3, "id_number")}
    assert PartyMember.objects.count() == before
    assert PartyMember.objects.filter(person=first).count() == 1


@pytest.mark.parametrize("persona", ["leader", "resident1"])
def test_import_is_for_whom_the_page_is_for(caller, persona):
    first, _second = _two_persons()
    answer = _import(caller(persona), _file([_row(first, branch_of(GRID_1))]), dry_run=False)
    assert answer.status_code == 403 and answer.json()["detail"]
    assert not PartyMember.objects.filter(person=first).exists()


def test_persons_and_organisations_out_of_reach_are_refused_by_row(caller):
    api = caller("gridworker2")
    theirs = person_in(GRID_2)
    mine = person_in(GRID_1)
    rows = [_row(mine, branch_of(GRID_2), grid=""), _row(theirs, branch_of(GRID_1), grid="")]
    answer = _import(api, _file(rows), dry_run=False)
    assert answer.status_code == 400
    errors = {(e["row"], e["field"]) for e in answer.json()["errors"]}
    assert (2, "id_number") in errors  # a person of gridworker1's grid: not in gridworker2's ledger
    assert (3, "organisation") in errors  # gridworker1's branch: not in gridworker2's reach
    assert not PartyMember.objects.filter(person__in=[mine, theirs]).exists()


def test_a_file_that_is_not_excel_or_too_big_is_refused_naming_file(caller, settings):
    api = caller("gridworker1")
    text = io.BytesIO(b"id,name\n1,x\n")
    text.name = "members.xlsx"
    refused = _import(api, text, dry_run=True)
    assert refused.status_code == 400
    assert [(e["row"], e["field"]) for e in refused.json()["errors"]] == [(0, "file")]
    assert refused.json()["rows"] == [] and "Excel" in refused.json()["detail"]
    settings.PEOPLE_IMPORT_MAX_BYTES = 1024
    first, _second = _two_persons()
    big = _import(api, _file([_row(first, branch_of(GRID_1))]), dry_run=False)
    assert big.status_code == 400 and [(e["row"], e["field"]) for e in big.json()["errors"]] == [(0, "file")]
    assert big.json()["rows"] == [] and big.json()["added"] == 0
    assert "MB" in big.json()["errors"][0]["message"]
    assert not PartyMember.objects.filter(person=first).exists()
    missing = _import(api, None, dry_run=True)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "file"


# --- the staff of a co-building unit --------------------------------------------------------------------


def _unit(code: str = COMMUNITY_1) -> PartyOrganisation:
    return PartyOrganisation.objects.filter(kind=OrganisationKind.COBUILDING, community__code=code).first()


def _account(username: str, grid: str = GRID_1) -> User:
    account = account_services.create_user(actor=None, username=username, password=None)
    Membership.objects.create(user=account, role=Role.RESIDENT, region_id=_region(grid).pk)
    return account


def _region(code):
    from wangge.regions.models import Region

    return Region.objects.get(code=code)


def put(api, path: str, data: dict):
    import json

    return api.client.put(f"/api/v1{path}", json.dumps(data), content_type="application/json", **api.headers)


def test_ledger_staff_name_a_unit_s_accounts_as_the_page_does(caller):
    unit = _unit()
    _account("unitclerk")
    _account("unitclerk2")
    api = caller("community1")
    saved = put(api, f"/party/organisations/{unit.pk}/staff", {"usernames": ["unitclerk2", "unitclerk", "unitclerk"]})
    assert saved.status_code == 200, saved.content
    assert [s["username"] for s in saved.json()["items"]] == ["unitclerk", "unitclerk2"]
    assert saved.json()["count"] == 2
    listed = api.get(f"/party/organisations/{unit.pk}/staff", {"size": 1})
    assert [s["username"] for s in listed.json()["items"]] == ["unitclerk"] and listed.json()["next_cursor"]
    nobody = put(api, f"/party/organisations/{unit.pk}/staff", {"usernames": ["ghost"]})
    assert nobody.status_code == 400 and nobody.json()["errors"][0]["field"] == "staff"
    assert UnitStaff.objects.filter(unit=unit).count() == 2  # the refused change wrote nothing
    assert put(api, f"/party/organisations/{unit.pk}/staff", {"usernames": []}).json()["items"] == []
    assert AuditLog.objects.filter(action="party.unit.staff", actor__username="community1").count() == 2


def test_only_who_may_use_the_staff_page_may_use_the_staff_routes(caller):
    unit = _unit()
    branch = branch_of(GRID_1)
    assert caller("leader").get(f"/party/organisations/{unit.pk}/staff").status_code == 403  # reads, no change
    assert put(caller("leader"), f"/party/organisations/{unit.pk}/staff", {"usernames": []}).status_code == 403
    assert caller("resident1").get(f"/party/organisations/{unit.pk}/staff").status_code == 403
    assert caller("gridworker1").get(f"/party/organisations/{branch.pk}/staff").status_code == 404  # not a unit
    other = _unit(OTHER_COMMUNITY)
    assert caller("community1").get(f"/party/organisations/{other.pk}/staff").status_code == 404
    refused = put(caller("community1"), f"/party/organisations/{other.pk}/staff", {"usernames": []})
    assert refused.status_code == 404
    too_many = put(caller("community1"), f"/party/organisations/{unit.pk}/staff", {"usernames": ["x"] * 101})
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "usernames"


def _unit_with_clerk():
    unit = _unit()
    clerk = _account("unitclerk")
    services.set_unit_staff(actor=User.objects.get(username="community1"), unit=unit, usernames=["unitclerk"])
    member = PartyMember.objects.filter(left_on__isnull=True).exclude(organisation=unit).order_by("id").first()
    PartyMember.objects.filter(pk=member.pk).update(organisation=unit)
    return unit, clerk, member


def test_a_unit_s_staff_see_only_the_unit_s_current_members_not_where_they_live(caller):
    unit, clerk, member = _unit_with_clerk()
    api = caller("unitclerk")
    listed = api.get("/party/members", {"size": 100})
    assert listed.status_code == 200
    expected = set(PartyMember.objects.filter(organisation=unit, left_on__isnull=True).values_list("pk", flat=True))
    assert {row["id"] for row in listed.json()["items"]} == expected and member.pk in expected
    assert listed.json()["count"] == len(expected)
    assert all(row["region"] is None and row["grid"] is None for row in listed.json()["items"])
    assert all(row["organisation"]["id"] == unit.pk for row in listed.json()["items"])
    assert api.get("/party/members", {"organisation": unit.pk}).json()["count"] == len(expected)
    assert api.get("/party/members", {"organisation": branch_of(GRID_1).pk}).status_code == 404
    assert api.get("/party/members", {"left": "true"}).json()["items"] == []
    assert api.get("/party/members", {"region": GRID_1}).status_code == 404
    assert api.get(f"/party/members/{member.pk}").status_code == 403  # the detail stays with ledger staff
    staff_view = caller("community1").get("/party/members", {"organisation": unit.pk}).json()["items"]
    assert any(row["region"] is not None for row in staff_view)  # ledger staff keep the full row
    _account("bystander")
    assert caller("bystander").get("/party/members").status_code == 403  # acting for no unit


def test_a_unit_s_staff_see_its_community_s_items_and_only_its_claims(caller):
    unit, clerk, member = _unit_with_clerk()
    community1 = User.objects.get(username="community1")
    ours = services.publish_item(actor=community1, community=COMMUNITY_1, kind="need", title="帮老人买菜")
    by_member = services.publish_item(actor=community1, community=COMMUNITY_1, kind="need", title="修车棚")
    elsewhere = services.publish_item(
        actor=User.objects.get(username="admin"), community=OTHER_COMMUNITY, kind="need", title="修路灯"
    )
    services.claim_item(actor=clerk, item=ours, unit=unit.pk)
    neighbour = PartyMember.objects.filter(person__region_path__startswith=_region(GRID_1).path, left_on__isnull=True)
    services.claim_item(actor=community1, item=by_member, member=neighbour.exclude(organisation=unit).first().pk)
    api = caller("unitclerk")
    seen = {row["id"]: row for row in api.get("/party/items", {"size": 100}).json()["items"]}
    assert ours.pk in seen and by_member.pk in seen and elsewhere.pk not in seen
    community_items = ServiceItem.objects.filter(community__code=COMMUNITY_1).values_list("pk", flat=True)
    assert set(seen) <= set(community_items)
    assert seen[ours.pk]["claim"]["unit"]["id"] == unit.pk
    assert seen[by_member.pk]["claim"]["member"] is None  # a claiming member is not named to the unit's staff
    mine = api.get("/party/items", {"mine": "true", "size": 100}).json()["items"]
    claimed = set(ServiceItem.objects.filter(claims__unit=unit).values_list("pk", flat=True))
    assert {row["id"] for row in mine} == claimed and ours.pk in claimed and by_member.pk not in claimed
    assert all(row["claim"]["unit"]["id"] == unit.pk for row in mine)
    assert api.get(f"/party/items/{elsewhere.pk}").status_code == 404


# --- 红色物业 --------------------------------------------------------------------------------------------


@pytest.fixture
def company(db):
    """A property company of community 1 brought in afresh (the demo's companies and lists are removed)."""
    PropertyListing.objects.all().delete()
    PropertyCompany.objects.all().delete()
    organisation = Organisation.objects.filter(
        kind=LedgerKind.PROPERTY, region_path__startswith=general_of(COMMUNITY_1).served.get().region_path
    ).first()
    return services.register_company(
        actor=User.objects.get(username="community1"),
        organisation=organisation.pk,
        community=COMMUNITY_1,
        party_organisation=general_of(COMMUNITY_1).pk,
    )


def test_every_check_of_a_company_pages_newest_first(company, caller):
    months = [date(2025, m, 1) for m in range(1, 13)] + [date(2024, 12, 1)]
    for n, month in enumerate(months):
        PropertyCheck.objects.create(company=company, month=month, results={}, score=n)
    api = caller("community1")
    first = api.get(f"/party/property-companies/{company.pk}/checks", {"size": 10}).json()
    assert first["count"] == 13 and first["items"][0]["month"] == "2025-12"
    rest = api.get(f"/party/property-companies/{company.pk}/checks", {"size": 10, "cursor": first["next_cursor"]})
    seen = [row["month"] for row in first["items"] + rest.json()["items"]]
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == 13 and rest.json()["next_cursor"] is None
    assert caller("gridworker1").get(f"/party/property-companies/{company.pk}/checks").status_code == 404
    assert caller("resident1").get(f"/party/property-companies/{company.pk}/checks").status_code == 403


def test_a_year_s_quarter_scores_count_late_cases_and_rank_the_halves(company, caller, settings):
    settings.PARTY_PROPERTY_LATE_CASE_POINTS = 5
    settings.PARTY_PROPERTY_RED_FROM = 80
    settings.PARTY_PROPERTY_BLACK_BELOW = 60
    for month, score in ((1, 90), (2, 90), (7, 50)):
        PropertyCheck.objects.create(company=company, month=date(2025, month, 1), results={}, score=score)
    household = Household.objects.filter(house__building__compound__property_company=company.organisation_id).first()
    lon, lat = point_in(GRID_1)
    report = case_services.Report(category="0602", description="小区垃圾未清运", lon=lon, lat=lat, contact_phone="")
    case = case_services.report_case(actor=User.objects.get(username="community1"), report=report)[0]
    reported = timezone.make_aware(datetime(2025, 2, 10, 9, 0))
    Case.objects.filter(pk=case.pk).update(household=household, created_at=reported)
    CaseEvent.objects.filter(case=case).update(on_time=False)  # a step was late
    api = caller("community1")
    answer = api.get(f"/party/property-companies/{company.pk}/quarters", {"year": 2025})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["company"], body["year"]) == (company.pk, 2025)
    q1, q2, q3, q4 = body["quarters"]
    assert (q1["checks"], q1["check_score"], q1["cases"], q1["late_cases"], q1["score"]) == (2, 90, 1, 1, 85)
    assert q2["score"] is None and q3["score"] == 50 and q4["checks"] == 0
    assert body["halves"] == [{"half": 1, "score": 85.0, "list": "red"}, {"half": 2, "score": 50.0, "list": "black"}]
    assert api.get(f"/party/property-companies/{company.pk}/quarters", {"year": 1999}).status_code == 422
    this_year = api.get(f"/party/property-companies/{company.pk}/quarters").json()
    assert this_year["year"] == timezone.localdate().year
    assert caller("gridworker1").get(f"/party/property-companies/{company.pk}/quarters").status_code == 404


def test_the_compounds_a_company_manages_in_reach(company, caller):
    expected = [c.name for c in selectors.company_compounds(User.objects.get(username="community1"), company)]
    assert expected  # the demo's compounds name the company
    api = caller("community1")
    got = api.get(f"/party/property-companies/{company.pk}/compounds", {"size": 100}).json()
    assert sorted(row["name"] for row in got["items"]) == sorted(expected)
    assert caller("gridworker1").get(f"/party/property-companies/{company.pk}/compounds").status_code == 404


def test_a_published_list_is_read_by_its_community_residents_too(company, caller):
    PropertyCheck.objects.create(company=company, month=date(2025, 1, 1), results={}, score=95)
    listing = services.publish_listing(
        actor=User.objects.get(username="community1"), community=COMMUNITY_1, year=2025, half=1
    )
    for persona in ("resident1", "community1"):
        got = caller(persona).get(f"/party/property-lists/{listing.pk}")
        assert got.status_code == 200
        assert got.json()["rows"][0]["company"] == company.pk and got.json()["rows"][0]["list"] == "red"
    assert caller("gw329901001002001").get(f"/party/property-lists/{listing.pk}").status_code == 404
    assert caller("community1").get("/party/property-lists/99999999").status_code == 404
