from ninja.security import HttpBearer, django_auth

from wangge.accounts.services import user_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


# Bearer tokens for apps and scripts; the browser's session (with CSRF) for the pages' own calls.
API_AUTH = [BearerToken(), django_auth]
