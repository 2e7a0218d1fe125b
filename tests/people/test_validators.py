"""ID numbers (GB 11643), phones and credit codes: each bad value gets a clear message naming the
problem, never repeating the number."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tests.people.conftest import id_number
from wangge.people.validators import (
    credit_check_char,
    id_check_char,
    validate_credit_code,
    validate_phone,
    validate_resident_id,
)


def message(exc: pytest.ExceptionInfo) -> dict:
    return {k: v[0] for k, v in exc.value.message_dict.items()}


def test_a_published_example_number_has_the_check_digit_the_standard_computes():
    # GB 11643-1999's worked example: 11010519491231002 → X
    assert id_check_char("11010519491231002") == "X"
    checked = validate_resident_id("11010519491231002x")
    assert checked.number == "11010519491231002X"
    assert checked.birth_date == date(1949, 12, 31)
    assert checked.gender == "female"


def test_birth_date_and_gender_are_derived():
    number = id_number(date(1980, 5, 1), male=True, seq=3)
    checked = validate_resident_id(f" {number[:6]} {number[6:]} ")
    assert (checked.number, checked.birth_date, checked.gender) == (number, date(1980, 5, 1), "male")
    assert validate_resident_id(id_number(date(2001, 2, 28), male=False)).gender == "female"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "Enter the ID number."),
        ("32058319800501", "An ID number has 18 characters; this one has 14."),
        ("320583800501123", "Old 15-digit ID numbers are no longer valid: enter the 18-character number."),
        (
            "3205831980O501123X",
            "An ID number holds 17 digits followed by a digit or X; this one holds other characters.",
        ),
        ("990583198005011234", "The first two digits of the ID number are not a province code."),
    ],
)
def test_malformed_numbers_are_refused_with_a_reason(value, expected):
    with pytest.raises(ValidationError) as exc:
        validate_resident_id(value)
    assert message(exc) == {"id_number": expected}


def test_a_wrong_check_digit_names_the_expected_one_but_not_the_number():
    good = id_number(date(1975, 10, 9), male=True, seq=4)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        validate_resident_id(wrong)
    text = message(exc)["id_number"]
    assert text == f"The check digit (the last character) of the ID number is wrong: it should be {good[17]}."
    assert good[:17] not in text


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        ("19800230", "The ID number holds an impossible birth date."),
        ("19811301", "The ID number holds an impossible birth date."),
        ("20990101", "The ID number holds a birth date in the future."),
        ("18991231", "The ID number holds a birth date before 1900."),
    ],
)
def test_impossible_birth_dates_are_refused(birth, expected):
    first17 = f"320583{birth}011"
    with pytest.raises(ValidationError) as exc:
        validate_resident_id(first17 + id_check_char(first17))
    assert message(exc) == {"id_number": expected}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0512-66881234", "0512-66881234"),
        ("051266881234", "051266881234"),
    ],
)
def test_phones_are_normalised(value, expected):
    assert validate_phone(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "1381234abcd",
            "A phone number holds digits only (a dash after the area code is allowed); remove the letters.",
        ),
        ("12345", "Enter an 11-digit mobile number (13812345678) or a landline with its area code (0512-12345678)."),
        (
            "23812345678",
            "Enter an 11-digit mobile number (13812345678) or a landline with its area code (0512-12345678).",
        ),
    ],
)
def test_bad_phones_are_refused(value, expected):
    with pytest.raises(ValidationError) as exc:
        validate_phone(value)
    assert message(exc) == {"phone": expected}


def test_credit_codes_carry_the_gb_32100_check_character():
    code = "91350100M000100Y4" + credit_check_char("91350100M000100Y4")
    assert validate_credit_code(code.lower()) == code
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(wrong)
    assert message(exc) == {
        "credit_code": f"The check character (the last one) of the credit code is wrong: it should be {code[17]}."
    }
    with pytest.raises(ValidationError) as exc:
        validate_credit_code("91350100M000100Y")
    assert message(exc) == {"credit_code": "A unified social credit code has 18 characters; this one has 16."}
