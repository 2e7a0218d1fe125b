"""Organisation and member writes from the pages (create, edit, move; add, edit, leave), the minimum of
households a central household should link, the region picker of the member list, and leaving over the API."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.party.conftest import (
    COMMUNITY_1,
    GRID_1,
    GRID_2,
    branch_of,
    general_of,
    households_in,
    member_in,
    person_in,
)
from wangge.accounts.models import AuditLog, User
from wangge.party import services
from wangge.party.models import CentralHousehold, LeaveKind, OrganisationKind, PartyMember, PartyOrganisation

pytestmark = pytest.mark.django_db


def test_a_grid_worker_creates_a_group_in_their_branch_from_the_page(browser):
    client = browser("gridworker1")
    form = client.get(f"/party/organisations/new/?parent={branch_of(GRID_1).pk}")
    assert form.status_code == 200 and b'data-testid="party-form"' in form.content
    made = client.post(
        "/party/organisations/new/",
        {"kind": OrganisationKind.GROUP, "name": "第二党小组", "parent": branch_of(GRID_1).pk, "regions": [GRID_1]},
    )
    assert made.status_code == 302
    group = PartyOrganisation.objects.get(name="第二党小组")
    assert group.parent == branch_of(GRID_1) and made["Location"] == f"/party/organisations/{group.pk}/"


def test_a_child_outside_its_parent_is_shown_as_an_error_on_the_page(browser):
    client = browser("community1")
    refused = client.post(
        "/party/organisations/new/",
        {"kind": OrganisationKind.GROUP, "name": "越界党小组", "parent": branch_of(GRID_1).pk, "regions": [GRID_2]},
    )
    assert refused.status_code == 400 and b'data-testid="error-regions"' in refused.content
    assert not PartyOrganisation.objects.filter(name="越界党小组").exists()


def test_edit_and_move_from_the_pages_refusing_a_cycle(browser):
    client = browser("community1")
    branch = branch_of(GRID_1)
    assert (
        client.post(
            f"/party/organisations/{branch.pk}/edit/", {"name": "一网格党支部", "regions": [GRID_1]}
        ).status_code
        == 302
    )
    branch.refresh_from_db()
    assert branch.name == "一网格党支部"
    child = branch.children.first()
    cycle = client.post(f"/party/organisations/{branch.pk}/move/", {"parent": child.pk})
    assert cycle.status_code == 400 and b'data-testid="error-parent"' in cycle.content
    moved = client.post(f"/party/organisations/{child.pk}/move/", {"parent": general_of(COMMUNITY_1).pk})
    assert moved.status_code == 302
    child.refresh_from_db()
    assert child.parent == general_of(COMMUNITY_1)


def test_writes_need_the_ledger_change_right_and_reach(browser):
    assert browser("leader").get("/party/organisations/new/").status_code == 403
    assert browser("leader").get(f"/party/members/{member_in(GRID_1).pk}/leave/").status_code == 403
    assert browser("gridworker2").get(f"/party/members/{member_in(GRID_1).pk}/edit/").status_code == 404
    assert browser("gridworker2").get(f"/party/organisations/{branch_of(GRID_1).pk}/move/").status_code == 404


def test_add_and_edit_a_member_from_the_pages(browser):
    client = browser("gridworker1")
    person = person_in(GRID_1)
    page = client.get(f"/party/members/new/?person={person.pk}&organisation={branch_of(GRID_1).pk}")
    assert page.status_code == 200 and f'value="{person.pk}"'.encode() in page.content
    made = client.post(
        "/party/members/new/",
        {"person": person.pk, "organisation": branch_of(GRID_1).pk, "status": "probationary", "grid": GRID_1},
    )
    assert made.status_code == 302
    member = PartyMember.objects.get(person=person)
    no_employer = client.post(
        f"/party/members/{member.pk}/edit/",
        {"organisation": branch_of(GRID_1).pk, "status": "full", "in_service": "on", "grid": GRID_1},
    )
    assert no_employer.status_code == 400 and b'data-testid="error-employer"' in no_employer.content
    edited = client.post(
        f"/party/members/{member.pk}/edit/",
        {
            "organisation": branch_of(GRID_1).pk,
            "status": "full",
            "in_service": "on",
            "employer": "区税务局",
            "grid": GRID_1,
        },
    )
    assert edited.status_code == 302
    member.refresh_from_db()
    assert member.in_service and member.employer == "区税务局"
    out_of_reach = client.post(
        "/party/members/new/", {"person": person_in(GRID_2).pk, "organisation": branch_of(GRID_1).pk, "status": "full"}
    )
    assert out_of_reach.status_code == 400 and b'data-testid="error-person"' in out_of_reach.content


def test_a_member_leaves_and_is_kept_in_history(browser):
    client = browser("gridworker1")
    central = CentralHousehold.objects.filter(
        member__person__region_path__startswith=member_in(GRID_1).person.region_path[:50]
    ).first()
    member = central.member if central else member_in(GRID_1)
    future = client.post(f"/party/members/{member.pk}/leave/", {"left_on": "2999-01-01", "leave_kind": "left"})
    assert future.status_code == 400
    day = timezone.localdate() - timedelta(days=6)  # a past day, whatever the clock says
    left = client.post(
        f"/party/members/{member.pk}/leave/",
        {"left_on": day.isoformat(), "leave_kind": LeaveKind.TRANSFERRED_OUT, "leave_note": "转至外区"},
    )
    assert left.status_code == 302
    member.refresh_from_db()
    assert member.left_on == day and member.leave_kind == LeaveKind.TRANSFERRED_OUT
    assert not CentralHousehold.objects.filter(member=member).exists()
    assert AuditLog.objects.filter(action="party.member.leave", object_id=str(member.pk)).exists()
    shown = client.get(f"/party/members/{member.pk}/")
    assert b'data-testid="member-left"' in shown.content and b'data-testid="member-leave"' not in shown.content
    current = client.get("/party/members/", {"region": GRID_1}).content.decode()
    assert f"/party/members/{member.pk}/" not in current
    history = client.get("/party/members/", {"region": GRID_1, "left": "1"}).content.decode()
    assert f"/party/members/{member.pk}/" in history
    assert (
        client.post(
            f"/party/members/{member.pk}/leave/", {"left_on": day.isoformat(), "leave_kind": "left"}
        ).status_code
        == 400
    )


def test_leaving_over_the_api(caller):
    member = member_in(GRID_1)
    client = caller("gridworker1")
    leaving = {"left_on": (timezone.localdate() - timedelta(days=35)).isoformat(), "leave_kind": "left"}
    answered = client.post(f"/party/members/{member.pk}/leave", leaving)
    assert answered.status_code == 200 and answered.json()["left_on"] == leaving["left_on"]
    assert client.post(f"/party/members/{member.pk}/leave", leaving).status_code == 409
    assert caller("gridworker2").post(f"/party/members/{member.pk}/leave", leaving).status_code == 404
    assert member.pk in [r["id"] for r in client.get("/party/members", {"left": "true", "size": 100}).json()["items"]]
    assert member.pk not in [
        r["id"] for r in client.get("/party/members", {"left": "false", "size": 100}).json()["items"]
    ]


def test_a_central_household_below_the_minimum_is_warned_on_its_page(browser, settings):
    settings.PARTY_CENTRAL_HOUSEHOLD_MIN = 10
    member = PartyMember.objects.filter(
        person__region_path__startswith=person_in(GRID_1).region_path[:40], central_household__isnull=True
    ).first()
    few = list(households_in(GRID_1, covered=False).values_list("pk", flat=True)[:3])
    services.set_central_household(actor=User.objects.get(username="gridworker1"), member=member, households=few)
    page = browser("gridworker1").get(f"/party/members/{member.pk}/")
    assert b'data-testid="central-short"' in page.content
    assert len(few) >= 1
    settings.PARTY_CENTRAL_HOUSEHOLD_MIN = len(few)
    assert b'data-testid="central-short"' not in browser("gridworker1").get(f"/party/members/{member.pk}/").content


def test_the_member_list_picks_the_region_from_a_list(browser):
    page = browser("community1").get("/party/members/", {"region": GRID_1}).content.decode()
    assert 'data-testid="region-picker"' in page and f'<option value="{GRID_1}" selected>' in page
    assert f'value="{GRID_2}"' in page and 'class="form-control" id="f-region"' not in page
