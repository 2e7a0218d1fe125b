"""The activity and wish forms pick a region from those the service would accept, not a typed code."""

import re

import pytest

from tests.resident_services.conftest import COMMUNITY_1, GRID_1, GRID_2, GRID_OTHER_STREET
from wangge.services import selectors

pytestmark = pytest.mark.django_db


def _options(html: str, field: str) -> list[str]:
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, field
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def test_the_activity_form_offers_the_communities_and_streets_the_planner_manages(browser, user):
    page = browser("community1").get("/services/activities/new/").content.decode()
    offered = _options(page, "region")
    assert offered == [r.code for r in selectors.managed_regions(user("community1"))] == [COMMUNITY_1]
    street = _options(browser("leader").get("/services/activities/new/").content.decode(), "region")
    assert street[0] == "329901001000" and COMMUNITY_1 in street and GRID_1 not in street
    refused = browser("community1").post("/services/activities/new/", {"region": GRID_OTHER_STREET[:12]})
    assert "region" in refused.context["form"].errors


def test_the_wish_form_offers_a_helper_the_grids_they_serve(browser, user):
    page = browser("gridworker1").get("/services/wishes/new/").content.decode()
    offered = _options(page, "region")
    assert offered[0] == "" and GRID_1 in offered and GRID_2 not in offered
    assert 'name="region"' not in browser("resident1").get("/services/wishes/new/").content.decode()
