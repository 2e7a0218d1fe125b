from datetime import datetime

from axes.utils import reset as axes_reset
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from wangge.accounts import roles, services
from wangge.accounts.models import Role

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str = Field(..., min_length=1, max_length=150, description="Username or mobile number")
    password: str = Field(..., min_length=1, max_length=256)


class MeOut(Schema):
    username: str
    display_name: str
    roles: list[str]
    role_labels: list[str]


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    expires_at: datetime
    user: MeOut


class ErrorOut(Schema):
    detail: str
    errors: list[dict] = []


def me_of(user) -> MeOut:
    user_roles = roles.roles_of(user)
    return MeOut(
        username=user.username,
        display_name=user.display_name or user.username,
        roles=user_roles,
        role_labels=[str(Role(r).label) for r in user_roles],
    )


@router.post("/token", auth=None, response={200: TokenOut, 401: ErrorOut, 429: ErrorOut})
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
    return Status(200, TokenOut(token=key, expires_at=token.expires_at, user=me_of(user)))


@router.get("/me", response=MeOut)
def me(request):
    """Who the caller is and which roles they hold."""
    return me_of(request.auth)
