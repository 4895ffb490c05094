"""Who is calling: a personal token sent as `Authorization: Bearer <token>`.

The API reads no session cookie, so a page open in the browser cannot be made to call it
(no CSRF to guard), and every call is its token's person's doing, with their role.
"""

from django.conf import settings
from ninja.security import HttpBearer

from api.models import ApiToken
from api.problems import WWW_AUTHENTICATE, ApiProblem
from api.services import token_used
from mopsboard.ratelimit import rate_limit

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class BearerToken(HttpBearer):
    """A known token, allowed to write if the call writes, whose person holds
    `permission`. Checked before the call's input is read, so a token that may not do
    a thing is told so (403), whatever it sent, rather than how to send it right (422)."""

    def __init__(self, *, permission: str | None = None):
        super().__init__()
        self.permission = permission

    def authenticate(self, request, key: str) -> ApiToken:
        token = ApiToken.objects.holding(key)
        if token is None:
            raise ApiProblem(
                401,
                "That token is not known, or was revoked: make a new one on your API tokens page.",
                headers={"WWW-Authenticate": f'{WWW_AUTHENTICATE}, error="invalid_token"'},
            )
        rate_limit(
            f"api-token:{token.pk}",
            limit=settings.MOPSBOARD_API_RATE_LIMIT,
            seconds=60,
            message=f"More than {settings.MOPSBOARD_API_RATE_LIMIT} requests a minute "
            "with this token: wait and try again.",
        )
        if request.method not in SAFE_METHODS and not token.can_write:
            raise ApiProblem(403, f"“{token.name}” is a read-only token: it cannot change data.")
        if self.permission and not token.user.has_perm(self.permission):
            raise ApiProblem(403, "Your role does not allow this.")
        token_used(token=token)
        # Django's permission checks and the history's "who" read request.user.
        request.user = token.user
        return token
