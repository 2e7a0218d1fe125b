"""Publishing, revisions, attachments, receipts and the poll, through the services."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.notices.conftest import COMMUNITY_1, COMMUNITY_2, GRID_1, GRID_2, pdf, png, resident, xlsx
from wangge.accounts.models import AuditLog, User
from wangge.core.errors import Conflict
from wangge.notices import selectors, services
from wangge.notices.models import NoticeRevision, PollAnswer, PollResponse, ReadReceipt

pytestmark = pytest.mark.django_db


def _zip() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    return buffer.getvalue()


def test_publish_keeps_revision_one_and_is_audited(publish):
    notice = publish(GRID_1)
    assert notice.region_path.endswith(notice.region.path[-10:])
    assert [(r.number, r.title) for r in notice.revisions.all()] == [(1, "加装电梯")]
    assert AuditLog.objects.filter(action="notices.publish", object_id=str(notice.pk)).exists()


@pytest.mark.parametrize(
    ("actor", "region"),
    [("resident1", COMMUNITY_1), ("department1", COMMUNITY_1), ("gridworker1", GRID_2), ("community1", COMMUNITY_2)],
)
def test_only_staff_publish_and_only_within_reach(publish, actor, region):
    with pytest.raises(ValidationError) as refused:
        publish(region, actor=actor)
    assert "region" in refused.value.message_dict


def test_a_street_is_not_a_target(publish):
    with pytest.raises(ValidationError) as refused:
        publish("329901001000", actor="leader")
    assert refused.value.message_dict["region"] == ["Publish to a community or a grid."]


def test_the_window_must_be_in_order(publish):
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        publish(publish_from=now, publish_until=now - timedelta(hours=1))
    assert "publish_until" in refused.value.message_dict


def test_editing_adds_a_revision_and_the_diff_shows_what_changed(publish):
    notice = publish()
    editor = User.objects.get(username="community1")
    services.edit(actor=editor, notice=notice, title="加装电梯（更正）", body="第一行\n第二行改了")
    services.edit(actor=editor, notice=notice, title="加装电梯（更正）", body="第一行\n第二行改了")  # no change
    revisions = list(NoticeRevision.objects.filter(notice=notice).order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].body == "第一行\n第二行"  # the old text is kept
    notice.refresh_from_db()
    assert notice.revision == 2 and notice.body == "第一行\n第二行改了"
    changes = services.diff(revisions[0], revisions[1])
    assert "-加装电梯" in changes and "+加装电梯（更正）" in changes
    assert "-第二行" in changes and "+第二行改了" in changes


def test_only_staff_of_the_region_edit(publish):
    notice = publish(GRID_1)
    with pytest.raises(ValidationError):
        services.edit(actor=User.objects.get(username="gridworker2"), notice=notice, title="x", body="y")


def test_attachments_pdf_image_and_excel_are_kept(publish):
    notice = publish(attachments=[pdf(), png(), xlsx()])
    kept = sorted((a.content_type, a.name) for a in notice.attachments.all())
    assert kept == [
        ("application/pdf", "公示.pdf"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "账目.xlsx"),
        ("image/png", "photo.png"),
    ]


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("run.exe", b"MZ\x90\x00" * 10, content_type="application/octet-stream"),
        SimpleUploadedFile("fake.pdf", b"<html>not a pdf</html>", content_type="application/pdf"),
        SimpleUploadedFile("fake.png", b"%PDF-1.4 not an image", content_type="image/png"),
        SimpleUploadedFile("page.html", b"%PDF-1.4", content_type="text/html"),
        SimpleUploadedFile("archive.zip", _zip(), content_type="application/zip"),
    ],
    ids=["exe", "html-as-pdf", "pdf-as-png", "declared-html", "zip-not-workbook"],
)
def test_attachments_are_checked_by_content(publish, upload):
    with pytest.raises(ValidationError) as refused:
        publish(attachments=[upload])
    assert "attachments" in refused.value.message_dict


def test_attachments_are_checked_by_size(publish, settings):
    settings.NOTICE_ATTACHMENT_MAX_BYTES = 2**20
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (2**20 + 1), content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        publish(attachments=[big])
    assert refused.value.message_dict["attachments"] == ["The file is larger than 1 MB."]


def test_a_receipt_is_counted_once_per_reader(publish):
    notice = publish(GRID_1)
    reader = User.objects.get(username="resident1")
    assert services.mark_read(actor=reader, notice=notice) is True
    assert services.mark_read(actor=reader, notice=notice) is False
    assert ReadReceipt.objects.filter(notice=notice).count() == 1


def test_read_rate_per_grid_counts_resident_accounts(publish):
    notice = publish(COMMUNITY_1)
    _total, before = selectors.read_rates(notice)
    residents = {g.code: g.residents for g in before}  # the demo's resident accounts
    resident1 = User.objects.get(username="resident1")
    second = resident("resident_b", GRID_1)
    resident("resident_c", GRID_2)
    for reader in (resident1, second, User.objects.get(username="gridworker1")):  # staff are not residents
        services.mark_read(actor=reader, notice=notice)
    total, grids = selectors.read_rates(notice)
    by_code = {g.code: g for g in grids}
    assert (by_code[GRID_1].readers, by_code[GRID_1].residents) == (2, residents[GRID_1] + 1)
    assert by_code[GRID_1].rate == 2 / (residents[GRID_1] + 1)
    assert (by_code[GRID_2].readers, by_code[GRID_2].residents, by_code[GRID_2].rate) == (0, residents[GRID_2] + 1, 0.0)
    assert (total.readers, total.residents) == (2, sum(residents.values()) + 2)


def test_one_response_per_resident(publish):
    notice = publish(GRID_1, poll=True)
    voter = User.objects.get(username="resident1")
    single, multiple = notice.questions.all()
    yes, no = single.choices.all()
    cost, noise, _light = multiple.choices.all()
    services.respond(actor=voter, notice=notice, choices={single.pk: [yes.pk], multiple.pk: [cost.pk, noise.pk]})
    with pytest.raises(Conflict):
        services.respond(actor=voter, notice=notice, choices={single.pk: [no.pk], multiple.pk: [cost.pk]})
    assert PollResponse.objects.filter(notice=notice).count() == 1
    responses, questions = selectors.results(notice)
    assert responses == 1
    assert [(c.text, c.count) for c in questions[0].choices] == [("同意", 1), ("不同意", 0)]
    assert [(c.text, c.count) for c in questions[1].choices] == [("费用", 1), ("噪音", 1), ("采光", 0)]


def test_a_single_choice_takes_one_answer_and_every_question_is_answered(publish):
    notice = publish(GRID_1, poll=True)
    voter = User.objects.get(username="resident1")
    single, multiple = notice.questions.all()
    yes, no = single.choices.all()
    with pytest.raises(ValidationError):
        services.respond(actor=voter, notice=notice, choices={single.pk: [yes.pk, no.pk], multiple.pk: []})
    with pytest.raises(ValidationError):
        services.respond(actor=voter, notice=notice, choices={single.pk: [yes.pk]})
    other = publish(GRID_1, poll=True)
    with pytest.raises(ValidationError):  # a choice of another notice's poll
        services.respond(
            actor=voter,
            notice=notice,
            choices={single.pk: [other.questions.first().choices.first().pk], multiple.pk: []},
        )
    assert not PollAnswer.objects.filter(response__notice=notice).exists()


def test_no_response_after_closing(publish):
    now = timezone.now()
    notice = publish(GRID_1, poll=True, publish_from=now - timedelta(days=3), poll_closes_at=now - timedelta(days=1))
    single, multiple = notice.questions.all()
    with pytest.raises(Conflict):
        services.respond(
            actor=User.objects.get(username="resident1"),
            notice=notice,
            choices={single.pk: [single.choices.first().pk], multiple.pk: [multiple.choices.first().pk]},
        )


def test_a_poll_needs_two_different_choices(publish):
    from wangge.notices.models import QuestionKind

    with pytest.raises(ValidationError) as refused:
        services.publish(
            actor=User.objects.get(username="community1"),
            draft=services.Draft(
                kind="notice",
                region=COMMUNITY_1,
                title="t",
                body="b",
                questions=[services.Question("q", ["同意", "同意"], QuestionKind.SINGLE)],
            ),
        )
    assert "questions" in refused.value.message_dict
