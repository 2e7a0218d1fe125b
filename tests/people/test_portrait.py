"""The household and person pages show the panels other apps register (``people.portrait``); the cases
panel lists only the cases its viewer may see."""

import pathlib

import pytest

from tests.people.conftest import GRID_2, point_in
from wangge.cases import services as case_services
from wangge.cases.models import Category
from wangge.people import portrait


def _report(actor, *, lon, lat, description, **links):
    category = Category.objects.filter(parent__isnull=False, is_active=True).order_by("code").first()
    report = case_services.Report(
        category=category.code, description=description, lon=lon, lat=lat, source="patrol", **links
    )
    case, _created = case_services.report_case(actor=actor, report=report)
    return case


def test_people_never_imports_a_higher_app():
    sources = pathlib.Path(portrait.__file__).parent.rglob("*.py")
    offenders = [
        str(path)
        for path in sources
        for line in path.read_text().splitlines()
        if line.lstrip().startswith(("import ", "from "))
        and any(f"wangge.{app}" in line for app in ("cases", "dashboard", "assessment", "inbox"))
    ]
    assert offenders == []


def test_cases_registers_a_panel_for_households_and_persons():
    assert "cases.household" in {p.key for p in portrait.registered(portrait.HOUSEHOLD)}
    assert "cases.person" in {p.key for p in portrait.registered(portrait.PERSON)}


@pytest.fixture
def panel_template(settings, tmp_path):
    (tmp_path / "test_panel.html").write_text("<p>{{ data.note }}</p>")
    settings.TEMPLATES = [{**engine, "DIRS": [*engine.get("DIRS", []), tmp_path]} for engine in settings.TEMPLATES]
    return "test_panel.html"


def test_a_registered_panel_is_shown_in_order_and_only_when_allowed(ledger, browser, panel_template):
    calls = []

    def context(user, household):
        calls.append(household.pk)
        return {"note": "第一面板"}

    first = portrait.Panel(
        key="test.first", subject=portrait.HOUSEHOLD, title="First panel", template=panel_template,
        context=context, order=1,
    )  # fmt: skip
    hidden = portrait.Panel(
        key="test.hidden", subject=portrait.HOUSEHOLD, title="Hidden panel", template=panel_template,
        context=context, order=2, allowed=lambda user: user.username == "community1",
    )  # fmt: skip
    portrait.register(first)
    portrait.register(hidden)
    try:
        page = browser("gridworker1").get(f"/people/households/{ledger.household1.pk}/").content.decode()
        assert "First panel" in page and "第一面板" in page
        assert "Hidden panel" not in page
        assert page.index("First panel") < page.index('data-testid="panel-cases.household"')
        page = browser("community1").get(f"/people/households/{ledger.household1.pk}/").content.decode()
        assert "Hidden panel" in page
    finally:
        portrait.unregister("test.first")
        portrait.unregister("test.hidden")
    assert calls == [ledger.household1.pk, ledger.household1.pk, ledger.household1.pk]


def test_the_cases_panel_lists_the_cases_reported_for_the_household_and_its_members(ledger, browser, user):
    lon, lat = ledger.building1.lon, ledger.building1.lat
    far_lon, far_lat = point_in(GRID_2)
    worker = ledger.worker1
    for_household = _report(worker, lon=lon, lat=lat, description="楼道灯坏了", household_id=ledger.household1.pk)
    for_member = _report(worker, lon=far_lon, lat=far_lat, description="独居老人需要帮助", person_id=ledger.person1b.pk)
    for_other = _report(
        user("gridworker2"), lon=far_lon, lat=far_lat, description="另一户的事", household_id=ledger.household2.pk
    )

    household_page = browser("community1").get(f"/people/households/{ledger.household1.pk}/").content.decode()
    assert for_household.number in household_page and for_member.number in household_page
    assert for_other.number not in household_page

    member_page = browser("community1").get(f"/people/persons/{ledger.person1b.pk}/").content.decode()
    assert for_member.number in member_page and for_household.number in member_page  # their household's too
    head_page = browser("community1").get(f"/people/persons/{ledger.person1.pk}/").content.decode()
    assert for_household.number in head_page and for_member.number not in head_page


def test_the_panel_leaves_out_cases_the_viewer_may_not_see(ledger, browser, user):
    """community1 reports, for a household of GRID_1, something that happened in GRID_2: gridworker1 (GRID_1
    only) reads the household but not that case, so it is not in their panel; community1 sees it."""
    far_lon, far_lat = point_in(GRID_2)
    hidden = _report(
        user("community1"), lon=far_lon, lat=far_lat, description="在邻格发生的事", household_id=ledger.household1.pk
    )
    shown = _report(
        ledger.worker1, lon=ledger.building1.lon, lat=ledger.building1.lat, description="本格的事",
        household_id=ledger.household1.pk,
    )  # fmt: skip
    for path in (f"/people/households/{ledger.household1.pk}/", f"/people/persons/{ledger.person1.pk}/"):
        page = browser("gridworker1").get(path).content.decode()
        assert shown.number in page
        assert hidden.number not in page
        assert hidden.number in browser("community1").get(path).content.decode()


def test_the_household_panel_lists_cases_at_its_building_apart(ledger, browser):
    lon, lat = ledger.building1.lon, ledger.building1.lat
    far_lon, far_lat = point_in(GRID_2)
    at_building = _report(ledger.worker1, lon=lon + 0.0001, lat=lat, description="楼下井盖松动")  # about 10 m
    elsewhere = _report(ledger.worker1, lon=far_lon, lat=far_lat, description="别处的井盖")
    page = browser("gridworker1").get(f"/people/households/{ledger.household1.pk}/").content.decode()
    near = page[page.index('data-testid="cases-near"') :]
    assert at_building.number in near
    assert elsewhere.number not in page


def test_a_report_names_only_a_household_or_person_its_reporter_may_read(ledger):
    with pytest.raises(Exception) as refused:
        _report(
            ledger.worker1, lon=ledger.building1.lon, lat=ledger.building1.lat, description="他格住户",
            household_id=ledger.household2.pk, person_id=ledger.person2.pk,
        )  # fmt: skip
    assert set(refused.value.message_dict) == {"household_id", "person_id"}


def test_the_panel_is_left_out_for_a_viewer_without_any_reach(ledger, user):
    panel = next(p for p in portrait.registered(portrait.HOUSEHOLD) if p.key == "cases.household")
    assert panel.allowed(user("outsider")) is False
    assert panel.allowed(ledger.worker1) is True
