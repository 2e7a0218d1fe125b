"""Checking a person's document number: shared by the single save (``services``) and the ledger import
(``importing``), below both."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from wangge.people.models import IdType
from wangge.people.validators import validate_other_document, validate_resident_id


@dataclass
class CheckedNumbers:
    id_number: str = ""
    birth_date: date | None = None
    gender: str = ""


@sensitive_variables("id_number", "checked")
def check_id_number(id_type: str, id_number: str, *, field: str = "id_number") -> CheckedNumbers:
    """The normalised number with the birth date and gender it holds (resident IDs only)."""
    if id_type == IdType.RESIDENT_ID:
        checked = validate_resident_id(id_number, field=field)
        return CheckedNumbers(checked.number, checked.birth_date, checked.gender)
    if not (id_number or "").strip():
        if id_type == IdType.OTHER:
            return CheckedNumbers()
        raise ValidationError({field: _("Enter the document number.")})
    return CheckedNumbers(validate_other_document(id_number, field=field))
