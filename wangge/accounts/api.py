from datetime import datetime

from axes.utils import reset as axes_reset
from django.contrib.auth import authenticate
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from wangge.accounts import roles, services
from wangge.accounts.models import Role
from wangge.core.api_errors import ApiErrorOut
from wangge.core.pagination import Page, PageQuery, keyset_page
from wangge.core.text import Text

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: Text = Field(..., min_length=1, max_length=150, description="Username or mobile number")
    password: str = Field(..., min_length=1, max_length=256)


class MeOut(Schema):
    """Read from a ``User``."""

    username: str
    display_name: str
    roles: list[str]
    role_labels: list[str]

    @staticmethod
    def resolve_display_name(user) -> str:
        return user.display_name or user.username

    @staticmethod
    def resolve_roles(user) -> list[str]:
        return roles.roles_of(user)

    @staticmethod
    def resolve_role_labels(user) -> list[str]:
        return [str(Role(r).label) for r in roles.roles_of(user)]


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    expires_at: datetime
    user: MeOut


@router.post("/token", auth=None, response={200: TokenOut, 401: ApiErrorOut, 429: ApiErrorOut})
def issue_token(request, payload: TokenIn):
    """Exchange a username (or phone) and password for a bearer token."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        message = _("Too many failed attempts: this account is locked for a while. Try again later.")
        return Status(429, {"detail": message, "errors": [{"field": "username", "message": message}]})
    if user is None:
        message = _("The username or password is wrong.")
        return Status(401, {"detail": message, "errors": [{"field": "password", "message": message}]})
    # A token is a successful log-in: clear the failures as AXES_RESET_ON_SUCCESS does for the page.
    axes_reset(username=user.get_username())
    key, token = services.issue_token(user=user)
    return Status(200, {"token": key, "expires_at": token.expires_at, "user": user})


@router.get("/me", response=MeOut)
def me(request):
    """Who the caller is and which roles they hold."""
    return request.auth


def _current_token_id(request) -> int | None:
    """The id of the token this request was made with (None: the session), looked up once per request."""
    if not hasattr(request, "wangge_token_id"):
        header = request.headers.get("Authorization", "")
        scheme, _sep, key = header.partition(" ")
        token = services.token_for_key(key.strip()) if scheme.lower() == "bearer" else None
        request.wangge_token_id = token.pk if token is not None else None
    return request.wangge_token_id


class ApiTokenOut(Schema):
    """Read from an ``ApiToken`` of the caller."""

    id: int
    prefix: str = Field(description="The first characters of the token, to tell them apart")
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    current: bool = Field(description="The token this request was made with")

    @staticmethod
    def resolve_current(token, context) -> bool:
        return token.pk == _current_token_id(context["request"])


class RevokedOut(Schema):
    revoked: int


@router.get("/tokens", response=Page[ApiTokenOut])
def my_tokens(request, query: Query[PageQuery]):
    """The caller's live tokens (newest first); a token itself is never shown again."""
    return keyset_page(services.live_tokens(request.auth), query, order=("-created_at", "-id"), count=True)


# Declared before /tokens/{token_id}, which would take "revoke-all" for an id.
@router.post("/tokens/revoke-all", response=RevokedOut)
def revoke_all_tokens(request):
    """Revoke every token of the caller, this one included."""
    return {"revoked": services.revoke_all_tokens(actor=request.auth)}


@router.delete("/tokens/{token_id}", response={204: None})
def revoke_token(request, token_id: int):
    """Revoke one of the caller's tokens (the one in use too); it stops working at once."""
    token = services.live_tokens(request.auth).filter(pk=token_id).first()
    if token is None:
        raise Http404("token")
    services.revoke_own_token(actor=request.auth, token=token)
    return Status(204, None)
