"""Fixtures for region tests: English messages, plain static files, and a small tree of our own
(see ``helpers.FRESH``) far from the demo town, built through the services."""

import pytest
from django.utils import translation

from tests.regions.helpers import FRESH, draft, square
from wangge.regions import services


@pytest.fixture(autouse=True)
def _english():
    # Messages are compared in English; the project's default language is zh-hans.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # Pages render {% static %}; without collectstatic there is no manifest to look names up in.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def admin_user(user):
    return user("admin")


@pytest.fixture
def fresh_tree(admin_user):
    """code → Region for the tree described above, every row written by services.create_region."""
    specs = [
        (FRESH["city"], "试验市", "city", None, square(100, 30, 101, 31)),
        (FRESH["district"], "试验区", "district", FRESH["city"], square(100, 30, 101, 31)),
        (FRESH["street"], "试验街道", "street", FRESH["district"], square(100, 30, 100.5, 30.5)),
        (FRESH["community"], "试验社区", "community", FRESH["street"], square(100, 30, 100.25, 30.25)),
        (FRESH["grid"], "试验网格", "grid", FRESH["community"], square(100, 30, 100.125, 30.125)),
        (FRESH["west"], "西微网格", "micro_grid", FRESH["grid"], square(100, 30, 100.0625, 30.125)),
        (FRESH["east"], "东微网格", "micro_grid", FRESH["grid"], square(100.0625, 30, 100.125, 30.125)),
    ]
    return {
        code: services.create_region(actor=admin_user, draft=draft(code, name, level, parent, boundary))
        for code, name, level, parent, boundary in specs
    }
