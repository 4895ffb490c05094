"""The one table every app shares: request counts for rate limits (mopsboard.ratelimit)."""

from django.db import models


class RateCount(models.Model):
    """How many times `key` (an address, a link, a token) was used in one window of time.

    In PostgreSQL rather than in a process's memory, so every app server counts together;
    in an unlogged table (migration 0002), so counting a hit does not wait for the disk.
    """

    key = models.CharField(max_length=200)
    window_start = models.DateTimeField()
    expires_at = models.DateTimeField()
    hits = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="ratecount_one_per_window")
        ]
        indexes = [models.Index(fields=["expires_at"], name="ratecount_expires")]

    def __str__(self):
        return f"{self.key}: {self.hits}"
