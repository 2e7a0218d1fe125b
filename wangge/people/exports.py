"""Filtered lists as Excel: personal numbers masked, a watermark line naming the exporter, an audit
record for every file. Pages and the API both call ``export_list``."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.people import conf, excel, permissions, selectors, services
from wangge.people.labels import LabelKind
from wangge.people.models import PersonLabel
from wangge.people.records import FACILITY, HOUSE, ORGANISATION, PERSON

EXPORT_KINDS = ("persons", "houses", "organisations", "facilities")


@dataclass
class ExportFile:
    filename: str
    content: bytes
    rows: int


def _age(birth) -> int:
    today = timezone.localdate()
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _persons(user, filters: selectors.PersonFilters):
    queryset = selectors.search_persons(user, filters)
    with_labels = permissions.can(user, permissions.LABELS)
    headers = [
        *_titles(PERSON, "name", "gender"), _("Age"), *_titles(PERSON, "id_number", "phone", "population_type"),
        _("Address"), _("Household number"), *_titles(PERSON, "relation", "political_status"), _("Grid"),
    ]  # fmt: skip
    if with_labels:
        headers.append(_("Labels"))

    def rows():
        for chunk in _chunks(queryset):
            labels: dict[int, list[str]] = {}
            if with_labels:
                for person_id, kind in PersonLabel.objects.filter(person__in=chunk).values_list("person_id", "kind"):
                    labels.setdefault(person_id, []).append(str(LabelKind(kind).label))
            for p in chunk:
                row = [
                    p.name, p.get_gender_display(), _age(p.birth_date), p.id_number_masked, p.phone_masked,
                    p.get_population_type_display(), p.house.address if p.house_id else p.registered_address,
                    p.household.number if p.household_id else "", p.get_relation_display(),
                    p.get_political_status_display(), p.region.name,
                ]  # fmt: skip
                if with_labels:
                    row.append("、".join(labels.get(p.pk, [])))
                yield row

    return headers, rows, queryset, filters.audit_summary()


def _houses(user, filters: dict):
    queryset = (
        selectors.houses_for(user)
        .select_related("building__compound", "region")
        .order_by("building_id", "unit", "floor", "position")
    )
    queryset = _common(queryset, user, filters)
    if filters.get("building"):
        queryset = queryset.filter(building_id=filters["building"])
    if filters.get("use"):
        queryset = queryset.filter(use=filters["use"])
    headers = [
        _("Address"),
        *_titles(HOUSE, "unit", "floor", "room", "area", "use", "owner_name", "owner_phone", "hazards"),
        _("Grid"),
    ]

    def rows():
        for h in queryset.iterator(chunk_size=2000):
            yield [
                h.address,
                h.unit,
                h.floor,
                h.room,
                float(h.area) if h.area is not None else "",
                h.get_use_display(),
                h.owner_name,
                h.owner_phone_masked,
                h.hazards,
                h.region.name,
            ]

    return headers, rows, queryset, filters


def _organisations(user, filters: dict):
    queryset = _common(selectors.organisations_for(user).select_related("region"), user, filters)
    if filters.get("kind"):
        queryset = queryset.filter(kind=filters["kind"])
    headers = [
        *_titles(ORGANISATION, "name", "kind", "credit_code", "legal_person", "phone", "employees", "address"),
        *_titles(ORGANISATION, "is_key"),
        _("Grid"),
    ]

    def rows():
        for o in queryset.order_by("name", "id").iterator(chunk_size=2000):
            yield [
                o.name,
                o.get_kind_display(),
                o.credit_code,
                o.legal_person,
                o.phone_masked,
                o.employees,
                o.address,
                _("yes") if o.is_key else "",
                o.region.name,
            ]

    return headers, rows, queryset, filters


def _facilities(user, filters: dict):
    queryset = _common(selectors.facilities_for(user).select_related("region"), user, filters)
    for name in ("kind", "status"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    headers = [
        *_titles(FACILITY, "code", "kind", "name", "status", "owner", "address", "lon", "lat"),
        _("Grid"),
    ]

    def rows():
        for f in queryset.order_by("code").iterator(chunk_size=2000):
            yield [
                f.code,
                f.get_kind_display(),
                f.name,
                f.get_status_display(),
                f.owner,
                f.address,
                f.lon,
                f.lat,
                f.region.name,
            ]

    return headers, rows, queryset, filters


def _titles(record, *names: str) -> list[str]:
    """Column titles of an export: the record's, as in its form and its Excel ledger."""
    return [str(record[name].title) for name in names]


def _common(queryset, user, filters: dict):
    return selectors.under_region(queryset, user, filters.get("region", ""))


def _chunks(queryset, size: int = 2000):
    chunk = []
    for item in queryset.iterator(chunk_size=size):
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


BUILDERS = {"persons": _persons, "houses": _houses, "organisations": _organisations, "facilities": _facilities}


def export_list(user, kind: str, filters) -> ExportFile:
    """The filtered list as .xlsx; refused without ``people.export`` or over the configured size."""
    permissions.require(user, permissions.VIEW, permissions.EXPORT)
    headers, rows, queryset, summary = BUILDERS[kind](user, filters)
    count = queryset.count()
    limit = conf.export_max_rows()
    if count > limit:
        raise ValidationError(
            {
                "region": _("The list holds %(n)d rows, more than %(limit)d: narrow the filters.")
                % {"n": count, "limit": limit}
            }
        )
    title = str(excel.KIND_LABELS[kind])
    content = excel.export(title, headers, rows(), user)
    services.record_export(actor=user, kind=kind, count=count, filters=_plain(summary))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return ExportFile(filename=f"{kind}-{stamp}.xlsx", content=content, rows=count)


def _plain(summary: dict) -> dict:
    return {k: v if isinstance(v, str | int | float | bool) or v is None else str(v) for k, v in summary.items()}
