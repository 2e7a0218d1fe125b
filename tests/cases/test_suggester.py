"""The suggester learns from operators: a category corrected at acceptance is kept as training data, a
retraining is taken into use only if it scores no lower on the held-out split (else refused, with the
reason, and the old model stays), and every process serves the newest accepted model from the database."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from wangge.accounts.models import AuditLog, User
from wangge.cases import classifier, services, suggester
from wangge.cases.models import Case, CaseEvent, CategoryCorrection, Status, SuggesterTraining

LAMP = "小区门口那盏灯一到晚上就不亮，黑漆漆的"  # reported as 0602 (rubbish), really 0108 (street light)


@pytest.fixture(autouse=True)
def fresh_process(settings):
    """Each test starts as a new process would: no stored model loaded, the database asked at once."""
    settings.SUGGESTER_CHECK_SECONDS = 0
    suggester.forget()
    yield
    suggester.forget()


def dispatcher() -> User:
    return User.objects.get(username="dispatcher")


def accept(case: Case, **params) -> Case:
    return services.transition(case, "accept", actor=dispatcher(), **params)


# --- the correction at acceptance ---------------------------------------------------------------------


def test_accepting_under_another_category_keeps_the_correction(report):
    case = report(category="0602", description=LAMP)

    accepted = accept(case, category="0108")

    case = Case.objects.select_related("category").get(pk=case.pk)
    assert (case.status, case.category.code) == (Status.ACCEPTED, "0108")
    assert accepted.category.code == "0108"
    event = CaseEvent.objects.get(case=case, action="accept")
    assert event.data == {"category": "0108", "category_from": "0602"}
    correction = CategoryCorrection.objects.get(case=case)
    assert (correction.from_category.code, correction.to_category.code) == ("0602", "0108")
    assert (correction.corrected_by, correction.corrected_at, correction.is_active) == (dispatcher(), event.at, True)
    assert suggester.training_corrections() == [(correction.pk, LAMP, "0108")]


@pytest.mark.parametrize("params", [{}, {"category": ""}, {"category": "0602"}])
def test_accepting_under_the_reported_category_corrects_nothing(report, params):
    case = accept(report(category="0602"), **params)
    assert case.category.code == "0602"
    assert CaseEvent.objects.get(case=case, action="accept").data == {}
    assert not CategoryCorrection.objects.exists()


@pytest.mark.parametrize("code", ["06", "9999"])
def test_an_unknown_category_or_a_class_is_refused_and_nothing_is_written(report, code):
    case = report(category="0602")
    with pytest.raises(ValidationError) as refused:
        accept(case, category=code)
    assert refused.value.message_dict == {
        "category": [f"Unknown category {code}: choose a sub-class from the catalogue."]
    }
    case.refresh_from_db()
    assert (case.status, case.category.code, case.version) == (Status.REPORTED, "0602", 0)
    assert not CategoryCorrection.objects.exists()
    assert not CaseEvent.objects.filter(case=case, action="accept").exists()


def test_the_api_accepts_under_a_corrected_category(report, caller):
    case = report(category="0602", description=LAMP)
    response = caller("dispatcher").act(case.number, "accept", category="0108", version=case.version)
    assert response.status_code == 200, response.content
    assert response.json()["category"]["code"] == "0108"
    refused = caller("dispatcher").act(report(category="0602").number, "accept", category="9999")
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {"field": "category", "message": "Unknown category 9999: choose a sub-class from the catalogue."}
    ]


def test_the_accept_form_offers_the_category_and_the_timeline_shows_the_change(report, browser):
    case = report(category="0602", description=LAMP)
    client = browser("dispatcher")
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'name="accept-category"' in page
    assert '<option value="0602" selected>' in page

    response = client.post(
        f"/cases/{case.number}/do/accept/", {"accept-version": case.version, "accept-category": "0108"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="category-change">Category: Accumulated rubbish and spoil → Street light</div>' in page


# --- retraining --------------------------------------------------------------------------------------------


def corrected(report, texts: list[str], *, reported: str, correct: str) -> None:
    for text in texts:
        accept(report(category=reported, description=text), category=correct)


def test_a_retraining_that_scores_no_lower_is_taken_into_use_by_every_process(db):
    """Training is deterministic: with no corrections the new model equals the shipped one, scores the same
    (not lower) and is taken into use; every process then serves the stored copy."""
    shipped = classifier.get_model()

    run = suggester.retrain(actor=User.objects.get(username="admin"), trigger=SuggesterTraining.Trigger.ADMIN)

    assert run.status == SuggesterTraining.Status.ACCEPTED and run.reason == ""
    assert (run.corrections, run.examples, run.last_correction_id) == (0, shipped.n_examples, None)
    assert run.before == run.after == classifier.evaluate_held_out(shipped)
    assert set(run.after) == {"all", "resident", "grid", "hotline"}
    record = AuditLog.objects.get(action="suggester.retrain")
    assert (record.object_id, record.changes["status"], record.changes["corrections"]) == (str(run.pk), "accepted", 0)

    suggester.forget()  # another process, or this one after a restart: it reads the stored model
    model = suggester.current_model()
    assert suggester.served_version() == run.pk
    assert model is not shipped and model.n_examples == run.examples
    assert suggester.suggest(LAMP, 3) == model.suggest(LAMP, 3)
    assert [code for code, _ in model.suggest(LAMP, 3)] == [code for code, _ in shipped.suggest(LAMP, 3)]


def test_a_retraining_that_scores_lower_is_refused_and_the_old_model_stays(report):
    held_out = [row["text"] for row in classifier.load_held_out() if row["category"] != "1905"][:120]
    corrected(report, held_out, reported="0602", correct="1905")  # a careless reviewer: all "prepaid cards"

    run = suggester.retrain()

    assert (run.corrections, run.examples) == (120, classifier.get_model().n_examples + 120)  # learned from them
    assert run.status == SuggesterTraining.Status.REFUSED
    assert run.reason.startswith("held-out top-1 fell from ")
    assert run.after["all"]["top1"] < run.before["all"]["top1"]
    assert run.blob is None
    assert suggester.current_model() is classifier.get_model()
    assert suggester.served_version() == suggester.SHIPPED
    out = io.StringIO()
    call_command("retrain_suggester", stdout=out)  # the same refusal from the command, with the figures
    assert "Refused, the old model stays: held-out top-1 fell from" in out.getvalue()
    assert "  resident  top-1 " in out.getvalue()


def test_the_schedule_retrains_only_when_the_corrections_changed(report):
    from wangge.cases import tasks

    assert not suggester.retrain_due()
    assert tasks.retrain_suggester.call_local() == "unchanged"
    assert not SuggesterTraining.objects.exists()
    corrected(report, [LAMP], reported="0602", correct="0108")
    assert suggester.retrain_due()
    SuggesterTraining.objects.create(
        created_at=CaseEvent.objects.latest("at").at,
        trigger=SuggesterTraining.Trigger.SCHEDULE,
        status=SuggesterTraining.Status.REFUSED,
        examples=1,
        corrections=1,
        last_correction_id=CategoryCorrection.objects.get().pk,
        seconds=1.0,
    )
    assert not suggester.retrain_due()  # the same data as the last run, accepted or not
    suggester.set_corrections_in_use(actor=dispatcher(), corrections=CategoryCorrection.objects.all(), in_use=False)
    assert suggester.retrain_due()
    assert AuditLog.objects.filter(action="suggester.correction.leave_out").count() == 1


def test_the_nightly_task_runs_at_night_in_shanghai():
    from datetime import datetime

    from wangge.cases import tasks

    task = tasks.retrain_suggester.task_class()
    assert task.validate_datetime(datetime(2026, 12, 6, 19, 20))  # 03:20 in Asia/Shanghai; huey counts in UTC
    assert not task.validate_datetime(datetime(2026, 12, 6, 3, 20))


def test_a_process_asks_the_database_at_most_every_check_interval(db, settings, django_assert_num_queries):
    settings.SUGGESTER_CHECK_SECONDS = 3600
    suggester.current_model()  # the first call asks
    with django_assert_num_queries(0):
        suggester.current_model()
        suggester.suggest(LAMP, 3)


@pytest.fixture
def tasks_run_here():
    """huey's immediate mode: a queued task runs in this process, as the consumer would run it."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield
    HUEY.immediate = False


def test_the_admin_page_shows_the_accuracy_before_and_after_and_retrains(report, browser, tasks_run_here):
    client = browser("admin")
    corrected(report, [LAMP], reported="0602", correct="0108")
    page = client.get("/admin/cases/suggestertraining/").content.decode()
    assert 'data-testid="retrain"' in page

    response = client.post("/admin/cases/suggestertraining/retrain/")

    assert response.status_code == 302
    run = SuggesterTraining.objects.get()
    assert (run.trigger, run.requested_by.username) == ("admin", "admin")
    page = client.get("/admin/cases/suggestertraining/").content.decode()
    before, after = run.before["all"]["top1"] * 100, run.after["all"]["top1"] * 100
    assert f"{before:.1f} % → {after:.1f} %" in page
    detail = client.get(f"/admin/cases/suggestertraining/{run.pk}/change/").content.decode()
    assert 'data-testid="by-register"' in detail
    for register in ("residents&#x27; messages", "grid workers&#x27; notes", "hotline summaries"):
        assert register in detail
    assert browser("dispatcher").post("/admin/cases/suggestertraining/retrain/").status_code == 302  # to log-in
    assert SuggesterTraining.objects.count() == 1
