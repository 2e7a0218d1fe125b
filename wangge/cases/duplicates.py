"""Duplicate suggestions at intake: open cases of the same or a related category nearby and recent,
ranked by distance and by how alike the descriptions read (like FixMyStreet's nearby reports)."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from wangge.cases.models import OPEN_STATUSES, Case, Category
from wangge.core.geo import box_around, metres_between


@dataclass
class Candidate:
    case: Case
    distance_m: float
    similarity: float
    score: float


def _bigrams(text: str) -> set[str]:
    text = "".join(ch for ch in text if not ch.isspace())
    return {text[i : i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def text_similarity(a: str, b: str) -> float:
    """Jaccard similarity of character bigrams: robust for Chinese without word segmentation."""
    first, second = _bigrams(a), _bigrams(b)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def related_codes(category: Category) -> set[str]:
    return {category.code, *category.related}


def nearby_cases(
    cases, *, lon: float, lat: float, category: Category | None, text: str = "", limit: int = 10, now=None
) -> list[Candidate]:
    """Rank open cases from ``cases`` (already scoped) within the radius and time window."""
    radius = settings.CASE_DUPLICATE_RADIUS_M
    now = now or timezone.now()
    lon_range, lat_range = box_around(lon, lat, radius)
    candidates = cases.filter(
        status__in=OPEN_STATUSES,
        created_at__gte=now - timedelta(days=settings.CASE_DUPLICATE_DAYS),
        lon__range=lon_range,
        lat__range=lat_range,
    )
    if category is not None:
        candidates = candidates.filter(category__code__in=related_codes(category))
    ranked = []
    for case in candidates.select_related("category")[:200]:
        distance = metres_between(lon, lat, case.lon, case.lat)
        if distance > radius:
            continue
        similarity = text_similarity(text, case.description) if text else 0.0
        score = 0.6 * (1 - distance / radius) + 0.4 * similarity
        ranked.append(Candidate(case, round(distance, 1), round(similarity, 3), round(score, 3)))
    ranked.sort(key=lambda c: (-c.score, c.distance_m, c.case.number))
    return ranked[:limit]
