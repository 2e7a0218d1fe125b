"""The demo town's 12345 link: the mapping table always, a few orders when the demo builds cases."""

from wangge.cases.models import Source
from wangge.hotline import selectors
from wangge.hotline.demo import MAPPINGS, create_demo_hotline
from wangge.hotline.models import CategoryMapping, HotlineOrder


def test_the_demo_maps_the_catalogue_and_imports_a_few_orders(db, user):
    assert CategoryMapping.objects.count() == len(MAPPINGS)  # loaded with the session's demo town
    assert not HotlineOrder.objects.exists()  # the session's demo builds no cases
    line = create_demo_hotline()
    orders = list(HotlineOrder.objects.select_related("case"))
    assert len(orders) == 5 and "5" in line
    assert {o.case.source for o in orders} == {Source.HOTLINE}
    assert all(o.caller_phone_masked and "*" in o.caller_phone_masked for o in orders)
    assert selectors.orders_for(user("leader")).count() == 5
    assert create_demo_hotline() == ""  # run again: nothing more
