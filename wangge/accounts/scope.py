"""The one scoping function: which part of the region tree a user may see.

Two reaches come out of a user's memberships:

- the **map reach** (``map_paths``): the regions a user may look at — every membership counts, so a
  resident sees their home grid and a department its jurisdiction;
- the **data reach** (``paths``): the regions whose people and cases a user may read — only staff
  roles count. A resident reads only their own reports; a department reads the cases dispatched to
  it (``department_ids``), not everything in its jurisdiction.

A superuser reaches everything. Selectors restrict through ``restrict`` (data) or
``restrict_regions`` (map); an object outside the reach answers like an absent one (404).
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from wangge.accounts.models import Role

# Roles whose membership gives no reach over people and cases of the region.
NO_DATA_REACH = frozenset({Role.RESIDENT, Role.DEPARTMENT_STAFF})


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    is_global: bool
    paths: tuple[str, ...]  # data reach: subtree roots, none a prefix of another
    map_paths: tuple[str, ...]  # map reach: subtree roots, none a prefix of another
    department_ids: tuple[int, ...]

    @property
    def is_empty(self) -> bool:
        return not self.is_global and not self.paths

    def covers_path(self, path: str) -> bool:
        return self.is_global or any(path.startswith(p) for p in self.paths)

    def map_covers_path(self, path: str) -> bool:
        return self.is_global or any(path.startswith(p) for p in self.map_paths)


EMPTY = Scope(user_id=None, is_global=False, paths=(), map_paths=(), department_ids=())


def scope_for(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY
    cached = getattr(user, "_wangge_scope", None)
    if cached is not None:
        return cached
    rows = list(
        user.memberships.filter(is_active=True, region__is_active=True).values_list(
            "role", "region__path", "department_id"
        )
    )
    scope = Scope(
        user_id=user.pk,
        is_global=user.is_superuser,
        paths=_outermost(path for role, path, _ in rows if role not in NO_DATA_REACH),
        map_paths=_outermost(path for _, path, _ in rows),
        department_ids=tuple(sorted({d for _, _, d in rows if d})),
    )
    user._wangge_scope = scope
    return scope


def _outermost(paths) -> tuple[str, ...]:
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(sorted(kept))


def paths_filter(paths: tuple[str, ...], field: str) -> Q:
    """A Q object matching rows whose ``field`` lies under one of ``paths``; nothing for no paths."""
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def path_filter(scope: Scope, field: str = "path") -> Q:
    return Q() if scope.is_global else paths_filter(scope.paths, field)


def restrict(queryset: QuerySet, user, *, field: str = "path") -> QuerySet:
    """Rows under the user's data reach (people, cases, ledgers)."""
    scope = scope_for(user)
    if scope.is_empty:
        return queryset.none()
    return queryset.filter(path_filter(scope, field))


def restrict_regions(queryset: QuerySet, user, *, field: str = "path") -> QuerySet:
    """Regions under the user's map reach."""
    scope = scope_for(user)
    if scope.is_global:
        return queryset
    return queryset.filter(paths_filter(scope.map_paths, field))
