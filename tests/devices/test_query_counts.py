"""The device lists, the statistics per kind and the detail read a fixed number of queries, however many rows
they show or count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.devices.conftest import body
from tests.devices.test_api import api  # noqa: F401 (fixture)
from wangge.devices import ingest


def queries(client, url) -> int:
    client.get(url)  # the token's first use of the test writes its last-used time: not the route's cost
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/devices?size=50&q=T-", "/alarms?size=50", "/devices/statistics"])
def test_lists_do_not_grow_with_their_rows(make_device, api, url):  # noqa: F811
    client = api("gridworker1")
    first = make_device("smoke")
    ingest.ingest([ingest.Incoming(first.serial, "alarm", body(type="smoke"), "mqtt")])
    few = queries(client, url)
    for _ in range(6):
        device = make_device("gas")
        ingest.ingest([ingest.Incoming(device.serial, "alarm", body(type="gas"), "mqtt")])
    assert queries(client, url) == few


def test_the_detail_does_not_grow_with_its_messages(make_device, api):  # noqa: F811
    client = api("gridworker1")
    device = make_device("smoke")
    ingest.ingest([ingest.Incoming(device.serial, "reading", body(type="t", value=1), "mqtt")])
    few = queries(client, f"/devices/{device.pk}")
    ingest.ingest([ingest.Incoming(device.serial, "reading", body(type="t", value=n), "mqtt") for n in range(10)])
    ingest.ingest([ingest.Incoming(device.serial, "alarm", body(type="smoke"), "mqtt")])
    assert queries(client, f"/devices/{device.pk}") == few
