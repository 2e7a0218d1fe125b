"""The hotline's 三率 of a street: response, resolution and satisfaction of the orders imported for it."""

from datetime import timedelta

from django.utils import timezone

from tests.hotline.conftest import order
from wangge.cases import services as case_services
from wangge.cases.models import Case
from wangge.hotline import importing, selectors
from wangge.hotline.models import HotlineOrder
from wangge.regions.models import Region

STREET_1 = "329901001000"
STREET_2 = "329901002000"


def _import(*numbers):
    report = importing.import_json(actor=None, orders=[order(n) for n in numbers], dry_run=False)
    assert report.ok, report.rows
    return [HotlineOrder.objects.get(number=n) for n in numbers]


def test_the_three_rates(mapping, user):
    street = Region.objects.get(code=STREET_1)
    empty = selectors.rates(street)
    assert (empty.orders, empty.response_rate, empty.resolution_rate, empty.satisfaction_rate) == (0, None, None, None)
    a, b, c, d = _import("HLR1", "HLR2", "HLR3", "HLR4")
    case_services.transition(a.case, "accept", actor=user("operator"))
    case_services.transition(b.case, "accept", actor=user("operator"))
    Case.objects.filter(pk__in=[a.case_id, b.case_id]).update(status="rated", satisfied=True)
    Case.objects.filter(pk=c.case_id).update(status="closed", satisfied=False)
    HotlineOrder.objects.filter(pk=d.pk).update(deadline=timezone.now() - timedelta(hours=1))  # open, past due
    rates = selectors.rates(street)
    assert rates.orders == 4
    assert rates.responded_on_time == 2 and rates.response_rate == 0.5
    assert (rates.resolved, rates.due, rates.resolution_rate) == (3, 4, 0.75)
    assert (rates.satisfied, rates.rated) == (2, 3) and rates.satisfaction_rate == round(2 / 3, 4)
    other = selectors.rates(Region.objects.get(code=STREET_2))
    assert other.orders == 0


def test_the_rates_route_is_scoped(api, mapping):
    _import("HLR9")
    leader = api("leader").get("/hotline/rates", {"region": STREET_1})
    assert leader.status_code == 200 and leader.json()["orders"] == 1
    assert api("community1").get("/hotline/rates", {"region": STREET_1}).status_code == 404
    assert api("resident1").get("/hotline/rates", {"region": STREET_1}).status_code == 403
