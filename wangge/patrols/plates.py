"""Chinese number plates (GA 36-2018), checked and written one way so that a plate is unique however typed.

A plate is a province's one-character abbreviation, the letter of the issuing office and a serial:

- ordinary cars: five letters or digits (``苏E·12345``, ``苏E·A8K21``);
- new-energy cars: six, with the energy letter (D, A, B, C, E: electric; F, G, H, J, K: other) first on
  small cars (``苏E·D12345``) or last on large ones (``苏E·12345D``);
- police cars: four letters or digits and 警 (``苏E·1234警``; a patrol car may be one).

The letters I and O are never issued (they read as 1 and 0). Typed input is forgiven: full-width letters
and digits, lower case, spaces, dots and dashes between the parts. The stored form is the printed one:
``苏E·12345`` (a middle dot after the office letter).
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
LETTER = "A-HJ-NP-Z"  # no I, no O
ENERGY = "DABCEFGHJK"
SERIAL = (
    rf"[{LETTER}0-9]{{5}}"  # ordinary
    rf"|[{ENERGY}][{LETTER}0-9]\d{{4}}"  # new energy, small car
    rf"|\d{{5}}[{ENERGY}]"  # new energy, large car
    rf"|[{LETTER}0-9]{{4}}警"  # police
)
PLATE_RE = re.compile(rf"^([{PROVINCES}])([{LETTER}])({SERIAL})$")
SEPARATORS = re.compile(r"[\s·•・.\-_]")
MAX_LENGTH = 12


def normalise_plate(text: str, *, field: str = "plate") -> str:
    """``text`` as the printed plate (``苏E·12345``), or ``ValidationError({field: …})``."""
    compact = SEPARATORS.sub("", unicodedata.normalize("NFKC", str(text or ""))).upper()
    found = PLATE_RE.match(compact)
    if found is None:
        raise ValidationError(
            {field: _("Enter a Chinese number plate such as 苏E·12345 (new-energy 苏E·D12345, police 苏E·1234警).")}
        )
    province, office, serial = found.groups()
    return f"{province}{office}·{serial}"
