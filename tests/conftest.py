"""Shared fixtures: the demo town is loaded once per test session; every test runs in a transaction
that is rolled back, so tests may change it freely."""

import io
import json
import os

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client

from tests import clock, services
from wangge.accounts.demo import DEMO_PASSWORD
from wangge.accounts.models import User
from wangge.regions import locator
from wangge.regions.locator import RegionLocator, current_version, forget_locator
from wangge.webhooks.services import forget_subscribers


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        default=os.environ.get("WANGGE_TEST_CLOCK", ""),
        help=f"run as if it were this instant: a name ({', '.join(clock.INSTANTS)}) or ISO 8601 with a zone",
    )


def pytest_configure(config):
    at = config.getoption("--clock")
    if at:
        # Started before any test or fixture reads the time, stopped when the session ends.
        config._wangge_clock = time_machine.travel(clock.instant(at), tick=True)
        config._wangge_clock.start()


def pytest_collection_modifyitems(config, items):
    """The PostgreSQL run leaves the tests marked ``one_run`` to the SQLite run: they keep to a database and
    servers of their own (the bench's smoke runs, the suggester's pure-Python model), so a second run would
    repeat the same thing. pytest reports them as deselected."""
    if connection.vendor != "postgresql":
        return
    left = [item for item in items if item.get_closest_marker("one_run")]
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = [item for item in items if not item.get_closest_marker("one_run")]


def pytest_unconfigure(config):
    if getattr(config, "_wangge_clock", None):
        config._wangge_clock.stop()


def pytest_sessionstart(session):
    from django.conf import settings

    if settings.REDIS_URL and (problem := services.redis_problem(settings.REDIS_URL)):
        pytest.exit(f"REDIS_URL is set, but {problem}", returncode=1)
    if services.ON_CI and connection.vendor == "postgresql" and not settings.REDIS_URL:
        # The PostgreSQL run is the production set-up; without Redis its cache and queue tests would skip.
        pytest.exit("CI=true: the PostgreSQL run needs REDIS_URL (make test sets it)", returncode=1)


def pytest_report_header(config):
    from django.conf import settings
    from django.utils import timezone

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    at = config.getoption("--clock")
    when = f"clock pinned to {at} (now {timezone.localtime():%Y-%m-%d %H:%M %Z})" if at else "real clock"
    redis = f"Redis under {settings.REDIS_PREFIX!r}" if settings.REDIS_URL else "no Redis"
    return f"wangge: database engine {engine}, {redis}, {when}"


# The point → region tree of the committed demo town, built once per run (building it is a tenth of a
# second, and most tests locate a point). Each test starts from it; a test that changes a boundary moves
# the BoundaryVersion counter, so its next lookup builds a tree of its own, as another process would.
_DEMO_LOCATOR: list = []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("demo", cases=0, people=2000, verbosity=0, stdout=io.StringIO())
        _DEMO_LOCATOR.append(RegionLocator.build(current_version()))
    yield


@pytest.fixture(scope="session", autouse=True)
def _redis_kept_to_this_run():
    """With REDIS_URL, the run uses the shared server under its own prefix (``WANGGE_REDIS_PREFIX``):
    ``cache.clear()`` deletes the run's keys instead of emptying the whole database (FLUSHDB would take
    other runs' queues with it), and the run's keys and queue are deleted when it ends."""
    from django.conf import settings

    if not settings.REDIS_URL:
        yield
        return
    from django.core.cache.backends.redis import RedisCache
    from huey.contrib.djhuey import HUEY

    cleared = RedisCache.clear
    RedisCache.clear = services.clear_prefixed
    try:
        yield
    finally:
        RedisCache.clear = cleared
        HUEY.flush()  # the queue, schedule and results of this run's huey (named after the prefix)
        services.delete_redis_keys(settings.REDIS_URL, f"{settings.REDIS_PREFIX}:*")


@pytest.fixture(autouse=True)
def _fresh_locator():
    start_from_the_demo_locator()
    yield
    start_from_the_demo_locator()


def start_from_the_demo_locator():
    """The tree of the demo town as this process's cached one, its version checked at the next lookup."""
    forget_locator()
    if _DEMO_LOCATOR:
        locator._cached = _DEMO_LOCATOR[0]


@pytest.fixture(autouse=True)
def _fresh_webhook_subscribers():
    """A test's subscriptions are rolled back with it: no later test may hear them from the snapshot."""
    forget_subscribers()
    yield
    forget_subscribers()


@pytest.fixture
def demo_password():
    return DEMO_PASSWORD


@pytest.fixture
def user(db):
    """user("gridworker1") → the demo account."""

    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


class ApiClient:
    """A JSON client for /api/v1 that logs in with a bearer token."""

    def __init__(self, token: str | None = None, language: str = "en"):
        self.client = Client(HTTP_ACCEPT_LANGUAGE=language)
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def get(self, path, params=None, **extra):
        return self.client.get(f"/api/v1{path}", params or {}, **self.headers, **extra)

    def post(self, path, data=None, raw: str | bytes | None = None, **extra):
        body = raw if raw is not None else json.dumps(data or {})
        return self.client.post(f"/api/v1{path}", body, content_type="application/json", **self.headers, **extra)

    def patch(self, path, data=None, **extra):
        return self.client.patch(
            f"/api/v1{path}", json.dumps(data or {}), content_type="application/json", **self.headers, **extra
        )


@pytest.fixture
def api(db):
    """api("gridworker1") → an ApiClient holding that user's bearer token; api() is anonymous."""

    def make(username: str | None = None, language: str = "en") -> ApiClient:
        if username is None:
            return ApiClient(language=language)
        response = ApiClient(language=language).post("/auth/token", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 200, response.content
        return ApiClient(response.json()["token"], language=language)

    return make


@pytest.fixture
def browser_client(db):
    """browser_client("gridworker1") → a Django test Client with that user's session."""

    def make(username: str, language: str = "zh-hans") -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.force_login(User.objects.get(username=username))
        return client

    return make


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"
