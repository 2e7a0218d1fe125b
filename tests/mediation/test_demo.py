"""The demo town's disputes: gridworker1's grid has one in each state, a recurring party, and every persona
finds something (resident1 the dispute they are a party to)."""

from wangge.accounts.models import User
from wangge.mediation import selectors
from wangge.mediation.models import DisputeStatus

GRID_1 = "329901001001001"


def test_demo_disputes_in_several_states(db):
    worker = User.objects.get(username="gridworker1")
    mine = selectors.disputes_for(worker).filter(region__code=GRID_1)
    assert set(DisputeStatus.values) - {DisputeStatus.FAILED} <= set(mine.values_list("status", flat=True))
    assert any(r.name == "周建国" for r in selectors.recurring_parties(User.objects.get(username="community1")))
    for persona in ("gridworker1", "gridworker2", "community1", "leader", "resident1"):
        assert selectors.disputes_for(User.objects.get(username=persona)).exists(), persona
    total, rows = selectors.rates_by_grid(User.objects.get(username="leader"))
    assert total.rate is not None and len(rows) >= 2
