"""Delivery by real queue workers (`manage.py procrastinate worker` processes) to a real
SMTP server (aiosmtpd) in the test: nothing lost while the server is down or when a
worker is killed, nothing sent twice, counted at the SMTP server."""

import asyncio
import email as email_parser
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from bench.database import Server
from mail.models import Email
from mail.services import email_queue
from tests.factories import UserFactory

PROJECT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


class Inbox:
    """An SMTP server's handler that keeps every message it accepts."""

    def __init__(self):
        self.messages = []
        self.delay = 0.0

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        self.messages.append(email_parser.message_from_bytes(envelope.content))
        return "250 Message accepted"

    def message_ids(self) -> list[str]:
        return [message["Message-ID"] for message in self.messages]


class SmtpServer:
    def __init__(self, inbox: Inbox):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.inbox = inbox
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    server = SmtpServer(Inbox())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def workers(smtp):
    """Start queue workers that deliver to `smtp`, retry within seconds and take a
    worker silent for 3 s for dead; all are stopped after the test."""
    started = []
    env = {
        **os.environ,
        "DATABASE_URL": Server().url(connection.settings_dict["NAME"]),
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(smtp.port),
        "MOPSBOARD_MAIL_RETRY_FIRST": "1",
        "MOPSBOARD_MAIL_RETRY_LONGEST": "2",
        "MOPSBOARD_MAIL_RETRY_FOR": "300",
        "MOPSBOARD_QUEUE_HEARTBEAT": "1",
        "MOPSBOARD_QUEUE_STALLED_AFTER": "3",
        "MOPSBOARD_QUEUE_RECOVERY_CRON": "* * * * * */2",
    }

    def start() -> subprocess.Popen:
        worker = subprocess.Popen(  # nosec B603 # our own manage.py, fixed arguments
            [sys.executable, "manage.py", "procrastinate", "worker"],
            cwd=PROJECT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.send_signal(signal.SIGTERM)
    for worker in started:
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()


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
    assert sorted(received) == sorted(f"<mopsboard-email-{pk}@localhost>" for pk in ids)


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
    assert set(received) == {f"<mopsboard-email-{pk}@localhost>" for pk in ids}
    # At most the one message in flight when the worker died can arrive twice: the
    # server had taken it, the worker had not yet written that down.
    assert len(received) - len(set(received)) <= 1
