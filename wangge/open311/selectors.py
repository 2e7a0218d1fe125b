"""What Open311 reads: the client behind a key, the services (public sub-categories) and the public view
of cases.

The public view is public by construction: only cases of a public category, none reported for a household
or person of the ledger, and of each only what ``public_request`` lets out (no reporter name, phone,
e-mail or typed address; phone and ID numbers in the description masked).
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import CharField, DateTimeField, F, Func, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from wangge.cases.models import OPEN_STATUSES, Case, CaseEvent, Category, Stage, Status
from wangge.core import pii
from wangge.open311.keys import hash_key
from wangge.open311.models import ClientApp, ServiceAttribute, ServiceRequest
from wangge.people.models import Building, Compound
from wangge.regions.models import PATH_STEP, Level, Region

WINDOW = timedelta(days=90)  # the spec's default and widest range of requested_datetime
MAX_RESULTS = 1000  # newest first; narrow the window for older ones
MAX_IDS = 100
# Open311's "open": every status still being worked on, parked ones too (long-term, not finished).
OPEN311_OPEN = (*OPEN_STATUSES, Status.PARKED)
# The timeline steps whose opinion answers the public (the result, a refusal, a closure); the others
# (dispatch notes, returns, extensions, supervision) are the staff's business.
PUBLIC_OPINIONS = ("reject", "feedback", "solve_on_spot", "close", "park", "reopen", "system_close")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}-?)\d{3,4}(\d{4})(?!\d)")
# Each of the three holds a run of at least seven digits: a text without one has nothing to mask.
_SEVEN_DIGITS = re.compile(r"\d{7}")


def client_for_key(key: str) -> ClientApp | None:
    """The active client holding ``key``; None for an unknown or revoked key."""
    key = (key or "").strip()
    if not key or len(key) > 200:
        return None
    client = ClientApp.objects.filter(key_hash=hash_key(key), revoked_at__isnull=True).first()
    if client is not None:
        now = timezone.now()
        # Touched at most once a minute: a write per request would serialise SQLite.
        if client.last_used_at is None or now - client.last_used_at > timedelta(minutes=1):
            ClientApp.objects.filter(pk=client.pk).update(last_used_at=now)
    return client


# --- services -----------------------------------------------------------------------------------------


def public_services() -> list[Category]:
    """Active public sub-classes, by code, each with ``has_attributes``."""
    with_attributes = set(
        ServiceAttribute.objects.filter(is_active=True).values_list("category_id", flat=True).distinct()
    )
    services = list(
        Category.objects.filter(public=True, is_active=True, parent__isnull=False)
        .select_related("parent")
        .order_by("code")
    )
    for service in services:
        service.has_attributes = service.pk in with_attributes
    return services


def public_service(code: str) -> Category | None:
    code = (code or "").strip()
    if not code or len(code) > 8:
        return None
    return (
        Category.objects.filter(code=code, public=True, is_active=True, parent__isnull=False)
        .select_related("parent")
        .first()
    )


def attributes_of(category: Category) -> list[ServiceAttribute]:
    cached = getattr(category, "_open311_attributes", None)
    if cached is None:
        cached = list(ServiceAttribute.objects.filter(category=category, is_active=True).order_by("order", "code"))
        category._open311_attributes = cached
    return cached


def place_of_address(address: str) -> tuple[float, float] | None:
    """(lon, lat) of the ledger's building at ``address``: one whose own address it is, else the building
    of the compound it names (by the compound's address or name, then the building's name, e.g.
    "幸福路12号 3幢"), else that compound's gate; None when nothing or more than one place matches."""
    address = (address or "").strip()
    if len(address) < 4:
        return None
    text = Value(address, output_field=CharField())
    located = Building.objects.filter(lon__isnull=False, lat__isnull=False)
    found = list(located.filter(address=address).values_list("lon", "lat")[:2])
    if len(found) == 1:
        return found[0]
    compounds = list(
        Compound.objects.alias(text=text)
        .filter(Q(address__gt="", text__contains=F("address")) | Q(text__contains=F("name")))
        .values_list("pk", "lon", "lat")[:2]
    )
    if len(compounds) != 1:
        return None
    compound_id, lon, lat = compounds[0]
    buildings = list(
        located.filter(compound_id=compound_id)
        .alias(text=text)
        .filter(text__contains=F("name"))
        .values_list("name", "lon", "lat")
    )
    if buildings:
        # The longest name that matches ("12幢" over "2幢").
        _name, b_lon, b_lat = max(buildings, key=lambda row: len(row[0]))
        return b_lon, b_lat
    return (lon, lat) if lon is not None and lat is not None else None


# --- requests -----------------------------------------------------------------------------------------


@dataclass
class RequestFilters:
    ids: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    start: datetime | None = None
    end: datetime | None = None
    statuses: list[str] = field(default_factory=list)  # "open", "closed"


def window(start: datetime | None, end: datetime | None, now: datetime) -> tuple[datetime, datetime]:
    """The spec's window: both given as they are; one given, 90 days from it; none, the last 90 days."""
    if start is None and end is None:
        return now - WINDOW, now
    if start is None:
        return end - WINDOW, end
    if end is None:
        return start, start + WINDOW
    return start, end


def public_cases() -> QuerySet[Case]:
    """Cases of a public sub-category, none reported for a household or person of the ledger.

    Through the join, not a list of category ids, and the two links tested as one expression: that way
    SQLite walks the cases newest first and stops at the page; with ``category_id IN (…)`` and two ``IS
    NULL`` tests it read the whole window through the category or ``person`` index and sorted it."""
    return Case.objects.alias(ledger_link=Coalesce("household_id", "person_id")).filter(
        category__public=True, category__parent__isnull=False, ledger_link__isnull=True
    )


# Plain strings: a test against the enumeration's members costs a call to its __eq__ per row.
_OPEN_VALUES = frozenset(status.value for status in OPEN311_OPEN)
_HANDLE = Stage.HANDLE.value

# A time as the database gives it: an aware datetime, or on SQLite the UTC text it stores
# ("2026-12-06 02:00:00.123456"); ``formats.iso_writer`` writes either.
Moment = datetime | str


@dataclass(slots=True)
class PublicRequest:
    """What the public form of a case is made of (read as plain values: no model instances)."""

    number: str
    status: str
    category_code: str
    category_name: str
    category_name_en: str
    description: str
    lon: float
    lat: float
    region_path: str
    stage: str
    due_at: Moment | None
    created_at: Moment
    updated_at: Moment
    department: str | None
    handling_region: str | None
    media_url: str | None
    public_notes: str | None
    last_handle_due: Moment | None
    place: str = ""

    @property
    def open311_status(self) -> str:
        return "open" if self.status in _OPEN_VALUES else "closed"

    @property
    def expected_at(self) -> Moment | None:
        """The handling deadline: the running one while the case is being handled, else the last one it had."""
        if self.stage == _HANDLE and self.due_at:
            return self.due_at
        return self.last_handle_due

    @property
    def agency(self) -> str:
        """The department it is dispatched to, else the command centre (region) handling it."""
        return self.department or self.handling_region or ""


COLUMNS = {
    "number": "number",
    "status": "status",
    "category_code": "category__code",
    "category_name": "category__name",
    "category_name_en": "category__name_en",
    "description": "description",
    "lon": "lon",
    "lat": "lat",
    "region_path": "region_path",
    "stage": "stage",
    "due_at": "due_at_stored",
    "created_at": "created_at_stored",
    "updated_at": "updated_at_stored",
    "department": "assigned_department__name",
    "handling_region": "handling_region__name",
    "media_url": "open311_request__media_url",
    "public_notes": "public_notes",
    "last_handle_due": "last_handle_due",
}


def public_requests(filters: RequestFilters, *, now: datetime | None = None) -> list[PublicRequest]:
    """The newest ``MAX_RESULTS`` public cases matching ``filters``; ids override every other filter."""
    cases = public_cases()
    if filters.ids:
        cases = cases.filter(number__in=filters.ids[:MAX_IDS])
    else:
        start, end = window(filters.start, filters.end, now or timezone.now())
        cases = cases.filter(created_at__gte=start, created_at__lte=end)
        if filters.codes:
            cases = cases.filter(category__code__in=filters.codes)
        wanted = set(filters.statuses)
        if wanted == {"open"}:
            cases = cases.filter(status__in=OPEN311_OPEN)
        elif wanted == {"closed"}:
            cases = cases.exclude(status__in=OPEN311_OPEN)
    return _with_public_fields(cases.order_by("-created_at", "-id")[:MAX_RESULTS])


def public_request(number: str) -> PublicRequest | None:
    found = _with_public_fields(public_cases().filter(number=(number or "")[:24]))
    return found[0] if found else None


def request_for_token(token: str) -> ServiceRequest | None:
    token = (token or "").strip()
    if not token or len(token) > 40:
        return None
    return ServiceRequest.objects.filter(token=token).select_related("case").first()


class Stored(Func):
    """A time column as the database stores it. On SQLite an expression (``x || ''``) rather than the
    column: the driver parses a column declared ``datetime`` into a naive datetime, never an expression's
    text. Elsewhere the column itself (an aware datetime)."""

    template = "%(expressions)s"
    output_field = DateTimeField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s || '')", **extra)


def _with_public_fields(cases: QuerySet[Case]) -> list[PublicRequest]:
    """The public form of these cases, newest first, in two queries: their values with the two timeline
    subqueries, for the ids an ordered walk of an index finds (a subquery SQLite runs first), then the
    place names. With the subqueries in the same flat query SQLite joined and ran them for every case of
    the window before sorting and cutting; model instances (a case and four related rows each) cost more
    than the queries.

    The rows are read through the cursor, not the queryset: the times stay as the database gives them (on
    SQLite the UTC text it stores, which ``formats.iso_writer`` writes without parsing; Django's converters
    made an aware datetime of each, a third of the answer's time)."""
    latest_opinion = (
        CaseEvent.objects.filter(case_id=OuterRef("pk"), action__in=PUBLIC_OPINIONS)
        .exclude(opinion="")
        .order_by("-seq")
        .values("opinion")[:1]
    )
    handle_due = (
        CaseEvent.objects.filter(case_id=OuterRef("pk"), stage=Stage.HANDLE, stage_due_at__isnull=False)
        .order_by("-seq")
        .values("stage_due_at")[:1]
    )
    rows = (
        Case.objects.filter(pk__in=cases.values("pk"))
        .annotate(
            due_at_stored=Stored("due_at"),
            created_at_stored=Stored("created_at"),
            updated_at_stored=Stored("updated_at"),
            public_notes=Subquery(latest_opinion),
            last_handle_due=Stored(Subquery(handle_due)),
        )
        .order_by("-created_at", "-id")
        .values_list(*COLUMNS.values())
    )
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = [PublicRequest(*row) for row in cursor.fetchall()]
    _attach_places(found)
    return found


def _attach_places(found: list[PublicRequest]) -> None:
    """``place``: the street and community a case lies in (never the address a reporter typed). The names
    of every street and community are read (a few hundred in a city): a list of the answer's regions
    (a thousand ids and more) cost more to send than they are to read."""
    if not found:
        return
    names = dict(Region.objects.filter(level__in=(Level.STREET, Level.COMMUNITY)).values_list("pk", "name"))
    chains = {path: _path_ids(path) for path in {row.region_path for row in found}}
    places = {path: " ".join(names[i] for i in chain if i in names) for path, chain in chains.items()}
    for row in found:
        row.place = places[row.region_path]


def _path_ids(path: str) -> list[int]:
    """The ids of a region path's regions, from the root down to the region itself."""
    return [int(path[i : i + PATH_STEP]) for i in range(0, len(path or ""), PATH_STEP)]


def scrub(text: str) -> str:
    """Phone and ID numbers in a public text masked the way the ledger shows them."""
    if not text or _SEVEN_DIGITS.search(text) is None:
        return text or ""
    text = _ID_NUMBER.sub(lambda m: pii.mask_id_number(m.group(0)), text or "")
    text = _MOBILE.sub(lambda m: pii.mask_phone(m.group(0)), text)
    return _LANDLINE.sub(lambda m: m.group(1) + "****" + m.group(2), text)
