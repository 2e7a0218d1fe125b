"""Every write about users, memberships and tokens: atomic, audited, with a keyword-only actor."""

import hashlib
import secrets
from datetime import timedelta

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


def user_for_token(key: str) -> User | None:
    """The active user behind a bearer token, or None when it is unknown, revoked or expired."""
    if not key.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(key), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
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
