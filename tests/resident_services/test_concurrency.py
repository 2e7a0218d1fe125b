"""Races on PostgreSQL: many claims on one wish (exactly one wins, the others 409) and many sign-ups for the
last places (never above capacity; the waiting list in order, moving up on cancel). Each runs its whole
production transaction on a connection of its own."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from tests.postgres import concurrent_postgres, in_thread, race
from wangge.accounts.models import AuditLog, Membership, Role, User
from wangge.core.errors import Conflict
from wangge.inbox.models import Message
from wangge.regions.models import Region
from wangge.services import services
from wangge.services.models import (
    Activity,
    CallOut,
    SignUp,
    SignUpStatus,
    TeamMember,
    VolunteerTeam,
    Wish,
    WishStatus,
)

pytestmark = concurrent_postgres("needs concurrent connections and row locks")

GRID_1 = "329901001001001"
COMMUNITY_1 = "329901001001"


@pytest.fixture
def cleaned():
    """Rows the threads commit, deleted afterwards (the demo town is shared by the whole session)."""
    last_log = in_thread(lambda: AuditLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    last_message = in_thread(lambda: Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    made = {"wishes": [], "activities": [], "users": [], "teams": []}
    yield made

    def clean_up():
        SignUp.objects.filter(activity_id__in=made["activities"]).delete()
        Activity.objects.filter(pk__in=made["activities"]).delete()
        Wish.objects.filter(pk__in=made["wishes"]).delete()
        VolunteerTeam.objects.filter(pk__in=made["teams"]).delete()
        Message.objects.filter(pk__gt=last_message).delete()
        AuditLog.objects.filter(pk__gt=last_log).delete()
        User.objects.filter(pk__in=made["users"]).delete()

    in_thread(clean_up)


def _residents(count: int, made: dict) -> list[int]:
    def create():
        grid = Region.objects.get(code=GRID_1)
        ids = []
        for number in range(count):
            person = User.objects.create_user(username=f"race_{number}", password=None)
            Membership.objects.create(user=person, role=Role.RESIDENT, region=grid)
            ids.append(person.pk)
        return ids

    made["users"] += (ids := in_thread(create))
    return ids


def test_of_many_claims_at_once_exactly_one_wins(cleaned):
    claimers = _residents(5, cleaned)

    def prepare():
        wish = services.post_wish(actor=User.objects.get(username="resident1"), title="一副老花镜")
        services.review_wish(actor=User.objects.get(username="community1"), wish=wish, approve=True)
        return wish.pk

    wish_pk = in_thread(prepare)
    cleaned["wishes"].append(wish_pk)

    def claim(user_pk):
        with translation.override("en"):
            return services.claim_wish(
                actor=User.objects.get(pk=user_pk), wish=Wish.objects.get(pk=wish_pk), kind="volunteer"
            ).claimed_by_id

    outcomes = race(claim, *claimers)
    winners = [pk for pk, outcome in outcomes.items() if not isinstance(outcome, Exception)]
    losers = [outcome for outcome in outcomes.values() if isinstance(outcome, Exception)]
    assert len(winners) == 1 and outcomes[winners[0]] == winners[0]
    assert len(losers) == 4 and all(isinstance(e, Conflict) for e in losers)
    wish = in_thread(lambda: Wish.objects.get(pk=wish_pk))
    assert wish.status == WishStatus.CLAIMED and wish.claimed_by_id == winners[0]


def test_sign_ups_at_once_never_pass_the_capacity_and_the_waiting_list_moves_up_in_order(cleaned):
    people = _residents(6, cleaned)

    def prepare():
        starts = timezone.now() + timedelta(days=1)
        return services.plan_activity(
            actor=User.objects.get(username="community1"),
            kind="haircut",
            title="爱心义剪",
            region=COMMUNITY_1,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            capacity=2,
            organiser="社区党总支",
            address="社区广场",
        ).pk

    activity_pk = in_thread(prepare)
    cleaned["activities"].append(activity_pk)

    def sign_up(user_pk):
        return services.sign_up(
            actor=User.objects.get(pk=user_pk), activity=Activity.objects.get(pk=activity_pk)
        ).status

    outcomes = race(sign_up, *people)
    assert all(not isinstance(o, Exception) for o in outcomes.values()), outcomes
    assert sorted(outcomes.values()) == ["confirmed", "confirmed"] + ["waiting"] * 4

    def rows():
        return list(
            SignUp.objects.filter(activity_id=activity_pk).order_by("created_at", "id").values_list("user_id", "status")
        )

    before = in_thread(rows)
    confirmed = [u for u, s in before if s == SignUpStatus.CONFIRMED]
    waiting = [u for u, s in before if s == SignUpStatus.WAITING]

    # two confirmed people cancel at once: the first two waiting move up, in order, and no more
    def cancel(user_pk):
        return services.cancel_sign_up(
            actor=User.objects.get(pk=user_pk), activity=Activity.objects.get(pk=activity_pk)
        ).status

    cancelled = race(cancel, *confirmed)
    assert all(o == SignUpStatus.CANCELLED for o in cancelled.values()), cancelled
    after = dict(in_thread(rows))
    assert [u for u in waiting if after[u] == SignUpStatus.CONFIRMED] == waiting[:2]
    assert [u for u in waiting if after[u] == SignUpStatus.WAITING] == waiting[2:]


def test_of_members_accepting_a_call_out_at_once_the_first_takes_it(cleaned):
    members = _residents(4, cleaned)

    def prepare():
        staff = User.objects.get(username="community1")
        team = services.create_team(actor=staff, name="竞速服务队", region=COMMUNITY_1)
        TeamMember.objects.bulk_create([TeamMember(team=team, user_id=pk) for pk in members])
        callout = services.call_out(actor=staff, team=team, title="扶老人上楼")
        return team.pk, callout.pk

    team_pk, callout_pk = in_thread(prepare)
    cleaned["teams"].append(team_pk)

    def accept(user_pk):
        with translation.override("en"):
            return services.accept_call_out(
                actor=User.objects.get(pk=user_pk), callout=CallOut.objects.get(pk=callout_pk)
            ).accepted_by_id

    outcomes = race(accept, *members)
    winners = [pk for pk, outcome in outcomes.items() if not isinstance(outcome, Exception)]
    assert len(winners) == 1
    assert all(isinstance(o, Conflict) for pk, o in outcomes.items() if pk not in winners)
    callout = in_thread(lambda: CallOut.objects.get(pk=callout_pk))
    assert callout.accepted_by_id == winners[0] and callout.response_seconds is not None
