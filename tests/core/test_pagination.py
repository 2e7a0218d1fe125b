"""The one page convention: keyset pages in any order walk every row once, and a cursor that does not
parse is refused naming the field."""

import pytest
from django.core.exceptions import ValidationError

from wangge.core.pagination import PageQuery, keyset_page
from wangge.regions.models import Region


def walk(queryset, order, size):
    seen, cursor = [], None
    while True:
        page = keyset_page(queryset, PageQuery(cursor=cursor, size=size), order=order, item=lambda r: r.pk)
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen


@pytest.mark.django_db
@pytest.mark.parametrize("order", [("-id",), ("level", "-code", "id"), ("-parent__code", "name", "-id")])
def test_pages_in_any_order_hold_every_row_once_in_that_order(order):
    regions = Region.objects.filter(level__in=["street", "community", "grid"])
    expected = list(regions.order_by(*order).values_list("pk", flat=True))
    assert len(expected) > 50
    assert walk(regions, order, size=7) == expected


@pytest.mark.django_db
def test_the_count_is_the_whole_match_and_only_when_asked():
    regions = Region.objects.filter(level="community")
    first = keyset_page(regions, PageQuery(size=5), count=True)
    assert first["count"] == regions.count() and len(first["items"]) == 5
    assert keyset_page(regions, PageQuery(size=5))["count"] is None
    later = keyset_page(regions, PageQuery(size=5, cursor=first["next_cursor"]), count=True)
    assert later["count"] == regions.count() and not {r.pk for r in first["items"]} & {r.pk for r in later["items"]}


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", ["nonsense", "W10", "WyJ4Il0", "WyIyMDI2LTEzLTQwIiwgMV0", "WzEsMl0"])
def test_a_cursor_that_does_not_parse_is_refused_naming_it(cursor):
    with pytest.raises(ValidationError) as refused:
        keyset_page(Region.objects.all(), PageQuery(cursor=cursor, size=5), order=("-created_at", "-id"))
    assert list(refused.value.message_dict) == ["cursor"]
