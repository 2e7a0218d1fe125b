"""Every write about users, memberships and tokens: atomic, audited, with a keyword-only actor."""

import hashlib
import secrets
from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts import audit
from wangge.accounts.models import ApiToken, Department, Membership, Role, User
from wangge.core import pii
from wangge.core.validators import validate_mobile

TOKEN_PREFIX = "wg_"


@transaction.atomic
def create_user(
    *,
    actor,
    username: str,
    password: str | None,
    display_name: str = "",
    phone: str = "",
    is_superuser: bool = False,
) -> User:
    user = User(
        username=username.strip(), display_name=display_name.strip(), is_superuser=is_superuser, is_staff=is_superuser
    )
    if phone:
        phone = validate_mobile(phone)
        user.set_phone(phone)
        if User.objects.filter(phone_index__in=pii.blind_indexes(phone, kind="phone")).exists():
            raise ValidationError({"phone": _("Another account already uses this phone number.")})
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(actor=actor, action="accounts.user.create", obj=user)
    return user


@transaction.atomic
def grant_membership(
    *, actor, user: User, role: str, region, department: Department | None = None, title: str = ""
) -> Membership:
    if role == Role.DEPARTMENT_STAFF and department is None:
        raise ValidationError({"department": _("Department staff must belong to a department.")})
    membership, created = Membership.objects.get_or_create(
        user=user, role=role, region=region, defaults={"department": department, "title": title}
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    audit.record(
        actor=actor, action="accounts.membership.grant", obj=membership, changes={"role": role, "region": region.code}
    )
    return membership


def token_for_key(key: str) -> ApiToken | None:
    """The live (unrevoked, unexpired) token for ``key``, with its user."""
    if not key.startswith(TOKEN_PREFIX):
        return None
    return (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(key), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def is_locked_out(user: User, request=None) -> bool:
    """Whether django-axes holds ``user`` locked (failures by username, whatever the address)."""
    return AxesProxyHandler.is_locked(request, credentials={"username": user.get_username(), "account": user})


def live_tokens(user: User):
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now())


@transaction.atomic
def revoke_own_token(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke one of ``actor``'s own tokens; it stops working at once."""
    if token.user_id != actor.pk:
        raise ApiToken.DoesNotExist
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="auth.token.revoke", obj=actor, changes={"prefix": token.prefix})
    return token


@transaction.atomic
def revoke_all_tokens(*, actor: User) -> int:
    """Revoke every live token of ``actor`` (a lost phone, a leaked script); the number revoked."""
    prefixes = list(live_tokens(actor).values_list("prefix", flat=True))
    count = live_tokens(actor).update(revoked_at=timezone.now())
    if count:
        audit.record(actor=actor, action="auth.token.revoke_all", obj=actor, changes={"prefixes": prefixes})
    return count


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def issue_token(*, user: User) -> tuple[str, ApiToken]:
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, key_hash=_hash(key), prefix=key[:10], expires_at=timezone.now() + settings.API_TOKEN_TTL
    )
    audit.record(actor=user, action="auth.token.issue", obj=user, changes={"prefix": token.prefix})
    return key, token


def user_for_token(key: str, request=None) -> User | None:
    """The active user behind a bearer token, or None when it is unknown, revoked or expired, or its user
    is inactive or locked out after failed log-ins (a stolen token must not outlive the lock)."""
    token = token_for_key(key)
    if token is None or not token.user.is_active or is_locked_out(token.user, request):
        return None
    now = timezone.now()
    # Touch last_used at most once a minute: a write per request would serialise SQLite.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def revoke_token(*, user: User, key: str) -> bool:
    count = ApiToken.objects.filter(user=user, key_hash=_hash(key), revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if count:
        audit.record(actor=user, action="auth.token.revoke", obj=user)
    return bool(count)
