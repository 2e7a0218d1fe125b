"""Who may do what: one predicate per action in services, asked by the service's guard and by the page. A
button is on the page exactly when the service accepts the action; every write runs in its own transaction
(a guard moved out of ``transaction.atomic`` leaves ``select_for_update`` outside a transaction, which
PostgreSQL refuses: the call-out race then has no winner)."""

import inspect

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tests.resident_services.conftest import png
from wangge.core.errors import Conflict
from wangge.services import services
from wangge.services.models import CallOut, Errand, TeamMember, Wish

pytestmark = pytest.mark.django_db

PERSONAS = ("resident1", "gridworker1", "gridworker2", "community1", "leader")


def _accepted(call) -> bool:
    """Whether the service takes the action (run inside a savepoint rolled back afterwards)."""
    try:
        with transaction.atomic():
            call()
            transaction.set_rollback(True)
    except (PermissionDenied, ValidationError, Conflict):
        return False
    return True


def test_every_write_runs_in_a_transaction_of_its_own():
    writes = [
        (name, fn)
        for name, fn in vars(services).items()
        if inspect.isfunction(fn)
        and fn.__module__ == services.__name__
        and not name.startswith("_")
        and "actor" in inspect.signature(fn).parameters
        and inspect.signature(fn).parameters["actor"].kind is inspect.Parameter.KEYWORD_ONLY
    ]
    assert len(writes) > 20
    unwrapped = [
        name
        for name, fn in writes
        if not any(isinstance(cell.cell_contents, transaction.Atomic) for cell in (fn.__closure__ or ()))
    ]
    assert unwrapped == []


def test_the_predicates_only_read():
    for name in dir(services):
        if name.startswith("may_") or name.endswith("_actions"):
            assert "actor" not in inspect.signature(getattr(services, name)).parameters, name


def test_the_errand_page_offers_take_exactly_to_whom_the_service_lets_take_it(user, browser):
    errand = services.request_errand(actor=user("resident1"), category="certificate", description="开具居住证明")
    for persona in PERSONAS:
        actor = user(persona)
        fresh = Errand.objects.get(pk=errand.pk)
        allowed = _accepted(lambda actor=actor, fresh=fresh: services.take_errand(actor=actor, errand=fresh))
        assert ("take" in services.errand_actions(actor, fresh)) is allowed, persona
        page = browser(persona).get(f"/services/errands/{errand.pk}/")
        if page.status_code == 200:
            assert (b'data-testid="errand-take"' in page.content) is allowed, persona
        else:
            assert page.status_code == 404 and not allowed, persona
    assert services.errand_actions(user("resident1"), errand) == {"cancel"}
    taken = services.take_errand(actor=user("gridworker1"), errand=errand)
    assert services.errand_actions(user("gridworker1"), taken) == {"complete"}
    assert services.errand_actions(user("community1"), taken) == {"complete"}
    assert services.errand_actions(user("resident1"), taken) == frozenset()


def test_the_wish_page_offers_what_the_services_accept(user, browser, wish_of):
    calls = {
        "review": lambda actor, wish: services.review_wish(actor=actor, wish=wish, approve=True),
        "withdraw": lambda actor, wish: services.withdraw_wish(actor=actor, wish=wish),
        "claim": lambda actor, wish: services.claim_wish(actor=actor, wish=wish, kind="volunteer"),
        "fulfil": lambda actor, wish: services.fulfil_wish(actor=actor, wish=wish, photo=png()),
        "confirm": lambda actor, wish: services.confirm_wish(actor=actor, wish=wish),
    }
    markers = {
        "review": b"/approve/",
        "withdraw": b'data-testid="wish-withdraw"',
        "claim": b'data-testid="wish-claim-form"',
        "fulfil": b'data-testid="wish-fulfil-form"',
        "confirm": b'data-testid="wish-confirm-form"',
    }
    for status in ("pending", "open", "claimed", "fulfilled"):
        wish = wish_of(status)
        for persona in PERSONAS:
            actor = user(persona)
            actions = services.wish_actions(actor, Wish.objects.get(pk=wish.pk))
            page = browser(persona).get(f"/services/wishes/{wish.pk}/")
            for action, call in calls.items():
                allowed = _accepted(lambda call=call, actor=actor, pk=wish.pk: call(actor, Wish.objects.get(pk=pk)))
                assert (action in actions) is allowed, (status, persona, action)
                if page.status_code == 200:
                    assert (markers[action] in page.content) is allowed, (status, persona, action)


def test_the_call_out_page_offers_what_the_services_accept(user, browser):
    staff = user("community1")
    team = services.create_team(actor=staff, name="助老服务队", region="329901001001")
    TeamMember.objects.create(team=team, user=user("resident1"))
    callout = services.call_out(actor=staff, team=team, title="扶老人上楼")
    assert services.may_call_out(staff, team) and services.may_call_out(user("resident1"), team)
    assert not services.may_call_out(user("gridworker2"), team)
    for persona in PERSONAS:
        actor = user(persona)
        allowed = _accepted(
            lambda actor=actor: services.accept_call_out(actor=actor, callout=CallOut.objects.get(pk=callout.pk))
        )
        assert ("accept" in services.call_out_actions(actor, callout)) is allowed, persona
        page = browser(persona).get(f"/services/call-outs/{callout.pk}/")
        if page.status_code == 200:
            assert (b'data-testid="callout-accept"' in page.content) is allowed, persona
    taken = services.accept_call_out(actor=user("resident1"), callout=callout)
    assert services.call_out_actions(user("resident1"), taken) == {"complete"}
    assert services.call_out_actions(staff, taken) == {"complete"}
    assert services.call_out_actions(user("gridworker2"), taken) == frozenset()
