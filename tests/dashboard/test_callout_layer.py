"""Volunteer call-outs on the screen: the teams' call-outs under a node over the last 30 days, by state, with
the median response time, counted against the rows directly; older ones and other streets left out."""

import statistics
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from wangge.accounts.models import User
from wangge.services import services
from wangge.services.models import CallOut, TeamMember

pytestmark = pytest.mark.django_db
STREET_1 = "329901001000"
COMMUNITY_1 = "329901001001"


def test_the_street_layer_counts_the_call_outs_of_its_teams(api):
    staff = User.objects.get(username="community1")
    helper = User.objects.get(username="resident1")
    team = services.create_team(actor=staff, name="屏幕服务队", region=COMMUNITY_1)
    TeamMember.objects.create(team=team, user=helper)
    first = services.call_out(actor=staff, team=team, title="扶老人上楼")
    services.call_out(actor=staff, team=team, title="送药上门")
    CallOut.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    services.accept_call_out(actor=helper, callout=CallOut.objects.get(pk=first.pk))
    old = services.call_out(actor=staff, team=team, title="很久以前")
    CallOut.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))

    since = timezone.now() - timedelta(days=30)
    rows = CallOut.objects.filter(team__region_path__startswith=team.region_path[:30], created_at__gte=since)
    body = api("leader").get("/dashboard/call-outs", {"region": STREET_1}).json()
    assert body["days"] == 30 and body["called"] == rows.count()
    assert body["open"] == rows.filter(status="open").count() and body["accepted"] >= 1
    times = sorted(rows.filter(response_seconds__isnull=False).values_list("response_seconds", flat=True))
    assert body["median_response_seconds"] == statistics.median(times)
    assert CallOut.objects.get(pk=first.pk).response_seconds >= 360
    titles = [c["title"] for c in body["recent"]]
    assert "送药上门" in titles and "很久以前" not in titles
    assert api("community1").get("/dashboard/call-outs", {"region": STREET_1}).status_code == 404

    page = Client()
    page.force_login(User.objects.get(username="leader"))
    panel = page.get(f"/dashboard/call-outs/?region={STREET_1}").content.decode()
    assert 'data-testid="callout-figures"' in panel and "送药上门" in panel
    screen = page.get(f"/dashboard/?region={STREET_1}").content.decode()
    assert 'data-testid="callouts-layer"' in screen
