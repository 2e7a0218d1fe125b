"""双百 lists: a community publishes needs and resources, members and co-building units claim them, a claim
is done with a note, hours and a photo. Services, API and pages, persona by persona."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.conftest import ApiClient
from tests.party.conftest import (
    COMMUNITY_1,
    GRID_OTHER_COMMUNITY,
    in_service_member,
    member_account,
    member_in,
    png_upload,
)
from wangge.accounts.models import AuditLog, User
from wangge.accounts.services import issue_token
from wangge.core.errors import Conflict
from wangge.party import services
from wangge.party.models import ClaimStatus, ItemStatus, OrganisationKind, PartyOrganisation, ServiceItem

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # claim photos land in the test's own directory


OTHER_COMMUNITY = GRID_OTHER_COMMUNITY[:12]


def publish(title="帮老人买菜", *, community=COMMUNITY_1, kind="need", by="community1") -> ServiceItem:
    return services.publish_item(actor=User.objects.get(username=by), community=community, kind=kind, title=title)


def unit_of(code: str) -> PartyOrganisation:
    return PartyOrganisation.objects.filter(kind=OrganisationKind.COBUILDING, community__code=code).first()


def api_for(user) -> ApiClient:
    key, _token = issue_token(user=user)
    return ApiClient(key)


# --- publishing -------------------------------------------------------------------------------------


def test_community_staff_publish_a_need_audited():
    item = publish()
    assert item.status == ItemStatus.OPEN and item.community_path.endswith(item.community.path[-10:])
    assert AuditLog.objects.filter(action="party.item.publish", object_id=str(item.pk)).exists()


@pytest.mark.parametrize(
    ("persona", "community", "refused"),
    [
        ("community1", OTHER_COMMUNITY, ValidationError),  # out of reach: unknown
        ("gridworker1", COMMUNITY_1, ValidationError),  # a grid worker's reach is a grid, not the community
        ("leader", COMMUNITY_1, PermissionDenied),  # reads the ledger, does not change it
        ("community1", "329901001001001", ValidationError),  # a grid is not a community
    ],
)
def test_publishing_is_refused_outside_the_community_staffs_reach(persona, community, refused):
    with pytest.raises(refused):
        publish(community=community, by=persona)


def test_text_is_guarded():
    with pytest.raises(ValidationError):
        publish(title="买菜\u202e")


# --- claiming ---------------------------------------------------------------------------------------


def test_a_member_claims_from_their_own_account_and_completes_with_photo():
    member = in_service_member()
    account = member_account()
    services.register_member(actor=account)
    item = publish()
    claim = services.claim_item(actor=account, item=item)
    assert claim.member == member and ServiceItem.objects.get(pk=item.pk).status == ItemStatus.CLAIMED
    done = services.complete_claim(actor=account, claim=claim, note="买了菜送上门", hours=1.5, photo=png_upload())
    assert done.status == ClaimStatus.DONE and done.photo.name.endswith(".png") and done.photo_type == "image/png"
    assert ServiceItem.objects.get(pk=item.pk).status == ItemStatus.DONE
    actions = set(AuditLog.objects.filter(object_id=str(item.pk)).values_list("action", flat=True))
    assert {"party.item.claim", "party.item.complete"} <= actions


def test_a_second_claim_is_a_conflict():
    item = publish()
    services.claim_item(
        actor=User.objects.get(username="community1"), item=item, member=member_in("329901001001001").pk
    )
    with pytest.raises(Conflict):
        services.claim_item(
            actor=User.objects.get(username="community1"), item=item, member=member_in("329901001001002").pk
        )


def test_an_account_without_a_member_cannot_claim():
    item = publish()
    with pytest.raises(ValidationError) as refused:
        services.claim_item(actor=User.objects.get(username="resident1"), item=item)
    assert "member" in refused.value.message_dict


def test_a_member_of_another_community_cannot_take_the_item():
    item = publish()
    with pytest.raises(ValidationError) as refused:
        services.claim_item(
            actor=User.objects.get(username="admin"), item=item, member=member_in(GRID_OTHER_COMMUNITY).pk
        )
    assert "member" in refused.value.message_dict


def test_a_unit_co_building_with_the_community_claims_but_not_another():
    unit = unit_of(COMMUNITY_1)
    claim = services.claim_item(actor=User.objects.get(username="community1"), item=publish(), unit=unit.pk)
    assert claim.unit == unit
    other = unit_of(OTHER_COMMUNITY)
    if other is not None:
        with pytest.raises(ValidationError):
            services.claim_item(actor=User.objects.get(username="admin"), item=publish("修路灯"), unit=other.pk)


def test_completing_needs_a_real_image_and_the_claimant():
    member = in_service_member()
    account = member_account()
    services.register_member(actor=account)
    claim = services.claim_item(actor=account, item=publish())
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError) as refused:
        services.complete_claim(
            actor=account, claim=claim, note="x", photo=SimpleUploadedFile("a.png", b"not an image", "image/png")
        )
    assert "photo" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.complete_claim(actor=account, claim=claim, note="x", photo=None)
    assert "photo" in refused.value.message_dict
    with pytest.raises(ValidationError):  # another resident is neither the claimant nor staff
        services.complete_claim(actor=User.objects.get(username="resident1"), claim=claim, note="x", photo=png_upload())
    assert member.claims.get().status == ClaimStatus.CLAIMED


# --- the API ----------------------------------------------------------------------------------------


def test_items_api_reach_per_persona(caller):
    mine, other = publish(), publish("修路灯", community=OTHER_COMMUNITY, by="admin")
    seen = {
        persona: {row["id"] for row in caller(persona).get("/party/items", {"size": 100}).json()["items"]}
        for persona in ("gridworker1", "community1", "leader")
    }
    assert mine.pk in seen["gridworker1"] and other.pk not in seen["gridworker1"]
    assert mine.pk in seen["community1"] and other.pk not in seen["community1"]
    assert {mine.pk, other.pk} <= seen["leader"]
    assert caller("community1").get(f"/party/items/{other.pk}").status_code == 404
    assert caller("resident1").get(f"/party/items/{mine.pk}").status_code == 404
    assert caller("resident1").get("/party/items").json()["items"] == []


def test_publish_claim_complete_through_the_api(caller):
    in_service_member()
    account = member_account()
    client = api_for(account)
    assert client.post("/party/registrations", {}).status_code == 201
    published = caller("community1").post(
        "/party/items", {"community": COMMUNITY_1, "kind": "resource", "title": "法律咨询", "due_on": "2026-12-31"}
    )
    assert published.status_code == 201, published.content
    item_id = published.json()["id"]
    listed = client.get("/party/items", {"status": "open"}).json()
    assert item_id in [row["id"] for row in listed["items"]] and "next_cursor" in listed
    claimed = client.post(f"/party/items/{item_id}/claim", {})
    assert claimed.status_code == 201 and claimed.json()["claim"]["member"]["name"]
    again = caller("community1").post(f"/party/items/{item_id}/claim", {"member_id": member_in("329901001001002").pk})
    assert again.status_code == 409 and again.json()["detail"]
    done = client.client.post(
        f"/api/v1/party/items/{item_id}/complete",
        {"note": "解答了三户的问题", "hours": "2", "photo": png_upload()},
        **client.headers,
    )
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["status"] == "done" and body["claim"]["hours"] == 2.0 and body["claim"]["photo_url"]
    photo = Client()
    photo.force_login(account)
    assert photo.get(body["claim"]["photo_url"]).status_code == 200
    outsider = Client()
    outsider.force_login(User.objects.get(username="gridworker1"))  # another community's item? no: same community
    assert outsider.get(body["claim"]["photo_url"]).status_code == 200
    stranger = Client()
    stranger.force_login(User.objects.get(username="resident1"))
    assert stranger.get(body["claim"]["photo_url"]).status_code == 404
    assert client.get("/party/items", {"mine": "true"}).json()["count"] == 1


def test_bad_input_is_400_or_422_naming_the_field(caller):
    client = caller("community1")
    wrong = client.post("/party/items", {"community": OTHER_COMMUNITY, "kind": "need", "title": "x"})
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "community"
    assert client.post("/party/items", {"community": COMMUNITY_1, "kind": "wish", "title": "x"}).status_code == 422
    item = publish()
    nobody = client.client.post(f"/api/v1/party/items/{item.pk}/complete", {"note": "x"}, **client.headers)
    assert nobody.status_code == 400


# --- pages ------------------------------------------------------------------------------------------


def test_pages_publish_claim_and_complete(browser):
    in_service_member()
    account = member_account()
    services.register_member(actor=account)
    staff = browser("community1")
    page = staff.get("/party/items/")
    assert page.status_code == 200 and b'data-testid="item-form"' in page.content
    posted = staff.post(
        "/party/items/", {"community": COMMUNITY_1, "kind": "need", "title": "陪老人就医", "description": "周三上午"}
    )
    assert posted.status_code == 302
    item = ServiceItem.objects.get(title="陪老人就医")
    member = Client(HTTP_ACCEPT_LANGUAGE="en")
    member.force_login(account)
    detail = member.get(f"/party/items/{item.pk}/")
    assert b'data-testid="claim-self"' in detail.content
    assert member.post(f"/party/items/{item.pk}/", {"action": "claim"}).status_code == 302
    again = staff.post(f"/party/items/{item.pk}/", {"action": "claim", "member": member_in("329901001001002").pk})
    assert again.status_code == 409 and b"already been claimed" in again.content
    form = member.get(f"/party/items/{item.pk}/")
    assert b'data-testid="complete-form"' in form.content
    done = member.post(
        f"/party/items/{item.pk}/", {"action": "complete", "note": "陪同就医", "hours": "3", "photo": png_upload()}
    )
    assert done.status_code == 302
    shown = member.get(f"/party/items/{item.pk}/")
    assert b'data-testid="claim-photo"' in shown.content
    mine = member.get("/party/mine/")
    assert mine.status_code == 200 and "陪老人就医" in mine.content.decode()


def test_a_resident_without_membership_sees_an_empty_list_page(browser):
    page = browser("resident1").get("/party/items/")
    assert page.status_code == 200 and b"No item matches." in page.content
