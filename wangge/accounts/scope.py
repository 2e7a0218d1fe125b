"""The one scoping function: which part of the region tree a user may see.

A grid worker sees their grid(s); a community its grids; a street its communities; a department its
jurisdictions; a resident their home grid; an administrator at the root everything. Every selector
that returns regions, people or cases restricts through ``restrict``; an object outside the scope is
answered like an absent one (404).
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    is_global: bool
    paths: tuple[str, ...]  # materialized paths of the subtree roots, none a prefix of another
    department_ids: tuple[int, ...]

    @property
    def is_empty(self) -> bool:
        return not self.is_global and not self.paths

    def covers_path(self, path: str) -> bool:
        return self.is_global or any(path.startswith(p) for p in self.paths)


EMPTY = Scope(user_id=None, is_global=False, paths=(), department_ids=())


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
    # A superuser sees everything; an administrator's reach is the region of their membership.
    is_global = user.is_superuser
    scope = Scope(
        user_id=user.pk,
        is_global=is_global,
        paths=_outermost(path for _, path, _ in rows),
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


def path_filter(scope: Scope, field: str = "path") -> Q:
    """A Q object matching rows whose ``field`` lies under the scope; matches nothing for no scope."""
    if scope.is_global:
        return Q()
    if not scope.paths:
        return Q(pk__in=[])
    q = Q()
    for path in scope.paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def restrict(queryset: QuerySet, user, *, field: str = "path") -> QuerySet:
    scope = scope_for(user)
    if scope.is_empty:
        return queryset.none()
    return queryset.filter(path_filter(scope, field))
