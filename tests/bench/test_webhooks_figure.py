"""Smoke run of the webhooks figure inside the test database (small numbers, sent in the test's own thread:
it checks the figure's shape and that every delivery reaches its receiver, not the targets)."""

from bench.figures import webhooks
from bench.measure import Row


def test_the_webhooks_figure_fans_events_out_to_local_receivers_against_a_baseline(db):
    result = webhooks.measure(events=4, receivers=3, senders=0)
    assert result["deliveries"] == result["delivered"] == result["received"] == 12
    assert len(result["baseline_ms"]) == len(result["subscribed_ms"]) == 4
    fan_out, latency = webhooks.rows(result)
    assert isinstance(fan_out, Row) and fan_out.figure.startswith("webhook fan-out: 4 case events to 3 local receivers")
    assert "(12 of 12 delivered" in fan_out.figure and fan_out.target == "< 10 s, all delivered"
    assert latency.baseline.startswith("no subscription: p50") and latency.passed is not None
