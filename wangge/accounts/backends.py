from django.contrib.auth.backends import ModelBackend

from wangge.accounts.models import User
from wangge.core import pii


class UsernameOrPhoneBackend(ModelBackend):
    """Log in with the username or the phone number (matched through its blind index)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user = self._find(username.strip())
        if user is None:
            # Same work as a real check so that timing does not reveal which accounts exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    @staticmethod
    def _find(identifier: str):
        user = User.objects.filter(username=identifier).first()
        if user is None and identifier.isdigit():
            user = User.objects.filter(phone_index__in=pii.blind_indexes(identifier, kind="phone")).first()
        return user


def axes_username(request, credentials) -> str | None:
    """The account a login attempt is for (django-axes AXES_USERNAME_CALLABLE).

    Failures by phone number and by username must count against the same account; an identifier
    that matches no account is counted as typed.
    """
    account = (credentials or {}).get("account")
    if account is not None:
        return account.get_username()  # the caller holds the account already (a bearer token's user)
    identifier = (credentials or {}).get("username")
    if identifier is None and request is not None:
        identifier = request.POST.get("username")
    if not identifier:
        return identifier
    user = UsernameOrPhoneBackend._find(identifier.strip())
    return user.get_username() if user is not None else identifier
