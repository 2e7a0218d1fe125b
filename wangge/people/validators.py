"""Checks for the numbers a ledger holds: resident ID numbers (GB 11643), phones, credit codes (GB 32100).

Every message names the problem without repeating the number: an error must never become the place
where a personal number leaks (pages, API bodies, logs).
"""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
# First two digits of a resident ID number: provinces, autonomous regions, municipalities, HK/Macao/Taiwan.
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
        "71", "81", "82", "83",
    }
)  # fmt: skip
EARLIEST_BIRTH = date(1900, 1, 1)

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
PHONE_CHARS_RE = re.compile(r"^[\d\-+ ()]*$")

CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

OTHER_DOCUMENT_RE = re.compile(r"^[A-Z0-9]{5,20}$")


@dataclass(frozen=True)
class ResidentId:
    number: str  # normalised: 18 characters, upper-case X
    birth_date: date
    gender: str  # "male" | "female"


def id_check_char(first17: str) -> str:
    return ID_CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def normalise_id(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "").replace("-", "")


def validate_resident_id(value: str, *, field: str = "id_number", today: date | None = None) -> ResidentId:
    """An 18-character resident ID number: region, birth date, sequence and the GB 11643 check digit."""
    number = normalise_id(value)
    if not number:
        raise ValidationError({field: _("Enter the ID number.")})
    if len(number) == 15 and number.isdigit():
        raise ValidationError({field: _("Old 15-digit ID numbers are no longer valid: enter the 18-character number.")})
    if len(number) != 18:
        raise ValidationError({field: _("An ID number has 18 characters; this one has %(n)d.") % {"n": len(number)}})
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            {field: _("An ID number holds 17 digits followed by a digit or X; this one holds other characters.")}
        )
    if number[:2] not in PROVINCE_CODES:
        raise ValidationError({field: _("The first two digits of the ID number are not a province code.")})
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError({field: _("The ID number holds an impossible birth date.")}) from None
    today = today or timezone.localdate()
    if birth > today:
        raise ValidationError({field: _("The ID number holds a birth date in the future.")})
    if birth < EARLIEST_BIRTH:
        raise ValidationError({field: _("The ID number holds a birth date before 1900.")})
    expected = id_check_char(number[:17])
    if number[17] != expected:
        raise ValidationError(
            {
                field: _("The check digit (the last character) of the ID number is wrong: it should be %(c)s.")
                % {"c": expected}
            }
        )
    gender = "male" if int(number[16]) % 2 else "female"
    return ResidentId(number=number, birth_date=birth, gender=gender)


def validate_other_document(value: str, *, field: str = "id_number") -> str:
    """Passports and permits: 5 to 20 letters and digits."""
    number = normalise_id(value)
    if not OTHER_DOCUMENT_RE.match(number):
        raise ValidationError({field: _("A document number holds 5 to 20 letters and digits.")})
    return number


def validate_phone(value: str, *, field: str = "phone") -> str:
    """A mainland mobile (13812345678, +86 allowed) or a landline with its area code (0512-12345678)."""
    raw = (value or "").strip()
    if not PHONE_CHARS_RE.match(raw):
        raise ValidationError(
            {field: _("A phone number holds digits only (a dash after the area code is allowed); remove the letters.")}
        )
    cleaned = raw.replace(" ", "").replace("(", "").replace(")", "")
    if cleaned.startswith("+86"):
        cleaned = cleaned[3:]
    if MOBILE_RE.match(cleaned.replace("-", "")):
        return cleaned.replace("-", "")
    if LANDLINE_RE.match(cleaned):
        return cleaned
    raise ValidationError(
        {field: _("Enter an 11-digit mobile number (13812345678) or a landline with its area code (0512-12345678).")}
    )


def credit_check_char(first17: str) -> str:
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value: str, *, field: str = "credit_code") -> str:
    """The 18-character unified social credit code with its GB 32100 check character."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(
            {field: _("A unified social credit code has 18 characters; this one has %(n)d.") % {"n": len(code)}}
        )
    if any(c not in CREDIT_CHARS for c in code):
        raise ValidationError(
            {field: _("A unified social credit code holds digits and capital letters except I, O, S, V and Z.")}
        )
    expected = credit_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            {
                field: _("The check character (the last one) of the credit code is wrong: it should be %(c)s.")
                % {"c": expected}
            }
        )
    return code
