"""Who is asking, from where: set once per request so that audit records need no request argument."""

from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class RequestContext:
    ip: str = ""
    user_agent: str = ""
    path: str = ""


_NOBODY = RequestContext()
_current: ContextVar[RequestContext | None] = ContextVar("wangge_request_context", default=None)


def current() -> RequestContext:
    return _current.get() or _NOBODY


def set_current(ctx: RequestContext):
    return _current.set(ctx)


def reset(token) -> None:
    _current.reset(token)


def client_ip(request) -> str:
    # Behind a reverse proxy set WANGGE_TRUST_X_FORWARDED_FOR=1; otherwise the header is forgeable.
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:45]
    return request.META.get("REMOTE_ADDR", "")[:45]
