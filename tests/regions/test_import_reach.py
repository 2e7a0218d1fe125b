"""An administrator who is not a superuser imports only under the regions they administer."""

import json

from wangge.accounts import services as account_services
from wangge.accounts.models import Role
from wangge.regions import services
from wangge.regions.models import Region


def _grid_feature(code: str, parent_code: str) -> dict:
    return {
        "type": "Feature",
        "properties": {"code": code, "name": f"新网格{code[-3:]}", "level": "grid", "parent_code": parent_code},
        "geometry": None,
    }


def _street_admin(db):
    street = Region.objects.get(code="329901001000")
    user = account_services.create_user(actor=None, username="streetadmin", password=None)
    account_services.grant_membership(actor=None, user=user, role=Role.ADMIN, region=street)
    return user


def test_it_refuses_features_outside_the_administrators_area(db):
    admin = _street_admin(db)
    outside = (
        Region.objects.filter(level="community")
        .exclude(path__startswith=Region.objects.get(code="329901001000").path)
        .order_by("code")
        .first()
    )
    data = {"type": "FeatureCollection", "features": [_grid_feature(f"{outside.code}990", outside.code)]}
    report = services.import_feature_collection(actor=admin, data=data, dry_run=True)
    assert [(p.index, p.field) for p in report.problems] == [(0, "parent_code")]
    assert report.problems[0].message == "You may only add regions inside the area you administer."


def test_it_accepts_features_inside_the_administrators_area(db):
    admin = _street_admin(db)
    inside = Region.objects.get(code="329901001001")
    data = {"type": "FeatureCollection", "features": [_grid_feature(f"{inside.code}990", inside.code)]}
    report = services.import_feature_collection(actor=admin, data=json.loads(json.dumps(data)), dry_run=False)
    assert report.problems == []
    assert Region.objects.filter(code=f"{inside.code}990", parent=inside).exists()


def test_only_a_superuser_adds_top_level_regions(db):
    admin = _street_admin(db)
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "329700000000", "name": "新城", "level": "city"},
                "geometry": None,
            }
        ],
    }
    report = services.import_feature_collection(actor=admin, data=data, dry_run=True)
    assert [(p.index, p.field) for p in report.problems] == [(0, "parent_code")]
