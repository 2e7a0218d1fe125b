"""The party pages per persona: scope (404 out of reach, 403 without the ledger), the navigation entry,
phone-friendly tables, no inline scripts, and the panel on the household portrait."""

import re

import pytest

from tests.party.conftest import (
    COMMUNITY_1,
    GRID_1,
    GRID_2,
    STREET_2,
    branch_of,
    households_in,
    member_in,
)
from wangge.party import services
from wangge.party.models import CoveredHousehold, OrganisationKind

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>")


def pages(grid: str) -> dict[str, str]:
    return {
        "tree": "/party/",
        "organisation": f"/party/organisations/{branch_of(grid).pk}/",
        "members": f"/party/members/?region={grid}",
        "member": f"/party/members/{member_in(grid).pk}/",
        "coverage": f"/party/coverage/?region={grid}",
    }


@pytest.mark.parametrize(
    ("persona", "grid", "expected"),
    [
        ("gridworker1", GRID_1, 200),
        ("gridworker1", GRID_2, 404),
        ("community1", GRID_2, 200),
        ("leader", GRID_2, 200),
        ("admin", GRID_1, 200),
    ],
)
def test_pages_answer_by_reach(browser, persona, grid, expected):
    client = browser(persona)
    for name, url in pages(grid).items():
        status = 200 if name == "tree" else expected
        assert client.get(url).status_code == status, (name, url)


@pytest.mark.parametrize("persona", ["resident1", "department1"])
def test_pages_are_refused_without_the_ledger_and_the_entry_is_not_shown(browser, persona):
    client = browser(persona)
    for url in pages(GRID_1).values():
        assert client.get(url).status_code == 403
    assert b'data-testid="nav-party"' not in client.get("/home/").content


def test_the_navigation_leads_to_the_tree_in_chinese(browser):
    client = browser("gridworker1", language="zh-hans")
    home = client.get("/home/").content.decode()
    assert 'data-testid="nav-party"' in home and "党建" in home
    tree = client.get("/party/").content.decode()
    assert branch_of(GRID_1).name in tree
    assert branch_of(GRID_2).name not in tree


def test_lists_are_stacked_tables_with_a_label_per_cell_and_no_inline_scripts(browser):
    client = browser("community1")
    for url in pages(GRID_1).values():
        html = client.get(url).content.decode()
        assert not INLINE_SCRIPT.search(html), url
        for table in re.findall(r"<table[^>]*>.*?</table>", html, re.S):
            assert "wg-stack" in table, url
            for row in re.findall(r"<tbody>.*?</tbody>", table, re.S):
                for cells in re.findall(r"<tr>(.*?)</tr>", row, re.S):
                    tds = re.findall(r"<td[^>]*>", cells)
                    assert all("data-label" in td for td in tds[1:] if "colspan" not in td), url


def test_the_coverage_page_shows_rates_per_grid_and_the_map_data(browser):
    response = browser("community1").get(f"/party/coverage/?region={COMMUNITY_1}")
    assert response.status_code == 200
    assert [row.region.code for row in response.context["grids"]][:2] == [GRID_1, GRID_2]
    total = response.context["total"]
    assert total.households == households_in(COMMUNITY_1).count()
    assert b'id="party-coverage-config"' in response.content
    assert b"party/coverage.js" in response.content
    assert browser("community1").get(f"/party/coverage/?region={STREET_2}").status_code == 404


def test_a_name_with_a_script_tag_is_shown_escaped(browser, user):
    services.create_organisation(
        actor=user("admin"),
        kind=OrganisationKind.GROUP,
        name="<script>x()</script>组",
        regions=[GRID_1],
        parent=branch_of(GRID_1).pk,
    )
    html = browser("gridworker1").get("/party/").content.decode()
    assert "&lt;script&gt;x()&lt;/script&gt;组" in html
    assert "<script>x()" not in html


def test_the_household_portrait_says_who_covers_it(browser):
    covered = (
        CoveredHousehold.objects.filter(household__in=households_in(GRID_1))
        .select_related("central__member__person")
        .first()
    )
    page = browser("gridworker1").get(f"/people/households/{covered.household_id}/").content.decode()
    assert 'data-testid="panel-party.household"' in page
    assert covered.central.member.person.name in page
    free = households_in(GRID_1, covered=False).first()
    if free is not None:
        page = browser("gridworker1").get(f"/people/households/{free.pk}/").content.decode()
        assert 'data-testid="party-uncovered"' in page


def test_the_portrait_panel_is_absent_for_a_household_out_of_reach(browser):
    other = households_in(GRID_2).first()
    assert browser("gridworker1").get(f"/people/households/{other.pk}/").status_code == 404


def test_the_member_list_exports_what_it_shows_for_those_who_may_export(browser):
    from wangge.accounts.models import AuditLog

    worker = browser("gridworker1")
    assert b'data-testid="export-members"' in worker.get(f"/party/members/?region={GRID_1}").content
    response = worker.post("/party/members/export/", {"region": GRID_1})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="party-members-')
    assert AuditLog.objects.filter(action="party.member.export", actor_name="gridworker1").exists()
    assert worker.post("/party/members/export/", {"region": GRID_2}).status_code == 404
    assert worker.get("/party/members/export/").status_code == 405
    admin = browser("admin")  # the administrator keeps the ledger but does not export it
    assert b'data-testid="export-members"' not in admin.get("/party/members/").content
    assert admin.post("/party/members/export/", {}).status_code == 403


def test_the_admin_lists_and_shows_party_records_with_the_tree_read_only(browser, user):
    from wangge.accounts.models import User

    admin_user = User.objects.filter(is_superuser=True).first() or user("admin")
    client = browser(admin_user.username)
    branch = branch_of(GRID_1)
    central = CoveredHousehold.objects.filter(household__in=households_in(GRID_1)).first().central
    for url in [
        "/admin/party/partyorganisation/",
        f"/admin/party/partyorganisation/{branch.pk}/change/",
        "/admin/party/partymember/",
        f"/admin/party/partymember/{member_in(GRID_1).pk}/change/",
        f"/admin/party/centralhousehold/{central.pk}/change/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    form = client.get(f"/admin/party/partyorganisation/{branch.pk}/change/").content.decode()
    assert 'name="parent"' not in form


def test_a_grid_worker_links_households_to_a_central_household_on_a_page(browser, settings):
    from tests.party.conftest import persons_in
    from wangge.party.models import CentralHousehold, PartyMember

    client = browser("gridworker1")
    member = PartyMember.objects.filter(person__in=persons_in(GRID_1), central_household__isnull=True).first()
    form = client.get(f"/party/members/{member.pk}/central-household/")
    assert form.status_code == 200
    taken = CoveredHousehold.objects.filter(household__in=households_in(GRID_1)).first().household_id
    assert re.search(rf'value="{taken}"[^>]*disabled', form.content.decode())  # covered by another: not offered
    free = list(households_in(GRID_1, covered=False).values_list("pk", flat=True)[:2])
    saved = client.post(f"/party/members/{member.pk}/central-household/", {"households": free})
    assert saved.status_code == 302
    assert sorted(CentralHousehold.objects.get(member=member).covered.values_list("household_id", flat=True)) == free
    refused = client.post(f"/party/members/{member.pk}/central-household/", {"households": [taken]})
    assert refused.status_code == 200 and b'data-testid="central-error"' in refused.content
    settings.PARTY_CENTRAL_HOUSEHOLD_MAX = 1
    two = list(households_in(GRID_1).values_list("pk", flat=True)[:2])
    over = client.post(f"/party/members/{member.pk}/central-household/", {"households": two})
    assert b"at most 1 households" in over.content
    removed = client.post(f"/party/members/{member.pk}/central-household/", {})
    assert removed.status_code == 302 and not CentralHousehold.objects.filter(member=member).exists()
    assert browser("gridworker2").get(f"/party/members/{member.pk}/central-household/").status_code == 404
    assert browser("leader").get(f"/party/members/{member.pk}/central-household/").status_code == 403


def test_a_member_s_person_page_shows_their_standing_and_a_non_member_s_does_not(browser):
    from tests.party.conftest import person_in

    member = member_in(GRID_1)
    page = browser("gridworker1").get(f"/people/persons/{member.person_id}/").content.decode()
    assert 'data-testid="panel-party.person"' in page
    assert member.organisation.name in page
    other = browser("gridworker1").get(f"/people/persons/{person_in(GRID_1).pk}/").content.decode()
    assert 'data-testid="panel-party.person"' not in other
