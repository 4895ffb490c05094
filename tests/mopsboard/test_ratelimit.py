"""Rate limits counted in PostgreSQL: per key and window, refused past the limit, with
the time to wait; old windows are tidied away."""

import datetime

import pytest
from django.utils import timezone

from mopsboard.models import RateCount
from mopsboard.ratelimit import RateLimited, rate_limit
from tests.factories import RateCountFactory

pytestmark = pytest.mark.django_db


def hit(key="ip:192.0.2.1", limit=3, seconds=3600):
    return rate_limit(key, limit=limit, seconds=seconds, message="Slow down.")


def test_hits_are_counted_per_key_and_refused_past_the_limit():
    assert [hit() for _ in range(3)] == [1, 2, 3]
    with pytest.raises(RateLimited) as refused:
        hit()
    assert refused.value.status == 429
    assert refused.value.message == "Slow down."
    assert 0 < refused.value.retry_after <= 3600
    assert hit(key="ip:192.0.2.2") == 1
    assert RateCount.objects.get(key="ip:192.0.2.1").hits == 4


def test_a_new_window_starts_again_and_old_windows_are_tidied_away():
    gone = RateCountFactory(
        key="ip:192.0.2.1",
        window_start=timezone.now() - datetime.timedelta(hours=3),
        expires_at=timezone.now() - datetime.timedelta(hours=2),
        hits=99,
    )
    current = RateCountFactory(key="ip:192.0.2.9", hits=2)
    assert hit() == 1
    assert not RateCount.objects.filter(pk=gone.pk).exists()
    assert RateCount.objects.filter(pk=current.pk).exists()


def test_the_retry_after_is_the_rest_of_the_window():
    with pytest.raises(RateLimited) as refused:
        hit(key="k", limit=0, seconds=60)
    assert 1 <= refused.value.retry_after <= 60


@pytest.mark.django_db(transaction=True)
def test_connections_counting_at_once_never_let_more_through_than_the_limit():
    """Each thread is a connection of its own, as each app server would be."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    def one(_):
        try:
            return hit(key="together", limit=10)
        except RateLimited:
            return None
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(one, range(25)))
    assert sorted(r for r in results if r is not None) == list(range(1, 11))
    assert RateCount.objects.get(key="together").hits == 25
