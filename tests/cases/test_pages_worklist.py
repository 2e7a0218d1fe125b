"""The worklist: tabs, filters, search, keyset pages, the scope of each persona, photos behind the
case's scope, and a query count that does not grow with the page size."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.cases.conftest import CATEGORY, GRID_1, png
from wangge.accounts.models import User
from wangge.cases import selectors, services, views
from wangge.cases.models import Case, CasePhoto

ROW = re.compile(r'data-testid="case-row" data-number="([^"]+)" data-warning="([^"]*)"')


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def demo_cases(db):
    """A few hundred cases of the demo generator (every status, old and overdue ones) to fill pages."""
    from wangge.cases.demo import create_demo_cases

    assert create_demo_cases(count=400, seed=11) == 400


def rows(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return [number for number, _warning in ROW.findall(response.content.decode())]


def test_a_resident_sees_only_their_own_reports_in_every_tab(report, browser):
    mine = report("resident1")
    theirs = report("gridworker1")
    client = browser("resident1")
    own = set(Case.objects.filter(reporter__username="resident1").values_list("number", flat=True))
    for box in ("mine", "todo", "all", "soon", "overdue", "done", ""):
        numbers = rows(client.get("/cases/", {"box": box}))
        assert set(numbers) <= own, box
        assert theirs.number not in numbers
    assert mine.number in rows(client.get("/cases/", {"box": "mine"}))
    assert rows(client.get("/cases/", {"box": "mine", "q": theirs.number})) == []


def test_a_resident_gets_404_for_someone_elses_case_and_its_photos(report, browser, user):
    theirs = report("gridworker1")
    photo = services.add_photo(actor=user("gridworker1"), case=theirs, upload=png())
    mine = report("resident1")
    resident = browser("resident1")
    assert resident.get(f"/cases/{theirs.number}/").status_code == 404
    assert resident.get(f"/cases/{theirs.number}/photos/{photo.pk}/").status_code == 404
    assert resident.get(f"/cases/{theirs.number}/photos/{photo.pk}/?size=thumb").status_code == 404
    # Another case's photo through one's own case is just as absent.
    assert resident.get(f"/cases/{mine.number}/photos/{photo.pk}/").status_code == 404
    assert browser("gridworker2").get(f"/cases/{theirs.number}/photos/{photo.pk}/").status_code == 404


def test_a_photo_streams_to_whoever_may_see_the_case(report, browser, user):
    case = report("resident1")
    photo = services.add_photo(actor=user("resident1"), case=case, upload=png())
    for persona in ("resident1", "gridworker1", "operator"):
        response = browser(persona).get(f"/cases/{case.number}/photos/{photo.pk}/")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    thumb = browser("operator").get(f"/cases/{case.number}/photos/{photo.pk}/?size=thumb")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert thumb.content.startswith(b"\xff\xd8")
    assert "private" in thumb["Cache-Control"]
    assert browser("operator").get(f"/cases/{case.number}/photos/{photo.pk + 999}/").status_code == 404


def test_the_photo_url_needs_a_login_and_a_lost_file_is_404(report, client, browser):
    case = report("resident1")
    photo = CasePhoto.objects.create(case=case, content_type="image/png", size=1, sha256="0" * 64, file="x.png")
    response = client.get(f"/cases/{case.number}/photos/{photo.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert browser("resident1").get(f"/cases/{case.number}/photos/{photo.pk}/").status_code == 404
    thumb = browser("resident1").get(f"/cases/{case.number}/photos/{photo.pk}/?size=thumb")
    assert thumb.status_code == 404


def test_each_row_shows_number_title_category_status_region_due_and_assignee(report, browser):
    case = report()
    services.transition(case, "accept", actor=User.objects.get(username="operator"))
    case = services.transition(case, "dispatch", actor=User.objects.get(username="dispatcher"))
    html = browser("dispatcher").get("/cases/", {"box": "all", "q": case.number}).content.decode()
    row = html[html.index(f'data-number="{case.number}"') :]
    row = row[: row.index("</tr>")]
    assert case.title in row
    assert case.category.name_en in row
    assert "Dispatched, awaiting sign-for" in row
    assert case.region.name in row
    assert timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M") in row  # Asia/Shanghai
    assert case.assigned_department.name in row


def test_the_warning_colour_is_computed_when_the_page_is_drawn(report, browser):
    case = report()
    # The stored warning is stale on purpose: the page works it out from the deadlines.
    Case.objects.filter(pk=case.pk).update(
        warn_at=timezone.now() - timezone.timedelta(hours=2), due_at=timezone.now() - timezone.timedelta(hours=1)
    )
    html = browser("operator").get("/cases/", {"box": "all", "q": case.number}).content.decode()
    assert (case.number, "red") in ROW.findall(html)
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() + timezone.timedelta(hours=1))
    html = browser("operator").get("/cases/", {"box": "all", "q": case.number}).content.decode()
    assert (case.number, "yellow") in ROW.findall(html)
    assert case.number in rows(browser("operator").get("/cases/", {"box": "soon"}))
    assert case.number in rows(browser("operator").get("/cases/", {"box": "all", "warning": "yellow"}))
    assert case.number not in rows(browser("operator").get("/cases/", {"box": "all", "warning": "red"}))


def test_the_tabs_hold_what_the_selectors_say(browser, user, demo_cases):
    client = browser("operator")
    now = timezone.now()
    operator = user("operator")
    for box in ("todo", "soon", "overdue", "done"):
        expected = [c.number for c in selectors.worklist(operator, selectors.CaseFilters(box=box), now=now)[:25]]
        assert rows(client.get("/cases/", {"box": box})) == expected, box


def test_filters_and_search_narrow_the_list(report, browser, user, demo_cases):
    case = report(description="独一无二的描述文字 qwerty")
    client = browser("operator")
    assert rows(client.get("/cases/", {"box": "all", "q": "qwerty"})) == [case.number]
    assert rows(client.get("/cases/", {"box": "all", "q": case.number})) == [case.number]
    for params in (
        {"status": "reported"},
        {"category": CATEGORY},
        {"category": CATEGORY[:2]},  # the whole class
        {"source": "resident"},
        {"region": GRID_1},
        {"date_from": timezone.localdate().isoformat(), "date_to": timezone.localdate().isoformat()},
    ):
        numbers = rows(client.get("/cases/", {"box": "all", "q": "qwerty", **params}))
        assert numbers == [case.number], params
    for params in ({"status": "closed"}, {"source": "hotline"}, {"category": "0108"}, {"date_to": "2020-01-01"}):
        assert rows(client.get("/cases/", {"box": "all", "q": "qwerty", **params})) == [], params
    # The cases each status filter must find are made here, whatever the demo generator left today.
    operator, dispatcher, department = user("operator"), user("dispatcher"), user("department1")
    started = report()
    for action, actor, params in (("accept", operator, {}), ("dispatch", dispatcher, {}), ("sign", department, {})):
        started = services.transition(started, action, actor=actor, **params)
    closed = report()
    for action, actor, params in (
        ("accept", operator, {}),
        ("dispatch", dispatcher, {}),
        ("sign", department, {}),
        ("feedback", department, {"opinion": "已清理", "photo_before": [png()], "photo_after": [png()]}),
        ("verify_pass", user("gridworker1"), {}),
        ("close", operator, {}),
    ):
        closed = services.transition(closed, action, actor=actor, **params)
    for status, made in (("in_progress", started), ("closed", closed)):
        assert made.status == status
        numbers = rows(client.get("/cases/", {"box": "all", "status": status}))
        assert made.number in numbers
        assert set(Case.objects.filter(number__in=numbers).values_list("status", flat=True)) == {status}


def test_keyset_pages_follow_each_other_without_overlap(browser, user, demo_cases, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 10)
    client = browser("operator")
    first = client.get("/cases/", {"box": "all", "source": "patrol"})
    numbers = rows(first)
    assert len(numbers) == 10
    link = re.search(r'href="\?([^"]+)" data-testid="next-page"', first.content.decode()).group(1)
    assert "cursor=" in link and "source=patrol" in link and "box=all" in link
    second = client.get("/cases/?" + link.replace("&amp;", "&"))
    following = rows(second)
    assert following and not set(numbers) & set(following)
    expected = selectors.worklist(user("operator"), selectors.CaseFilters(source="patrol")).values_list(
        "number", flat=True
    )
    assert numbers + following == list(expected[: len(numbers) + len(following)])
    assert "First page" in second.content.decode()


def test_a_filter_that_does_not_parse_is_shown_and_the_others_still_apply(report, browser):
    case = report(description="独一无二 zxcvb")
    response = browser("operator").get("/cases/", {"box": "all", "q": "zxcvb", "date_from": "not-a-date"})
    assert rows(response) == [case.number]
    assert "Enter a valid date." in response.content.decode()


def test_a_broken_cursor_shows_the_first_page_with_a_message(browser, demo_cases):
    client = browser("operator")
    response = client.get("/cases/", {"box": "all", "cursor": "nonsense"})
    assert "The page link is not valid" in response.content.decode()
    assert rows(response) == rows(client.get("/cases/", {"box": "all"}))


@pytest.mark.parametrize("persona", ["operator", "resident1", "department1", "gridworker1"])
def test_the_number_of_queries_does_not_grow_with_the_page_size(persona, browser, monkeypatch, report, demo_cases):
    if persona in ("resident1", "gridworker1"):  # the generated cases are spread over the whole district
        for _ in range(20):
            report("resident1")
    client = browser(persona)
    box = "mine" if persona == "resident1" else "all"
    counts = {}
    for size in (2, 20):
        monkeypatch.setattr(views, "PAGE_SIZE", size)
        client.get("/cases/", {"box": box})  # warm the session and caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/cases/", {"box": box})
        assert len(rows(response)) == size, "the demo town should fill both pages"
        counts[size] = len(queries)
    assert counts[2] == counts[20], counts


def test_the_home_page_counts_my_work_and_links_the_tabs(browser, user, demo_cases):
    html = browser("operator").get("/home/").content.decode()
    counts = selectors.work_counts(user("operator"))
    for box in ("todo", "soon", "overdue"):
        link = re.search(rf'href="/cases/\?box={box}" data-testid="work-{box}">[^<]*<span[^>]*>(\d+)<', html)
        assert link and int(link.group(1)) == counts[box], box
    html = browser("resident1").get("/home/").content.decode()
    assert 'data-testid="work-mine"' in html and 'data-testid="work-overdue"' not in html
