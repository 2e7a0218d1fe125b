import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


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
