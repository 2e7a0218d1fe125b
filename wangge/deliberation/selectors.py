"""Reads of deliberation, always scoped to the caller.

- Staff (a data reach) see the topics, meetings and decisions of the communities in their reach, and
  those of the communities above a grid they serve (a grid worker sees their community's deliberation).
- Residents (and everyone whose map reach lies in a community) see the community's accepted and decided
  topics, its meetings and decisions, and the topics they raised themselves whatever their status.

Out of reach answers 404 like an absent row. Who may review topics and run meetings: staff whose data
reach covers the community (``may_manage``).
"""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from wangge.accounts.scope import restrict, scope_for
from wangge.deliberation.models import (
    Decision,
    FollowUp,
    Meeting,
    MinutesRevision,
    Participant,
    Topic,
    TopicStatus,
)
from wangge.regions.models import Level, Region

PATH_STEP = 10
PUBLIC_TOPIC_STATUSES = (TopicStatus.ACCEPTED, TopicStatus.DECIDED)


def ancestor_paths(path: str) -> list[str]:
    return [path[:end] for end in range(PATH_STEP, len(path) + 1, PATH_STEP)]


def _community_paths(user) -> tuple[list[str], list[str]]:
    """(paths seen as staff: prefixes, paths seen as a member: exact community paths)."""
    scope = scope_for(user)
    staff = list(scope.paths)
    member = sorted({p for path in scope.map_paths for p in ancestor_paths(path)})
    return staff, member


def _visible(user, *, public: Q | None = None, own: Q | None = None) -> Q | None:
    """The filter of rows carrying ``region_path`` that ``user`` may see; None for everything."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    scope = scope_for(user)
    if scope.is_global:
        return None
    staff, member = _community_paths(user)
    seen = Q(region_path__in=member)
    if public is not None:
        seen &= public
    for path in staff:
        seen |= Q(region_path__startswith=path)
    # a grid worker sees the deliberation of the community their grid lies in
    seen |= Q(region_path__in=[p for path in staff for p in ancestor_paths(path)])
    if own is not None:
        seen |= own
    return seen


def _filtered(rows: QuerySet, visible: Q | None) -> QuerySet:
    return rows if visible is None else rows.filter(visible)


def topics_for(user) -> QuerySet[Topic]:
    visible = _visible(
        user, public=Q(status__in=PUBLIC_TOPIC_STATUSES), own=Q(raised_by=user.pk) if user is not None else None
    )
    return _filtered(Topic.objects.select_related("community", "raised_by", "case"), visible)


def get_topic_for(user, pk) -> Topic:
    try:
        return topics_for(user).get(pk=pk)
    except (Topic.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No topic with this id in your reach.")) from None


def meetings_for(user) -> QuerySet[Meeting]:
    return _filtered(Meeting.objects.select_related("community"), _visible(user))


def get_meeting_for(user, pk) -> Meeting:
    try:
        return meetings_for(user).get(pk=pk)
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No meeting with this id in your reach.")) from None


def decisions_for(user) -> QuerySet[Decision]:
    return _filtered(Decision.objects.select_related("meeting", "topic", "case"), _visible(user))


def get_decision_for(user, pk) -> Decision:
    try:
        return decisions_for(user).get(pk=pk)
    except (Decision.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No decision with this id in your reach.")) from None


def may_manage(user, community: Region | None = None) -> bool:
    """Staff review topics and run meetings of the communities in their data reach."""
    scope = scope_for(user)
    if scope.is_empty:
        return False
    return community is None or scope.covers_path(community.path)


def may_raise(user, community: Region) -> bool:
    """Anyone whose map reach lies in the community or covers it raises topics for it."""
    scope = scope_for(user)
    return scope.map_covers_path(community.path) or any(p.startswith(community.path) for p in scope.map_paths)


def communities_for(user) -> list[Region]:
    """The communities a caller may raise topics for or call meetings in (theirs and those in reach)."""
    scope = scope_for(user)
    if user is None or not user.is_authenticated:
        return []
    rows = Region.objects.filter(level=Level.COMMUNITY, is_active=True)
    if scope.is_global:
        return list(rows.order_by("path")[:2000])
    _staff, member = _community_paths(user)
    return list((rows.filter(path__in=member) | restrict(rows, user)).distinct().order_by("path")[:2000])


def get_community_for(user, code: str) -> Region | None:
    return next((r for r in communities_for(user) if r.code == (code or "")), None)


def meeting_detail(meeting: Meeting) -> Meeting:
    """The meeting with what its page and answer show, in a fixed number of queries."""
    return (
        Meeting.objects.select_related("community", "vote")
        .prefetch_related(
            Prefetch("participants", queryset=Participant.objects.select_related("user")),
            "agenda__topic",
            Prefetch("minutes", queryset=MinutesRevision.objects.select_related("written_by", "signed_by")),
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related("case", "topic").prefetch_related(
                    Prefetch("follow_ups", queryset=FollowUp.objects.select_related("by"))
                ),
            ),
        )
        .get(pk=meeting.pk)
    )


def own_participant(user, meeting: Meeting) -> Participant | None:
    if user is None or not user.is_authenticated:
        return None
    return next((p for p in meeting.participants.all() if p.user_id == user.pk), None)


def own_ballot(user, meeting: Meeting):
    participant = own_participant(user, meeting)
    vote = getattr(meeting, "vote", None) if hasattr(meeting, "vote") else None
    if participant is None or vote is None:
        return None
    return vote.ballots.filter(participant=participant).first()


def current_minutes(meeting: Meeting) -> MinutesRevision | None:
    revisions = list(meeting.minutes.all())
    return revisions[-1] if revisions else None
