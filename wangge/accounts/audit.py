"""One entry point for audit records: every write and every sensitive read calls ``record``."""

from wangge.accounts.models import AuditLog
from wangge.core import request_context


def record(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    summary: str = "",
    changes: dict | None = None,
) -> AuditLog:
    ctx = request_context.current()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        summary = summary or str(obj)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditLog.objects.create(
        actor=actor if authenticated else None,
        actor_name=actor.get_username() if authenticated else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=summary[:200],
        changes=changes or {},
        ip=ctx.ip,
        user_agent=ctx.user_agent,
        path=ctx.path,
    )
