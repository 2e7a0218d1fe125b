from datetime import datetime

from ninja import Field, Schema

from wangge.core.pagination import PageQuery
from wangge.core.text import Text
from wangge.webhooks.models import DeliveryStatus, Event


class WebhookSubscriptionIn(Schema):
    name: Text = Field(..., max_length=100)
    url: str = Field(..., max_length=500, description="http or https address of the receiver")
    events: list[Event] = Field(..., min_length=1, description="Events to send")
    is_active: bool = True


class WebhookSubscriptionPatch(Schema):
    name: Text | None = Field(None, max_length=100)
    url: str | None = Field(None, max_length=500)
    events: list[Event] | None = None
    is_active: bool | None = None


class WebhookSubscriptionOut(Schema):
    id: int
    name: str
    url: str
    events: list[str]
    is_active: bool
    owner: str = Field(..., description="The adapter that keeps it (e.g. hotline), empty for one made by hand")
    secret_hint: str = Field(..., description="The secret's last characters (the secret itself is never shown again)")
    created_at: datetime


class WebhookSubscriptionCreatedOut(WebhookSubscriptionOut):
    secret: str = Field(..., description="The signing secret: shown this once")


class WebhookSecretOut(Schema):
    secret: str = Field(..., description="The new signing secret: shown this once")


class WebhookDeliveryQuery(PageQuery):
    subscription: int | None = None
    status: DeliveryStatus | None = None
    event: str | None = Field(None, max_length=40)


class WebhookAttemptOut(Schema):
    number: int
    started_at: datetime
    duration_ms: int
    status_code: int | None
    error: str


class WebhookDeliveryOut(Schema):
    id: int
    subscription: int = Field(..., alias="subscription_id")
    event: str
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None
    next_attempt_at: datetime | None
    replay_of: int | None = Field(None, alias="replay_of_id")


class WebhookDeliveryDetailOut(WebhookDeliveryOut):
    body: str
    log: list[WebhookAttemptOut]

    @staticmethod
    def resolve_log(obj):
        return list(obj.log.all())
