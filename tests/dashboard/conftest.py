import pytest

from tests.common import _english, _plain_static_files  # noqa: F401
from tests.dashboard.helpers import make_flow


@pytest.fixture
def flow(db):
    return make_flow()


@pytest.fixture
def api(db):
    """api("leader") → an ApiClient with a bearer token issued directly (no password hashing: fast)."""
    from tests.conftest import ApiClient
    from wangge.accounts.models import User
    from wangge.accounts.services import issue_token

    def make(username: str | None = None, language: str = "en") -> ApiClient:
        if username is None:
            return ApiClient(language=language)
        key, _token = issue_token(user=User.objects.get(username=username))
        return ApiClient(key, language=language)

    return make


@pytest.fixture(autouse=True)
def _rollups_in_step_with_the_database(db):
    """Start from roll-ups that match the cases already in the database: tests elsewhere commit cases from
    other connections and delete them afterwards, which leaves their counts behind."""
    from wangge.rollups.rollups import rebuild_rollups

    rebuild_rollups(ledgers=False)
