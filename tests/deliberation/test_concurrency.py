"""Races on PostgreSQL: many ballots at once (each eligible participant counted once; the same participant's
second ballot at the same moment is a 409) and ballots racing the closing (none counted after it: the
recorded result equals the ballots kept). Each request runs its whole production transaction on a
connection of its own."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from tests.postgres import concurrent_postgres, in_thread, race
from wangge.accounts.models import AuditLog, Membership, Role, User
from wangge.core.errors import Conflict
from wangge.deliberation import services
from wangge.deliberation.models import Ballot, Meeting, Vote
from wangge.inbox.models import Message
from wangge.regions.models import Region

pytestmark = concurrent_postgres("needs concurrent connections and row locks")

GRID_1 = "329901001001001"
COMMUNITY_1 = "329901001001"


@pytest.fixture
def voters():
    """Resident accounts and a meeting with its vote open, committed from threads; deleted afterwards."""
    last_log = in_thread(lambda: AuditLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    last_message = in_thread(lambda: Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)

    def prepare():
        grid = Region.objects.get(code=GRID_1)
        ids = []
        for number in range(6):
            person = User.objects.create_user(username=f"voter_{number}", password=None)
            Membership.objects.create(user=person, role=Role.RESIDENT, region=grid)
            ids.append(person.pk)
        staff = User.objects.get(username="community1")
        meeting = services.call_meeting(
            actor=staff,
            draft=services.MeetingDraft(
                community=COMMUNITY_1,
                title="表决",
                place_kind="room",
                place="议事室",
                starts_at=timezone.now() + timedelta(hours=1),
                participants=[services.Invitee("resident", username=f"voter_{n}") for n in range(6)],
            ),
        )
        services.open_vote(actor=staff, meeting=meeting, question="同意吗？")
        return ids, meeting.pk

    ids, meeting_pk = in_thread(prepare)
    yield ids, meeting_pk

    def clean_up():
        Ballot.objects.filter(vote__meeting_id=meeting_pk).delete()
        Meeting.objects.filter(pk=meeting_pk).delete()
        Message.objects.filter(pk__gt=last_message).delete()
        AuditLog.objects.filter(pk__gt=last_log).delete()
        User.objects.filter(pk__in=ids).delete()

    in_thread(clean_up)


def _cast(meeting_pk, user_pk, choice="yes"):
    with translation.override("en"):
        return services.cast_ballot(
            actor=User.objects.get(pk=user_pk), meeting=Meeting.objects.get(pk=meeting_pk), choice=choice
        ).pk


def test_every_participant_voting_at_once_is_counted_once(voters):
    ids, meeting_pk = voters
    outcomes = race(lambda pk: _cast(meeting_pk, pk), *ids)
    assert all(isinstance(o, int) for o in outcomes.values()), outcomes
    vote = in_thread(
        lambda: services.close_vote(
            actor=User.objects.get(username="community1"), meeting=Meeting.objects.get(pk=meeting_pk)
        )
    )
    assert (vote.yes, vote.no, vote.abstain, vote.eligible) == (6, 0, 0, 6)


def test_one_participant_voting_twice_at_once_is_counted_once(voters):
    ids, meeting_pk = voters
    outcomes = race(lambda n: _cast(meeting_pk, ids[0], "yes" if n % 2 else "no"), 1, 2, 3, 4)
    kept = [o for o in outcomes.values() if isinstance(o, int)]
    refused = [o for o in outcomes.values() if isinstance(o, Conflict)]
    assert len(kept) == 1 and len(refused) == 3, outcomes
    assert in_thread(lambda: Ballot.objects.filter(vote__meeting_id=meeting_pk).count()) == 1


def test_no_ballot_counts_after_the_vote_closes(voters):
    ids, meeting_pk = voters

    def act(who):
        if who == "close":
            with translation.override("en"):
                return services.close_vote(
                    actor=User.objects.get(username="community1"), meeting=Meeting.objects.get(pk=meeting_pk)
                ).status
        return _cast(meeting_pk, who)

    outcomes = race(act, "close", *ids)
    assert outcomes["close"] == "closed", outcomes
    cast = [pk for pk in ids if isinstance(outcomes[pk], int)]
    late = [pk for pk in ids if isinstance(outcomes[pk], Conflict)]
    assert len(cast) + len(late) == len(ids), outcomes
    vote = in_thread(lambda: Vote.objects.get(meeting_id=meeting_pk))
    assert vote.yes == len(cast)  # the recorded result is exactly the ballots cast before the closing
    assert in_thread(lambda: Ballot.objects.filter(vote=vote).count()) == len(cast)
