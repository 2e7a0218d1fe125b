from functools import wraps

from django.contrib.auth.views import redirect_to_login
from ninja.security import HttpBearer, django_auth

from wangge.accounts.services import user_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token, request)
        if user is not None:
            request.user = user
        return user


# Bearer tokens for apps and scripts; the browser's session (with CSRF) for the pages' own calls.
API_AUTH = [BearerToken(), django_auth]


def login_or_bearer_required(view):
    """``login_required`` that also accepts the API's bearer token, for files an API answer links to (case
    photos): an app holding a token can open the URLs it was given."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            scheme, _sep, key = request.headers.get("Authorization", "").partition(" ")
            user = user_for_token(key.strip(), request) if scheme.lower() == "bearer" else None
            if user is None:
                return redirect_to_login(request.get_full_path())
            request.user = user
        return view(request, *args, **kwargs)

    return wrapped
