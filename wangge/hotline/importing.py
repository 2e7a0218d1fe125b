"""Taking 12345 work orders in: from an Excel or CSV file (read by the ledger's reader,
``people.excel.read_ledger``, with the hotline's columns) or from the hotline's signed JSON webhook.

Every row is checked first (number, 派单目录 mapping, description, place, caller, times), with one query
for the numbers already imported and one for the mapping. A row with a problem is reported with its
row number and field, and then nothing is written (as in the ledger import); a number already imported
is reported as a duplicate and skipped, so importing the same file twice changes nothing. A dry run
answers the same report and writes nothing. Writing goes through the case intake
(``cases.services.report_case``, source ``hotline``) in one transaction for the whole file.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.accounts import audit
from wangge.cases import services as case_services
from wangge.cases.models import Source
from wangge.core import pii
from wangge.core.text import check_text
from wangge.core.validators import validate_lon_lat, validate_mobile
from wangge.hotline.models import CategoryMapping, Channel, HotlineOrder
from wangge.people import excel as ledger_excel
from wangge.people.records import squash

MAX_ROWS = 5000


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    aliases: tuple[str, ...] = ()
    required: bool = False


COLUMNS = (
    Column("number", gettext_lazy("Hotline number"), ("工单编号", "工单号", "编号", "order_no"), True),
    Column("category", gettext_lazy("Hotline category"), ("派单目录", "诉求分类", "分类", "category_code"), True),
    Column("title", gettext_lazy("Title"), ("标题", "诉求标题")),
    Column("description", gettext_lazy("Request"), ("诉求内容", "来电内容", "内容", "description"), True),
    Column("address", gettext_lazy("Address"), ("地址", "事发地址", "诉求地址")),
    Column("lon", gettext_lazy("Longitude"), ("经度", "longitude"), True),
    Column("lat", gettext_lazy("Latitude"), ("纬度", "latitude"), True),
    Column("caller_name", gettext_lazy("Caller"), ("来电人", "诉求人", "姓名")),
    Column("caller_phone", gettext_lazy("Caller's phone"), ("来电号码", "联系电话", "电话")),
    Column("received_at", gettext_lazy("Received"), ("受理时间", "来电时间")),
    Column("deadline", gettext_lazy("Hotline deadline"), ("办理时限", "办结时限", "截止时间")),
)
TITLES = {c.key: c.title for c in COLUMNS}


@dataclass
class RowResult:
    row: int  # the sheet's or file's row number; the order's position (from 1) in a webhook body
    number: str
    status: str  # "ok" (would be / was taken in), "duplicate" (already imported, skipped), "error"
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field, message)
    case_number: str = ""


@dataclass
class ImportReport:
    dry_run: bool
    rows: list[RowResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # the file as a whole
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and not any(r.status == "error" for r in self.rows)

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)


# --- reading ---------------------------------------------------------------------------------------------


def read_file(name: str, data: bytes) -> tuple[list[tuple[int, dict]], list[str]]:
    """(row number, key → raw value) per row of an .xlsx or .csv file, and the problems of the file."""
    if name.lower().endswith(".csv"):
        return _read_csv(data)
    sheet = ledger_excel.read_ledger("hotline", data, columns=COLUMNS)
    return sheet.rows, [str(p) for p in sheet.problems]


def _read_csv(data: bytes) -> tuple[list[tuple[int, dict]], list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return [], [_("The CSV file is neither UTF-8 nor GB18030 text.")]
    lookup = ledger_excel.header_lookup(COLUMNS)
    rows: list[tuple[int, dict]] = []
    key_of: dict[int, str] | None = None
    for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        if key_of is None:
            found = {i: lookup[squash(c)] for i, c in enumerate(cells) if squash(c) in lookup}
            if len(found) >= 2:
                key_of = found
            elif number >= 10:
                break
            continue
        values = {key_of[i]: c for i, c in enumerate(cells) if i in key_of and c.strip()}
        if values:
            rows.append((number, values))
        if len(rows) > MAX_ROWS:
            return [], [_("The file holds more than %(n)d rows: split it.") % {"n": MAX_ROWS}]
    if key_of is None:
        return [], [_("No title row was found: the file must start with the hotline's column titles.")]
    missing = [str(c.title) for c in COLUMNS if c.required and c.key not in key_of.values()]
    if missing:
        return [], [_("The title row lacks the required column(s): %(titles)s.") % {"titles": "、".join(missing)}]
    return rows, []


# --- checking --------------------------------------------------------------------------------------------


@dataclass
class _Order:
    number: str
    category_id: int
    category_code: str
    hotline_category: str
    title: str
    description: str
    address: str
    lon: float
    lat: float
    caller_name: str
    caller_phone: str
    received_at: datetime | None
    deadline: datetime | None


def _text(values: dict, key: str, limit: int, errors: list, *, required=False, multiline=False) -> str:
    raw = values.get(key)
    value = "" if raw is None else str(raw).strip()
    if isinstance(raw, float) and raw.is_integer():
        value = str(int(raw))
    if not value:
        if required:
            errors.append((key, _("%(title)s is required.") % {"title": TITLES[key]}))
        return ""
    if len(value) > limit:
        errors.append((key, _("%(title)s is longer than %(n)d characters.") % {"title": TITLES[key], "n": limit}))
        return ""
    try:
        check_text(value, field=key, multiline=multiline)
    except ValidationError as exc:
        errors.append((key, exc.message_dict[key][0]))
        return ""
    return value


def _moment(values: dict, key: str, errors: list) -> datetime | None:
    raw = values.get(key)
    if raw in (None, ""):
        return None
    if isinstance(raw, datetime):
        moment = raw
    elif isinstance(raw, date):
        moment = datetime.combine(raw, time(23, 59))
    else:
        text = str(raw).strip().replace("/", "-")
        moment = parse_datetime(text) or (parse_datetime(text + " 23:59") if len(text) == 10 else None)
        if moment is None:
            errors.append((key, _("%(title)s is not a date and time (2026-12-06 17:30).") % {"title": TITLES[key]}))
            return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)  # the hotline's local time (Asia/Shanghai)
    return moment


def check(rows: list[tuple[int, dict]]) -> tuple[list[RowResult], list[_Order | None]]:
    """Every row's result and, for a good one, the order it will become."""
    numbers = [str(v.get("number") or "").strip() for _n, v in rows]
    imported = set(HotlineOrder.objects.filter(number__in=[n for n in numbers if n]).values_list("number", flat=True))
    mappings = {
        m.hotline_code: m
        for m in CategoryMapping.objects.filter(is_active=True, category__is_active=True).select_related("category")
    }
    by_name = {m.hotline_name: m for m in mappings.values()}
    seen: set[str] = set()
    results, orders = [], []
    for row_number, values in rows:
        errors: list[tuple[str, str]] = []
        number = _text(values, "number", 40, errors, required=True)
        if number and number in imported:
            results.append(RowResult(row_number, number, "duplicate", [("number", _("Already imported: skipped."))]))
            orders.append(None)
            continue
        if number and number in seen:
            errors.append(("number", _("The number %(number)s appears twice in the file.") % {"number": number}))
        seen.add(number)
        code = _text(values, "category", 100, errors, required=True)
        mapping = mappings.get(code) or by_name.get(code)
        if code and mapping is None:
            errors.append(
                (
                    "category",
                    _("The hotline category %(code)s has no mapping to our categories: add it to the mapping table.")
                    % {"code": code},
                )
            )
        description = _text(values, "description", 2000, errors, required=True, multiline=True)
        title = _text(values, "title", 80, errors)
        address = _text(values, "address", 200, errors)
        caller_name = _text(values, "caller_name", 60, errors)
        phone = _text(values, "caller_phone", 24, errors)
        if phone:
            digits = phone.replace("-", "").replace(" ", "").removeprefix("+86")
            if not digits.isdigit() or not 7 <= len(digits) <= 12:
                errors.append(("caller_phone", _("Enter a phone number of 7 to 12 digits.")))
            phone = digits
        lon = lat = 0.0
        try:
            lon, lat = validate_lon_lat(values.get("lon"), values.get("lat"))
        except ValidationError as exc:
            errors.extend((f, m[0]) for f, m in exc.message_dict.items())
        received_at = _moment(values, "received_at", errors)
        deadline = _moment(values, "deadline", errors)
        if errors:
            results.append(RowResult(row_number, number, "error", errors))
            orders.append(None)
            continue
        results.append(RowResult(row_number, number, "ok"))
        orders.append(
            _Order(
                number,
                mapping.category_id,
                mapping.category.code,
                mapping.hotline_code,
                title,
                description,
                address,
                lon,
                lat,
                caller_name,
                phone,
                received_at,
                deadline,
            )
        )
    return results, orders


# --- writing ---------------------------------------------------------------------------------------------


def run(*, actor, rows: list[tuple[int, dict]], channel: str, dry_run: bool, problems=()) -> ImportReport:
    """Check every row; unless a dry run or a row has a problem, take the good ones in, all in one transaction."""
    report = ImportReport(dry_run=dry_run, problems=list(problems))
    if report.problems:
        return report
    if len(rows) > MAX_ROWS:
        report.problems.append(_("The file holds more than %(n)d rows: split it.") % {"n": MAX_ROWS})
        return report
    report.rows, orders = check(rows)
    if dry_run or not report.ok:
        return report
    try:
        with transaction.atomic():
            for result, order in zip(report.rows, orders, strict=True):
                if order is not None:
                    result.case_number = _take_in(actor, order, channel).case.number
                    report.created += 1
            audit.record(
                actor=actor,
                action="hotline.import",
                object_type="hotline.hotlineorder",
                summary=f"{report.created} orders ({channel})",
                changes={"created": report.created, "duplicates": report.count("duplicate"), "channel": channel},
            )
    except IntegrityError:
        # Another import took one of these numbers in between: nothing of this one was written.
        report.created = 0
        for result in report.rows:
            result.case_number = ""
        report.problems.append(
            _("Another import took some of these numbers in meanwhile: nothing was written, try again.")
        )
    except ValidationError as exc:
        report.created = 0
        report.problems.append("; ".join(exc.messages))
    return report


def _take_in(actor, order: _Order, channel: str) -> HotlineOrder:
    mobile = ""
    if order.caller_phone:
        try:
            mobile = validate_mobile(order.caller_phone)
        except ValidationError:
            mobile = ""  # a landline stays on the order only
    case, _created = case_services.report_case(
        actor=None,  # the system takes the hotline's order in; the caller is on the order
        report=case_services.Report(
            category=order.category_code,
            description=order.description,
            lon=order.lon,
            lat=order.lat,
            source=Source.HOTLINE,
            address=order.address,
            title=order.title,  # none given: the description's first line, like any case
            contact_name=order.caller_name,
            contact_phone=mobile,
            idempotency_key=f"hotline:{order.number}",
        ),
    )
    return HotlineOrder.objects.create(
        number=order.number,
        case=case,
        hotline_category=order.hotline_category,
        caller_name=order.caller_name,
        caller_phone_encrypted=pii.encrypt(order.caller_phone) if order.caller_phone else "",
        caller_phone_masked=pii.mask_phone(order.caller_phone) if order.caller_phone else "",
        received_at=order.received_at,
        deadline=order.deadline,
        channel=channel,
        region_path=case.region_path,
        imported_by=actor if actor is not None and actor.is_authenticated else None,
        imported_at=timezone.now(),
    )


def import_file(*, actor, name: str, data: bytes, dry_run: bool) -> ImportReport:
    rows, problems = read_file(name, data)
    channel = Channel.CSV if name.lower().endswith(".csv") else Channel.EXCEL
    return run(actor=actor, rows=rows, channel=channel, dry_run=dry_run, problems=problems)


def import_json(*, actor, orders: list, dry_run: bool) -> ImportReport:
    """The webhook's body: a list of orders (objects keyed like the file's columns)."""
    if not isinstance(orders, list) or not all(isinstance(o, dict) for o in orders):
        return ImportReport(dry_run=dry_run, problems=[_("orders must be a list of objects.")])
    known = {c.key for c in COLUMNS}
    rows = [(i, {k: v for k, v in o.items() if k in known}) for i, o in enumerate(orders, start=1)]
    return run(actor=actor, rows=rows, channel=Channel.WEBHOOK, dry_run=dry_run)
