"""The screen's rankings cover this month or the last 30 days (a meeting early in the month)."""

from datetime import date

from tests.dashboard.helpers import COMMUNITY_1, STREET_1, sh
from wangge.dashboard import screen
from wangge.regions.models import Region
from wangge.rollups import selectors

NOW = sh(2026, 12, 3, 10, 0)


def test_the_last_30_days_reach_back_into_last_month(flow):
    case = flow.report(at=sh(2026, 11, 20, 9, 0))
    flow.run(
        case,
        [
            ("accept", "operator", sh(2026, 11, 20, 9, 10)),
            ("dispatch", "dispatcher", sh(2026, 11, 20, 9, 20)),
            ("sign", "department1", sh(2026, 11, 20, 9, 30)),
            ("feedback", "department1", sh(2026, 11, 20, 10, 0)),
            ("verify_pass", "gridworker1", sh(2026, 11, 20, 11, 0)),
            ("close", "operator", sh(2026, 11, 20, 11, 30)),
        ],
    )
    street = selectors.region_node(Region.objects.get(code=STREET_1))
    month = screen.ranking(street, now=NOW)
    recent = screen.ranking(street, now=NOW, period="30d")
    assert (month.date_from, month.period) == (date(2026, 12, 1), "month")
    assert (recent.date_from, recent.date_to, recent.period) == (date(2026, 11, 4), date(2026, 12, 3), "30d")
    community = Region.objects.get(code=COMMUNITY_1).code
    in_month = {row.code: row for row in month.items}[community]
    in_window = {row.code: row for row in recent.items}[community]
    assert in_month.denominator == 0 and in_month.on_time is None  # nothing filed this month
    assert (in_window.numerator, in_window.denominator, in_window.on_time) == (1, 1, 1.0)
    assert "date_from=2026-11-04" in in_window.link


def test_an_unknown_period_is_refused_by_name(db, api):
    response = api("leader").get(f"/dashboard/ranking?region={STREET_1}&period=week")
    assert response.status_code == 422
    assert "period" in response.text
