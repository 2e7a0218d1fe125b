from datetime import date, datetime

from ninja import Field, Schema

from wangge.core.pagination import PageQuery
from wangge.core.text import Text
from wangge.core.validators import Day


class HotlineRowErrorOut(Schema):
    field: str
    message: str


class HotlineRowOut(Schema):
    row: int = Field(..., description="Row of the file (or position in the webhook's list, from 1)")
    number: str
    status: str = Field(..., description="ok, duplicate (already imported: skipped) or error")
    errors: list[HotlineRowErrorOut]
    case_number: str = Field(..., description="The case it became (after a real import)")

    @staticmethod
    def resolve_errors(obj):
        return [{"field": f, "message": m} for f, m in obj.errors]


class HotlineImportOut(Schema):
    dry_run: bool
    ok: bool = Field(..., description="No row and no file problem: a real run writes the good rows")
    created: int
    duplicates: int
    errors: int
    problems: list[str] = Field(..., description="Problems of the file as a whole")
    rows: list[HotlineRowOut]

    @staticmethod
    def resolve_duplicates(obj):
        return obj.count("duplicate")

    @staticmethod
    def resolve_errors(obj):
        return obj.count("error")


class HotlineWebhookIn(Schema):
    orders: list[dict] = Field(..., max_length=1000, description="Work orders keyed like the file's columns")
    dry_run: bool = False


class HotlineOrderOut(Schema):
    number: str
    case: str = Field(..., description="The case's number")
    case_status: str
    hotline_category: str
    caller_name: str
    caller_phone: str = Field(..., description="Masked", alias="caller_phone_masked")
    received_at: datetime | None
    deadline: datetime | None = Field(..., description="The hotline's own deadline")
    channel: str
    imported_at: datetime
    last_pushed_status: str

    @staticmethod
    def resolve_case(obj):
        return obj.case.number

    @staticmethod
    def resolve_case_status(obj):
        return obj.case.status


class HotlineMappingIn(Schema):
    hotline_code: Text = Field(..., min_length=1, max_length=40)
    hotline_name: Text = Field(..., min_length=1, max_length=100)
    category: Text = Field(..., max_length=10, description="Our sub-category's code")


class HotlineMappingOut(Schema):
    id: int
    hotline_code: str
    hotline_name: str
    category: str
    is_active: bool

    @staticmethod
    def resolve_category(obj):
        return obj.category.code


class HotlineLinkIn(Schema):
    url: str = Field(..., max_length=500, description="Where the status of the hotline's orders is sent")
    is_active: bool = True


class HotlineLinkOut(Schema):
    subscription: int
    url: str
    is_active: bool
    secret: str = Field(..., description="Shown once, when the link is made; empty afterwards")


class HotlineRatesQuery(Schema):
    region: str = Field(..., max_length=20, description="A region code (a street) in your reach")
    date_from: Day | None = None
    date_to: Day | None = None


class HotlineRatesOut(Schema):
    region: str
    date_from: date | None
    date_to: date | None
    orders: int
    responded_on_time: int
    due: int
    resolved: int
    rated: int
    satisfied: int
    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None

    @staticmethod
    def resolve_region(obj):
        return obj.region.code


class HotlineOrderQuery(PageQuery):
    pass
