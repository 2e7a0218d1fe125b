"""The demo's patrols and visits: built for the first street's grid workers with sane figures."""

import pytest

from tests.patrols.conftest import STREET_1
from wangge.patrols.demo import DAYS, create_demo_patrols
from wangge.patrols.models import Patrol, Visit
from wangge.regions.models import Region

pytestmark = pytest.mark.django_db


def test_demo_patrols_and_visits(caller):
    summary = create_demo_patrols(seed=7)
    assert "Patrols:" in summary
    street = Region.objects.get(code=STREET_1)
    patrols = Patrol.objects.all()
    assert patrols.exists()
    assert not patrols.exclude(region_path__startswith=street.path).exists()
    assert patrols.values("worker").distinct().count() >= 2
    sample = patrols.filter(worker__username="gridworker1").order_by("started_at").first()
    assert sample.distance_m > 1000 and sample.dropped_jumps == 0 and sample.regions_passed
    assert 3000 <= sample.duration_s <= 7000
    assert Visit.objects.filter(region_path__startswith=street.path).exists()
    detail = caller("gridworker1").get(f"/patrols/{sample.pk}").json()
    assert detail["grids"] and detail["track"]["features"][0]["geometry"]["coordinates"]
    assert patrols.filter(worker__username="gridworker1").count() <= DAYS
