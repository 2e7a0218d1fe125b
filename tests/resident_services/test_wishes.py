"""微心愿: posting (a resident for themselves, a grid worker for someone), review, the public wall's privacy,
claim (one winner, none on a withdrawn wish), fulfil with a photo, confirm and thanks, the counts per
community and month, and the flag on wishes left unclaimed."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.resident_services.conftest import COMMUNITY_1, GRID_1, GRID_2, png
from wangge.core.errors import Conflict
from wangge.inbox.models import Message
from wangge.services import selectors, services
from wangge.services.models import Wish, WishStatus

pytestmark = pytest.mark.django_db

SECRET_NAME = "王秘密"
SECRET_PHONE = "13912345678"
SECRET_ADDRESS = "幸福小区3幢2单元501"


def _posted_for_someone(user, **extra):
    return services.post_wish(
        actor=user("gridworker1"),
        title="一辆助行器",
        reason="腿脚不便",
        region=GRID_1,
        beneficiary_name=SECRET_NAME,
        beneficiary_phone=SECRET_PHONE,
        beneficiary_address=SECRET_ADDRESS,
        **extra,
    )


def test_a_resident_posts_in_their_home_grid_and_the_community_is_told(user):
    wish = services.post_wish(actor=user("resident1"), title="一台收音机", reason="喜欢听戏", photo=png())
    assert wish.status == WishStatus.PENDING
    assert wish.region.code == GRID_1 and wish.community.code == COMMUNITY_1
    assert wish.photo and wish.photo_type == "image/png"
    assert Message.objects.filter(user=user("community1"), url=f"/services/wishes/{wish.pk}/").exists()


def test_a_grid_worker_posts_for_a_resident_with_the_phone_encrypted_and_masked(user):
    wish = _posted_for_someone(user)
    assert wish.on_behalf and wish.beneficiary_name == SECRET_NAME
    assert SECRET_PHONE not in wish.beneficiary_phone_encrypted
    assert wish.beneficiary_phone_masked.startswith("139") and SECRET_PHONE not in wish.beneficiary_phone_masked


def test_a_resident_cannot_post_for_someone_else_nor_a_worker_outside_their_grid(user):
    with pytest.raises(PermissionDenied):
        services.post_wish(actor=user("resident1"), title="一床棉被", region=GRID_1, beneficiary_name="李四")
    with pytest.raises(ValidationError) as refused:
        services.post_wish(actor=user("gridworker2"), title="一床棉被", region=GRID_1, beneficiary_name="李四")
    assert "region" in refused.value.message_dict


def test_a_photo_that_is_not_an_image_is_refused_by_the_upload_guard(user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.png", b"not an image at all", content_type="image/png")
    with pytest.raises(ValidationError) as refused:
        services.post_wish(actor=user("resident1"), title="一台收音机", photo=fake)
    assert "photo" in refused.value.message_dict


def test_only_the_communitys_staff_review(user, wish_of):
    wish = wish_of("pending")
    with pytest.raises(PermissionDenied):
        services.review_wish(actor=user("gridworker1"), wish=wish, approve=True)
    with pytest.raises(ValidationError):
        services.review_wish(actor=user("community1"), wish=wish, approve=False, note="")
    services.review_wish(actor=user("community1"), wish=wish, approve=True)
    with pytest.raises(Conflict):
        services.review_wish(actor=user("community1"), wish=wish, approve=True)


def test_the_wall_never_shows_name_phone_or_address(user, caller):
    wish = _posted_for_someone(user)
    services.review_wish(actor=user("community1"), wish=wish, approve=True)
    for persona in ("resident1", "gridworker2"):
        listed = caller(persona).get("/wishes", {"size": 100})
        assert listed.status_code == 200
        [item] = [w for w in listed.json()["items"] if w["id"] == wish.pk]
        text = json.dumps(item, ensure_ascii=False)
        assert "一辆助行器" in text
        for secret in (SECRET_NAME, SECRET_PHONE, SECRET_PHONE[-4:] + '"', SECRET_ADDRESS, "posted_by"):
            assert secret not in text, (persona, secret)
        detail = caller(persona).get(f"/wishes/{wish.pk}").json()
        assert detail["private"] is None
    # who posted it, and staff whose data reach covers it, see who it is for (phone masked)
    for persona in ("gridworker1", "community1"):
        private = caller(persona).get(f"/wishes/{wish.pk}").json()["private"]
        assert private["beneficiary_name"] == SECRET_NAME
        assert private["beneficiary_phone"] != SECRET_PHONE


def test_the_wall_page_shows_text_not_markup_and_no_private_data(user, browser):
    wish = services.post_wish(
        actor=user("gridworker1"),
        title="<b>助行器</b>",
        region=GRID_1,
        beneficiary_name=SECRET_NAME,
        beneficiary_address=SECRET_ADDRESS,
    )
    services.review_wish(actor=user("community1"), wish=wish, approve=True)
    page = browser("resident1").get("/services/").content.decode()
    assert "&lt;b&gt;助行器&lt;/b&gt;" in page and "<b>助行器</b>" not in page
    assert SECRET_NAME not in page and SECRET_ADDRESS not in page
    detail = browser("gridworker2").get(f"/services/wishes/{wish.pk}/").content.decode()
    assert SECRET_NAME not in detail and 'data-testid="wish-private"' not in detail


def test_pending_wishes_are_not_on_the_wall_but_their_poster_and_staff_open_them(user, caller, far_resident):
    wish = _posted_for_someone(user)
    assert caller("gridworker2").get(f"/wishes/{wish.pk}").status_code == 404
    assert caller("resident1").get(f"/wishes/{wish.pk}").status_code == 404
    assert caller("gridworker1").get(f"/wishes/{wish.pk}").status_code == 200
    assert caller("community1").get(f"/wishes/{wish.pk}").status_code == 200
    services.review_wish(actor=user("community1"), wish=wish, approve=True)
    assert caller("resident1").get(f"/wishes/{wish.pk}").status_code == 200
    assert caller("far_resident").get(f"/wishes/{wish.pk}").status_code == 404
    assert wish.pk not in [w["id"] for w in caller("far_resident").get("/wishes", {"size": 100}).json()["items"]]


def test_the_whole_journey_over_the_api(user, caller):
    resident, member = caller("resident1"), caller("gridworker2")
    posted = resident.client.post(
        "/api/v1/wishes",
        {"title": "一盏台灯", "reason": "孩子写作业", "photo": png()},
        **resident.headers,
    )
    assert posted.status_code == 201, posted.content
    wish_id = posted.json()["id"]
    assert posted.json()["status"] == "pending" and posted.json()["photo_url"]
    assert caller("community1").post(f"/wishes/{wish_id}/review", {"approve": True}).json()["status"] == "open"
    claimed = member.post(f"/wishes/{wish_id}/claim", {"kind": "unit", "name": "区人民医院党支部"})
    assert claimed.status_code == 200 and claimed.json()["claimant_name"] == "区人民医院党支部"
    again = caller("gridworker1").post(f"/wishes/{wish_id}/claim", {"kind": "volunteer"})
    assert again.status_code == 409 and again.json()["detail"]
    no_photo = member.client.post(f"/api/v1/wishes/{wish_id}/fulfil", {"note": "x"}, **member.headers)
    assert no_photo.status_code == 422
    fulfilled = member.client.post(
        f"/api/v1/wishes/{wish_id}/fulfil", {"note": "已送到", "photo": png()}, **member.headers
    )
    assert fulfilled.status_code == 200 and fulfilled.json()["fulfil_photo_url"]
    assert member.post(f"/wishes/{wish_id}/confirm", {"thanks": "x"}).status_code == 403
    confirmed = resident.post(f"/wishes/{wish_id}/confirm", {"thanks": "谢谢！"})
    assert confirmed.json()["status"] == "confirmed" and confirmed.json()["thanks"] == "谢谢！"
    photo = resident.client.get(confirmed.json()["fulfil_photo_url"], **resident.headers)
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"


def test_a_withdrawn_wish_cannot_be_claimed(user, wish_of, caller):
    wish = wish_of("open")
    services.withdraw_wish(actor=user("resident1"), wish=wish)
    with pytest.raises(Conflict):
        services.claim_wish(actor=user("gridworker2"), wish=wish, kind="member")
    # it is off the wall: a neighbour no longer finds it, its poster does and is told why
    assert caller("gridworker2").post(f"/wishes/{wish.pk}/claim", {"kind": "member"}).status_code == 404
    with pytest.raises(Conflict):
        services.claim_wish(actor=user("community1"), wish=Wish.objects.get(pk=wish.pk), kind="member")


def test_one_cannot_claim_ones_own_wish_nor_fulfil_someone_elses_claim(user, wish_of):
    wish = wish_of("open")
    with pytest.raises(ValidationError):
        services.claim_wish(actor=user("resident1"), wish=wish, kind="volunteer")
    wish = services.claim_wish(actor=user("gridworker2"), wish=wish, kind="volunteer")
    with pytest.raises(PermissionDenied):
        services.fulfil_wish(actor=user("gridworker1"), wish=wish, photo=png())
    with pytest.raises(Conflict):
        services.confirm_wish(actor=user("resident1"), wish=wish)


def test_counts_per_community_and_month(user, wish_of, caller):
    before = {(r.community_code, r.month): r for r in selectors.wall_counts(user("community1"))}
    wish_of("open")
    wish_of("claimed", title="一台收音机")
    wish_of("confirmed", title="一床棉被")
    month = timezone.localtime().strftime("%Y-%m")
    rows = caller("resident1").get("/wishes/counts").json()["rows"]
    row = next(r for r in rows if r["community_code"] == COMMUNITY_1 and r["month"] == month)
    old = before.get((COMMUNITY_1, month))
    assert row["open"] == (old.open if old else 0) + 1
    assert row["claimed"] == (old.claimed if old else 0) + 1
    assert row["fulfilled"] == (old.fulfilled if old else 0) + 1


def test_a_wish_unclaimed_for_n_days_is_flagged_once_to_the_community(user, wish_of, settings, caller):
    settings.SERVICES_WISH_STALE_DAYS = 5
    wish = wish_of("open")
    Wish.objects.filter(pk=wish.pk).update(reviewed_at=timezone.now() - timedelta(days=6))
    Wish.objects.exclude(pk=wish.pk).filter(status=WishStatus.OPEN).update(flagged_at=timezone.now())
    assert caller("resident1").get(f"/wishes/{wish.pk}").json()["stale"] is True
    assert wish.pk in [
        w["id"] for w in caller("community1").get("/wishes", {"stale": True, "size": 100}).json()["items"]
    ]
    assert services.flag_unclaimed_wishes() == 1
    assert (
        Message.objects.filter(user=user("community1"), url=f"/services/wishes/{wish.pk}/", kind="warning").count() == 1
    )
    assert services.flag_unclaimed_wishes() == 0  # told once


def test_mine_lists_what_i_posted_whatever_its_status(wish_of, caller):
    pending = wish_of("pending", title="待审核的心愿")
    items = caller("resident1").get("/wishes", {"mine": True, "size": 100}).json()["items"]
    assert pending.pk in [w["id"] for w in items]


def test_bad_input_is_answered_naming_the_field(caller):
    resident = caller("resident1")
    posted = resident.client.post("/api/v1/wishes", {"title": "x\u202ey"}, **resident.headers)
    assert posted.status_code == 422 and posted.json()["errors"][0]["field"].endswith("title")
    posted = resident.client.post(
        "/api/v1/wishes", {"title": "一盏台灯", "region": GRID_2, "beneficiary_name": "李"}, **resident.headers
    )
    assert posted.status_code == 403
