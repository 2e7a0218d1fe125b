"""Every API route and every page, persona by persona: who gets what.

One row per route (from the NinjaAPI's OpenAPI paths) and per named page URL pattern: a request with
concrete codes and ids, and the status each persona must get. A route added without a row fails
``test_every_api_route_has_a_row`` / ``test_every_page_has_a_row``. The objects asked for lie in
gridworker1's grid (GRID_1), community1's community and the leader's street: gridworker2 (the next
grid) is the outsider who must get 404 exactly as for an absent one; anonymous callers get 401 from
the API and the login page from the pages. Writes are checked for who is refused (no body that
would succeed is sent), reads for who may and who may not.
"""

import json
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from tests.cases.conftest import CATEGORY, point_in
from wangge.accounts.models import User
from wangge.accounts.services import issue_token
from wangge.api import api as ninja_api
from wangge.assessment import services as assessment_services
from wangge.cases import services as case_services
from wangge.deliberation import services as deliberation_services
from wangge.devices import services as device_services
from wangge.devices.models import Vendor
from wangge.hotline import importing as hotline_importing
from wangge.hotline import services as hotline_services
from wangge.inbox import services as inbox_services
from wangge.mediation import services as mediation_services
from wangge.notices import services as notice_services
from wangge.party import services as party_services
from wangge.party.models import (
    CentralHousehold,
    OrganisationKind,
    PartyMember,
    PartyOrganisation,
    PropertyCompany,
    PropertyListing,
)
from wangge.patrols import services as patrol_services
from wangge.patrols.models import Patrol
from wangge.people.models import Household
from wangge.regions.models import Region
from wangge.services import services as services_services
from wangge.services.models import ServicePoint, VolunteerTeam

GRID_1 = "329901001001001"
GRID_2 = "329901001001002"
COMMUNITY_1 = "329901001001"
STREET_1 = "329901001000"
STREET_2 = "329901002000"
ABSENT = 99999999

OTHER_COMMUNITY = "gw329901001002001"  # the grid worker of the next community's first grid
ANON = "anonymous"
LOGIN = "login"  # a page sends an anonymous caller to the login page (302 there)


@dataclass
class Row:
    url: str
    expect: dict[str, int]
    method: str = "get"
    body: dict = field(default_factory=dict)


# --- the API --------------------------------------------------------------------------------------------

PEOPLE_IDS = {
    "persons": "person_id",
    "households": "household_id",
    "houses": "house_id",
    "buildings": "building_id",
    "compounds": "compound_id",
    "organisations": "organisation_id",
    "facilities": "facility_id",
}
PEOPLE_LISTS = list(PEOPLE_IDS)
PEOPLE_READ = {ANON: 401, "resident1": 403, "leader": 200}
PEOPLE_ABSENT = {ANON: 401, "resident1": 403, "leader": 404}
WRITE_REFUSED = {ANON: 401}

API_ROWS: dict[str, Row] = {
    "POST /auth/token": Row(
        "/auth/token", {ANON: 401}, "post", {"username": "gridworker1", "password": "not the password"}
    ),
    "GET /auth/me": Row("/auth/me", {ANON: 401, "resident1": 200, "gridworker2": 200}),
    "GET /auth/tokens": Row("/auth/tokens", {ANON: 401, "resident1": 200}),
    "DELETE /auth/tokens/{token_id}": Row(f"/auth/tokens/{ABSENT}", {ANON: 401, "resident1": 404}, "delete"),
    "POST /auth/tokens/revoke-all": Row("/auth/tokens/revoke-all", {ANON: 401, "resident1": 200}, "post"),
    "GET /regions": Row("/regions", {ANON: 401, "resident1": 200, "gridworker2": 200}),
    "POST /regions": Row("/regions", {ANON: 401, "leader": 403}, "post", {"code": "1", "name": "x", "level": "grid"}),
    "GET /regions/locate": Row("/regions/locate?lon=0&lat=0", {ANON: 401, "gridworker2": 404}),
    "POST /regions/import": Row("/regions/import?dry_run=true", {ANON: 401, "leader": 403}, "post", {}),
    "GET /regions/{code}": Row(f"/regions/{GRID_1}", {ANON: 401, "gridworker1": 200, "gridworker2": 404}),
    "PATCH /regions/{code}": Row(f"/regions/{GRID_1}", {ANON: 401, "gridworker1": 403}, "patch", {"name": "x"}),
    "GET /regions/{code}/children.geojson": Row(
        f"/regions/{GRID_1}/children.geojson", {ANON: 401, "gridworker1": 200, "gridworker2": 404}
    ),
    "GET /regions/{code}/export.geojson": Row(
        f"/regions/{GRID_1}/export.geojson", {ANON: 401, "gridworker1": 200, "gridworker2": 404}
    ),
    "GET /cases": Row("/cases", {ANON: 401, "resident1": 200, "gridworker2": 200}),
    "POST /cases": Row(
        "/cases",
        {"resident1": 400},
        "post",
        {"category": CATEGORY, "description": "x", "lon": 0, "lat": 0, "urgent": True},
    ),
    "GET /cases/nearby": Row("/cases/nearby?lon=120.9&lat=31.4", {ANON: 401, "gridworker2": 200}),
    "GET /cases/{number}": Row(
        "/cases/{case}", {ANON: 401, "resident1": 200, "gridworker1": 200, "gridworker2": 404, "leader": 200}
    ),
    "GET /cases/{number}/timeline": Row("/cases/{case}/timeline", {ANON: 401, "resident1": 200, "gridworker2": 404}),
    "POST /cases/{number}/actions": Row(
        "/cases/{case}/actions", {ANON: 401, "gridworker2": 404}, "post", {"action": "accept"}
    ),
    "POST /cases/{number}/photos": Row("/cases/{case}/photos", {ANON: 401, "gridworker2": 404}, "post"),
    "GET /categories": Row("/categories", {ANON: 401, "resident1": 200}),
    "GET /categories/suggest": Row("/categories/suggest?text=路灯坏了", {ANON: 401, "resident1": 200}),
    "GET /dashboard/nodes": Row("/dashboard/nodes", {ANON: 401, "leader": 200}),
    **{
        f"GET /dashboard/{name}": Row(
            f"/dashboard/{name}?region={STREET_1}{extra}",
            {ANON: 401, "resident1": 404, "community1": 404, "leader": 200},
        )
        for name, extra in [
            ("summary", ""),
            ("trend", ""),
            ("breakdown", ""),
            ("ranking", ""),
            ("map", ""),
            ("feed", ""),
            ("statistics", ""),
            ("cases", "&figure=reported"),
        ]
    },
    "GET /dashboard/call-outs": Row(
        f"/dashboard/call-outs?region={STREET_1}", {ANON: 401, "resident1": 404, "community1": 404, "leader": 200}
    ),
    "GET /dashboard/party": Row(
        f"/dashboard/party?region={STREET_1}", {ANON: 401, "resident1": 404, "community1": 404, "leader": 200}
    ),
    "GET /assessment/indicators": Row("/assessment/indicators", {ANON: 401, "leader": 200}),
    "GET /assessment/scores": Row(
        f"/assessment/scores?region={STREET_1}", {ANON: 401, "community1": 404, "leader": 200}
    ),
    "GET /assessment/bulletins": Row("/assessment/bulletins", {ANON: 401, "leader": 200}),
    "POST /assessment/bulletins": Row(
        "/assessment/bulletins",
        {ANON: 401, "leader": 404, "gridworker1": 404},  # out of reach before the role: like absent
        "post",
        {"region": STREET_2, "month": "2026-11"},
    ),
    "GET /assessment/bulletins/{bulletin_id}": Row(
        "/assessment/bulletins/{bulletin}", {ANON: 401, "leader": 200, "gridworker2": 404}
    ),
    "GET /assessment/weekly": Row("/assessment/weekly", {ANON: 401, "gridworker2": 200}),
    "POST /assessment/weekly": Row(
        "/assessment/weekly",
        {ANON: 401, "community1": 404, "leader": 404},
        "post",
        {"region": STREET_2, "week": "2026-11-23", "title": "x", "items": "x"},
    ),
    "POST /assessment/weekly/{plan_id}/publish": Row(
        "/assessment/weekly/{plan}/publish", {ANON: 401, "gridworker2": 404}, "post"
    ),
    # The people routes: read-only checks (capability first, then scope).
    **{f"GET /{kind}": Row(f"/{kind}", PEOPLE_READ) for kind in PEOPLE_LISTS},
    **{f"GET /{kind}/{{{PEOPLE_IDS[kind]}}}": Row(f"/{kind}/{ABSENT}", PEOPLE_ABSENT) for kind in PEOPLE_LISTS},
    **{f"POST /{kind}": Row(f"/{kind}", WRITE_REFUSED, "post") for kind in PEOPLE_LISTS},
    **{
        f"PATCH /{kind}/{{{PEOPLE_IDS[kind]}}}": Row(f"/{kind}/{ABSENT}", WRITE_REFUSED, "patch")
        for kind in PEOPLE_LISTS
    },
    "POST /persons/search": Row("/persons/search", {ANON: 401, "resident1": 403, "leader": 200}, "post"),
    "POST /persons/{person_id}/reveal": Row(f"/persons/{ABSENT}/reveal", WRITE_REFUSED, "post"),
    "GET /persons/{person_id}/labels": Row(f"/persons/{ABSENT}/labels", {ANON: 401, "resident1": 403}),
    "POST /persons/{person_id}/labels": Row(f"/persons/{ABSENT}/labels", WRITE_REFUSED, "post"),
    "PATCH /labels/{label_id}": Row(f"/labels/{ABSENT}", WRITE_REFUSED, "patch"),
    "DELETE /labels/{label_id}": Row(f"/labels/{ABSENT}", WRITE_REFUSED, "delete"),
    "GET /label-counts": Row(f"/label-counts?region={GRID_1}", {ANON: 401, "resident1": 403}),
    "POST /houses/{house_id}/reveal": Row(f"/houses/{ABSENT}/reveal", WRITE_REFUSED, "post"),
    "GET /buildings/{building_id}/cells": Row(f"/buildings/{ABSENT}/cells", PEOPLE_ABSENT),
    "POST /organisations/{organisation_id}/reveal": Row(f"/organisations/{ABSENT}/reveal", WRITE_REFUSED, "post"),
    "GET /ledgers/{kind}/template": Row("/ledgers/persons/template", {ANON: 401, "resident1": 403}),
    "POST /ledgers/{kind}/import": Row("/ledgers/persons/import", WRITE_REFUSED, "post"),
    "POST /ledgers/persons/export": Row("/ledgers/persons/export", {ANON: 401, "resident1": 403}, "post"),
    "POST /ledgers/{kind}/export": Row("/ledgers/houses/export", {ANON: 401, "resident1": 403}, "post"),
    # Party work: people.view to read, people.change to write; members follow the reach of persons.
    "GET /party/organisations": Row("/party/organisations", {ANON: 401, "resident1": 403, "gridworker2": 200}),
    "POST /party/organisations": Row(
        "/party/organisations", {ANON: 401, "leader": 403}, "post", {"kind": "group", "name": "x", "regions": [GRID_1]}
    ),
    "GET /party/organisations/{organisation_id}": Row(
        "/party/organisations/{party_branch}", {ANON: 401, "resident1": 403, "gridworker1": 200, "gridworker2": 404}
    ),
    "GET /party/organisations/{organisation_id}/cases": Row(
        "/party/organisations/{party_branch}/cases",
        {ANON: 401, "resident1": 403, "gridworker1": 200, "gridworker2": 404},
    ),
    "PATCH /party/organisations/{organisation_id}": Row(
        "/party/organisations/{party_branch}", {ANON: 401, "gridworker2": 404}, "patch", {"name": "x"}
    ),
    "POST /party/organisations/{organisation_id}/move": Row(
        "/party/organisations/{party_branch}/move", {ANON: 401, "gridworker2": 404}, "post", {"parent_id": None}
    ),
    "PUT /party/organisations/{organisation_id}/committee": Row(
        "/party/organisations/{party_branch}/committee", {ANON: 401, "gridworker2": 404}, "put", {"members": []}
    ),
    "GET /party/organisations/{organisation_id}/staff": Row(
        "/party/organisations/{party_unit}/staff",
        {ANON: 401, "resident1": 403, "leader": 403, "community1": 200, OTHER_COMMUNITY: 404},
    ),
    "PUT /party/organisations/{organisation_id}/staff": Row(
        "/party/organisations/{party_unit}/staff",
        {ANON: 401, "resident1": 403, "leader": 403, OTHER_COMMUNITY: 404},
        "put",
        {"usernames": []},
    ),
    "GET /party/members": Row("/party/members", {ANON: 401, "resident1": 403, "gridworker2": 200}),
    "POST /party/members/import": Row(
        "/party/members/import", {ANON: 401, "resident1": 403, "leader": 403, "gridworker1": 422}, "post"
    ),
    "POST /party/members": Row(
        "/party/members", {ANON: 401, "leader": 403}, "post", {"person_id": ABSENT, "organisation_id": ABSENT}
    ),
    "POST /party/members/export": Row("/party/members/export", {ANON: 401, "resident1": 403}, "post"),
    "GET /party/members/{member_id}": Row(
        "/party/members/{party_member}", {ANON: 401, "resident1": 403, "gridworker1": 200, "gridworker2": 404}
    ),
    "PATCH /party/members/{member_id}": Row(
        "/party/members/{party_member}", {ANON: 401, "gridworker2": 404}, "patch", {"employer": "x"}
    ),
    "POST /party/members/{member_id}/leave": Row(
        "/party/members/{party_member}/leave",
        {ANON: 401, "resident1": 403, "gridworker2": 404, "leader": 403},
        "post",
        {"left_on": "2026-11-01", "leave_kind": "left"},
    ),
    "GET /party/central-households": Row(
        "/party/central-households", {ANON: 401, "resident1": 403, "gridworker2": 200}
    ),
    "POST /party/central-households": Row(
        "/party/central-households", {ANON: 401, "gridworker2": 404}, "post", {"member_id": ABSENT, "household_ids": []}
    ),
    "GET /party/central-households/{central_id}": Row(
        "/party/central-households/{party_central}", {ANON: 401, "gridworker1": 200, "gridworker2": 404}
    ),
    "PUT /party/central-households/{central_id}": Row(
        "/party/central-households/{party_central}", {ANON: 401, "gridworker2": 404}, "put", {"household_ids": []}
    ),
    "DELETE /party/central-households/{central_id}": Row(
        "/party/central-households/{party_central}", {ANON: 401, "gridworker2": 404}, "delete"
    ),
    "GET /party/items": Row("/party/items", {ANON: 401, "resident1": 200, "gridworker2": 200}),
    "POST /party/items": Row(
        "/party/items",
        {ANON: 401, "leader": 403, "gridworker1": 400},  # a grid worker's reach is not the whole community
        "post",
        {"community": COMMUNITY_1, "kind": "need", "title": "x"},
    ),
    "GET /party/items/{item_id}": Row(
        "/party/items/{party_item}", {ANON: 401, "resident1": 404, "gridworker2": 200, "leader": 200}
    ),
    "POST /party/items/{item_id}/claim": Row(
        "/party/items/{party_item}/claim", {ANON: 401, "resident1": 404, "leader": 403}, "post", {"member_id": ABSENT}
    ),
    "POST /party/items/{item_id}/complete": Row(
        "/party/items/{party_item}/complete", {ANON: 401, "resident1": 404}, "post"
    ),
    "GET /party/me": Row("/party/me", {ANON: 401, "resident1": 200, "gridworker2": 200}),
    "GET /party/registrations": Row("/party/registrations", {ANON: 401, "resident1": 403, "gridworker2": 200}),
    "POST /party/registrations": Row("/party/registrations", {ANON: 401, "resident1": 400}, "post"),
    "POST /party/registrations/{registration_id}/confirm": Row(
        "/party/registrations/{party_registration}/confirm",
        {ANON: 401, "resident1": 403, "gridworker1": 404, "leader": 403},
        "post",
    ),
    "GET /party/property-companies": Row("/party/property-companies", {ANON: 401, "resident1": 403, "community1": 200}),
    "POST /party/property-companies": Row(
        "/party/property-companies",
        {ANON: 401, "leader": 403},
        "post",
        {"organisation_id": ABSENT, "community": COMMUNITY_1},
    ),
    "GET /party/property-companies/{company_id}": Row(
        "/party/property-companies/{party_company}",
        {ANON: 401, "resident1": 403, "community1": 200, "gridworker1": 404},
    ),
    "POST /party/property-companies/{company_id}/checks": Row(
        "/party/property-companies/{party_company}/checks",
        {ANON: 401, "gridworker1": 404},
        "post",
        {"month": "2026-10", "passed": []},
    ),
    "GET /party/property-companies/{company_id}/checks": Row(
        "/party/property-companies/{party_company}/checks",
        {ANON: 401, "resident1": 403, "community1": 200, "gridworker1": 404},
    ),
    "GET /party/property-companies/{company_id}/quarters": Row(
        "/party/property-companies/{party_company}/quarters?year=2026",
        {ANON: 401, "resident1": 403, "community1": 200, "gridworker1": 404},
    ),
    "GET /party/property-companies/{company_id}/compounds": Row(
        "/party/property-companies/{party_company}/compounds",
        {ANON: 401, "resident1": 403, "community1": 200, "gridworker1": 404},
    ),
    "GET /party/property-lists": Row("/party/property-lists", {ANON: 401, "resident1": 200, "community1": 200}),
    "GET /party/property-lists/{listing_id}": Row(
        "/party/property-lists/{party_listing}", {ANON: 401, "resident1": 200, "community1": 200, OTHER_COMMUNITY: 404}
    ),
    "POST /party/property-lists": Row(
        "/party/property-lists", {ANON: 401, "leader": 403}, "post", {"community": COMMUNITY_1, "year": 2026, "half": 1}
    ),
    "GET /party/coverage": Row(
        f"/party/coverage?region={GRID_1}", {ANON: 401, "resident1": 403, "gridworker1": 200, "gridworker2": 404}
    ),
    "POST /patrols": Row("/patrols", {ANON: 401, "resident1": 403}, "post"),
    "GET /patrols": Row("/patrols", {ANON: 401, "resident1": 200, "gridworker2": 200}),
    "GET /patrols/coverage": Row(
        f"/patrols/coverage?region={GRID_1}",
        {ANON: 401, "resident1": 404, "gridworker1": 404, "community1": 200, "leader": 200},
    ),
    "GET /patrols/{patrol_id}": Row(
        "/patrols/{patrol}", {ANON: 401, "resident1": 404, "gridworker1": 200, "gridworker2": 404, "leader": 200}
    ),
    "POST /patrols/{patrol_id}/points": Row(
        "/patrols/{patrol}/points",
        {ANON: 401, "gridworker2": 404, "leader": 403},
        "post",
        {"batch_id": "x", "points": []},
    ),
    "POST /patrols/{patrol_id}/finish": Row(
        "/patrols/{patrol}/finish", {ANON: 401, "gridworker2": 404, "leader": 403}, "post"
    ),
    "GET /vehicles": Row("/vehicles", {ANON: 401, "resident1": 200, "gridworker2": 200}),
    "POST /vehicles": Row(
        "/vehicles",
        {ANON: 401, "resident1": 403, "gridworker1": 403, "community1": 400},
        "post",
        {"plate": "苏E·E7777", "region": STREET_1},
    ),
    "GET /vehicles/{vehicle_id}": Row(
        "/vehicles/{vehicle}",
        {ANON: 401, "resident1": 404, "gridworker1": 200, "gridworker2": 404, "community1": 404, "leader": 200},
    ),
    "PATCH /vehicles/{vehicle_id}": Row(
        "/vehicles/{vehicle}",
        {ANON: 401, "resident1": 404, "gridworker1": 403, "gridworker2": 404},
        "patch",
        {"label": "x"},
    ),
    "GET /trips": Row("/trips", {ANON: 401, "resident1": 200, "gridworker2": 200}),
    "GET /trips/{trip_id}": Row(
        "/trips/{trip}",
        {ANON: 401, "resident1": 404, "gridworker1": 200, "gridworker2": 404, "community1": 200, "leader": 200},
    ),
    "GET /visits": Row("/visits", {ANON: 401, "resident1": 403, "gridworker2": 200}),
    "POST /visits": Row(
        "/visits",
        {ANON: 401, "resident1": 403, "gridworker2": 404},
        "post",
        {"household_id": ABSENT, "visited_on": "2026-11-30"},
    ),
    "GET /visits/overdue": Row("/visits/overdue", {ANON: 401, "resident1": 403, "gridworker2": 200}),
    "GET /visits/{visit_id}": Row(
        "/visits/{visit}", {ANON: 401, "resident1": 403, "gridworker1": 200, "gridworker2": 404, "leader": 200}
    ),
    "POST /visits/{visit_id}/photos": Row(
        "/visits/{visit}/photos",
        {ANON: 401, "resident1": 403, "gridworker1": 400, "gridworker2": 404, "leader": 403},
        "post",
    ),
    "POST /visits/{visit_id}/case": Row(
        "/visits/{visit}/case",
        {ANON: 401, "resident1": 403, "gridworker2": 404, "leader": 403},
        "post",
        {"category": CATEGORY},
    ),
    "GET /party/coverage/uncovered": Row(
        f"/party/coverage/uncovered?region={GRID_1}",
        {ANON: 401, "resident1": 403, "gridworker1": 200, "gridworker2": 404},
    ),
    "GET /devices": Row("/devices", {ANON: 401, "resident1": 200, "gridworker2": 200}),
    "POST /devices": Row(
        "/devices",
        {ANON: 401, "gridworker1": 403, "leader": 403},
        "post",
        {"vendor": "x", "serial": "x", "kind": "gas", "lon": 0, "lat": 0},
    ),
    "POST /devices/import": Row("/devices/import", {ANON: 401, "gridworker1": 422, "leader": 422}, "post"),
    "GET /devices/import/template": Row(
        "/devices/import/template", {ANON: 401, "gridworker1": 403, "leader": 403, "admin": 200}
    ),
    "GET /devices/statistics": Row(
        f"/devices/statistics?region={GRID_1}",
        {ANON: 401, "resident1": 404, "gridworker1": 200, "gridworker2": 404, "leader": 200},
    ),
    "GET /devices/{device_id}": Row(
        "/devices/{device}", {ANON: 401, "resident1": 404, "gridworker1": 200, "gridworker2": 404, "leader": 200}
    ),
    "GET /alarms": Row("/alarms", {ANON: 401, "resident1": 200, "gridworker2": 200}),
    # Vendors sign their bodies instead of holding accounts: a token does not replace the signature.
    "POST /iot/webhook/{vendor}": Row("/iot/webhook/{vendor}", {ANON: 401, "admin": 401}, "post", {"serial": "x"}),
    "GET /iot/unknown-devices": Row(
        "/iot/unknown-devices", {ANON: 401, "gridworker1": 403, "leader": 403, "admin": 200}
    ),
    "GET /iot/dead-letters": Row("/iot/dead-letters", {ANON: 401, "gridworker1": 403, "leader": 403, "admin": 200}),
    # services to residents: the wall, activities and points are public to the neighbourhood (gridworker2
    # shares community 1); a wish awaiting review is its poster's (gridworker1, for a resident) and staff's.
    "GET /wishes": Row("/wishes", {ANON: 401, "resident1": 200, "gridworker2": 200}),
    "POST /wishes": Row("/wishes", {ANON: 401}, "post"),
    "GET /wishes/counts": Row("/wishes/counts", {ANON: 401, "resident1": 200, "leader": 200}),
    "GET /wishes/{wish_id}": Row(
        "/wishes/{wish_pending}",
        {ANON: 401, "resident1": 404, "gridworker1": 200, "gridworker2": 404, "community1": 200, "leader": 200},
    ),
    "POST /wishes/{wish_id}/review": Row(
        "/wishes/{wish_pending}/review", {ANON: 401, "gridworker1": 403, "gridworker2": 404}, "post", {"approve": False}
    ),
    "POST /wishes/{wish_id}/withdraw": Row(
        "/wishes/{wish_pending}/withdraw", {ANON: 401, "resident1": 404, "gridworker2": 404}, "post"
    ),
    "POST /wishes/{wish_id}/claim": Row(
        "/wishes/{wish_pending}/claim",
        {ANON: 401, "gridworker2": 404, "community1": 409},
        "post",
        {"kind": "volunteer"},
    ),
    "POST /wishes/{wish_id}/fulfil": Row("/wishes/{wish_pending}/fulfil", {ANON: 401, "gridworker2": 404}, "post"),
    "POST /wishes/{wish_id}/confirm": Row(
        "/wishes/{wish_pending}/confirm", {ANON: 401, "gridworker2": 404, "community1": 403}, "post"
    ),
    "GET /activities": Row("/activities", {ANON: 401, "resident1": 200, "gridworker2": 200}),
    "POST /activities": Row(
        "/activities",
        {ANON: 401, "resident1": 400, "gridworker1": 400},
        "post",
        {
            "kind": "haircut",
            "title": "义剪",
            "region": COMMUNITY_1,
            "address": "广场",
            "starts_at": "2030-01-01T09:00:00+08:00",
            "ends_at": "2030-01-01T11:00:00+08:00",
            "capacity": 5,
            "organiser": "党总支",
        },
    ),
    "GET /activities/{activity_id}": Row(
        "/activities/{activity}", {ANON: 401, "resident1": 200, "gridworker2": 200, "leader": 200}
    ),
    "POST /activities/{activity_id}/sign-up": Row("/activities/{activity}/sign-up", {ANON: 401}, "post"),
    "POST /activities/{activity_id}/cancel": Row(
        "/activities/{activity}/cancel", {ANON: 401, "resident1": 409}, "post"
    ),
    "POST /activities/{activity_id}/check-in": Row(
        "/activities/{activity}/check-in", {ANON: 401, "resident1": 400}, "post", {"token": "x"}
    ),
    "POST /activities/{activity_id}/feedback": Row(
        "/activities/{activity}/feedback", {ANON: 401, "resident1": 409}, "post", {"rating": 5}
    ),
    "POST /activities/{activity_id}/call-off": Row(
        "/activities/{activity}/call-off", {ANON: 401, "resident1": 403, "gridworker1": 403}, "post"
    ),
    "GET /activities/{activity_id}/sign-ups": Row(
        "/activities/{activity}/sign-ups", {ANON: 401, "resident1": 403, "gridworker2": 403, "community1": 200}
    ),
    "GET /activities/{activity_id}/attendance": Row(
        "/activities/{activity}/attendance", {ANON: 401, "resident1": 200, "community1": 200}
    ),
    "GET /service-points": Row("/service-points", {ANON: 401, "resident1": 200, "gridworker2": 200}),
    "POST /service-points": Row(
        "/service-points",
        {ANON: 401, "resident1": 400},
        "post",
        {"kind": "station", "name": "驿站", "region": COMMUNITY_1, "lon": 120.9, "lat": 31.4},
    ),
    "GET /service-points/{point_id}": Row("/service-points/{point}", {ANON: 401, "resident1": 200, "leader": 200}),
    "GET /service-circles": Row(
        f"/service-circles?region={STREET_2}", {ANON: 401, "resident1": 404, "community1": 404, "leader": 404}
    ),
    "GET /volunteer-points": Row("/volunteer-points", {ANON: 401, "resident1": 200, "gridworker2": 200}),
    "GET /volunteer-ranking": Row(
        f"/volunteer-ranking?region={STREET_2}", {ANON: 401, "resident1": 404, "community1": 404, "leader": 404}
    ),
    "GET /errands": Row("/errands", {ANON: 401, "resident1": 200, "gridworker2": 200}),
    "POST /errands": Row("/errands", {ANON: 401, "resident1": 422}, "post", {"category": "x", "description": "代办"}),
    "GET /errands/{errand_id}": Row(
        "/errands/{errand}", {ANON: 401, "resident1": 200, "gridworker1": 200, "gridworker2": 404, "community1": 200}
    ),
    "POST /errands/{errand_id}/take": Row(
        "/errands/{errand}/take", {ANON: 401, "resident1": 403, "gridworker2": 404}, "post"
    ),
    "POST /errands/{errand_id}/complete": Row(
        "/errands/{errand}/complete", {ANON: 401, "gridworker1": 403, "gridworker2": 404}, "post"
    ),
    "POST /errands/{errand_id}/cancel": Row(
        "/errands/{errand}/cancel", {ANON: 401, "gridworker1": 403, "gridworker2": 404}, "post"
    ),
    "GET /volunteer-teams": Row("/volunteer-teams", {ANON: 401, "resident1": 200, "gridworker2": 200}),
    "POST /volunteer-teams": Row(
        "/volunteer-teams",
        {ANON: 401, "resident1": 400, "gridworker1": 400},
        "post",
        {"name": "服务队", "region": COMMUNITY_1},
    ),
    "GET /volunteer-teams/{team_id}": Row("/volunteer-teams/{team}", {ANON: 401, "resident1": 200, "leader": 200}),
    "POST /volunteer-teams/{team_id}/members": Row(
        "/volunteer-teams/{team}/members",
        {ANON: 401, "resident1": 403, "gridworker1": 403},
        "post",
        {"user_id": ABSENT},
    ),
    "GET /call-outs": Row("/call-outs", {ANON: 401, "resident1": 200, "gridworker2": 200}),
    "POST /call-outs": Row("/call-outs", {ANON: 401, "resident1": 404}, "post", {"team_id": ABSENT, "title": "帮忙"}),
    "GET /call-outs/{callout_id}": Row("/call-outs/{callout}", {ANON: 401, "resident1": 200, "community1": 200}),
    "POST /call-outs/{callout_id}/accept": Row("/call-outs/{callout}/accept", {ANON: 401, "resident1": 403}, "post"),
    "POST /call-outs/{callout_id}/complete": Row(
        "/call-outs/{callout}/complete", {ANON: 401, "resident1": 403, "gridworker1": 403}, "post"
    ),
    "GET /disputes": Row("/disputes", {ANON: 401, "resident1": 200, "gridworker2": 200}),
    "POST /disputes": Row(
        "/disputes",
        {ANON: 401, "gridworker2": 400, "resident1": 400},
        "post",
        {"kind": "neighbour", "region": GRID_1, "title": "漏水", "parties": [{"name": "张三"}]},
    ),
    "POST /disputes/from-case": Row(
        "/disputes/from-case", {ANON: 401, "gridworker2": 404, "gridworker1": 400}, "post", {"case": "{case}"}
    ),
    "GET /disputes/rates": Row(
        "/disputes/rates", {ANON: 401, "resident1": 404, "department1": 404, "gridworker1": 200, "leader": 200}
    ),
    "GET /disputes/recurring": Row("/disputes/recurring", {ANON: 401, "resident1": 200, "community1": 200}),
    "GET /disputes/{dispute_id}": Row(
        "/disputes/{dispute}",
        {ANON: 401, "resident1": 404, "gridworker1": 200, "gridworker2": 404, "community1": 200, "leader": 200},
    ),
    "POST /disputes/{dispute_id}/parties": Row(
        "/disputes/{dispute}/parties", {ANON: 401, "gridworker2": 404, "leader": 404}, "post", {"name": "王五"}
    ),
    "POST /disputes/{dispute_id}/sessions": Row(
        "/disputes/{dispute}/sessions", {ANON: 401, "gridworker2": 404, "resident1": 404}, "post", {"place": "调解室"}
    ),
    "POST /disputes/{dispute_id}/agreement": Row(
        "/disputes/{dispute}/agreement", {ANON: 401, "gridworker2": 404, "leader": 404}, "post", {"text": "赔偿"}
    ),
    "POST /disputes/{dispute_id}/outcome": Row(
        "/disputes/{dispute}/outcome", {ANON: 401, "gridworker2": 404}, "post", {"outcome": "failed"}
    ),
    "POST /disputes/{dispute_id}/escalate": Row(
        "/disputes/{dispute}/escalate", {ANON: 401, "gridworker2": 404}, "post", {"to": "court"}
    ),
    "POST /disputes/{dispute_id}/parties/{party_id}/reveal": Row(
        "/disputes/{dispute}/parties/{dispute_party}/reveal",
        {ANON: 401, "gridworker2": 404, "leader": 404, "resident1": 404},
        "post",
        {"field": "phone", "reason": "核实身份"},
    ),
    # outbound webhooks: administrators only (403 for every other role before any look-up)
    "GET /webhooks/subscriptions": Row("/webhooks/subscriptions", {ANON: 401, "leader": 403, "admin": 200}),
    "POST /webhooks/subscriptions": Row(
        "/webhooks/subscriptions",
        {ANON: 401, "leader": 403, "gridworker1": 403},
        "post",
        {"name": "x", "url": "ftp://x", "events": ["case.closed"]},
    ),
    "GET /webhooks/subscriptions/{subscription_id}": Row(
        f"/webhooks/subscriptions/{ABSENT}", {ANON: 401, "leader": 403, "admin": 404}
    ),
    "PATCH /webhooks/subscriptions/{subscription_id}": Row(
        f"/webhooks/subscriptions/{ABSENT}", {ANON: 401, "leader": 403, "admin": 404}, "patch", {"name": "x"}
    ),
    "DELETE /webhooks/subscriptions/{subscription_id}": Row(
        f"/webhooks/subscriptions/{ABSENT}", {ANON: 401, "leader": 403, "admin": 404}, "delete"
    ),
    "POST /webhooks/subscriptions/{subscription_id}/rotate-secret": Row(
        f"/webhooks/subscriptions/{ABSENT}/rotate-secret", {ANON: 401, "leader": 403, "admin": 404}, "post"
    ),
    "GET /webhooks/deliveries": Row("/webhooks/deliveries", {ANON: 401, "community1": 403, "admin": 200}),
    "GET /webhooks/deliveries/{delivery_id}": Row(
        f"/webhooks/deliveries/{ABSENT}", {ANON: 401, "leader": 403, "admin": 404}
    ),
    "POST /webhooks/deliveries/{delivery_id}/replay": Row(
        f"/webhooks/deliveries/{ABSENT}/replay", {ANON: 401, "leader": 403, "admin": 404}, "post"
    ),
    # the 12345 hotline: imports, mappings and the link for administrators; orders by data reach; the
    # hotline posts orders signed (a token does not replace the signature)
    "POST /hotline/import": Row("/hotline/import", {ANON: 401, "leader": 422, "admin": 422}, "post"),
    "POST /hotline/orders": Row("/hotline/orders", {ANON: 401, "admin": 401}, "post", {"orders": []}),
    "GET /hotline/orders": Row("/hotline/orders", {ANON: 401, "resident1": 200, "gridworker2": 200}),
    "GET /hotline/orders/{number}": Row(
        "/hotline/orders/{hotline_order}",
        {ANON: 401, "resident1": 404, "gridworker1": 200, "gridworker2": 404, "leader": 200},
    ),
    "GET /hotline/mappings": Row("/hotline/mappings", {ANON: 401, "leader": 403, "admin": 200}),
    "POST /hotline/mappings": Row(
        "/hotline/mappings",
        {ANON: 401, "leader": 403, "admin": 400},
        "post",
        {"hotline_code": "x", "hotline_name": "x", "category": "0000"},
    ),
    "PUT /hotline/link": Row(
        "/hotline/link", {ANON: 401, "leader": 403, "gridworker1": 403}, "put", {"url": "ftp://x"}
    ),
    "GET /hotline/rates": Row(
        f"/hotline/rates?region={STREET_1}", {ANON: 401, "resident1": 403, "community1": 404, "leader": 200}
    ),
    "GET /notices": Row("/notices", {ANON: 401, "resident1": 200, "gridworker2": 200, "department1": 200}),
    "POST /notices": Row(
        "/notices",
        {ANON: 401, "resident1": 400, "department1": 400, "gridworker2": 400},
        "post",
        {"kind": "notice", "region": GRID_1, "title": "x", "body": "y"},
    ),
    "GET /notices/{notice_id}": Row(
        "/notices/{notice}",
        {ANON: 401, "resident1": 200, "gridworker1": 200, "gridworker2": 404, "community1": 200, "leader": 200},
    ),
    "POST /notices/{notice_id}/read": Row("/notices/{notice}/read", {ANON: 401, "gridworker2": 404}, "post"),
    "POST /notices/{notice_id}/respond": Row(
        "/notices/{notice}/respond", {ANON: 401, "gridworker2": 404, "resident1": 400}, "post", {"answers": []}
    ),
    "GET /notices/{notice_id}/results": Row(
        "/notices/{notice}/results",
        {ANON: 401, "resident1": 404, "gridworker2": 404, "gridworker1": 200, "leader": 200},
    ),
    "GET /notices/{notice_id}/results/export": Row(
        "/notices/{notice}/results/export",
        {ANON: 401, "resident1": 404, "gridworker2": 404, "gridworker1": 200, "leader": 200},
    ),
    "GET /topics": Row("/topics", {ANON: 401, "resident1": 200, "department1": 200, OTHER_COMMUNITY: 200}),
    "POST /topics": Row(
        "/topics",
        {ANON: 401, "resident1": 400, "department1": 400},
        "post",
        {"community": "329901001002", "title": "x", "description": "y"},
    ),
    "GET /topics/{topic_id}": Row(
        "/topics/{topic}",
        {ANON: 401, "resident1": 200, "gridworker2": 200, "leader": 200, OTHER_COMMUNITY: 404, "department1": 404},
    ),
    "POST /topics/{topic_id}/review": Row(
        "/topics/{topic}/review",
        {ANON: 401, OTHER_COMMUNITY: 404, "resident1": 400, "gridworker1": 400},
        "post",
        {"accept": True, "reason": "x"},
    ),
    "GET /meetings": Row("/meetings", {ANON: 401, "resident1": 200, OTHER_COMMUNITY: 200}),
    "POST /meetings": Row(
        "/meetings",
        {ANON: 401, "resident1": 400, "gridworker1": 400},
        "post",
        {
            "community": COMMUNITY_1,
            "title": "x",
            "place_kind": "room",
            "place": "y",
            "starts_at": "2026-12-24T10:00:00",
        },
    ),
    "GET /meetings/{meeting_id}": Row(
        "/meetings/{meeting}", {ANON: 401, "resident1": 200, "leader": 200, OTHER_COMMUNITY: 404, "department1": 404}
    ),
    "POST /meetings/{meeting_id}/attend": Row(
        "/meetings/{meeting}/attend", {ANON: 401, OTHER_COMMUNITY: 404, "gridworker1": 400}, "post", {}
    ),
    "POST /meetings/{meeting_id}/vote": Row(
        "/meetings/{meeting}/vote", {ANON: 401, OTHER_COMMUNITY: 404, "gridworker1": 400}, "post", {"choice": "yes"}
    ),
    "POST /meetings/{meeting_id}/vote/open": Row(
        "/meetings/{meeting}/vote/open", {ANON: 401, OTHER_COMMUNITY: 404, "resident1": 400}, "post", {"question": "x"}
    ),
    "POST /meetings/{meeting_id}/vote/close": Row(
        "/meetings/{meeting}/vote/close", {ANON: 401, OTHER_COMMUNITY: 404, "resident1": 400}, "post"
    ),
    "POST /meetings/{meeting_id}/minutes": Row(
        "/meetings/{meeting}/minutes", {ANON: 401, OTHER_COMMUNITY: 404, "resident1": 400}, "post", {"text": "x"}
    ),
    "POST /meetings/{meeting_id}/minutes/sign": Row(
        "/meetings/{meeting}/minutes/sign", {ANON: 401, OTHER_COMMUNITY: 404, "resident1": 400}, "post"
    ),
    "POST /meetings/{meeting_id}/decisions": Row(
        "/meetings/{meeting}/decisions",
        {ANON: 401, OTHER_COMMUNITY: 404, "resident1": 400, "gridworker1": 400},
        "post",
        {"text": "x", "kind": "task", "due_on": "2027-01-01", "owner_name": "a"},
    ),
    "POST /meetings/{meeting_id}/decisions/{decision_id}/follow-ups": Row(
        "/meetings/{meeting}/decisions/{decision}/follow-ups",
        {ANON: 401, OTHER_COMMUNITY: 404, "resident1": 400},
        "post",
        {"note": "x"},
    ),
}

# --- the pages ------------------------------------------------------------------------------------------

PAGE_ROWS: dict[str, Row] = {
    "root": Row("/", {ANON: 302, "resident1": 302}),
    "home": Row("/home/", {ANON: LOGIN, "resident1": 200}),
    "accounts:login": Row("/accounts/login/", {ANON: 200}),
    "accounts:logout": Row("/accounts/logout/", {ANON: 302}, "post"),
    "regions:tree": Row("/regions/", {ANON: LOGIN, "gridworker2": 200}),
    "regions:map": Row("/regions/map/", {ANON: LOGIN, "gridworker2": 200}),
    "regions:detail": Row(f"/regions/{GRID_1}/", {ANON: LOGIN, "gridworker1": 200, "gridworker2": 404}),
    "regions:card": Row(f"/regions/{GRID_1}/card/", {ANON: LOGIN, "gridworker1": 200, "gridworker2": 404}),
    "regions:children": Row(f"/regions/{GRID_1}/children/", {ANON: LOGIN, "gridworker1": 200, "gridworker2": 404}),
    "cases:worklist": Row("/cases/", {ANON: LOGIN, "resident1": 200, "gridworker2": 200}),
    "cases:new": Row("/cases/new/", {ANON: LOGIN, "resident1": 200}),
    "cases:report": Row("/cases/report/", {ANON: 200, "resident1": 302}),
    "cases:report_done": Row("/cases/report/done/", {ANON: 302}),
    "cases:suggest": Row("/cases/suggest/?description=路灯坏了", {ANON: 200}),
    "cases:locate": Row("/cases/locate/?lon=0&lat=0", {ANON: 400, "resident1": 400}),
    "cases:nearby": Row("/cases/nearby/?lon=120.9&lat=31.4", {ANON: LOGIN, "gridworker2": 200}),
    "cases:detail": Row("/cases/{case}/", {ANON: LOGIN, "resident1": 200, "gridworker1": 200, "gridworker2": 404}),
    "cases:act": Row("/cases/{case}/do/accept/", {ANON: LOGIN, "gridworker2": 404}, "post"),
    "cases:photo": Row(f"/cases/{{case}}/photos/{ABSENT}/", {ANON: LOGIN, "gridworker1": 404, "gridworker2": 404}),
    "inbox:list": Row("/inbox/", {ANON: LOGIN, "gridworker2": 200}),
    "inbox:read_all": Row("/inbox/read-all/", {ANON: LOGIN}, "post"),
    "inbox:open": Row("/inbox/{message}/", {ANON: LOGIN, "gridworker1": 302, "gridworker2": 404}, "post"),
    "dashboard:screen": Row(f"/dashboard/?region={STREET_1}", {ANON: LOGIN, "community1": 404, "leader": 200}),
    "dashboard:feed": Row(f"/dashboard/feed/?region={STREET_1}", {ANON: LOGIN, "community1": 404, "leader": 200}),
    "dashboard:party": Row(f"/dashboard/party/?region={STREET_1}", {ANON: LOGIN, "community1": 404, "leader": 200}),
    "dashboard:devices": Row(
        f"/dashboard/devices/?region={STREET_1}", {ANON: LOGIN, "community1": 404, "gridworker1": 404, "leader": 200}
    ),
    "dashboard:hotline": Row(
        f"/dashboard/hotline/?region={STREET_1}", {ANON: LOGIN, "resident1": 404, "community1": 404, "leader": 200}
    ),
    "dashboard:callouts": Row(
        f"/dashboard/call-outs/?region={STREET_1}", {ANON: LOGIN, "community1": 404, "leader": 200}
    ),
    "dashboard:statistics": Row(
        f"/dashboard/stats/?region={STREET_1}", {ANON: LOGIN, "community1": 404, "leader": 200}
    ),
    "dashboard:cases": Row(
        f"/dashboard/cases/?region={STREET_1}&figure=reported", {ANON: LOGIN, "community1": 404, "leader": 200}
    ),
    "assessment:index": Row(f"/assessment/?region={STREET_1}", {ANON: LOGIN, "community1": 404, "leader": 200}),
    "assessment:bulletins": Row("/assessment/bulletins/", {ANON: LOGIN, "leader": 200}),
    "assessment:generate": Row(
        "/assessment/bulletins/generate/",
        {ANON: LOGIN, "leader": 404},
        "post",
        {"region": STREET_2, "month": "2026-11"},
    ),
    "assessment:bulletin": Row("/assessment/bulletins/{bulletin}/", {ANON: LOGIN, "leader": 200, "gridworker2": 404}),
    "assessment:bulletin_xlsx": Row(
        "/assessment/bulletins/{bulletin}/xlsx/", {ANON: LOGIN, "leader": 200, "gridworker2": 404}
    ),
    "assessment:weekly": Row("/assessment/weekly/", {ANON: LOGIN, "gridworker2": 200}),
    "assessment:plan": Row("/assessment/weekly/{plan}/", {ANON: LOGIN, "community1": 200, "gridworker2": 404}),
    "assessment:publish": Row("/assessment/weekly/{plan}/publish/", {ANON: LOGIN, "gridworker2": 404}, "post"),
    "assessment:ledger": Row(f"/assessment/points/?region={STREET_1}", {ANON: LOGIN, "community1": 404, "leader": 200}),
    "set_language": Row("/i18n/setlang/", {ANON: 302}, "post", {"language": "en"}),
    # The people pages: read-only checks.
    "people:index": Row("/people/", {ANON: LOGIN, "resident1": 403, "leader": 200}),
    **{
        f"people:{name}": Row(f"/people/{name}/", {ANON: LOGIN, "resident1": 403, "leader": 200})
        for name in ("persons", "buildings", "organisations", "facilities")
    },
    **{
        f"people:{name}": Row(url, {ANON: LOGIN, "resident1": 403, "leader": 404})
        for name, url in [
            ("person", f"/people/persons/{ABSENT}/"),
            ("household", f"/people/households/{ABSENT}/"),
            ("building", f"/people/buildings/{ABSENT}/"),
            ("house", f"/people/houses/{ABSENT}/"),
            ("organisation", f"/people/organisations/{ABSENT}/"),
        ]
    },
    # Editing needs people.change: a leader (who may only read) is refused before any lookup.
    **{
        f"people:{name}": Row(url, {ANON: LOGIN, "resident1": 403, "leader": 403})
        for name, url in [
            ("person_edit", f"/people/persons/{ABSENT}/edit/"),
            ("label_new", f"/people/persons/{ABSENT}/labels/new/"),
            ("label_edit", f"/people/labels/{ABSENT}/edit/"),
            ("household_edit", f"/people/households/{ABSENT}/edit/"),
            ("building_edit", f"/people/buildings/{ABSENT}/edit/"),
            ("house_edit", f"/people/houses/{ABSENT}/edit/"),
            ("organisation_edit", f"/people/organisations/{ABSENT}/edit/"),
            ("facility_edit", f"/people/facilities/{ABSENT}/edit/"),
        ]
    },
    **{
        f"people:{name}": Row(url, {ANON: LOGIN, "resident1": 403})
        for name, url in [
            ("person_new", "/people/persons/new/"),
            ("household_new", "/people/households/new/"),
            ("building_new", "/people/buildings/new/"),
            ("compound_new", "/people/compounds/new/"),
            ("organisation_new", "/people/organisations/new/"),
            ("facility_new", "/people/facilities/new/"),
            ("import", "/people/import/"),
            ("template", "/people/import/persons/template.xlsx"),
        ]
    },
    "people:export": Row("/people/export/persons/", {ANON: LOGIN, "resident1": 403}, "post"),
    "people:label_delete": Row(f"/people/labels/{ABSENT}/delete/", {ANON: LOGIN}, "post"),
    "people:reveal": Row(f"/people/reveal/person/{ABSENT}/", {ANON: LOGIN}, "post"),
    "people:import_confirm": Row("/people/import/confirm/", {ANON: LOGIN}, "post"),
    "party:tree": Row("/party/", {ANON: LOGIN, "resident1": 403, "gridworker2": 200}),
    "party:organisation": Row(
        "/party/organisations/{party_branch}/", {ANON: LOGIN, "resident1": 403, "gridworker1": 200, "gridworker2": 404}
    ),
    "party:members": Row("/party/members/", {ANON: LOGIN, "resident1": 403, "gridworker2": 200}),
    "party:member_export": Row("/party/members/export/", {ANON: LOGIN, "resident1": 403}, "post"),
    "party:member": Row(
        "/party/members/{party_member}/", {ANON: LOGIN, "resident1": 403, "gridworker1": 200, "gridworker2": 404}
    ),
    "party:central_edit": Row(
        "/party/members/{party_member}/central-household/",
        {ANON: LOGIN, "resident1": 403, "leader": 403, "gridworker1": 200, "gridworker2": 404},
    ),
    "party:organisation_new": Row(
        "/party/organisations/new/", {ANON: LOGIN, "resident1": 403, "leader": 403, "gridworker1": 200}
    ),
    "party:organisation_edit": Row(
        "/party/organisations/{party_branch}/edit/",
        {ANON: LOGIN, "leader": 403, "gridworker1": 200, "gridworker2": 404},
    ),
    "party:organisation_move": Row(
        "/party/organisations/{party_branch}/move/",
        {ANON: LOGIN, "leader": 403, "gridworker1": 200, "gridworker2": 404},
    ),
    "party:member_new": Row("/party/members/new/", {ANON: LOGIN, "resident1": 403, "leader": 403, "gridworker1": 200}),
    "party:member_import": Row(
        "/party/members/import/", {ANON: LOGIN, "resident1": 403, "leader": 403, "gridworker1": 200}
    ),
    "party:member_import_confirm": Row(
        "/party/members/import/confirm/", {ANON: LOGIN, "resident1": 403, "leader": 403, "gridworker1": 302}, "post"
    ),
    "party:member_import_template": Row(
        "/party/members/import/template.xlsx", {ANON: LOGIN, "resident1": 403, "leader": 403, "gridworker1": 200}
    ),
    "party:unit_staff": Row(
        "/party/organisations/{party_branch}/staff/", {ANON: LOGIN, "resident1": 403, "leader": 403, "gridworker2": 404}
    ),
    "party:property": Row("/party/property/", {ANON: LOGIN, "resident1": 403, "community1": 200}),
    "party:property_company": Row(
        "/party/property/{party_company}/", {ANON: LOGIN, "resident1": 403, "community1": 200, "gridworker1": 404}
    ),
    "party:property_listing": Row(
        "/party/property/lists/{party_listing}/", {ANON: LOGIN, "resident1": 200, "community1": 200}
    ),
    "party:person_search": Row(
        "/party/members/new/people/?person_q=1", {ANON: LOGIN, "resident1": 403, "leader": 403, "gridworker1": 200}
    ),
    "party:member_edit": Row(
        "/party/members/{party_member}/edit/", {ANON: LOGIN, "leader": 403, "gridworker1": 200, "gridworker2": 404}
    ),
    "party:member_leave": Row(
        "/party/members/{party_member}/leave/", {ANON: LOGIN, "leader": 403, "gridworker1": 200, "gridworker2": 404}
    ),
    "party:items": Row("/party/items/", {ANON: LOGIN, "resident1": 200, "gridworker2": 200}),
    "party:item": Row("/party/items/{party_item}/", {ANON: LOGIN, "resident1": 404, "gridworker2": 200, "leader": 200}),
    "party:claim_photo": Row(
        "/party/claims/{party_claim}/photo/", {ANON: LOGIN, "resident1": 404, "gridworker1": 200, "leader": 200}
    ),
    "party:mine": Row("/party/mine/", {ANON: LOGIN, "resident1": 200, "gridworker2": 200}),
    "party:registrations": Row(
        "/party/registrations/", {ANON: LOGIN, "resident1": 403, "gridworker1": 200, "community1": 200}
    ),
    "party:coverage": Row(
        f"/party/coverage/?region={GRID_1}", {ANON: LOGIN, "resident1": 403, "gridworker1": 200, "gridworker2": 404}
    ),
    "devices:list": Row("/devices/", {ANON: LOGIN, "resident1": 200, "gridworker2": 200}),
    "devices:map": Row("/devices/map/", {ANON: LOGIN, "resident1": 200, "gridworker2": 200}),
    "devices:statistics": Row(
        f"/devices/statistics/?region={GRID_1}",
        {ANON: LOGIN, "resident1": 404, "gridworker1": 200, "gridworker2": 404, "leader": 200},
    ),
    "devices:import": Row("/devices/import/", {ANON: LOGIN, "gridworker1": 403, "leader": 403, "admin": 200}),
    "devices:import_confirm": Row(
        "/devices/import/confirm/", {ANON: LOGIN, "gridworker1": 403, "leader": 403, "admin": 302}, "post"
    ),
    "devices:detail": Row(
        "/devices/{device}/", {ANON: LOGIN, "resident1": 404, "gridworker1": 200, "gridworker2": 404, "leader": 200}
    ),
    "services:wall": Row("/services/", {ANON: LOGIN, "resident1": 200, "gridworker2": 200}),
    "services:wish_new": Row("/services/wishes/new/", {ANON: LOGIN, "resident1": 200, "gridworker1": 200}),
    "services:wish_from_visit": Row(
        "/services/wishes/from-visit/{visit}/", {ANON: LOGIN, "resident1": 404, "gridworker2": 404}, "post"
    ),
    "services:wish": Row(
        "/services/wishes/{wish_pending}/",
        {ANON: LOGIN, "resident1": 404, "gridworker1": 200, "gridworker2": 404, "community1": 200},
    ),
    "services:wish_action": Row(
        "/services/wishes/{wish_pending}/approve/", {ANON: LOGIN, "resident1": 404, "gridworker2": 404}, "post"
    ),
    "services:wish_photo": Row(
        "/services/wishes/{wish_pending}/photo/wish/", {ANON: LOGIN, "gridworker1": 404, "gridworker2": 404}
    ),
    "services:activities": Row("/services/activities/", {ANON: LOGIN, "resident1": 200, "gridworker2": 200}),
    "services:activity_new": Row(
        "/services/activities/new/", {ANON: LOGIN, "resident1": 403, "gridworker1": 403, "community1": 200}
    ),
    "services:activity": Row("/services/activities/{activity}/", {ANON: LOGIN, "resident1": 200, "community1": 200}),
    "services:activity_qr": Row(
        "/services/activities/{activity}/qr.svg", {ANON: LOGIN, "resident1": 403, "community1": 200}
    ),
    "services:activity_checkin": Row("/services/activities/{activity}/check-in/x/", {ANON: LOGIN, "resident1": 200}),
    "services:activity_action": Row("/services/activities/{activity}/do/call-off/", {ANON: LOGIN}, "post"),
    "services:points": Row("/services/points/", {ANON: LOGIN, "resident1": 200, "gridworker2": 200}),
    "services:point_map": Row("/services/points/map/", {ANON: LOGIN, "resident1": 200}),
    "services:point": Row("/services/points/{point}/", {ANON: LOGIN, "resident1": 200, "leader": 200}),
    "services:circles": Row(
        f"/services/points/circles/?region={COMMUNITY_1}", {ANON: LOGIN, "resident1": 200, "community1": 200}
    ),
    "services:circles_export": Row(
        f"/services/points/circles.xlsx?region={STREET_2}", {ANON: LOGIN, "resident1": 404, "leader": 404}
    ),
    "services:volunteers": Row("/services/volunteers/", {ANON: LOGIN, "resident1": 200, "gridworker2": 200}),
    "services:errands": Row("/services/errands/", {ANON: LOGIN, "resident1": 200, "gridworker2": 200}),
    "services:errand": Row(
        "/services/errands/{errand}/", {ANON: LOGIN, "resident1": 200, "gridworker1": 200, "gridworker2": 404}
    ),
    "services:errand_action": Row("/services/errands/{errand}/take/", {ANON: LOGIN, "gridworker2": 404}, "post"),
    "services:teams": Row("/services/teams/", {ANON: LOGIN, "resident1": 200, "gridworker2": 200}),
    "services:team": Row("/services/teams/{team}/", {ANON: LOGIN, "resident1": 200, "community1": 200}),
    "services:callout": Row("/services/call-outs/{callout}/", {ANON: LOGIN, "resident1": 200}),
    "services:callout_action": Row("/services/call-outs/{callout}/accept/", {ANON: LOGIN}, "post"),
    "patrols:index": Row("/patrols/", {ANON: LOGIN, "resident1": 200, "gridworker2": 200}),
    "patrols:start": Row("/patrols/start/", {ANON: LOGIN, "resident1": 403}, "post"),
    "patrols:coverage": Row(
        f"/patrols/coverage/?region={GRID_1}", {ANON: LOGIN, "gridworker1": 404, "gridworker2": 404, "community1": 200}
    ),
    "patrols:detail": Row(
        "/patrols/{patrol}/", {ANON: LOGIN, "resident1": 404, "gridworker1": 200, "gridworker2": 404, "leader": 200}
    ),
    "patrols:finish": Row("/patrols/{patrol}/finish/", {ANON: LOGIN, "gridworker2": 404, "leader": 403}, "post"),
    "patrols:vehicles": Row(
        "/patrols/vehicles/", {ANON: LOGIN, "resident1": 404, "gridworker1": 200, "gridworker2": 404, "leader": 200}
    ),
    "patrols:vehicle": Row(
        "/patrols/vehicles/{vehicle}/",
        {ANON: LOGIN, "resident1": 404, "gridworker1": 200, "gridworker2": 404, "community1": 404, "leader": 200},
    ),
    "patrols:visits": Row("/patrols/visits/", {ANON: LOGIN, "resident1": 403, "gridworker2": 200}),
    "patrols:visit_new": Row(
        f"/patrols/visits/new/?household={ABSENT}", {ANON: LOGIN, "resident1": 403, "gridworker2": 404}
    ),
    "patrols:visit": Row(
        "/patrols/visits/{visit}/",
        {ANON: LOGIN, "resident1": 403, "gridworker1": 200, "gridworker2": 404, "leader": 200},
    ),
    "patrols:visit_photo": Row(
        f"/patrols/visits/photos/{ABSENT}/", {ANON: LOGIN, "resident1": 403, "gridworker1": 404}
    ),
    "mediation:list": Row("/mediation/", {ANON: LOGIN, "resident1": 200, "gridworker2": 200}),
    "mediation:new": Row(
        "/mediation/new/", {ANON: LOGIN, "resident1": 403, "department1": 403, "leader": 403, "gridworker1": 200}
    ),
    "mediation:rates": Row("/mediation/rates/", {ANON: LOGIN, "resident1": 404, "gridworker1": 200, "leader": 200}),
    "mediation:recurring": Row("/mediation/recurring/", {ANON: LOGIN, "resident1": 404, "community1": 200}),
    "mediation:export": Row("/mediation/export/", {ANON: LOGIN, "resident1": 404, "gridworker1": 200}),
    "mediation:from_case": Row(
        "/mediation/from-case/{case}/", {ANON: LOGIN, "gridworker2": 404, "gridworker1": 302}, "post"
    ),
    "mediation:detail": Row(
        "/mediation/{dispute}/",
        {ANON: LOGIN, "resident1": 404, "gridworker2": 404, "gridworker1": 200, "leader": 200},
    ),
    "mediation:act": Row(
        "/mediation/{dispute}/do/session/", {ANON: LOGIN, "gridworker2": 404, "resident1": 404, "leader": 404}, "post"
    ),
    "mediation:reveal": Row("/mediation/{dispute}/reveal/", {ANON: LOGIN, "gridworker2": 404, "leader": 404}, "post"),
    "notices:list": Row("/notices/", {ANON: LOGIN, "resident1": 200, "gridworker2": 200}),
    "notices:new": Row("/notices/new/", {ANON: LOGIN, "resident1": 403, "department1": 403, "gridworker1": 200}),
    "notices:detail": Row("/notices/{notice}/", {ANON: LOGIN, "resident1": 200, "gridworker2": 404, "leader": 200}),
    "notices:respond": Row("/notices/{notice}/respond/", {ANON: LOGIN, "gridworker2": 404, "resident1": 400}, "post"),
    "notices:edit": Row(
        "/notices/{notice}/edit/", {ANON: LOGIN, "resident1": 404, "gridworker2": 404, "gridworker1": 200}
    ),
    "notices:results": Row(
        "/notices/{notice}/results/",
        {ANON: LOGIN, "resident1": 404, "gridworker2": 404, "gridworker1": 200, "leader": 200},
    ),
    "notices:export": Row(
        "/notices/{notice}/results/export/", {ANON: LOGIN, "resident1": 404, "gridworker2": 404, "gridworker1": 200}
    ),
    "notices:attachment": Row(
        "/notices/attachments/{notice_attachment}/", {ANON: LOGIN, "resident1": 200, "gridworker2": 404}
    ),
    # Open311 is public data for any caller, signed in or not: the same answer for everybody (no scope). The
    # case lies in a public category; a private category's service is absent; a POST without a key is 403.
    "open311:discovery": Row("/open311/v2/discovery.json", {ANON: 200, "resident1": 200}),
    "open311:services": Row("/open311/v2/services.xml", {ANON: 200, "gridworker2": 200}),
    "open311:service": Row(f"/open311/v2/services/{CATEGORY}.json", {ANON: 200, "leader": 200}),
    "open311:requests": Row("/open311/v2/requests.json", {ANON: 200, "resident1": 200, "gridworker2": 200}),
    "open311:request": Row("/open311/v2/requests/{case}.xml", {ANON: 200, "gridworker2": 200, "leader": 200}),
    "open311:token": Row("/open311/v2/tokens/absent.json", {ANON: 404, "admin": 404}),
    "deliberation:index": Row("/deliberation/", {ANON: LOGIN, "resident1": 200, OTHER_COMMUNITY: 200}),
    "deliberation:topic_new": Row(
        "/deliberation/topics/new/", {ANON: LOGIN, "resident1": 200, "department1": 403, "community1": 200}
    ),
    "deliberation:topic": Row(
        "/deliberation/topics/{topic}/", {ANON: LOGIN, "resident1": 200, "leader": 200, OTHER_COMMUNITY: 404}
    ),
    "deliberation:topic_review": Row(
        "/deliberation/topics/{topic}/review/", {ANON: LOGIN, OTHER_COMMUNITY: 404, "resident1": 400}, "post"
    ),
    "deliberation:meeting_new": Row(
        "/deliberation/meetings/new/", {ANON: LOGIN, "resident1": 403, "gridworker1": 403, "community1": 200}
    ),
    "deliberation:meeting": Row(
        "/deliberation/meetings/{meeting}/", {ANON: LOGIN, "resident1": 200, "leader": 200, OTHER_COMMUNITY: 404}
    ),
    "deliberation:meeting_act": Row(
        "/deliberation/meetings/{meeting}/vote/", {ANON: LOGIN, OTHER_COMMUNITY: 404, "gridworker1": 400}, "post"
    ),
}
# A write without an API key is refused whoever is signed in (a session is no key).
OPEN311_POST = Row("/open311/v2/requests.json", {ANON: 403, "admin": 403}, "post", {"service_code": CATEGORY})


# --- what exists ----------------------------------------------------------------------------------------


def api_routes() -> set[str]:
    prefix = "/api/v1"
    paths = ninja_api.get_openapi_schema()["paths"]
    return {f"{method.upper()} {path.removeprefix(prefix)}" for path, ops in paths.items() for method in ops}


def page_names(patterns=None, namespace: str = "", prefix: str = "") -> set[str]:
    names = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith(("api/", "admin/")):
                continue
            names |= page_names(pattern.url_patterns, pattern.namespace or namespace, route)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_api_route_has_a_row():
    routes = api_routes()
    assert sorted(routes - set(API_ROWS)) == [], "add a row to API_ROWS for each new route"
    assert sorted(set(API_ROWS) - routes) == [], "rows for routes that no longer exist"


def test_every_page_has_a_row():
    names = page_names()
    assert sorted(names - set(PAGE_ROWS)) == [], "add a row to PAGE_ROWS for each new page"
    assert sorted(set(PAGE_ROWS) - names) == [], "rows for pages that no longer exist"


# --- the objects the rows ask for ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def objects(django_db_setup, django_db_blocker, tmp_path_factory):
    """One of each object the rows ask for, made once for the module's twelve hundred tests (made per test,
    they were most of its time): inside a transaction that is rolled back after the module's last test,
    each test running in a savepoint of it, as Django's ``setUpTestData`` does."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),  # the claim photo
        transaction.atomic(),
    ):
        yield _make_objects()
        transaction.set_rollback(True)


def _make_objects() -> dict[str, object]:
    resident = User.objects.get(username="resident1")
    lon, lat = point_in(GRID_1)
    case, _created = case_services.report_case(
        actor=resident,
        report=case_services.Report(category=CATEGORY, description="路灯坏了", lon=lon, lat=lat),
    )
    street, community = Region.objects.get(code=STREET_1), Region.objects.get(code=COMMUNITY_1)
    bulletin = assessment_services.generate_bulletin(
        actor=None, region=street, start=date(2026, 11, 1), end=date(2026, 11, 30)
    )
    plan = assessment_services.create_plan(
        actor=User.objects.get(username="community1"),
        region=community,
        week_start=date(2026, 11, 23),
        title="第48周",
        items="走访",
    )
    [message] = inbox_services.notify(
        users=[User.objects.get(username="gridworker1")], kind="system", title="通知", url=f"/cases/{case.number}/"
    )
    grid = Region.objects.get(code=GRID_1)
    branch = PartyOrganisation.objects.get(kind=OrganisationKind.BRANCH, served__region=grid)
    central = CentralHousehold.objects.filter(member__person__region_path__startswith=grid.path).order_by("pk").first()
    community1 = User.objects.get(username="community1")
    item = party_services.publish_item(actor=community1, community=COMMUNITY_1, kind="need", title="买菜")
    done = party_services.publish_item(actor=community1, community=COMMUNITY_1, kind="resource", title="法律咨询")
    member = PartyMember.objects.filter(person__region_path__startswith=grid.path).order_by("pk").first()
    claim = party_services.claim_item(actor=community1, item=done, member=member.pk)
    party_services.complete_claim(actor=community1, claim=claim, note="已解答", hours=1, photo=_png())
    unregistered = PartyMember.objects.filter(person__region_path__startswith=grid.path, registration__isnull=True)
    joining = unregistered.order_by("pk").first()
    PartyMember.objects.filter(pk=joining.pk).update(in_service=True, employer="区人民医院")
    registration = party_services.register_member(actor=community1, member=joining.pk)
    wish = services_services.post_wish(
        actor=User.objects.get(username="gridworker1"), title="助行器", region=GRID_1, beneficiary_name="王某"
    )
    starts = timezone.now() + timedelta(days=1)
    activity = services_services.plan_activity(
        actor=User.objects.get(username="community1"),
        kind="haircut",
        title="爱心义剪",
        region=COMMUNITY_1,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=5,
        organiser="党总支",
        address="社区广场",
    )
    point = ServicePoint.objects.filter(region=community).order_by("pk").first()
    team = VolunteerTeam.objects.filter(region=community).order_by("pk").first()
    callout = services_services.call_out(actor=User.objects.get(username="community1"), team=team, title="扶老人上楼")
    errand = services_services.request_errand(
        actor=User.objects.get(username="resident1"), category="certificate", description="开具居住证明"
    )
    vendor = Vendor.objects.order_by("pk").first()
    device = device_services.register_device(
        actor=None,
        data=device_services.DeviceIn(vendor=vendor.code, serial="SCOPE-1", kind="smoke", lon=lon, lat=lat),
    )
    gridworker1 = User.objects.get(username="gridworker1")
    patrol, _created = patrol_services.start_patrol(actor=gridworker1)
    patrol_services.add_points(
        actor=gridworker1, patrol=patrol, batch_id="1", points=[[lon, lat, int(timezone.now().timestamp()) - 60, 5]]
    )
    household = Household.objects.filter(region_path__startswith=grid.path).order_by("pk").first()
    visit = patrol_services.record_visit(actor=gridworker1, household=household.pk, visited_on=timezone.localdate())
    car = patrol_services.register_vehicle(
        actor=User.objects.get(username="leader"), plate="苏E·S0001", region=STREET_1, drivers=[gridworker1.pk]
    )
    driven = timezone.now() - timedelta(days=1)
    trip = Patrol.objects.create(
        worker=gridworker1,
        region=grid,
        region_path=grid.path,
        vehicle=car,
        started_at=driven,
        ended_at=driven + timedelta(hours=2),
    )
    notice = notice_services.publish(
        actor=community1,
        draft=notice_services.Draft(
            kind="residents",
            region=GRID_1,
            title="加装电梯意见征集",
            body="请填写",
            questions=[notice_services.Question("同意吗？", ["同意", "不同意"])],
        ),
        attachments=[_png()],
    )
    topic = deliberation_services.raise_topic(
        actor=resident, community=COMMUNITY_1, title="充电桩", description="不够用"
    )
    deliberation_services.review_topic(actor=community1, topic=topic, accept=True, reason="讨论")
    meeting = deliberation_services.call_meeting(
        actor=community1,
        draft=deliberation_services.MeetingDraft(
            community=COMMUNITY_1,
            title="议事会",
            place_kind="pavilion",
            place="说事亭",
            starts_at=timezone.now(),
            invite_residents=True,
            topics=[topic.pk],
        ),
    )
    deliberation_services.open_vote(actor=community1, meeting=meeting, question="同意吗？")
    decision = deliberation_services.record_decision(
        actor=community1,
        meeting=meeting,
        draft=deliberation_services.DecisionDraft(
            text="清理", kind="task", due_on=timezone.localdate() + timedelta(days=30), owner_name="物业"
        ),
    )
    dispute = mediation_services.register(
        actor=gridworker1,
        data=mediation_services.DisputeIn(
            kind="neighbour",
            region=GRID_1,
            title="楼上漏水",
            parties=[mediation_services.PartyIn(name="张三", phone="13900001111")],
        ),
    )
    hotline_services.map_category(actor=None, hotline_code="SCOPE", hotline_name="范围", category=CATEGORY)
    hotline_report = hotline_importing.import_json(
        actor=None,
        orders=[{"number": "HL-SCOPE-1", "category": "SCOPE", "description": "路面塌陷", "lon": lon, "lat": lat}],
        dry_run=False,
    )
    assert hotline_report.ok, hotline_report.rows
    return {
        "topic": topic.pk,
        "meeting": meeting.pk,
        "decision": decision.pk,
        "dispute": dispute.pk,
        "dispute_party": dispute.parties.get().pk,
        "hotline_order": "HL-SCOPE-1",
        "patrol": patrol.pk,
        "visit": visit.pk,
        "vehicle": car.pk,
        "trip": trip.pk,
        "notice": notice.pk,
        "notice_attachment": notice.attachments.get().pk,
        "party_item": item.pk,
        "party_claim": claim.pk,
        "party_registration": registration.pk,
        "errand": errand.pk,
        "wish_pending": wish.pk,
        "activity": activity.pk,
        "point": point.pk,
        "team": team.pk,
        "callout": callout.pk,
        "case": case.number,
        "bulletin": bulletin.pk,
        "plan": plan.pk,
        "message": message.pk,
        "party_branch": branch.pk,
        "party_unit": PartyOrganisation.objects.filter(kind=OrganisationKind.COBUILDING, community__code=COMMUNITY_1)
        .order_by("pk")
        .first()
        .pk,
        "party_company": PropertyCompany.objects.filter(community__code=COMMUNITY_1).order_by("pk").first().pk,
        "party_listing": PropertyListing.objects.filter(community__code=COMMUNITY_1).order_by("pk").first().pk,
        "party_member": central.member_id,
        "party_central": central.pk,
        "device": device.pk,
        "vendor": vendor.code,
    }


def _png():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("done.png", buffer.getvalue(), content_type="image/png")


def _api_call(row: Row, persona: str, objects: dict):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    headers = {}
    if persona != ANON:
        key, _token = issue_token(user=User.objects.get(username=persona))
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    url = "/api/v1" + row.url.format(**objects)
    if row.method == "get":
        return client.get(url, **headers)
    body = {key: _object_ref(value, objects) for key, value in row.body.items()}
    return getattr(client, row.method)(url, json.dumps(body), content_type="application/json", **headers)


def _object_ref(value, objects: dict):
    """A body value written as "{name}" stands for that object of the fixture (e.g. a case number)."""
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") and value[1:-1] in objects:
        return objects[value[1:-1]]
    return value


def _page_call(row: Row, persona: str, objects: dict):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if persona != ANON:
        client.force_login(User.objects.get(username=persona))
    url = row.url.format(**objects)
    return client.get(url) if row.method == "get" else client.post(url, row.body)


API_CASES = [
    pytest.param(route, persona, status, id=f"{route}-{persona}")
    for route, row in API_ROWS.items()
    for persona, status in row.expect.items()
]
PAGE_CASES = [
    pytest.param(name, persona, status, id=f"{name}-{persona}")
    for name, row in PAGE_ROWS.items()
    for persona, status in row.expect.items()
]


@pytest.mark.parametrize(("route", "persona", "expected"), API_CASES)
def test_api_route_answers_each_persona(db, objects, route, persona, expected):
    response = _api_call(API_ROWS[route], persona, objects)
    assert response.status_code == expected, response.content[:300]


@pytest.mark.parametrize(("persona", "expected"), list(OPEN311_POST.expect.items()))
def test_open311_post_needs_a_key_whoever_is_signed_in(db, objects, persona, expected):
    assert _page_call(OPEN311_POST, persona, objects).status_code == expected


@pytest.mark.parametrize(("name", "persona", "expected"), PAGE_CASES)
def test_page_answers_each_persona(db, objects, name, persona, expected):
    response = _page_call(PAGE_ROWS[name], persona, objects)
    if expected == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == expected, response.content[:300]
