"""The patrol pages: start and finish on the phone, the recorder's config (no inline script), the map."""

import json
import re

import pytest

from tests.patrols.conftest import GRID_1, walk_in
from wangge.accounts.models import User
from wangge.patrols import services
from wangge.patrols.models import Patrol

pytestmark = pytest.mark.django_db


def test_start_record_and_finish_from_the_phone_page(browser):
    client = browser("gridworker1")
    page = client.get("/patrols/")
    assert b'data-testid="patrol-start"' in page.content
    assert client.post("/patrols/start/").status_code == 302
    patrol = Patrol.objects.get(worker__username="gridworker1", ended_at__isnull=True)
    page = client.get("/patrols/").content.decode()
    assert f'data-points-url="/api/v1/patrols/{patrol.pk}/points"' in page
    assert "patrols/recorder.js" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", page)  # CSP: no inline script
    # The page's own fetch: the session with its CSRF token.
    response = client.post(
        f"/api/v1/patrols/{patrol.pk}/points",
        json.dumps({"batch_id": "phone-1", "points": walk_in(GRID_1, 10)}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    done = client.post(f"/patrols/{patrol.pk}/finish/")
    assert done.status_code == 302 and done["Location"] == f"/patrols/{patrol.pk}/"
    detail = client.get(done["Location"])
    assert detail.status_code == 200
    config = json.loads(re.search(r'id="patrol-track-config"[^>]*>(.*?)</script>', detail.content.decode()).group(1))
    assert config["track"]["features"][0]["geometry"]["coordinates"]
    assert b"leaflet.js" in detail.content and b"patrols/track.js" in detail.content


def test_a_resident_sees_no_start_button(browser):
    assert b"patrol-start" not in browser("resident1").get("/patrols/").content


def test_coverage_page_for_a_chief(browser):
    worker = User.objects.get(username="gridworker1")
    patrol, _ = services.start_patrol(actor=worker)
    services.add_points(actor=worker, patrol=patrol, batch_id="a", points=walk_in(GRID_1, 10))
    page = browser("gridchief1").get(f"/patrols/coverage/?region={GRID_1}&days=3650")
    assert page.status_code == 200
    assert b'data-testid="coverage-cells"' in page.content
    config = json.loads(re.search(r'id="patrol-coverage-config"[^>]*>(.*?)</script>', page.content.decode()).group(1))
    covered = [f["properties"]["name"] for f in config["cells"]["features"] if f["properties"]["covered"]]
    assert covered and len(covered) < len(config["cells"]["features"])
    assert b"patrols/coverage.js" in page.content
    assert browser("gridchief1").get("/patrols/coverage/").status_code == 302
    assert browser("gridworker1").get("/patrols/coverage/").status_code == 404


def test_chinese_page(browser):
    page = browser("gridworker1", language="zh-hans").get("/patrols/")
    assert "巡查" in page.content.decode()
