"""Party work in assessment: its indicators (``Subject.PARTY``, formulas over ``party.selectors.PARTY_COUNTERS``)
for a region and the areas below, and its points (a 双百 claim done, a 双报到 confirmed) credited to the
member's own account. Assessment stands above party: it reads party's selectors and subscribes to
``party.events`` in ``AssessmentConfig.ready()``; party imports nothing of assessment."""

from datetime import date

from django.utils import timezone

from wangge.assessment import points
from wangge.assessment.models import Subject, Trigger
from wangge.assessment.selectors import Row, _row, indicators
from wangge.party import events
from wangge.party import selectors as party_selectors
from wangge.regions.models import Region
from wangge.rollups.selectors import Node, region_node


def node_rows(user, node: Node, start: date, end: date) -> tuple[Row | None, list[Row]]:
    """The party indicators of a region node (its row) and of each area below it; none for a department."""
    if node.region is None:
        return None, []
    items = indicators(Subject.PARTY)
    total, children = party_selectors.work_counters(user, node.code, start, end)
    regions = {r.code: r for r in Region.objects.filter(parent=node.region, is_active=True)}
    own = _row("region", node.key, node.code, node.name, total, items, node=node)
    rows = [
        _row("region", regions[code].path, code, regions[code].name, counters, items, node=region_node(regions[code]))
        for code, counters in children.items()
        if code in regions
    ]
    return own, rows


def _credit(trigger: str, user_id: int | None, source: str, day: date, note: str) -> int:
    return points.credit(trigger=trigger, user_id=user_id, day=day, source=source, note=note)


def claim_done(notice: events.ClaimDone) -> int:
    """A member's claim done: their own account earns the rule's points (a unit's claim earns none)."""
    claim = notice.claim
    account = claim.member.account_id if claim.member_id else None
    day = timezone.localdate(claim.done_at)
    return _credit(Trigger.CLAIM_DONE, account, f"party.claim:{claim.pk}", day, claim.item.title)


def registration_confirmed(notice: events.RegistrationConfirmed) -> int:
    registration = notice.registration
    account = registration.member.account_id if registration.member_id else None
    day = timezone.localdate(registration.confirmed_at)
    return _credit(Trigger.REGISTRATION_CONFIRMED, account, f"party.registration:{registration.pk}", day, "双报到")
