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
            user = User.objects.filter(phone_index=pii.blind_index(identifier, kind="phone")).first()
        return user
