import pytest

from tests.common import _english, _plain_static_files  # noqa: F401
from tests.dashboard.helpers import make_flow


@pytest.fixture
def flow(db):
    return make_flow()
