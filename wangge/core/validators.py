import re
from datetime import date, datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
INT32_MAX = 2**31 - 1  # the largest value an IntegerField holds on every database


def validate_mobile(value: str, *, field: str = "phone") -> str:
    cleaned = value.strip().replace(" ", "").replace("-", "")
    if cleaned.startswith("+86"):
        cleaned = cleaned[3:]
    if not MOBILE_RE.match(cleaned):
        raise ValidationError({field: _("Enter an 11-digit mainland mobile number, e.g. 13812345678.")})
    return cleaned


def validate_lon_lat(lon, lat, *, lon_field: str = "lon", lat_field: str = "lat") -> tuple[float, float]:
    errors = {}
    parsed = []
    for value, field, limit in ((lon, lon_field, 180), (lat, lat_field, 90)):
        try:
            number = float(value)
        except (TypeError, ValueError):
            errors[field] = _("%(field)s must be a number.") % {"field": field}
            continue
        if number != number or not -limit <= number <= limit:
            errors[field] = _("%(field)s must be between -%(limit)s and %(limit)s.") % {
                "field": field,
                "limit": limit,
            }
            continue
        parsed.append(number)
    if errors:
        raise ValidationError(errors)
    return parsed[0], parsed[1]


# Days a filter, a period or a record may name. Python's calendar ends at 9999-12-31, and a period's end is
# worked out as "the next day" or a time zone away from it, so dates near the ends crash arithmetic far
# from the edge; no grid record is older than 1900 or planned past 2999.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
DATE_RANGE_ERROR = "date_range"


def day_out_of_range(value: date | datetime | None) -> bool:
    if value is None:
        return False
    day = value.date() if isinstance(value, datetime) else value
    return not FIRST_DAY <= day <= LAST_DAY


def date_range_message() -> str:
    return _("Must be a date between %(first)s and %(last)s.") % {"first": FIRST_DAY, "last": LAST_DAY}


def check_day(value, *, field: str):
    """``value`` unchanged, or ``ValidationError({field: …})`` when it lies outside FIRST_DAY–LAST_DAY."""
    if day_out_of_range(value):
        raise ValidationError({field: date_range_message()})
    return value


def schema_day(value):
    """A pydantic after-validator: ``value`` unchanged, or the ``date_range`` error."""
    if day_out_of_range(value):
        raise PydanticCustomError(DATE_RANGE_ERROR, "date out of range")
    return value


# ``Day`` in a ninja schema: a date within FIRST_DAY–LAST_DAY (422 in the API's shape otherwise).
Day = Annotated[date, AfterValidator(schema_day)]
