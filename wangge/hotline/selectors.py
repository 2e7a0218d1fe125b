"""Reads: the work orders in the caller's data reach, the mapping table, and the hotline's 三率 of a region.

三率 of the orders taken in for a region (by the day they were imported, Asia/Shanghai):
- response rate (响应率): orders whose case had its first response (accept, reject, merge, solved on the
  spot) before that stage's deadline ÷ orders;
- resolution rate (解决率): orders whose case is closed or rated ÷ orders that are closed or rated, or whose
  hotline deadline has passed (an order still inside its deadline is not yet due);
- satisfaction rate (满意率): satisfied ÷ rated.
A rate is null when nothing is counted under it."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from wangge.accounts.scope import restrict, scope_for
from wangge.cases.models import FINISHED_STATUSES, CaseEvent
from wangge.hotline import permissions
from wangge.hotline.models import CategoryMapping, HotlineOrder
from wangge.regions.models import Region
from wangge.regions.selectors import get_region_for

RESPONSE_ACTIONS = ("accept", "reject", "merge", "solve_on_spot")


def orders_for(user) -> QuerySet[HotlineOrder]:
    return restrict(HotlineOrder.objects.select_related("case"), user, field="region_path")


def get_order_for(user, number: str) -> HotlineOrder:
    order = orders_for(user).filter(number=number).first()
    if order is None:
        raise Http404
    return order


def mappings_for(user) -> QuerySet[CategoryMapping]:
    permissions.require_manage(user)
    return CategoryMapping.objects.select_related("category")


@dataclass
class Rates:
    region: Region
    date_from: date | None
    date_to: date | None
    orders: int
    responded_on_time: int
    due: int
    resolved: int
    rated: int
    satisfied: int

    @staticmethod
    def _rate(numerator: int, denominator: int) -> float | None:
        return round(numerator / denominator, 4) if denominator else None

    @property
    def response_rate(self) -> float | None:
        return self._rate(self.responded_on_time, self.orders)

    @property
    def resolution_rate(self) -> float | None:
        return self._rate(self.resolved, self.due)

    @property
    def satisfaction_rate(self) -> float | None:
        return self._rate(self.satisfied, self.rated)


def region_in_reach(user, code: str) -> Region:
    """A region whose cases the caller may count (``stats.view`` and the region in the data reach); 404 else."""
    permissions.require_stats(user)
    region = get_region_for(user, code)
    if not scope_for(user).covers_path(region.path):
        raise Http404("region")
    return region


def rates(
    region: Region, *, date_from: date | None = None, date_to: date | None = None, now: datetime | None = None
) -> Rates:
    """The 三率 of the orders imported for ``region``'s subtree between the two days (inclusive)."""
    now = now or timezone.now()
    orders = HotlineOrder.objects.filter(region_path__startswith=region.path)
    if date_from:
        orders = orders.filter(imported_at__gte=timezone.make_aware(datetime.combine(date_from, time.min)))
    if date_to:
        orders = orders.filter(
            imported_at__lt=timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min))
        )
    finished = Q(case__status__in=FINISHED_STATUSES)
    total = orders.count()
    responded = (
        CaseEvent.objects.filter(case_id__in=orders.values("case_id"), action__in=RESPONSE_ACTIONS, on_time=True)
        .values("case_id")
        .distinct()
        .count()
    )
    return Rates(
        region=region,
        date_from=date_from,
        date_to=date_to,
        orders=total,
        responded_on_time=responded,
        due=orders.filter(finished | Q(deadline__lt=now)).count(),
        resolved=orders.filter(finished).count(),
        rated=orders.filter(case__satisfied__isnull=False).count(),
        satisfied=orders.filter(case__satisfied=True).count(),
    )
