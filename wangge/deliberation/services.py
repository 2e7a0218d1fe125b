"""Every write of deliberation: raise and review topics; call a meeting, record attendance, write and sign
minutes, open, cast and close its vote; record decisions (as cases through the case intake, or as tasks)
and follow them up. One transaction each, audited, keyword-only ``actor``; refusals are
``ValidationError({field: message})`` (400) or ``Conflict`` (409)."""

import json
from dataclasses import dataclass, field
from datetime import date, datetime

import shapely
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts import audit
from wangge.accounts.models import Membership, Role, User
from wangge.cases import selectors as case_selectors
from wangge.cases import services as case_services
from wangge.cases.models import FINISHED_STATUSES, Source, Status
from wangge.core.errors import Conflict
from wangge.deliberation import selectors
from wangge.deliberation.models import (
    AgendaItem,
    Ballot,
    Choice,
    Decision,
    DecisionKind,
    DecisionStatus,
    FollowUp,
    Meeting,
    MeetingStatus,
    MinutesRevision,
    Participant,
    ParticipantKind,
    PlaceKind,
    Topic,
    TopicSource,
    TopicStatus,
    Vote,
    VoteStatus,
)
from wangge.inbox.models import Kind
from wangge.inbox.services import notify
from wangge.regions.models import Region

PARTICIPANTS_MAX = 500
AGENDA_MAX = 20


def _community(actor, code: str, *, manage: bool):
    community = selectors.get_community_for(actor, code)
    if community is None or (manage and not selectors.may_manage(actor, community)):
        raise ValidationError({"community": _("Choose a community in your reach.")})
    return community


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _staff_only(actor, community) -> None:
    if not selectors.may_manage(actor, community):
        raise ValidationError({"community": _("Only staff of the community may do this.")})


# --- topics -------------------------------------------------------------------------------------------


def case_topic_community(actor, case) -> Region | None:
    """The community a topic raised from ``case`` belongs to, or None where ``actor`` may not raise one:
    staff only, never from a rejected or merged case, and only in a community in their reach."""
    if case.status in (Status.REJECTED, Status.MERGED) or not selectors.may_manage(actor):
        return None
    path = case.region.path
    return next((r for r in selectors.communities_for(actor) if path.startswith(r.path)), None)


@transaction.atomic
def raise_topic(*, actor, community: str, title: str, description: str, case_number: str = "") -> Topic:
    """Raise a topic for a community: a resident of it, staff in reach, or staff from a case they see
    (the case's community then, whatever ``community`` says; ``case_topic_community``)."""
    case = None
    if case_number:
        try:
            case = case_selectors.get_case_for(actor, case_number)
        except Http404:
            raise ValidationError({"case": _("No case with this number in your reach.")}) from None
        region = case_topic_community(actor, case)
        if region is None:
            raise ValidationError(
                {"case": _("Only community staff raise a topic from a case, never a rejected or merged one.")}
            )
        community = region.code
    region = _community(actor, community, manage=False)
    if case is not None:
        source = TopicSource.CASE
    elif selectors.may_manage(actor) or _serves(actor, region):
        source = TopicSource.STAFF
    else:
        source = TopicSource.RESIDENT
    topic = Topic(
        community=region,
        region_path=region.path,
        title=(title or "").strip(),
        description=(description or "").strip(),
        source=source,
        case=case,
        raised_by=actor,
    )
    topic.full_clean(exclude=["community", "raised_by", "case", "reviewed_by"])
    topic.save()
    audit.record(actor=actor, action="deliberation.raise_topic", obj=topic, changes={"community": region.code})
    staff = _community_staff(region)
    notify(
        users=[u for u in staff if u.pk != actor.pk],
        kind=Kind.NOTICE,
        title=_("New topic: %(t)s") % {"t": topic.title},
        url=f"/deliberation/topics/{topic.pk}/",
    )
    return topic


def _serves(actor, region) -> bool:
    roles = (Role.GRID_WORKER, Role.GRID_CHIEF, Role.MICRO_GRID_LIAISON, Role.COMMUNITY_STAFF)
    return Membership.objects.filter(
        user=actor, role__in=roles, is_active=True, region__path__startswith=region.path
    ).exists()


def _community_staff(region) -> list[User]:
    memberships = Membership.objects.filter(role=Role.COMMUNITY_STAFF, is_active=True, region=region)
    return list(User.objects.filter(pk__in=memberships.values("user_id"), is_active=True))


@transaction.atomic
def review_topic(*, actor, topic: Topic, accept: bool, reason: str) -> Topic:
    """Accept or decline a proposed topic, with a reason the raiser sees."""
    topic = Topic.objects.select_for_update().select_related("community").get(pk=topic.pk)
    _staff_only(actor, topic.community)
    if topic.status != TopicStatus.PROPOSED:
        raise Conflict(_("This topic has already been reviewed."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    topic.status = TopicStatus.ACCEPTED if accept else TopicStatus.DECLINED
    topic.review_reason, topic.reviewed_by, topic.reviewed_at = reason, actor, timezone.now()
    topic.full_clean(exclude=["community", "raised_by", "case", "reviewed_by"])
    topic.save(update_fields=["status", "review_reason", "reviewed_by", "reviewed_at"])
    audit.record(actor=actor, action="deliberation.review_topic", obj=topic, changes={"status": topic.status})
    label = _("Your topic was accepted: %(t)s") if accept else _("Your topic was declined: %(t)s")
    notify(
        users=[topic.raised_by],
        kind=Kind.NOTICE,
        title=label % {"t": topic.title},
        body=reason,
        url=f"/deliberation/topics/{topic.pk}/",
    )
    return topic


# --- meetings -----------------------------------------------------------------------------------------


@dataclass
class Invitee:
    kind: str
    name: str = ""
    username: str = ""
    votes: bool = True


@dataclass
class MeetingDraft:
    community: str
    title: str
    place_kind: str
    place: str
    starts_at: datetime
    participants: list[Invitee] = field(default_factory=list)
    invite_residents: bool = False  # every resident account of the community, each with a vote
    topics: list[int] = field(default_factory=list)
    agenda: list[str] = field(default_factory=list)


@transaction.atomic
def call_meeting(*, actor, draft: MeetingDraft) -> Meeting:
    """Call a meeting in a community in the caller's reach: place, time, participants and agenda."""
    region = _community(actor, draft.community, manage=True)
    if draft.place_kind not in PlaceKind.values:
        raise ValidationError({"place_kind": _("Choose the kind of place.")})
    if draft.starts_at is None:
        raise ValidationError({"starts_at": _("Give the meeting's time.")})
    meeting = Meeting(
        community=region,
        region_path=region.path,
        title=(draft.title or "").strip(),
        place_kind=draft.place_kind,
        place=(draft.place or "").strip(),
        starts_at=_aware(draft.starts_at),
        called_by=actor,
    )
    meeting.full_clean(exclude=["community", "called_by"])
    meeting.save()
    _add_participants(meeting, region, draft)
    _add_agenda(actor, meeting, region, draft)
    audit.record(actor=actor, action="deliberation.call_meeting", obj=meeting, changes={"community": region.code})
    users = [p.user for p in meeting.participants.select_related("user") if p.user_id]
    notify(
        users=users,
        kind=Kind.NOTICE,
        title=_("Meeting: %(t)s") % {"t": meeting.title},
        body=f"{meeting.place} · {timezone.localtime(meeting.starts_at):%Y-%m-%d %H:%M}",
        url=f"/deliberation/meetings/{meeting.pk}/",
    )
    return meeting


def _add_participants(meeting: Meeting, region, draft: MeetingDraft) -> None:
    rows: dict[object, Participant] = {}
    if draft.invite_residents:
        memberships = Membership.objects.filter(
            role=Role.RESIDENT, is_active=True, user__is_active=True, region__path__startswith=region.path
        ).select_related("user")
        for membership in memberships.order_by("user_id"):
            account = membership.user
            name = account.display_name or account.username
            rows.setdefault(account.pk, Participant(kind=ParticipantKind.RESIDENT, name=name[:80], user=account))
    for index, invitee in enumerate(draft.participants):
        if invitee.kind not in ParticipantKind.values:
            raise ValidationError({"participants": _("Choose the kind of each participant.")})
        account = None
        if invitee.username:
            account = User.objects.filter(username=invitee.username, is_active=True).first()
            in_community = account is not None and (
                account.is_superuser
                or Membership.objects.filter(
                    user=account, is_active=True, region__path__startswith=region.path
                ).exists()
                or Membership.objects.filter(
                    user=account, is_active=True, region__path__in=selectors.ancestor_paths(region.path)
                ).exists()
            )
            if not in_community:
                raise ValidationError({"participants": _("Invite accounts of the community only.")})
        name = (invitee.name or (account.display_name or account.username if account else "")).strip()
        if not name:
            raise ValidationError({"participants": _("Name each participant.")})
        key = account.pk if account is not None else f"n{index}"
        rows[key] = Participant(kind=invitee.kind, name=name[:80], user=account, votes=invitee.votes)
    if len(rows) > PARTICIPANTS_MAX:
        raise ValidationError(
            {"participants": _("A meeting has at most %(n)d participants.") % {"n": PARTICIPANTS_MAX}}
        )
    for row in rows.values():
        row.meeting = meeting
        row.full_clean(exclude=["meeting", "user"])
    Participant.objects.bulk_create(rows.values())


def _add_agenda(actor, meeting: Meeting, region, draft: MeetingDraft) -> None:
    items = []
    for pk in draft.topics:
        topic = Topic.objects.filter(pk=pk, region_path=region.path, status=TopicStatus.ACCEPTED).first()
        if topic is None:
            raise ValidationError({"topics": _("Put accepted topics of the community on the agenda.")})
        items.append(AgendaItem(topic=topic, title=topic.title))
    items += [AgendaItem(title=t.strip()) for t in draft.agenda if t and t.strip()]
    if len(items) > AGENDA_MAX:
        raise ValidationError({"agenda": _("An agenda has at most %(n)d items.") % {"n": AGENDA_MAX}})
    for position, item in enumerate(items):
        item.meeting, item.position = meeting, position
        item.full_clean(exclude=["meeting", "topic"])
    AgendaItem.objects.bulk_create(items)


def _managed(actor, meeting: Meeting) -> Meeting:
    meeting = Meeting.objects.select_for_update().select_related("community").get(pk=meeting.pk)
    _staff_only(actor, meeting.community)
    return meeting


@transaction.atomic
def attend(*, actor, meeting: Meeting, participant_id: int | None = None) -> Participant:
    """Record attendance: a participant for themself, or staff of the community for anyone listed."""
    if participant_id is None:
        row = Participant.objects.select_for_update().filter(meeting=meeting, user=actor).first()
        if row is None:
            raise ValidationError({"participant": _("You are not a participant of this meeting.")})
    else:
        _staff_only(actor, meeting.community)
        row = Participant.objects.select_for_update().filter(meeting=meeting, pk=participant_id).first()
        if row is None:
            raise ValidationError({"participant": _("Choose a participant of this meeting.")})
    if row.attended_at is None:
        row.attended_at = timezone.now()
        row.save(update_fields=["attended_at"])
        audit.record(actor=actor, action="deliberation.attend", obj=meeting, changes={"participant": row.pk})
    return row


@transaction.atomic
def write_minutes(*, actor, meeting: Meeting, text: str) -> MinutesRevision:
    """Write the minutes: the unsigned latest revision is a draft and takes the new text; once signed it
    never changes, and writing starts the next revision (the signed one stays in the history)."""
    meeting = _managed(actor, meeting)
    text = (text or "").strip()
    latest = meeting.minutes.order_by("-number").first()
    if latest is None or latest.signed_at is not None:
        latest = MinutesRevision(meeting=meeting, number=(latest.number + 1) if latest else 1, written_by=actor)
    latest.text, latest.written_by = text, actor
    latest.full_clean(exclude=["meeting", "written_by", "signed_by"])
    latest.save()
    audit.record(actor=actor, action="deliberation.write_minutes", obj=meeting, changes={"revision": latest.number})
    return latest


@transaction.atomic
def sign_minutes(*, actor, meeting: Meeting) -> MinutesRevision:
    """Sign the latest revision: from now on it is kept as it is."""
    meeting = _managed(actor, meeting)
    latest = meeting.minutes.order_by("-number").first()
    if latest is None:
        raise ValidationError({"minutes": _("Write the minutes before signing them.")})
    if latest.signed_at is not None:
        raise Conflict(_("These minutes are already signed; write a new revision to change them."))
    latest.signed_by, latest.signed_at = actor, timezone.now()
    latest.save(update_fields=["signed_by", "signed_at"], signing=True)
    audit.record(actor=actor, action="deliberation.sign_minutes", obj=meeting, changes={"revision": latest.number})
    return latest


@transaction.atomic
def open_vote(*, actor, meeting: Meeting, question: str) -> Vote:
    meeting = _managed(actor, meeting)
    if Vote.objects.filter(meeting=meeting).exists():
        raise Conflict(_("This meeting already has its vote."))
    vote = Vote(meeting=meeting, question=(question or "").strip(), opened_by=actor)
    vote.full_clean(exclude=["meeting", "opened_by"])
    vote.save()
    audit.record(actor=actor, action="deliberation.open_vote", obj=meeting)
    return vote


@transaction.atomic
def cast_ballot(*, actor, meeting: Meeting, choice: str) -> Ballot:
    """One ballot per eligible participant, none after the vote closes. The vote's row is locked, so a
    ballot and the closing are serialised; the unique constraint holds even past a missed lock."""
    if choice not in Choice.values:
        raise ValidationError({"choice": _("Vote for, against or abstain.")})
    vote = Vote.objects.select_for_update().filter(meeting=meeting).first()
    if vote is None:
        raise Conflict(_("No vote is open in this meeting."))
    if vote.status != VoteStatus.OPEN:
        raise Conflict(_("The vote is closed."))
    participant = Participant.objects.filter(meeting=meeting, user=actor).first()
    if participant is None or not participant.eligible:
        raise ValidationError({"choice": _("Only the meeting's voting participants vote.")})
    if Ballot.objects.filter(vote=vote, participant=participant).exists():
        raise Conflict(_("You have already voted."))
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(vote=vote, participant=participant, choice=choice)
    except IntegrityError:
        raise Conflict(_("You have already voted.")) from None
    audit.record(actor=actor, action="deliberation.vote", obj=meeting)
    return ballot


@transaction.atomic
def close_vote(*, actor, meeting: Meeting) -> Vote:
    """Close the vote and record its result: the ballots counted once, passed with more for than against."""
    _managed(actor, meeting)
    vote = Vote.objects.select_for_update().filter(meeting=meeting).first()
    if vote is None:
        raise Conflict(_("No vote is open in this meeting."))
    if vote.status != VoteStatus.OPEN:
        raise Conflict(_("The vote is closed."))
    counts = {c: 0 for c in Choice.values}
    for choice in Ballot.objects.filter(vote=vote).values_list("choice", flat=True):
        counts[choice] += 1
    vote.yes, vote.no, vote.abstain = counts[Choice.YES], counts[Choice.NO], counts[Choice.ABSTAIN]
    vote.eligible = sum(1 for p in Participant.objects.filter(meeting=meeting) if p.eligible)
    vote.passed = vote.yes > vote.no
    vote.status, vote.closed_at = VoteStatus.CLOSED, timezone.now()
    vote.save()
    audit.record(
        actor=actor,
        action="deliberation.close_vote",
        obj=meeting,
        changes={"yes": vote.yes, "no": vote.no, "abstain": vote.abstain, "passed": vote.passed},
    )
    return vote


@transaction.atomic
def close_meeting(*, actor, meeting: Meeting) -> Meeting:
    meeting = _managed(actor, meeting)
    meeting.status = MeetingStatus.CLOSED
    meeting.save(update_fields=["status"])
    audit.record(actor=actor, action="deliberation.close_meeting", obj=meeting)
    return meeting


# --- decisions ----------------------------------------------------------------------------------------


@dataclass
class DecisionDraft:
    text: str
    kind: str
    due_on: date | None
    owner: str = ""  # an account's username (a task's owner); or a name below
    owner_name: str = ""
    topic: int | None = None
    category: str = ""  # a case's sub-category code
    lon: float | None = None
    lat: float | None = None


@transaction.atomic
def record_decision(*, actor, meeting: Meeting, draft: DecisionDraft) -> Decision:
    """Record what the meeting decided. A case decision goes through the case intake (reported by the
    actor, source "other", an idempotency key per decision); a task names its owner and deadline."""
    meeting = Meeting.objects.select_related("community").get(pk=meeting.pk)
    _staff_only(actor, meeting.community)
    if draft.kind not in DecisionKind.values:
        raise ValidationError({"kind": _("A decision becomes a case or a task.")})
    if draft.due_on is None:
        raise ValidationError({"due_on": _("Give a deadline.")})
    topic = None
    if draft.topic is not None:
        topic = meeting.agenda.filter(topic_id=draft.topic).first()
        if topic is None:
            raise ValidationError({"topic": _("Choose a topic on the meeting's agenda.")})
        topic = topic.topic
    owner = None
    if draft.owner:
        owner = User.objects.filter(username=draft.owner, is_active=True).first()
        if (
            owner is None
            or not selectors.may_manage(owner, meeting.community)
            and not _serves(owner, meeting.community)
        ):
            raise ValidationError({"owner": _("Choose an owner among the community's staff.")})
    owner_name = (draft.owner_name or (owner.display_name or owner.username if owner else "")).strip()
    if not owner_name:
        raise ValidationError({"owner": _("Name who carries the decision out.")})
    decision = Decision(
        meeting=meeting,
        region_path=meeting.region_path,
        topic=topic,
        text=(draft.text or "").strip(),
        kind=draft.kind,
        owner=owner,
        owner_name=owner_name[:80],
        due_on=draft.due_on,
        decided_by=actor,
    )
    decision.full_clean(exclude=["meeting", "topic", "owner", "case", "decided_by"])
    if draft.kind == DecisionKind.CASE:
        decision.case = _report(actor, meeting, topic, draft)
    decision.save()
    if topic is not None and topic.status == TopicStatus.ACCEPTED:
        Topic.objects.filter(pk=topic.pk).update(status=TopicStatus.DECIDED)
    audit.record(
        actor=actor, action="deliberation.decide", obj=meeting, changes={"decision": decision.pk, "kind": decision.kind}
    )
    if owner is not None and owner.pk != actor.pk:
        notify(
            users=[owner],
            kind=Kind.ASSIGNED,
            title=_("Decision to carry out: %(t)s") % {"t": decision.text[:60]},
            url=f"/deliberation/meetings/{meeting.pk}/",
        )
    return decision


def _report(actor, meeting, topic, draft: DecisionDraft):
    """The case a decision becomes: reported through the case intake, at the topic's case or the given
    point, else inside the community; its category the topic's case's unless given."""
    category = draft.category or (topic.case.category.code if topic is not None and topic.case_id else "")
    if not category:
        raise ValidationError({"category": _("Choose the case's category.")})
    lon, lat = draft.lon, draft.lat
    if lon is None or lat is None:
        if topic is not None and topic.case_id:
            lon, lat = topic.case.lon, topic.case.lat
        else:
            lon, lat = _inside(meeting.community)
    text = (draft.text or "").strip()
    report = case_services.Report(
        category=category,
        description=text,
        lon=lon,
        lat=lat,
        source=Source.OTHER,
        title=(topic.title if topic is not None else text)[:80],
    )
    case, _created = case_services.report_case(actor=actor, report=report)
    return case


def _inside(region) -> tuple[float, float]:
    if not region.boundary:
        raise ValidationError({"lon": _("Give the point where the case is.")})
    point = shapely.from_geojson(json.dumps(region.boundary)).representative_point()
    return round(point.x, 7), round(point.y, 7)


@transaction.atomic
def follow_up(*, actor, decision: Decision, note: str, done: bool = False) -> FollowUp:
    """A progress note on a decision by its owner or staff; ``done`` finishes a task (a case decision is
    done when its case is closed)."""
    decision = Decision.objects.select_for_update().select_related("meeting__community").get(pk=decision.pk)
    if decision.owner_id != actor.pk and not selectors.may_manage(actor, decision.meeting.community):
        raise ValidationError({"note": _("Only the owner or staff of the community follow this decision up.")})
    if decision.status == DecisionStatus.DONE:
        raise Conflict(_("This decision is done."))
    if done and decision.kind == DecisionKind.CASE:
        raise ValidationError({"done": _("A case decision is done when its case is closed.")})
    row = FollowUp(decision=decision, note=(note or "").strip(), done=done, by=actor)
    row.full_clean(exclude=["decision", "by"])
    row.save()
    if done:
        decision.status, decision.done_at = DecisionStatus.DONE, timezone.now()
        decision.save(update_fields=["status", "done_at"])
    audit.record(
        actor=actor,
        action="deliberation.follow_up",
        obj=decision.meeting,
        changes={"decision": decision.pk, "done": done},
    )
    return row


def case_moved(notice) -> None:
    """``cases.events.MOVED`` (in the case's transaction): a decision's case that is closed finishes it."""
    case = notice.case
    if case.status not in FINISHED_STATUSES:
        return
    for decision in Decision.objects.select_for_update().filter(case=case, status=DecisionStatus.OPEN):
        FollowUp.objects.create(decision=decision, note=_("The case %(n)s is closed.") % {"n": case.number}, done=True)
        decision.status, decision.done_at = DecisionStatus.DONE, notice.now
        decision.save(update_fields=["status", "done_at"])
