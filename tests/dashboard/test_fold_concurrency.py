"""Two consumers folding at once (PostgreSQL only): every delta is added exactly once.

As in every race test (``tests/postgres.py``), the work runs in threads whose connections commit, and the
test's own transaction stays empty (so it holds no row lock a thread would wait for); what the threads
created is deleted afterwards and the roll-ups rebuilt.
"""

import pytest

from tests.cases.conftest import CATEGORY, GRID_1, point_in
from tests.postgres import committed, concurrent_postgres, in_thread, race  # noqa: F401 (a fixture)
from wangge.accounts.models import User
from wangge.cases import services
from wangge.cases.models import Case
from wangge.rollups import rollups, selectors

pytestmark = concurrent_postgres("concurrent folds need concurrent connections")


@pytest.fixture(autouse=True)
def _rollups_in_step_with_the_database():
    """Overrides the directory's rebuild in the test transaction: its row locks would block the threads."""


def nonzero(counter) -> dict:
    return {k: v for k, v in counter.items() if v}


def test_two_folds_at_once_count_each_delta_once(committed):  # noqa: F811
    # The reports run their whole transaction (inbox rows included) and queue their folds on this run's
    # queue, where no consumer takes them: the two threads below are the only folders.

    def report_some():
        resident = User.objects.get(username="resident1")
        lon, lat = point_in(GRID_1)
        report = services.Report(category=CATEGORY, description="并发汇总", lon=lon, lat=lat)
        ids = [services.report_case(actor=resident, report=report)[0].pk for _ in range(6)]
        committed.extend(ids)
        return ids

    def city():
        return nonzero(selectors.totals("0000000001", None, None)), rollups.pending()

    def clean_up():
        Case.objects.filter(pk__in=committed).delete()  # before ``committed`` itself runs: the roll-ups
        rollups.rebuild_rollups(ledgers=False)  # are rebuilt without these cases

    in_thread(rollups.fold_all)
    in_thread(report_some)
    try:
        before, pending = in_thread(city)
        assert pending >= 6 * 3  # fine, cube and person deltas of six reports
        outcomes = race(lambda _name: rollups.fold_all(batch=3, rounds=100), "first", "second")
        assert all(isinstance(n, int) for n in outcomes.values()), outcomes
        in_thread(rollups.fold_all)  # whatever a fold that found the lock taken left
        after, left = in_thread(city)
        assert left == 0
        assert after == before  # nothing counted twice, nothing lost
        assert sum(outcomes.values()) > 0
    finally:
        in_thread(clean_up)
