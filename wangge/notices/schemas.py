"""Request and response bodies of the notices API. Text in requests goes through the shared guard
(``Text``/``MultilineText``); the list answers ``Page[…]``."""

from datetime import datetime

from ninja import Field, Schema

from wangge.core.pagination import PageQuery
from wangge.core.text import MultilineText, Text
from wangge.notices.models import NoticeKind, QuestionKind


class NoticeRegionRef(Schema):
    code: str
    name: str
    level: str


class NoticeListQuery(PageQuery):
    kind: NoticeKind | None = Field(None, description="党务 party, 居务/村务 residents, 财务 finance, notice")
    region: Text = Field("", max_length=24, description="Only notices published to this region or below")
    current: bool = Field(False, description="Only notices inside their publish window now")


class NoticeItemOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    region: NoticeRegionRef
    publish_from: datetime
    publish_until: datetime | None
    revision: int
    read: bool = Field(description="Whether the caller has opened it")

    @staticmethod
    def resolve_kind_label(obj) -> str:
        if isinstance(obj, dict):  # the detail is built as a dict
            return obj["kind_label"]
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_read(obj) -> bool:
        if isinstance(obj, dict):
            return obj["read"]
        return bool(getattr(obj, "read", False))


class NoticeAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class NoticeChoiceOut(Schema):
    id: int
    text: str


class NoticeQuestionOut(Schema):
    id: int
    text: str
    kind: str
    choices: list[NoticeChoiceOut]


class NoticeRevisionOut(Schema):
    number: int
    title: str
    edited_at: datetime
    changes: list[str] = Field(description="Unified diff lines from the revision before")


class NoticeOut(NoticeItemOut):
    body: str = Field(description="Plain text: show it as text, never as markup")
    poll_closes_at: datetime | None
    poll_open: bool
    questions: list[NoticeQuestionOut]
    answered: bool
    attachments: list[NoticeAttachmentOut]
    revisions: list[NoticeRevisionOut] = Field(description="Every revision, for the staff of the region; else empty")


class NoticeQuestionIn(Schema):
    text: Text = Field(..., min_length=1, max_length=200)
    kind: QuestionKind = QuestionKind.SINGLE
    choices: list[Text] = Field(..., min_length=2, max_length=20)


class NoticeIn(Schema):
    kind: NoticeKind
    region: Text = Field(..., max_length=24, description="A community or grid code in your reach")
    title: Text = Field(..., min_length=1, max_length=120)
    body: MultilineText = Field(..., min_length=1, max_length=20_000)
    publish_from: datetime | None = None
    publish_until: datetime | None = None
    poll_closes_at: datetime | None = None
    questions: list[NoticeQuestionIn] = Field([], max_length=20)


class NoticeAnswerIn(Schema):
    question_id: int
    choice_ids: list[int] = Field(..., min_length=1, max_length=20)


class NoticeRespondIn(Schema):
    answers: list[NoticeAnswerIn] = Field(..., max_length=20)


class NoticeReadOut(Schema):
    first: bool = Field(description="True when this call recorded the receipt; false when it was already there")


class NoticeRespondOut(Schema):
    id: int
    created_at: datetime


class NoticeGridRateOut(Schema):
    code: str
    name: str
    residents: int = Field(description="Resident accounts in the grid")
    readers: int = Field(description="Of those, who opened the notice")
    rate: float | None


class NoticeChoiceCountOut(Schema):
    id: int
    text: str
    count: int


class NoticeQuestionResultOut(Schema):
    id: int
    text: str
    kind: str
    choices: list[NoticeChoiceCountOut]


class NoticeResultsOut(Schema):
    basis: str = Field(description="What the read rate counts: readers among resident accounts")
    total: NoticeGridRateOut
    grids: list[NoticeGridRateOut]
    responses: int
    questions: list[NoticeQuestionResultOut]
