"""The command-centre screen shows the hotline's 三率 of its node (the dashboard reads hotline's selector)."""

from tests.hotline.test_rates import STREET_1, _import


def test_the_screen_panel_shows_the_three_rates(browser_client, mapping, user):
    from wangge.cases import services as case_services

    [order] = _import("HLS1")
    case_services.transition(order.case, "accept", actor=user("operator"))
    page = browser_client("leader", language="en").get("/dashboard/hotline/", {"region": STREET_1})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="hotline-orders">1<' in html and 'data-testid="hotline-response">100 %<' in html
    screen = browser_client("leader", language="en").get("/dashboard/", {"region": STREET_1}).content.decode()
    assert 'data-testid="hotline-rates"' in screen
    assert browser_client("community1").get("/dashboard/hotline/", {"region": STREET_1}).status_code == 404
