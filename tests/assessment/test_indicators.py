"""Indicator formulas on hand-built timelines with known answers (deferred, reworked, reopened, returned,
extended, rejected, merged, solved on the spot), configurable weights, formulas kept as data, and the
same values from the roll-ups and from the raw timeline after random workflows."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError

from tests.dashboard import test_rollups_equal_raw as walker
from tests.dashboard import timelines
from wangge.accounts.models import User
from wangge.assessment import selectors
from wangge.assessment.models import Indicator, Subject
from wangge.regions.models import Region
from wangge.rollups import raw
from wangge.rollups.selectors import dept_node, region_node

MON, THU = date(2026, 3, 2), date(2026, 3, 5)

STREET_VALUES = {
    "response_rate": Fraction(7, 8),  # F was rejected the next day: a late response
    "resolution_rate": Fraction(5, 6),  # E is parked: filed, not resolved
    "satisfaction_rate": Fraction(2, 3),  # C's first rating was unsatisfied
    "closure_rate": Fraction(5, 5),  # due 6 − deferred 1
    "on_time_closure_rate": Fraction(4, 5),  # B signed late; C's late handling was before its reopening
    "rework_rate": Fraction(1, 7),
    "extension_rate": Fraction(1, 5),
    "overdue_rate": Fraction(1, 5),
    "return_rate": Fraction(1, 5),
    "timely_sign_rate": Fraction(4, 5),
    "on_time_handling_rate": Fraction(5, 6),
}
CITY_MANAGEMENT_VALUES = {
    "response_rate": None,  # nothing is reported to a department
    "resolution_rate": Fraction(3, 3),
    "satisfaction_rate": Fraction(2, 3),
    "closure_rate": Fraction(3, 3),
    "on_time_closure_rate": Fraction(2, 3),
    "rework_rate": Fraction(1, 5),
    "extension_rate": Fraction(1, 4),
    "overdue_rate": Fraction(1, 3),
    "return_rate": Fraction(1, 4),
    "timely_sign_rate": Fraction(3, 4),
    "on_time_handling_rate": Fraction(4, 5),
}


@pytest.fixture
def built(flow):
    return timelines.build(flow)


def _values(row) -> dict:
    return {v.indicator.code: v.value for v in row.values}


def _close(actual: dict, expected: dict) -> None:
    assert set(actual) == set(expected)
    for code, value in expected.items():
        if value is None:
            assert actual[code] is None, code
        else:
            assert actual[code] == pytest.approx(float(value), abs=1e-12), code


def test_street_indicators_on_the_eight_timelines(built):
    street = region_node(Region.objects.get(code="329901001000"))
    row = selectors.node_row(street, MON, THU)
    _close(_values(row), STREET_VALUES)
    # 三率 weighted 30/35/35: (30 × 87.5 + 35 × 83.33… + 35 × 66.66…) / 100
    assert row.score == pytest.approx(78.75)
    assert row.tier == "red"  # below the yellow tier (80)


def test_department_indicators_count_what_the_department_held(built, flow):
    row = selectors.node_row(dept_node(flow.department), MON, THU)
    _close(_values(row), CITY_MANAGEMENT_VALUES)
    # Inside the street, the department's row is the same.
    street = region_node(Region.objects.get(code="329901001000"))
    rows = {r.code: r for r in selectors.department_rows(street, MON, THU)}
    _close(_values(rows[flow.department.code]), CITY_MANAGEMENT_VALUES)


def test_weights_are_data(built):
    Indicator.objects.filter(code="response_rate").update(weight=Decimal("50"))
    Indicator.objects.filter(code="resolution_rate").update(weight=Decimal("25"))
    Indicator.objects.filter(code="satisfaction_rate").update(weight=Decimal("25"))
    Indicator.objects.filter(code="on_time_closure_rate").update(weight=Decimal("100"))
    street = region_node(Region.objects.get(code="329901001000"))
    row = selectors.node_row(street, MON, THU)
    expected = (50 * 87.5 + 25 * 500 / 6 + 25 * 200 / 3 + 100 * 80) / 200
    assert row.score == pytest.approx(expected)


def test_an_indicator_without_a_denominator_is_left_out_of_the_score(built, flow):
    row = selectors.node_row(dept_node(flow.department), MON, THU)
    # No response rate for a department: the score is the mean of 解决率 and 满意率 (35/35).
    assert row.score == pytest.approx((100 + 200 / 3) / 2)


def test_a_new_indicator_is_a_row_of_data(built):
    Indicator.objects.create(
        code="trouble_rate",
        name="问题率",
        numerator="reworked + returned + late",
        denominator="due - deferred",
        higher_is_better=False,
    ).full_clean()
    street = region_node(Region.objects.get(code="329901001000"))
    value = _values(selectors.node_row(street, MON, THU))["trouble_rate"]
    assert value == pytest.approx(3 / 5)


@pytest.mark.parametrize(
    "numerator,field,message",
    [
        ("finished_in_time", "numerator", "Unknown counter: finished_in_time."),
        (
            "__import__('os').system('true')",
            "numerator",
            "Only counter names, whole numbers, + - * / and parentheses are allowed.",
        ),
        ("due **", "numerator", "The formula is not valid arithmetic."),
    ],
)
def test_a_formula_is_checked_field_by_field(db, numerator, field, message):
    indicator = Indicator(code="bad", name="坏", numerator=numerator, denominator="due")
    with pytest.raises(ValidationError) as exc_info:
        indicator.full_clean()
    assert exc_info.value.message_dict[field] == [message]


def test_person_indicators_and_points(built):
    from django.conf import settings  # noqa: F401

    community = region_node(Region.objects.get(code="329901001001"))
    rows = {r.code: r for r in selectors.rank(selectors.person_rows(community, MON, THU), by="points")}
    worker = rows["gridworker1"]
    assert _values(worker) == {
        "valid_report_rate": 1.0,
        "timely_verification_rate": 1.0,
        "person_on_time_handling_rate": 1.0,
    }
    assert worker.points == timelines.EXPECTED_POINTS["gridworker1"]
    assert worker.extra["solved_in_grid"] == 2  # solved H on the spot, handled D in the grid
    assert rows["gridchief1"].points == timelines.EXPECTED_POINTS["gridchief1"]
    assert worker.rank == 1 and rows["gridchief1"].rank == 2
    # department1 and resident1 earn points too; they are not grid workers of the community.
    assert selectors.points_of([User.objects.get(username="department1").pk], MON, THU) == {
        User.objects.get(username="department1").pk: timelines.EXPECTED_POINTS["department1"]
    }


@pytest.mark.parametrize("seed", [21, 22])
def test_indicators_from_roll_ups_equal_those_from_the_raw_timeline(db, seed):
    walker.walk(seed, count=16)
    items = selectors.indicators(Subject.CASES)
    for code in ("329900000000", "329901001000", "329901002000", "329901001001"):
        node = region_node(Region.objects.get(code=code))
        for start, end in [
            (None, None),
            (date(2026, 11, 2), date(2026, 11, 8)),
            (date(2026, 11, 9), date(2026, 12, 31)),
        ]:
            from_rollups = selectors.evaluate(selectors.figures.totals(node.key, start, end), items)
            from_timeline = selectors.evaluate(raw.counters(raw.Slice(node.key), start, end), items)
            assert [(v.indicator.code, v.numerator, v.denominator, v.value) for v in from_rollups] == [
                (v.indicator.code, v.numerator, v.denominator, v.value) for v in from_timeline
            ], (code, start, end)
            for row in selectors.children_rows(node, start, end, items):
                reference = selectors.evaluate(raw.counters(raw.Slice(row.key), start, end), items)
                assert [v.value for v in row.values] == [v.value for v in reference], row.name


def test_the_assessment_page_takes_any_period(built, browser_client):
    client = browser_client("leader", language="en")
    page = client.get("/assessment/?region=329901001000&date_from=2026-03-05&date_to=2026-03-02&unit=children")
    assert page.status_code == 200
    assert (page.context["start"], page.context["end"]) == (MON, THU)
    total = {c["v"].indicator.code: c["v"] for c in page.context["total"]["values"]}
    assert total["response_rate"].value == pytest.approx(7 / 8)
    assert [r["row"].code for r in page.context["rows"]][0] == "329901001001"
