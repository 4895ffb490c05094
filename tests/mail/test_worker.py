"""Delivery by real queue workers (`manage.py worker` processes) to a real
SMTP server (aiosmtpd) in the test: nothing lost while the server is down or when a
worker is killed, nothing sent twice, counted at the SMTP server."""

import time

import pytest

from mail.models import Email
from mail.services import email_queue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _queue(count: int) -> list[int]:
    user = UserFactory.build(username="sam")
    return [
        email_queue(
            to=f"person{n}@example.com",
            subject=f"News {n}",
            template="mail/password_reset",
            context={"user": user, "uid": "MQ", "token": "t"},
            event="Test",
        ).pk
        for n in range(count)
    ]


def _wait_for(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Waited {timeout} s for {what}.")
        time.sleep(0.2)


def _sent() -> int:
    return Email.objects.filter(status=Email.Status.SENT).count()


def test_mail_waits_for_the_server_and_goes_out_once_when_it_is_back(smtp, workers):
    smtp.stop()
    ids = _queue(20)
    workers()
    workers()
    _wait_for(
        lambda: Email.objects.filter(attempts__gte=2).count() == 20,
        timeout=60,
        what="every email to be tried twice while the server is down",
    )
    assert _sent() == 0
    smtp.start()
    _wait_for(lambda: _sent() == 20, timeout=60, what="every email to be delivered")
    received = smtp.inbox.message_ids()
    assert sorted(received) == sorted(
        Email.objects.filter(pk__in=ids).values_list("message_id", flat=True)
    )


def test_a_worker_killed_mid_batch_leaves_the_rest_to_the_next(smtp, workers):
    smtp.inbox.delay = 0.05
    ids = _queue(100)
    first = workers()
    _wait_for(lambda: _sent() >= 20, timeout=60, what="the first worker to deliver 20")
    first.kill()
    first.wait()
    stopped_at = _sent()
    assert stopped_at < 100
    workers()
    _wait_for(lambda: _sent() == 100, timeout=90, what="the next worker to deliver the rest")
    received = smtp.inbox.message_ids()
    assert set(received) == set(
        Email.objects.filter(pk__in=ids).values_list("message_id", flat=True)
    )
    # At most the one message in flight when the worker died can arrive twice: the
    # server had taken it, the worker had not yet written that down.
    assert len(received) - len(set(received)) <= 1
