"""The case page: only the allowed buttons, action forms that post, stale forms refused, evidence
checked, text escaped."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.cases.conftest import GRID_1, png
from wangge.accounts.models import User
from wangge.cases import services
from wangge.cases.models import Case, CaseEvent

BUTTON = re.compile(r'aria-controls="act-([a-z_]+)"')
STALE = "Someone else changed this case after you opened it. Reload it and try again."


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def buttons(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return BUTTON.findall(response.content.decode())


def move(case, *steps):
    """Apply (username, action, params) steps through the service."""
    for username, action, params in steps:
        case = services.transition(case, action, actor=User.objects.get(username=username), **params)
    return case


def evidence():
    return {"photo_before": [png("before.png")], "photo_after": [png("after.png")]}


def post_action(client, case, action, version=None, files=None, **fields):
    data = {f"{action}-version": case.version if version is None else version}
    data.update({f"{action}-{name}": value for name, value in fields.items()})
    data.update({f"{action}-{name}": value for name, value in (files or {}).items()})
    return client.post(f"/cases/{case.number}/do/{action}/", data)


def test_the_operator_sees_accept_and_reject_on_a_reported_case_and_nothing_that_comes_later(report, browser):
    case = report()
    shown = buttons(browser("operator").get(f"/cases/{case.number}/"))
    assert "accept" in shown and "reject" in shown
    assert not {"dispatch", "sign", "feedback", "close", "rate"} & set(shown)
    assert set(shown) <= {"accept", "reject", "merge", "escalate", "mark_urgent"}


def test_the_reporter_sees_the_case_without_buttons_and_another_grid_worker_gets_404(report, browser):
    case = report()
    assert buttons(browser("resident1").get(f"/cases/{case.number}/")) == []
    assert browser("gridworker2").get(f"/cases/{case.number}/").status_code == 404
    assert browser("gridworker2").post(f"/cases/{case.number}/do/accept/", {}).status_code == 404


def test_the_department_sees_sign_for_only_once_the_case_is_dispatched_to_it(report, browser):
    case = report()
    department = browser("department1")
    assert department.get(f"/cases/{case.number}/").status_code == 404
    case = move(case, ("operator", "accept", {}))
    assert department.get(f"/cases/{case.number}/").status_code == 404
    case = move(case, ("dispatcher", "dispatch", {}))
    shown = buttons(department.get(f"/cases/{case.number}/"))
    assert "sign" in shown
    assert "feedback" not in shown and "accept" not in shown and "dispatch" not in shown
    html = department.get(f"/cases/{case.number}/").content.decode()
    assert "Sign for" in html


def test_posting_an_action_moves_the_case_and_a_second_post_with_the_old_version_is_refused(report, browser):
    case = report()
    operator = browser("operator")
    old_version = case.version
    response = post_action(operator, case, "accept", opinion="属实")
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.number}/"
    case.refresh_from_db()
    assert case.status == "accepted"
    assert case.version == old_version + 1
    events = CaseEvent.objects.filter(case=case).count()

    again = post_action(operator, case, "accept", version=old_version, opinion="属实")
    assert again.status_code == 302
    page = operator.get(again["Location"])
    assert STALE in page.content.decode()
    case.refresh_from_db()
    assert case.status == "accepted"
    assert case.version == old_version + 1
    assert CaseEvent.objects.filter(case=case).count() == events


def test_a_stale_dispatch_from_a_second_dispatcher_changes_nothing(report, browser):
    case = move(report(), ("operator", "accept", {}))
    dutychief = browser("dutychief")
    page = dutychief.get(f"/cases/{case.number}/")
    version = int(re.search(r'name="dispatch-version" value="(\d+)"', page.content.decode()).group(1))
    assert post_action(browser("dispatcher"), case, "dispatch", target="department").status_code == 302
    response = post_action(dutychief, case, "dispatch", version=version, target="grid", region=GRID_1)
    assert response.status_code == 302
    assert STALE in dutychief.get(response["Location"]).content.decode()
    case.refresh_from_db()
    assert case.assigned_region_id is None and case.assigned_department is not None


def test_dispatch_defaults_to_the_category_department_and_can_go_to_a_grid(report, browser):
    case = move(report(), ("operator", "accept", {}))
    html = browser("dispatcher").get(f"/cases/{case.number}/").content.decode()
    default = services.default_department(case)
    assert re.search(rf'<option value="{default.code}" selected>', html)
    response = post_action(browser("dispatcher"), case, "dispatch", target="grid", region=GRID_1, opinion="网格处置")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "dispatched" and case.assigned_region.code == GRID_1
    assert "sign" in buttons(browser("gridworker1").get(f"/cases/{case.number}/"))


def test_a_missing_opinion_is_shown_next_to_the_field_and_nothing_changes(report, browser):
    case = report()
    response = post_action(browser("operator"), case, "reject", opinion="")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-opinion"' in html
    assert 'id="act-reject"' in html and 'class="collapse show" id="act-reject"' in html
    case.refresh_from_db()
    assert case.status == "reported"


def test_feedback_refuses_a_file_that_is_not_an_image_next_to_its_field(report, browser):
    case = move(report(), ("operator", "accept", {}), ("dispatcher", "dispatch", {}), ("department1", "sign", {}))
    fake = SimpleUploadedFile("before.png", b"<html>not an image</html>", content_type="image/png")
    response = post_action(
        browser("department1"),
        case,
        "feedback",
        files={"photo_before": fake, "photo_after": png("after.png")},
        opinion="已处理",
    )
    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(r'data-testid="error-photo_before">([^<]*)<', html)
    assert error and error.group(1) == "The file is not a JPEG, PNG or WebP image."
    case.refresh_from_db()
    assert case.status == "in_progress"
    assert not case.photos.exclude(kind="report").exists()


def test_feedback_without_the_required_evidence_is_refused_and_with_it_accepted(report, browser):
    case = move(report(), ("operator", "accept", {}), ("dispatcher", "dispatch", {}), ("department1", "sign", {}))
    department = browser("department1")
    response = post_action(department, case, "feedback", files={"photo_before": png()}, opinion="已处理")
    assert response.status_code == 400
    assert 'data-testid="error-photo_after"' in response.content.decode()
    response = post_action(
        department, case, "feedback", files={"photo_before": png(), "photo_after": png("b.png")}, opinion="已处理"
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "handled"
    assert sorted(case.photos.values_list("kind", flat=True)) == ["photo_after", "photo_before"]
    html = department.get(f"/cases/{case.number}/").content.decode()
    assert html.count('data-testid="photo"') == 4  # gallery and timeline


def test_the_evidence_inputs_open_the_camera(report, browser):
    case = move(report(), ("operator", "accept", {}), ("dispatcher", "dispatch", {}), ("department1", "sign", {}))
    html = browser("department1").get(f"/cases/{case.number}/").content.decode()
    inputs = re.findall(r'<input type="file" name="feedback-[a-z_]+"[^>]*>', html)
    assert len(inputs) == 3
    for tag in inputs:
        assert 'accept="image/*"' in tag and 'capture="environment"' in tag and "multiple" in tag


def test_the_resident_rates_a_closed_case_and_reopens_it_when_unsatisfied(report, browser):
    case = move(
        report(),
        ("operator", "accept", {}),
        ("dispatcher", "dispatch", {}),
        ("department1", "sign", {}),
        ("department1", "feedback", {"opinion": "已清运", **evidence()}),
        ("gridworker1", "verify_pass", {}),
        ("operator", "close", {}),
    )
    resident = browser("resident1")
    assert buttons(resident.get(f"/cases/{case.number}/")) == ["rate"]
    response = post_action(resident, case, "rate", speed="2", result="1", comment="还是很脏")
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.satisfied, case.rating_result) == ("rated", False, 1)
    assert buttons(resident.get(f"/cases/{case.number}/")) == ["reopen"]
    response = post_action(resident, case, "reopen", opinion="渣土又回来了")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "dispatched" and case.reopen_count == 1


def test_a_rating_out_of_range_is_shown_next_to_the_field(report, browser):
    case = move(
        report(),
        ("operator", "accept", {}),
        ("dispatcher", "dispatch", {}),
        ("department1", "sign", {}),
        ("department1", "feedback", {"opinion": "已清运", **evidence()}),
        ("gridworker1", "verify_pass", {}),
        ("operator", "close", {}),
    )
    response = post_action(browser("resident1"), case, "rate", speed="9", result="5")
    assert response.status_code == 400
    assert 'data-testid="error-speed"' in response.content.decode()
    case.refresh_from_db()
    assert case.status == "closed"


def test_buttons_the_service_would_refuse_now_are_not_offered(report, browser):
    case = move(report(), ("operator", "accept", {}), ("dispatcher", "dispatch", {}), ("department1", "sign", {}))
    chief = browser("dutychief")
    shown = buttons(chief.get(f"/cases/{case.number}/"))
    assert "approve_extension" not in shown and "deny_extension" not in shown  # nothing asked yet
    assert "mark_urgent" in shown
    response = post_action(browser("department1"), case, "request_extension", extension="2d", opinion="需调车")
    assert response.status_code == 302
    case.refresh_from_db()
    assert "request_extension" not in buttons(browser("department1").get(f"/cases/{case.number}/"))
    shown = buttons(chief.get(f"/cases/{case.number}/"))
    assert "approve_extension" in shown and "deny_extension" in shown
    html = chief.get(f"/cases/{case.number}/").content.decode()
    assert "Extension requested" in html and "2d" in html
    assert post_action(chief, case, "approve_extension").status_code == 302
    case.refresh_from_db()
    assert case.extension_count == 1
    assert post_action(chief, case, "mark_urgent").status_code == 302
    assert "mark_urgent" not in buttons(chief.get(f"/cases/{case.number}/"))


def test_a_satisfied_reporter_is_not_offered_reopen(report, browser):
    case = move(
        report(),
        ("operator", "accept", {}),
        ("dispatcher", "dispatch", {}),
        ("department1", "sign", {}),
        ("department1", "feedback", {"opinion": "已清运", **evidence()}),
        ("gridworker1", "verify_pass", {}),
        ("operator", "close", {}),
        ("resident1", "rate", {"speed": 5, "result": 5}),
    )
    assert buttons(browser("resident1").get(f"/cases/{case.number}/")) == []
    assert "reopen" in buttons(browser("dutychief").get(f"/cases/{case.number}/"))


def test_merge_lists_nearby_duplicates_and_merges_into_the_chosen_one(report, browser):
    original = report(description="路边渣土堆积很多")
    duplicate = report(description="路边渣土堆积很多，没人管")
    html = browser("operator").get(f"/cases/{duplicate.number}/").content.decode()
    assert f'data-value="{original.number}"' in html
    response = post_action(browser("operator"), duplicate, "merge", duplicate_of=original.number)
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == "merged" and duplicate.duplicate_of_id == original.pk
    html = browser("operator").get(f"/cases/{duplicate.number}/").content.decode()
    assert f'href="/cases/{original.number}/"' in html


def test_merging_into_an_unknown_number_is_shown_next_to_the_field(report, browser):
    case = report()
    response = post_action(browser("operator"), case, "merge", duplicate_of="000000-00000000-0000")
    assert response.status_code == 400
    assert 'data-testid="error-duplicate_of"' in response.content.decode()


def test_an_action_the_user_may_not_do_is_refused_with_a_message(report, browser):
    case = report()
    resident = browser("resident1")
    response = post_action(resident, case, "accept")
    assert response.status_code == 302
    html = resident.get(response["Location"]).content.decode()
    assert "Your role may not do “accept” on this case." in html
    case.refresh_from_db()
    assert case.status == "reported"


def test_an_unknown_action_is_404(report, browser):
    case = report()
    assert browser("operator").post(f"/cases/{case.number}/do/explode/", {}).status_code == 404
    assert browser("operator").get(f"/cases/{case.number}/do/accept/").status_code == 405


def test_script_in_a_description_is_escaped_on_the_list_and_the_case_page(report, browser):
    case = report(description='<script>alert("x")</script> 井盖丢了', address="<b>幸福路</b>")
    operator = browser("operator")
    for url in (f"/cases/{case.number}/", "/cases/?box=all", f"/cases/?box=all&q={case.number}"):
        html = operator.get(url).content.decode()
        assert '<script>alert("x")</script>' not in html, url
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html, url
    html = operator.get(f"/cases/{case.number}/").content.decode()
    assert "<b>幸福路</b>" not in html and "&lt;b&gt;幸福路&lt;/b&gt;" in html


def test_the_timeline_shows_who_in_which_role_did_what_with_the_opinion(report, browser):
    case = move(report(), ("operator", "accept", {"opinion": "属实 <i>受理</i>"}))
    html = browser("operator").get(f"/cases/{case.number}/").content.decode()
    timeline = html[html.index('data-testid="timeline"') :]
    operator = User.objects.get(username="operator")
    assert operator.display_name in timeline
    assert "Command-centre operator" in timeline
    assert "Accept" in timeline
    assert "属实 &lt;i&gt;受理&lt;/i&gt;" in timeline
    assert Case.objects.get(pk=case.pk).status == "accepted"
