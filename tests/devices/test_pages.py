"""The device pages: list with state counts and filters, detail with recent messages, the map layer; scoped
like the API and laid out for phones (``wg-stack`` tables with data-label)."""

import json
import re

from django.test import Client

from tests.devices.conftest import GRID_1, GRID_2, body
from wangge.devices import ingest


def page(user, url):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client.get(url)


def test_the_list_shows_the_workers_devices_with_their_state(make_device, user):
    mine, theirs = make_device("smoke"), make_device("gas", GRID_2)
    ingest.ingest([ingest.Incoming(mine.serial, "alarm", body(type="smoke"), "mqtt")])
    answer = page(user("gridworker1"), "/devices/?q=T-")
    html = answer.content.decode()
    assert answer.status_code == 200
    assert mine.serial in html and theirs.serial not in html
    assert 'class="table table-sm table-hover align-middle wg-stack"' in html and 'data-label="State"' in html
    assert "Alarming" in html


def test_the_detail_shows_recent_messages_and_the_case(make_device, user):
    device = make_device("water_leak")
    [outcome] = ingest.ingest([ingest.Incoming(device.serial, "alarm", body(type="leak", value=3), "mqtt")])
    html = page(user("gridworker1"), f"/devices/{device.pk}/").content.decode()
    assert outcome.case_number in html and "leak" in html
    assert page(user("gridworker2"), f"/devices/{device.pk}/").status_code == 404


def test_the_map_layer_carries_the_devices_in_reach(make_device, user):
    mine, theirs = make_device("smoke"), make_device("gas", GRID_2)
    html = page(user("gridworker1"), "/devices/map/?q=T-").content.decode()
    start = html.index('id="devices-map-config"')
    data = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    serials = {f["properties"]["serial"] for f in data["devices"]["features"]}
    assert mine.serial in serials and theirs.serial not in serials
    assert "<script>" not in html.split("devices-map-config")[0][-2000:]  # no inline script (CSP)


def test_a_grid_card_counts_its_devices_by_state(make_device, user):
    from wangge.regions.figures import figures_for
    from wangge.regions.models import Region

    device = make_device("smoke")
    ingest.ingest([ingest.Incoming(device.serial, "alarm", body(type="smoke"), "mqtt")])
    grid = Region.objects.get(code="329901001001001")
    shown = {f.key: f.value for f in figures_for(user("gridworker1"), grid)}
    assert shown["devices-alarming"] >= 1 and "devices-online" in shown
    assert "devices-online" not in {f.key for f in figures_for(user("resident1"), grid)}


def test_the_filters_pick_a_region_in_reach_instead_of_a_typed_code(make_device, user):
    mine = make_device("smoke")
    html = page(user("gridworker1"), "/devices/").content.decode()
    picker = re.search(r'<select class="form-select" id="f-region" name="region"[^>]*>(.*?)</select>', html, re.S)
    offered = re.findall(r'<option value="([^"]*)"', picker.group(1))
    assert offered == ["", GRID_1] and GRID_2 not in offered
    picked = page(user("gridworker1"), f"/devices/?region={GRID_1}").content.decode()
    assert f'<option value="{GRID_1}" selected>' in picked and mine.serial in picked
    street = page(user("leader"), "/devices/map/").content.decode()
    assert 'data-testid="region-picker"' in street and GRID_2 in street
