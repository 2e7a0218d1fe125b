"""The party API per persona: what each may read (404 out of reach, 403 without the ledger), the page
convention, and bad input answered 400 naming the field."""

import json

import pytest

from tests.party.conftest import (
    COMMUNITY_1,
    GRID_1,
    GRID_2,
    GRID_OTHER_COMMUNITY,
    STREET_1,
    STREET_2,
    branch_of,
    committee,
    general_of,
    households_in,
    member_in,
    person_in,
    persons_in,
)
from wangge.party.models import CentralHousehold, PartyMember

pytestmark = pytest.mark.django_db

# persona → {grid: can the persona read the members of that grid's branch?}
MEMBER_REACH = {
    "gridworker1": {GRID_1: True, GRID_2: False, GRID_OTHER_COMMUNITY: False},
    "community1": {GRID_1: True, GRID_2: True, GRID_OTHER_COMMUNITY: False},
    "leader": {GRID_1: True, GRID_2: True, GRID_OTHER_COMMUNITY: True},
    "admin": {GRID_1: True, GRID_2: True, GRID_OTHER_COMMUNITY: True},
}


@pytest.mark.parametrize("persona", ["resident1", "department1", "outsider"])
@pytest.mark.parametrize(
    "path",
    ["/party/organisations", "/party/members", "/party/central-households", f"/party/coverage?region={GRID_1}"],
)
def test_roles_without_the_ledger_are_refused(caller, persona, path):
    assert caller(persona).get(path).status_code == 403


@pytest.mark.parametrize("persona", list(MEMBER_REACH))
def test_members_and_their_details_follow_the_data_reach_of_persons(caller, persona):
    client = caller(persona)
    for grid, reachable in MEMBER_REACH[persona].items():
        member = member_in(grid)
        assert client.get(f"/party/members/{member.pk}").status_code == (200 if reachable else 404)
        listed = client.get("/party/members", {"region": grid, "size": 100})
        assert listed.status_code == (200 if reachable else 404)
        if reachable:
            assert member.pk in [row["id"] for row in listed.json()["items"]]


def test_a_grid_worker_sees_their_branch_and_the_organisations_above_but_not_a_neighbours(caller):
    client = caller("gridworker1")
    assert client.get(f"/party/organisations/{branch_of(GRID_1).pk}").status_code == 200
    assert client.get(f"/party/organisations/{general_of(COMMUNITY_1).pk}").status_code == 200
    assert client.get(f"/party/organisations/{committee().pk}").status_code == 200
    assert client.get(f"/party/organisations/{branch_of(GRID_2).pk}").status_code == 404
    tops = client.get("/party/organisations").json()
    assert [row["id"] for row in tops["items"]] == [committee().pk]
    detail = client.get(f"/party/organisations/{branch_of(GRID_1).pk}").json()
    assert [o["id"] for o in detail["chain"]] == [committee().pk, general_of(COMMUNITY_1).pk]


def test_the_tree_is_walked_by_parent_page_by_page(caller):
    client = caller("leader")
    seen, cursor = [], None
    while True:
        params = {"parent": general_of(COMMUNITY_1).pk, "size": 2}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/party/organisations", params).json()
        seen += [row["id"] for row in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == page["count"]
    assert branch_of(GRID_1).pk in seen and branch_of(GRID_2).pk in seen


def test_a_member_list_pages_without_repeating_and_filters_by_kind_and_service(caller):
    client = caller("leader")
    first = client.get("/party/members", {"size": 5}).json()
    second = client.get("/party/members", {"size": 5, "cursor": first["next_cursor"]}).json()
    assert not {r["id"] for r in first["items"]} & {r["id"] for r in second["items"]}
    in_service = client.get("/party/members", {"in_service": "true", "size": 100}).json()
    street = PartyMember.objects.filter(in_service=True, person__in=persons_in(STREET_1))  # the leader's street
    assert in_service["count"] == street.count()
    assert all(row["in_service"] and row["employer"] for row in in_service["items"])
    assert client.get("/party/members", {"cursor": "bad"}).status_code == 400


def test_coverage_counts_and_maps_the_buildings(caller):
    body = caller("community1").get("/party/coverage", {"region": COMMUNITY_1}).json()
    households = households_in(COMMUNITY_1)
    assert body["households"] == households.count()
    assert body["covered"] == households.filter(party_covers__isnull=False).distinct().count()
    assert sum(g["households"] for g in body["grids"]) == body["households"]
    assert body["buildings"]["type"] == "FeatureCollection"
    assert sum(f["properties"]["uncovered"] for f in body["buildings"]["features"]) <= body["uncovered"]
    assert caller("gridworker1").get("/party/coverage", {"region": COMMUNITY_1}).status_code == 200
    assert caller("gridworker1").get("/party/coverage", {"region": STREET_2}).status_code == 404
    uncovered = caller("community1").get("/party/coverage/uncovered", {"region": COMMUNITY_1, "size": 100}).json()
    assert uncovered["count"] == body["uncovered"]


def test_creating_a_member_for_an_invisible_person_is_a_400_naming_person(caller):
    response = caller("gridworker1").post(
        "/party/members", {"person_id": person_in(GRID_2).pk, "organisation_id": branch_of(GRID_1).pk}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "person"


def test_a_cycle_is_a_400_naming_parent(caller):
    response = caller("admin").post(
        f"/party/organisations/{general_of(COMMUNITY_1).pk}/move", {"parent_id": branch_of(GRID_1).pk}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "parent"


def test_a_branch_outside_its_parent_is_a_400_naming_regions(caller):
    response = caller("admin").post(
        "/party/organisations",
        {
            "kind": "branch",
            "name": "越界支部",
            "regions": [GRID_OTHER_COMMUNITY],
            "parent_id": general_of(COMMUNITY_1).pk,
        },
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "regions"


def test_script_tags_come_back_as_text_and_controls_are_a_422(caller):
    name = "<script>alert(1)</script>"
    client = caller("admin")
    response = client.post(
        "/party/organisations",
        {"kind": "group", "name": name, "regions": [GRID_1], "parent_id": branch_of(GRID_1).pk},
    )
    assert response.status_code == 201, response.content
    assert response.json()["name"] == name
    refused = client.post("/party/organisations", {"kind": "group", "name": "a\u202eb", "regions": [GRID_1]})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "name"


def test_central_households_over_the_limit_and_double_coverage_are_400s(caller, settings):
    client = caller("gridworker1")
    settings.PARTY_CENTRAL_HOUSEHOLD_MAX = 1
    ids = list(households_in(GRID_1).values_list("pk", flat=True)[:2])
    member = member_in(GRID_1)
    over = client.post("/party/central-households", {"member_id": member.pk, "household_ids": ids})
    assert over.status_code == 400
    assert over.json()["errors"][0]["field"] == "households"
    settings.PARTY_CENTRAL_HOUSEHOLD_MAX = 30
    covered = households_in(GRID_1, covered=True).first()
    other = PartyMember.objects.filter(person__in=persons_in(GRID_1), central_household__isnull=True).first()
    double = client.post("/party/central-households", {"member_id": other.pk, "household_ids": [covered.pk]})
    assert double.status_code == 400
    assert "already covered" in double.json()["errors"][0]["message"]


def test_a_central_household_is_created_read_and_removed(caller):
    client = caller("gridworker1")
    member = PartyMember.objects.filter(pk=member_in(GRID_1).pk).first()
    CentralHousehold.objects.filter(member=member).delete()
    free = list(households_in(GRID_1, covered=False).values_list("pk", flat=True)[:1])
    created = client.post("/party/central-households", {"member_id": member.pk, "household_ids": free})
    assert created.status_code == 201, created.content
    body = created.json()
    assert [h["id"] for h in body["households"]] == free
    assert caller("gridworker2").get(f"/party/central-households/{body['id']}").status_code == 404
    assert client.client.delete(f"/api/v1/party/central-households/{body['id']}", **client.headers).status_code == 204
    assert not CentralHousehold.objects.filter(pk=body["id"]).exists()


def test_a_leader_reads_but_may_not_write(caller):
    response = caller("leader").post(
        "/party/members", {"person_id": person_in(GRID_1).pk, "organisation_id": branch_of(GRID_1).pk}
    )
    assert response.status_code == 403


def test_the_street_committee_serves_the_street(caller):
    body = caller("leader").get(f"/party/organisations/{committee().pk}").json()
    assert [r["code"] for r in body["regions"]] == [STREET_1]
    assert body["children"] >= 3


def test_a_member_export_is_watermarked_limited_to_the_reach_and_audited(caller):
    from io import BytesIO

    from openpyxl import load_workbook

    from wangge.accounts.models import AuditLog

    response = caller("gridworker1").post("/party/members/export", {"region": GRID_1})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "gridworker1" in str(rows[0][0])  # the watermark line
    names = {row[0] for row in rows[2:]}
    assert member_in(GRID_1).person.name in names
    assert len(rows) - 2 == PartyMember.objects.filter(person__in=persons_in(GRID_1)).count()
    log = AuditLog.objects.filter(action="party.member.export", actor_name="gridworker1").latest("id")
    assert log.changes["count"] == len(rows) - 2
    assert caller("gridworker1").post("/party/members/export", {"region": GRID_2}).status_code == 404
    assert caller("resident1").post("/party/members/export", {}).status_code == 403


def put(client, path: str, data: dict):
    return client.client.put(f"/api/v1{path}", json.dumps(data), content_type="application/json", **client.headers)


def test_a_committee_is_set_from_members_in_reach(caller):
    client = caller("gridworker1")
    branch = branch_of(GRID_1)
    member = member_in(GRID_1)
    body = put(
        client,
        f"/party/organisations/{branch.pk}/committee",
        {"members": [{"member_id": member.pk, "duty": "组织委员"}]},
    )
    assert body.status_code == 200, body.content
    assert body.json()["committee"] == [{"member": {"id": member.pk, "name": member.person.name}, "duty": "组织委员"}]
    outside = put(
        client,
        f"/party/organisations/{branch.pk}/committee",
        {"members": [{"member_id": member_in(GRID_2).pk, "duty": ""}]},
    )
    assert outside.status_code == 400
    assert outside.json()["errors"][0]["field"] == "committee"


def test_the_organisation_list_counts_children_and_members(caller):
    body = caller("leader").get("/party/organisations", {"parent": general_of(COMMUNITY_1).pk, "size": 100}).json()
    row = next(r for r in body["items"] if r["id"] == branch_of(GRID_1).pk)
    assert row["children"] == branch_of(GRID_1).children.count()
    assert row["members"] == branch_of(GRID_1).members.count()
