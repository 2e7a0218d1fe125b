"""The screen's party layer: branches, members, central households, coverage rate and 双报到 per area,
drilling down like the rest, counted against the ledger and the party records directly."""

import pytest
from django.test import Client

from wangge.accounts.models import User
from wangge.party import services as party_services
from wangge.party.models import CentralHousehold, OrganisationKind, PartyMember, PartyOrganisation, Registration
from wangge.people.models import Household
from wangge.regions.models import GRID_LEVELS, Region

pytestmark = pytest.mark.django_db
STREET_1 = "329901001000"
COMMUNITY_1 = "329901001001"
GRID_1 = "329901001001001"


def expected(region: Region) -> dict:
    members = PartyMember.objects.filter(person__region_path__startswith=region.path, left_on__isnull=True)
    households = Household.objects.filter(region_path__startswith=region.path)
    return {
        "members": members.count(),
        "in_service": members.filter(in_service=True).count(),
        "registered": Registration.objects.filter(member__in=members).count(),
        "confirmed": Registration.objects.filter(member__in=members, status="confirmed").count(),
        "central_households": CentralHousehold.objects.filter(member__in=members).count(),
        "households": households.count(),
        "covered": households.filter(party_covers__isnull=False).distinct().count(),
        "branches": PartyOrganisation.objects.filter(
            kind=OrganisationKind.BRANCH, served__region_path__startswith=region.path
        )
        .distinct()
        .count(),
    }


def test_the_street_s_party_layer_matches_the_records_in_total_and_per_community(api):
    body = api("leader").get("/dashboard/party", {"region": STREET_1}).json()
    street = Region.objects.get(code=STREET_1)
    assert {k: body["total"][k] for k in expected(street)} == expected(street)
    assert body["total"]["rate"] == round(body["total"]["covered"] / body["total"]["households"], 4)
    assert 0.5 <= body["total"]["rate"] <= 0.8
    children = Region.objects.filter(parent=street, is_active=True).order_by("code")
    assert [row["code"] for row in body["children"]] == [c.code for c in children]
    for row, child in zip(body["children"], children, strict=True):
        assert {k: row[k] for k in expected(child)} == expected(child)
    assert sum(row["members"] for row in body["children"]) == body["total"]["members"]


def test_drilling_down_to_a_community_gives_its_grids(api):
    body = api("leader").get("/dashboard/party", {"region": COMMUNITY_1}).json()
    grids = Region.objects.filter(parent__code=COMMUNITY_1, level__in=GRID_LEVELS, is_active=True)
    assert {row["code"] for row in body["children"]} >= set(grids.values_list("code", flat=True))
    assert all(row["query"] == f"region={row['code']}" for row in body["children"])


def test_a_new_central_household_moves_the_coverage_of_its_grid_only(api):
    before = api("leader").get("/dashboard/party", {"region": COMMUNITY_1}).json()
    grid = Region.objects.get(code=GRID_1)
    member = PartyMember.objects.filter(
        person__region_path__startswith=grid.path, central_household__isnull=True, left_on__isnull=True
    ).first()
    free = list(
        Household.objects.filter(region_path__startswith=grid.path, party_covers__isnull=True).values_list(
            "pk", flat=True
        )[:2]
    )
    assert member is not None and free
    party_services.set_central_household(actor=User.objects.get(username="admin"), member=member, households=free)
    after = api("leader").get("/dashboard/party", {"region": COMMUNITY_1}).json()
    changed = {
        row["code"]: row["covered"] - old["covered"]
        for row, old in zip(after["children"], before["children"], strict=True)
        if row["covered"] != old["covered"]
    }
    assert changed == {GRID_1: len(free)}
    assert after["total"]["central_households"] == before["total"]["central_households"] + 1


def test_out_of_reach_and_department_nodes_answer_404(api):
    assert api("community1").get("/dashboard/party", {"region": STREET_1}).status_code == 404
    assert api("community1").get("/dashboard/party", {"region": COMMUNITY_1}).status_code == 200
    department = User.objects.get(username="department1").memberships.first().department
    assert api("admin").get("/dashboard/summary", {"department": department.code}).status_code == 200
    assert api("admin").get("/dashboard/party", {"department": department.code}).status_code == 404


def test_the_screen_loads_the_party_panel_with_drill_links():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(User.objects.get(username="leader"))
    screen = client.get("/dashboard/", {"region": STREET_1}).content.decode()
    assert 'data-testid="party-layer"' in screen and f"/dashboard/party/?region={STREET_1}" in screen
    panel = client.get("/dashboard/party/", {"region": STREET_1}).content.decode()
    assert 'data-testid="party-figures"' in panel and f'href="?region={COMMUNITY_1}"' in panel
    assert "<script" not in panel
