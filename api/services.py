"""Writes to API tokens: make one (its key is returned once), revoke one, mark one used."""

import datetime

from django.utils import timezone

from api.models import ApiToken, Scope, new_key, token_digest

# "Last used" is written at most this often per token: not a write on every request.
LAST_USED_EVERY = datetime.timedelta(minutes=1)


def token_create(*, user, name: str, scope: Scope) -> tuple[ApiToken, str]:
    """A new token for `user`; the key in the returned pair is never stored or shown again."""
    key = new_key()
    token = ApiToken.objects.create(
        user=user, name=name, scope=scope, digest=token_digest(key), prefix=key[:12]
    )
    return token, key


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def token_used(*, token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
