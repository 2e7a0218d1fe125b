import pytest
from django.core.exceptions import ValidationError

from wangge.core.validators import validate_lon_lat, validate_mobile


@pytest.mark.parametrize("raw", ["13812345678", "+86 138-1234-5678", " 138 1234 5678 "])
def test_it_cleans_a_mainland_mobile_number(raw):
    assert validate_mobile(raw) == "13812345678"


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "138123456789", "phone", ""])
def test_it_refuses_what_is_not_a_mainland_mobile_number(raw):
    with pytest.raises(ValidationError) as exc_info:
        validate_mobile(raw, field="mobile")
    assert exc_info.value.message_dict == {"mobile": ["Enter an 11-digit mainland mobile number, e.g. 13812345678."]}


def test_it_parses_lon_and_lat():
    assert validate_lon_lat("120.9", 31) == (120.9, 31.0)


@pytest.mark.parametrize(
    ("lon", "lat", "errors"),
    [
        ("x", 31, {"lon": ["lon must be a number."]}),
        (None, None, {"lon": ["lon must be a number."], "lat": ["lat must be a number."]}),
        (181, 31, {"lon": ["lon must be between -180 and 180."]}),
        (120, "nan", {"lat": ["lat must be between -90 and 90."]}),
    ],
)
def test_it_names_each_bad_coordinate(lon, lat, errors):
    with pytest.raises(ValidationError) as exc_info:
        validate_lon_lat(lon, lat)
    assert exc_info.value.message_dict == errors
