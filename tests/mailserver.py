"""A real SMTP server (aiosmtpd) and real queue workers (`manage.py worker` processes)
for the tests that follow an email all the way out."""

import asyncio
import email as email_parser
import email.policy
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from bench.database import Server

PROJECT = Path(__file__).resolve().parents[1]


class Inbox:
    """An SMTP server's handler that keeps every message it accepts."""

    def __init__(self):
        self.messages = []
        self.delay = 0.0
        self.refused = set()

    def refuse(self, address: str) -> None:
        """Answer 550 to `address`, as a server does for a mailbox it does not know."""
        self.refused.add(address)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        message = email_parser.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        return "250 Message accepted"

    def message_ids(self) -> list[str]:
        return [message["Message-ID"] for message in self.messages]

    def to(self, address: str) -> list:
        return [message for message in self.messages if message["To"] == address]

    def wait_for(self, address: str, count: int = 1, *, timeout: float = 30) -> list:
        """The messages `address` has received once there are `count` of them."""
        deadline = time.monotonic() + timeout
        while len(self.to(address)) < count:
            if time.monotonic() > deadline:
                got = [message["Subject"] for message in self.to(address)]
                pytest.fail(f"{address} got {got} in {timeout} s, not {count} messages.")
            time.sleep(0.2)
        return self.to(address)


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
    """Start queue workers that deliver to `smtp` (and webhooks to 127.0.0.1), retry
    within seconds and take a worker silent for 3 s for dead; all are stopped after the
    test. The links in the emails they write go to the test's MOPSBOARD_SITE_URL as it is
    when each starts (a live server's, say)."""
    started = []
    env = {
        **os.environ,
        "DATABASE_URL": Server().url(connection.settings_dict["NAME"]),
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(smtp.port),
        "MOPSBOARD_MAIL_RETRY_FIRST": "1",
        "MOPSBOARD_MAIL_RETRY_LONGEST": "2",
        "MOPSBOARD_MAIL_RETRY_FOR": "300",
        "MOPSBOARD_WEBHOOKS_RETRY_FIRST": "1",
        "MOPSBOARD_WEBHOOKS_RETRY_LONGEST": "2",
        "MOPSBOARD_WEBHOOKS_RETRY_FOR": "300",
        # Webhooks to the test's own receiver on 127.0.0.1.
        "MOPSBOARD_WEBHOOKS_ALLOW_PRIVATE": "1",
        "MOPSBOARD_QUEUE_HEARTBEAT": "1",
        "MOPSBOARD_QUEUE_STALLED_AFTER": "3",
        "MOPSBOARD_QUEUE_RECOVERY_CRON": "* * * * * */2",
    }

    def start() -> subprocess.Popen:
        worker = subprocess.Popen(  # nosec B603 # our own manage.py, fixed arguments
            [sys.executable, "manage.py", "worker"],
            cwd=PROJECT,
            env={**env, "MOPSBOARD_SITE_URL": settings.MOPSBOARD_SITE_URL},
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
