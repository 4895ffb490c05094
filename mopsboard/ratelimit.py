"""Rate limits kept in PostgreSQL, which every app process shares: the public intake form
now, API tokens later. Fixed windows: at most `limit` hits on a key per window."""

import datetime
import functools

from django.db import connection
from django.utils import timezone
from psycopg import sql

from mopsboard.errors import DomainError
from mopsboard.models import RateCount


class RateLimited(DomainError):
    """Too many in this window; `retry_after` is the seconds until the next one opens."""

    status = 429

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


@functools.cache
def _count_hit() -> str:
    """One statement counts the hit and reads the total, so two app servers counting at
    the same moment both see their own hit: nothing is read first and written after. The
    ORM has no "add one on conflict", so it is written out, with the model's names."""
    meta = RateCount._meta
    key, window_start, expires_at, hits = (
        sql.Identifier(meta.get_field(name).column)
        for name in ("key", "window_start", "expires_at", "hits")
    )
    return (
        sql.SQL(
            "INSERT INTO {table} ({key}, {window_start}, {expires_at}, {hits}) "
            "VALUES (%s, %s, %s, 1) "
            "ON CONFLICT ({key}, {window_start}) DO UPDATE SET {hits} = {table}.{hits} + 1 "
            "RETURNING {hits}"
        )
        .format(
            table=sql.Identifier(meta.db_table),
            key=key,
            window_start=window_start,
            expires_at=expires_at,
            hits=hits,
        )
        .as_string()
    )


def rate_limit(key: str, *, limit: int, seconds: int, message: str) -> int:
    """Count one hit on `key`; raise RateLimited (with `message`) past `limit` hits in the
    current window of `seconds`. Returns the hits so far.

    Call it outside a transaction that may roll back (a refused form must still count).
    """
    now = timezone.now()
    start = int(now.timestamp()) // seconds * seconds
    window_start = datetime.datetime.fromtimestamp(start, tz=datetime.UTC)
    expires_at = window_start + datetime.timedelta(seconds=seconds)
    with connection.cursor() as cursor:
        cursor.execute(_count_hit(), [key[:200], window_start, expires_at])
        (hits,) = cursor.fetchone()
    if hits == 1:
        # A key's first hit in a window is rare enough to tidy up after: windows gone by.
        RateCount.objects.filter(expires_at__lt=now).delete()
    if hits > limit:
        raise RateLimited(message, retry_after=max(1, int((expires_at - now).total_seconds())))
    return hits
