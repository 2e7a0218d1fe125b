"""The demo is reproducible: the same seed gives the same cases."""

from wangge.cases.demo import create_demo_cases
from wangge.cases.models import Case


def test_the_same_seed_gives_the_same_cases(db):
    create_demo_cases(count=50, seed=11)
    first = list(Case.objects.order_by("number").values_list("number", "category__code", "status"))
    Case.objects.all().delete()
    create_demo_cases(count=50, seed=11)
    second = list(Case.objects.order_by("number").values_list("number", "category__code", "status"))
    assert first == second
