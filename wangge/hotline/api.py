"""``/api/v1/hotline``: work orders in (file import by administrators; the hotline's signed webhook), the
mapping table, the status-push link, the orders in reach and the 三率 of a region. Thin."""

import json

import pydantic
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile

from wangge.core import pii
from wangge.core.api_errors import ApiErrorOut
from wangge.core.pagination import Page, PageQuery, keyset_page
from wangge.core.uploads import check_size
from wangge.hotline import importing, permissions, selectors, services, status_push
from wangge.hotline.schemas import (
    HotlineImportOut,
    HotlineLinkIn,
    HotlineLinkOut,
    HotlineMappingIn,
    HotlineMappingOut,
    HotlineOrderOut,
    HotlineRatesOut,
    HotlineRatesQuery,
    HotlineWebhookIn,
)
from wangge.webhooks import signing

router = Router(tags=["hotline"])
ERRORS = {400: ApiErrorOut, 403: ApiErrorOut, 404: ApiErrorOut}
MAX_FILE_BYTES = 10 * 1024 * 1024


@router.post("/import", response={200: HotlineImportOut, 400: HotlineImportOut, 403: ApiErrorOut})
def import_orders(request, file: File[UploadedFile], dry_run: Form[bool] = True):
    """Check (``dry_run``, the default) or import an .xlsx or .csv of work orders: every row's result; a real
    run writes all good rows or, when any row has a problem, none (400 with the report)."""
    permissions.require_manage(request.auth)
    check_size(file, max_bytes=MAX_FILE_BYTES, field="file")
    report = importing.import_file(actor=request.auth, name=file.name or "", data=file.read(), dry_run=dry_run)
    return Status(200 if report.ok else 400, report)


WEBHOOK_BODY_DOC = {"required": True, "content": {"application/json": {"schema": HotlineWebhookIn.model_json_schema()}}}


def _webhook_payload(body: bytes) -> HotlineWebhookIn:
    """The signed body read as ``HotlineWebhookIn``: not JSON or not an object is 400, a schema mismatch
    the same 422 as ninja's own schema errors."""
    try:
        data = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ValidationError({"body": _("The request body is not valid JSON.")}) from None
    if not isinstance(data, dict):
        raise ValidationError({"body": _("The request body must be a JSON object.")})
    try:
        return HotlineWebhookIn.model_validate(data)
    except pydantic.ValidationError as exc:
        raise NinjaValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False, include_input=False)]
        ) from None


@router.post(
    "/orders",
    auth=None,
    response={200: HotlineImportOut, 400: HotlineImportOut, 401: ApiErrorOut},
    openapi_extra={"requestBody": WEBHOOK_BODY_DOC},
)
def receive_orders(request):
    """The hotline posts work orders: ``{"orders": [...], "dry_run": false}``, signed with
    ``X-Signature: sha256=<hex HMAC-SHA256 of the raw body>`` under the hotline link's secret. The
    signature is checked first: an unsigned or wrongly signed body is 401 whatever it holds."""
    link = status_push.link()
    header = request.headers.get("X-Signature", "")
    if (
        link is None
        or not link.is_active
        or not signing.valid(pii.decrypt(link.secret_encrypted), request.body, header)
    ):
        message = _("Missing or wrong signature.")
        return Status(401, {"detail": message, "errors": [{"field": "X-Signature", "message": message}]})
    payload = _webhook_payload(request.body)
    report = importing.import_json(actor=None, orders=payload.orders, dry_run=payload.dry_run)
    return Status(200 if report.ok else 400, report)


@router.get("/orders", response=Page[HotlineOrderOut])
def list_orders(request, query: Query[PageQuery]):
    """Work orders whose case lies in your data reach, newest first (the caller's phone masked)."""
    return keyset_page(selectors.orders_for(request.auth), query, order=("-imported_at", "-id"))


@router.get("/orders/{number}", response={200: HotlineOrderOut, **ERRORS})
def get_order(request, number: str):
    return selectors.get_order_for(request.auth, number)


@router.get("/mappings", response=Page[HotlineMappingOut])
def list_mappings(request, query: Query[PageQuery]):
    """The mapping from the hotline's 派单目录 to our categories (administrators)."""
    return keyset_page(selectors.mappings_for(request.auth), query, order=("-id",), count=True)


@router.post("/mappings", response={200: HotlineMappingOut, **ERRORS})
def save_mapping(request, payload: HotlineMappingIn):
    """Add or change the mapping of one hotline category (by its code)."""
    return services.map_category(
        actor=request.auth,
        hotline_code=payload.hotline_code,
        hotline_name=payload.hotline_name,
        category=payload.category,
    )


@router.put("/link", response={200: HotlineLinkOut, **ERRORS})
def set_link(request, payload: HotlineLinkIn):
    """Where status, opinion and closure go back (a signed webhook). The secret is answered once, when the
    link is made; the hotline signs the orders it posts with it too."""
    subscription, secret = services.set_link(actor=request.auth, url=payload.url, is_active=payload.is_active)
    return {
        "subscription": subscription.pk,
        "url": subscription.url,
        "is_active": subscription.is_active,
        "secret": secret,
    }


@router.get("/rates", response={200: HotlineRatesOut, **ERRORS})
def get_rates(request, query: Query[HotlineRatesQuery]):
    """The hotline's 三率 (response, resolution, satisfaction) of the orders imported for a region."""
    region = selectors.region_in_reach(request.auth, query.region)
    return selectors.rates(region, date_from=query.date_from, date_to=query.date_to)
