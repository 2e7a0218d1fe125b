"""Fixtures for region tests: English messages, plain static files (tests.common), and a small tree of our own
(see ``helpers.FRESH``) far from the demo town, built through the services."""

import pytest

from tests.common import _english, _plain_static_files  # noqa: F401
from tests.regions.helpers import FRESH, draft, square
from wangge.regions import services


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
