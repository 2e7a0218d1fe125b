"""Reads of notices, always scoped to the caller.

- Staff (a data reach) see every notice published to a region in their reach, in or out of its window,
  and the published ones of the regions above them (what their residents see).
- Everyone signed in sees the notices *published now* to the regions they belong to or above them (a resident
  of a grid sees the grid's, its community's and its street's notices).

Out of reach answers 404 like an absent notice. The read rate counts readers who hold a resident account
in a grid against the resident accounts of that grid (households are not counted: a household may have no
account).
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Membership, Role
from wangge.accounts.scope import restrict, restrict_regions, scope_for
from wangge.notices.models import Notice, NoticeAttachment, PollAnswer, PollResponse, ReadReceipt
from wangge.regions.models import GRID_LEVELS, Region

PATH_STEP = 10


def ancestor_paths(path: str) -> list[str]:
    """``path`` and the paths of every region above it."""
    return [path[:end] for end in range(PATH_STEP, len(path) + 1, PATH_STEP)]


def published_now(now=None) -> Q:
    now = now or timezone.now()
    return Q(publish_from__lte=now) & (Q(publish_until__isnull=True) | Q(publish_until__gt=now))


def notices_for(user) -> QuerySet[Notice]:
    rows = Notice.objects.select_related("region")
    scope = scope_for(user)
    if user is None or not user.is_authenticated or not user.is_active:
        return rows.none()
    if scope.is_global:
        return rows
    own = [p for path in scope.map_paths for p in ancestor_paths(path)]
    visible = Q(region_path__in=own) & published_now()
    for path in scope.paths:
        visible |= Q(region_path__startswith=path)
    return rows.filter(visible)


def get_notice_for(user, pk) -> Notice:
    try:
        return notices_for(user).get(pk=pk)
    except (Notice.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No notice with this id in your reach.")) from None


def get_attachment_for(user, pk) -> NoticeAttachment:
    """A notice's file, for whoever may see the notice; 404 like an absent one otherwise."""
    try:
        return NoticeAttachment.objects.get(pk=pk, notice__in=notices_for(user))
    except (NoticeAttachment.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No notice with this id in your reach.")) from None


def may_publish(user, region: Region | None = None) -> bool:
    """Staff publish to regions in their data reach (residents and departments have none)."""
    scope = scope_for(user)
    if scope.is_empty:
        return False
    return region is None or scope.covers_path(region.path)


def may_manage(user, notice: Notice) -> bool:
    return may_publish(user, notice.region)


def get_managed_notice(user, pk) -> Notice:
    """A notice the caller may edit and see figures of: in their data reach (404 otherwise)."""
    notice = get_notice_for(user, pk)
    if not may_manage(user, notice):
        raise Http404(_("No notice with this id in your reach."))
    return notice


def notices_filtered(user, *, kind: str = "", region: str = "", current: bool = False) -> QuerySet[Notice]:
    rows = notices_for(user)
    if kind:
        rows = rows.filter(kind=kind)
    if region:
        place = restrict_regions(Region.objects.filter(code=region), user).first()
        if place is None:
            raise Http404(_("No region with this code in your reach."))
        rows = rows.filter(region_path__startswith=place.path)
    if current:
        rows = rows.filter(published_now())
    return rows.annotate(read=Exists(ReadReceipt.objects.filter(notice=OuterRef("pk"), reader=user.pk)))


def publish_regions(user) -> list[Region]:
    """Communities and grids a caller may publish to."""
    levels = ["community", *GRID_LEVELS]
    return list(restrict(Region.objects.filter(level__in=levels, is_active=True), user).order_by("path")[:2000])


def has_read(user, notice: Notice) -> bool:
    return ReadReceipt.objects.filter(notice=notice, reader=user.pk).exists()


def own_response(user, notice: Notice) -> PollResponse | None:
    return PollResponse.objects.filter(notice=notice, respondent=user.pk).prefetch_related("answers").first()


def poll_open(notice: Notice, now=None) -> bool:
    now = now or timezone.now()
    return notice.poll_closes_at is None or now < notice.poll_closes_at


@dataclass
class GridRate:
    code: str
    name: str
    residents: int
    readers: int

    @property
    def rate(self) -> float | None:
        return self.readers / self.residents if self.residents else None


def read_rates(notice: Notice) -> tuple[GridRate, list[GridRate]]:
    """Readers and resident accounts per grid under the notice's region, and their total."""
    grids = list(
        Region.objects.filter(level__in=GRID_LEVELS, path__startswith=notice.region_path, is_active=True)
        .order_by("code")
        .values_list("path", "code", "name")
    )
    memberships = Membership.objects.filter(
        role=Role.RESIDENT, is_active=True, region__path__startswith=notice.region_path
    ).values_list("user_id", "region__path")
    home: dict[int, str] = {}
    for user_id, path in memberships:
        home.setdefault(user_id, path)
    readers = set(
        ReadReceipt.objects.filter(notice=notice, reader_id__in=list(home)).values_list("reader_id", flat=True)
    )
    residents_in, readers_in = Counter(), Counter()
    for user_id, path in home.items():
        grid = next((g for g, _code, _name in grids if path.startswith(g)), None)
        if grid is None:
            continue
        residents_in[grid] += 1
        readers_in[grid] += user_id in readers
    rows = [GridRate(code, name, residents_in[path], readers_in[path]) for path, code, name in grids]
    total = GridRate(notice.region.code, notice.region.name, sum(residents_in.values()), sum(readers_in.values()))
    return total, rows


@dataclass
class ChoiceCount:
    id: int
    text: str
    count: int


@dataclass
class QuestionResult:
    id: int
    text: str
    kind: str
    choices: list[ChoiceCount]


def results(notice: Notice) -> tuple[int, list[QuestionResult]]:
    """The number of responses and the count of each choice."""
    counts = Counter(PollAnswer.objects.filter(response__notice=notice).values_list("choice_id", flat=True).iterator())
    questions = [
        QuestionResult(q.pk, q.text, q.kind, [ChoiceCount(c.pk, c.text, counts.get(c.pk, 0)) for c in q.choices.all()])
        for q in notice.questions.prefetch_related("choices")
    ]
    return PollResponse.objects.filter(notice=notice).count(), questions
