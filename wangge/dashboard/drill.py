"""The cases behind a number: every figure on the screen, the statistics and the bulletins links here.

A figure is a counter, or a sum/difference of counters (``due - deferred``, ``st_reported+st_accepted``),
or ``overdue`` (open cases past their deadline now). The cases are found from the raw timeline
(``raw.figures``) with the same slice and days as the number, so the list is exactly as long as the
number is large (a case that counts twice — two verifications — is listed once with its count).
"""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.dashboard.screen import overdue_cases
from wangge.rollups import raw
from wangge.rollups.selectors import Node
from wangge.rollups.timeline import COUNTERS

TERM = re.compile(r"\s*([+-]?)\s*([a-z_]+)\s*")
OVERDUE = "overdue"


def parse(figure: str) -> list[tuple[int, str]]:
    """'due - deferred' → [(1, 'due'), (-1, 'deferred')]; only known counters, + and −."""
    # A "+" left unencoded in a link arrives as a space: read a space between two names as a plus.
    figure = re.sub(r"(?<=[a-z_])\s+(?=[a-z_])", "+", (figure or "").strip())
    terms, position = [], 0
    while position < len(figure):
        match = TERM.match(figure, position)
        if not match or match.end() == position:
            raise ValidationError({"figure": _("Unknown figure.")})
        sign, name = match.groups()
        if name not in COUNTERS or (terms and not sign):
            raise ValidationError({"figure": _("Unknown figure.")})
        terms.append((-1 if sign == "-" else 1, name))
        position = match.end()
    if not terms:
        raise ValidationError({"figure": _("Unknown figure.")})
    return terms


@dataclass
class Drill:
    figure: str
    total: int
    counts: dict[int, int]  # case id → how many times it counts


PERSON_FIGURES = {
    "reports": ("reports",),
    "valid_reports": ("valid_reports",),
    "solved_in_grid": ("on_spot", "grid_handled"),
    "verifications": ("verifications",),
    "verifications_on_time": ("verifications_on_time",),
    "handled": ("handled",),
    "handled_on_time": ("handled_on_time",),
}


def person_cases(user_id: int, figure: str, start: date | None, end: date | None) -> Drill:
    """The cases behind one of a person's figures (what they reported, verified, solved in the grid)."""
    if figure not in PERSON_FIGURES:
        raise ValidationError({"figure": _("Unknown figure.")})
    found = raw.person_figures(user_id, PERSON_FIGURES[figure], start, end)
    per_case: Counter = Counter()
    for by_case in found.values():
        per_case.update(by_case)
    counts = {case_id: n for case_id, n in per_case.items() if n}
    return Drill(figure, sum(counts.values()), counts)


def cases_behind(
    node: Node,
    figure: str,
    start: date | None,
    end: date | None,
    *,
    category_ids: tuple[int, ...] | None = None,
    source: str | None = None,
    department_id: int | None = None,
    now: datetime | None = None,
) -> Drill:
    if figure == OVERDUE:
        ids = list(overdue_cases(node, now or timezone.now()).values_list("pk", flat=True))
        return Drill(figure, len(ids), dict.fromkeys(ids, 1))
    terms = parse(figure)
    slice_ = raw.Slice(node.key, category_ids=category_ids, source=source, department_id=department_id)
    found = raw.figures(slice_, start, end, counters=[name for _sign, name in terms])
    per_case: Counter = Counter()
    for sign, name in terms:
        for case_id, n in found.get(name, {}).items():
            per_case[case_id] += sign * n
    counts = {case_id: n for case_id, n in per_case.items() if n}
    return Drill(figure, sum(counts.values()), counts)
