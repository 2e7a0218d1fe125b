"""Every Open311 write: client applications and their keys, and a request posted by one of them.

A posted request enters the case loop through ``cases.services.report_case`` (source ``open311``), in the
same transaction as its ``ServiceRequest`` row, so a refusal leaves nothing behind. A client that sends an
``Idempotency-Key`` and retries gets the first request back.
"""

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from wangge.accounts import audit
from wangge.cases import services as case_services
from wangge.cases.locating import locate_case_point
from wangge.cases.models import Source
from wangge.core import pii, text
from wangge.core.validators import validate_lon_lat, validate_mobile
from wangge.core.writelock import serialized_writes
from wangge.open311 import selectors
from wangge.open311.keys import hash_key, new_key
from wangge.open311.models import ClientApp, Datatype, ServiceAttribute, ServiceRequest

MAX_MEDIA_URL = 500
MAX_ADDRESS = 200
MAX_NAME = 50
MAX_EMAIL = 254
MAX_STRING = 200
MAX_TEXT = 1000
MAX_KEY = 100


def _require_manage(actor) -> None:
    if actor is not None and not (actor.is_superuser or actor.has_perm("open311.change_clientapp")):
        raise PermissionDenied(_("Only administrators manage Open311 client applications."))


@transaction.atomic
def create_client(
    *, actor, name: str, contact: str = "", requests_per_minute: int | None = None
) -> tuple[str, ClientApp]:
    """A client application and its key; the key is returned once and only its SHA-256 is kept."""
    _require_manage(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the client application.")})
    text.check_text(name, field="name")
    text.check_text(contact, field="contact")
    key = new_key()
    client = ClientApp(name=name[:100], contact=(contact or "").strip()[:200], key_hash=hash_key(key), prefix=key[:10])
    if requests_per_minute is not None:
        client.requests_per_minute = requests_per_minute
    client.created_by = actor if actor is not None and actor.is_authenticated else None
    client.save()
    audit.record(actor=actor, action="open311.client.create", obj=client, changes={"prefix": client.prefix})
    return key, client


@transaction.atomic
def rotate_key(*, actor, client: ClientApp) -> str:
    """A new key for the client (the old one stops working at once); revoked clients come back with it."""
    _require_manage(actor)
    key = new_key()
    client.key_hash, client.prefix, client.revoked_at = hash_key(key), key[:10], None
    client.save(update_fields=["key_hash", "prefix", "revoked_at"])
    audit.record(actor=actor, action="open311.client.rotate", obj=client, changes={"prefix": client.prefix})
    return key


@transaction.atomic
def revoke_client(*, actor, client: ClientApp) -> bool:
    """The client's key stops working at once; its requests stay. False when it was revoked already."""
    _require_manage(actor)
    count = ClientApp.objects.filter(pk=client.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if count:
        client.refresh_from_db(fields=["revoked_at"])
        audit.record(actor=actor, action="open311.client.revoke", obj=client)
    return bool(count)


# --- a request posted by a client -------------------------------------------------------------------


@dataclass
class Posted:
    """The fields of a POST /requests, as strings (``attributes``: code → list of values)."""

    service_code: str = ""
    lat: str = ""
    long: str = ""
    address_string: str = ""
    address_id: str = ""
    description: str = ""
    email: str = ""
    phone: str = ""
    first_name: str = ""
    last_name: str = ""
    media_url: str = ""
    device_id: str = ""
    account_id: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)


def submit_request(
    *, client: ClientApp, posted: Posted, idempotency_key: str = "", at: datetime | None = None
) -> tuple[ServiceRequest, bool]:
    """Post a request for ``client``: (request, created). A retried ``idempotency_key`` answers the first."""
    key = (idempotency_key or "").strip()
    if len(key) > MAX_KEY:
        raise ValidationError({"Idempotency-Key": _("The idempotency key is longer than 100 characters.")})
    category = selectors.public_service(posted.service_code)
    errors: dict[str, str] = {}
    if not (posted.service_code or "").strip():
        errors["service_code"] = _("service_code is required: choose one of GET services.")
    elif category is None:
        errors["service_code"] = _("Unknown service_code %(code)s: choose one of GET services.") % {
            "code": posted.service_code[:20]
        }
    _check_texts(posted, errors)
    lon = lat = None
    if not errors:
        lon, lat = _point(posted, errors)
    attributes = _attributes(category, posted.attributes, errors) if category is not None else {}
    email = _email(posted.email, errors)
    phone = ""
    if posted.phone.strip():
        try:
            phone = validate_mobile(posted.phone, field="phone")
        except ValidationError as exc:
            errors.update({f: m[0] for f, m in exc.message_dict.items()})
    media_url = _media_url(posted.media_url, errors)
    description = _description(category, posted.description, attributes, media_url, errors)
    if errors:
        raise ValidationError(errors)
    name = " ".join(p for p in (posted.last_name.strip(), posted.first_name.strip()) if p)
    report = case_services.Report(
        category=category.code,
        description=description,
        lon=lon,
        lat=lat,
        source=Source.OPEN311,
        address=posted.address_string.strip(),
        contact_name=name,
        contact_phone=phone,
        idempotency_key=_case_key(client, key),
    )
    with serialized_writes(), transaction.atomic():
        case, created = case_services.report_case(actor=None, report=report, at=at)
        if not created and (existing := ServiceRequest.objects.filter(case=case).first()) is not None:
            return existing, False
        request = ServiceRequest.objects.create(
            case=case,
            client=client,
            token=secrets.token_urlsafe(24),
            email_encrypted=pii.encrypt(email),
            first_name_encrypted=pii.encrypt(posted.first_name.strip()),
            last_name_encrypted=pii.encrypt(posted.last_name.strip()),
            attributes=attributes,
            media_url=media_url,
            device_id=posted.device_id.strip()[:100],
            account_id=posted.account_id.strip()[:100],
        )
        audit.record(
            actor=None,
            action="open311.request.submit",
            obj=case,
            changes={"client": client.pk, "service_code": category.code},
        )
    return request, True


def _case_key(client: ClientApp, key: str) -> str:
    return f"open311:{client.pk}:{key}" if key else ""


def _check_texts(posted: Posted, errors: dict) -> None:
    for name, limit, multiline in (
        ("description", case_services.MAX_DESCRIPTION, True),
        ("address_string", MAX_ADDRESS, False),
        ("first_name", MAX_NAME, False),
        ("last_name", MAX_NAME, False),
        ("device_id", 100, False),
        ("account_id", 100, False),
    ):
        value = getattr(posted, name) or ""
        if len(value) > limit:
            errors[name] = _("%(field)s is longer than %(n)d characters.") % {"field": name, "n": limit}
        elif kind := text.problem(value, multiline=multiline):
            errors[name] = f"{name}: {text.message(kind, multiline=multiline)}"


def _point(posted: Posted, errors: dict) -> tuple[float | None, float | None]:
    """lat/long, or the ledger building at ``address_string``; a point outside every grid is refused."""
    has_point = bool(posted.lat.strip() or posted.long.strip())
    if has_point:
        try:
            lon, lat = validate_lon_lat(posted.long, posted.lat, lon_field="long", lat_field="lat")
        except ValidationError as exc:
            errors.update({f: m[0] for f, m in exc.message_dict.items()})
            return None, None
    elif posted.address_string.strip():
        found = selectors.place_of_address(posted.address_string)
        if found is None:
            errors["address_string"] = _(
                "No building of this town has the address %(address)s: send lat and long instead."
            ) % {"address": posted.address_string.strip()[:60]}
            return None, None
        lon, lat = found
    else:
        errors["lat"] = _("Send lat and long (WGS 84) or address_string: where is the problem?")
        return None, None
    try:
        _region, needs_triage = locate_case_point(lon, lat)
    except ValidationError:
        needs_triage = True
    if needs_triage:
        errors["lat"] = _("The point lat=%(lat)s long=%(lon)s lies outside every grid served here.") % {
            "lat": f"{lat:.6f}",
            "lon": f"{lon:.6f}",
        }
    return lon, lat


def _attributes(category, given: dict[str, list[str]], errors: dict) -> dict[str, object]:
    """The answers to the service's questions, checked against its definition (code → value or values)."""
    defined = {a.code: a for a in selectors.attributes_of(category)}
    answers: dict[str, object] = {}
    for code in given:
        if code not in defined:
            errors[f"attribute[{code[:40]}]"] = _("Service %(service)s asks no question %(code)s.") % {
                "service": category.code,
                "code": code[:40],
            }
    for code, attribute in defined.items():
        values = [v.strip() for v in given.get(code, []) if v.strip()]
        name = f"attribute[{code}]"
        if not values:
            if attribute.required:
                errors[name] = _("%(field)s is required: %(question)s") % {
                    "field": name,
                    "question": attribute.description,
                }
            continue
        problem = _answer_problem(attribute, values)
        if problem:
            errors[name] = f"{name}: {problem}"
        else:
            answers[code] = values if attribute.datatype == Datatype.MULTI else values[0]
    return answers


def _answer_problem(attribute: ServiceAttribute, values: list[str]) -> str | None:
    kind = attribute.datatype
    if kind != Datatype.MULTI and len(values) > 1:
        return _("Give one value.")
    value = values[0]
    if kind == Datatype.NUMBER:
        try:
            number = float(value)
        except ValueError:
            return _("Must be a number.")
        return None if number == number and abs(number) < 1e12 else _("Must be a number.")
    if kind == Datatype.DATETIME:
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
        return None if parsed is not None else _("Must be a date and time in ISO 8601, e.g. 2026-12-06T10:00:00+08:00.")
    if kind in (Datatype.SINGLE, Datatype.MULTI):
        keys = attribute.keys()
        unknown = [v for v in values if v not in keys]
        if unknown:
            return _("%(value)s is not one of %(keys)s.") % {"value": unknown[0][:40], "keys": ", ".join(keys)}
        return None
    limit = MAX_TEXT if kind == Datatype.TEXT else MAX_STRING
    if len(value) > limit:
        return _("Longer than %(n)d characters.") % {"n": limit}
    if problem := text.problem(value, multiline=kind == Datatype.TEXT):
        return text.message(problem, multiline=kind == Datatype.TEXT)
    return None


def _email(value: str, errors: dict) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) > MAX_EMAIL:
        errors["email"] = _("email is longer than %(n)d characters.") % {"n": MAX_EMAIL}
        return ""
    try:
        EmailValidator()(value)
    except ValidationError:
        errors["email"] = _("email is not an e-mail address.")
    return value


def _media_url(value: str, errors: dict) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) > MAX_MEDIA_URL:
        errors["media_url"] = _("media_url is longer than %(n)d characters.") % {"n": MAX_MEDIA_URL}
        return ""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        errors["media_url"] = _("media_url must be an http or https URL.")
    return value


def _description(category, description: str, attributes: dict, media_url: str, errors: dict) -> str:
    """The case's description: the client's text, then the answers and the photo link for the staff."""
    if category is None:
        return ""
    body = (description or "").strip() or category.name
    extra = []
    labels = {a.code: a for a in selectors.attributes_of(category)}
    for code, value in attributes.items():
        attribute = labels[code]
        names = {str(v.get("key")): str(v.get("name", v.get("key"))) for v in attribute.values if isinstance(v, dict)}
        shown = [names.get(v, v) for v in (value if isinstance(value, list) else [value])]
        extra.append(f"{attribute.description}: {', '.join(shown)}")
    if media_url:
        extra.append(_("Photo: %(url)s") % {"url": media_url})
    tail = ("\n\n" + "\n".join(extra)) if extra else ""
    if len(body) + len(tail) > case_services.MAX_DESCRIPTION and "description" not in errors:
        errors["description"] = _("description is longer than %(n)d characters.") % {
            "n": case_services.MAX_DESCRIPTION - len(tail)
        }
    return body + tail
