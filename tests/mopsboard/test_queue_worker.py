"""The task queue's worker (`manage.py worker`) on a PostgreSQL server that restarts under
it: Debian's, in a throwaway cluster of its own, as in tests/test_production_stack.py. The
worker waits the restart out and delivers what is queued after it; it gives up, with a
status a process manager sees, only when the database stays away."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from bench.cluster import POSTGRES_BINS, Cluster

pytestmark = pytest.mark.stack

PROJECT = Path(__file__).resolve().parents[2]

QUEUE_EMAIL = """
import os
from django.contrib.auth import get_user_model
from mail.services import email_queue
email_queue(
    to=os.environ["TO"],
    subject="After the restart",
    template="mail/password_reset",
    context={"user": get_user_model()(username="sam"), "uid": "MQ", "token": "t"},
    event="Test",
)
"""


QUEUE_WORKERS_REPORTING = (
    "SELECT count(*) FROM procrastinate_workers WHERE last_heartbeat > now() - interval '2 s'"
)


@pytest.fixture(scope="module")
def postgres():
    if not POSTGRES_BINS:
        pytest.fail("Debian's PostgreSQL server is missing: `make test` installs it.")
    cluster = Cluster()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=PROJECT,
        env={**os.environ, "DATABASE_URL": cluster.url},
        check=True,
    )
    yield cluster
    cluster.remove()


@pytest.fixture
def worker(postgres, smtp, tmp_path):
    """Start `manage.py worker` on the cluster, delivering to `smtp`; stopped after the test."""
    started = []

    def start(**env) -> subprocess.Popen:
        log = (tmp_path / f"worker{len(started)}.log").open("w")
        process = subprocess.Popen(  # nosec B603 # our own manage.py, fixed arguments
            [sys.executable, "manage.py", "worker"],
            cwd=PROJECT,
            env={
                **os.environ,
                "DATABASE_URL": postgres.url,
                "DJANGO_EMAIL_HOST": "127.0.0.1",
                "DJANGO_EMAIL_PORT": str(smtp.port),
                "MOPSBOARD_QUEUE_HEARTBEAT": "1",
                "MOPSBOARD_QUEUE_STALLED_AFTER": "3",
                **env,
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def queue_email(postgres, to: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "shell", "--command", QUEUE_EMAIL],
        cwd=PROJECT,
        env={**os.environ, "DATABASE_URL": postgres.url, "TO": to},
        check=True,
    )


def test_the_worker_waits_out_a_database_restart_and_delivers_what_is_queued_after(
    postgres, smtp, worker
):
    running = worker()
    queue_email(postgres, "before@example.com")
    smtp.inbox.wait_for("before@example.com")
    postgres.stop()
    time.sleep(3)
    postgres.start()
    queue_email(postgres, "after@example.com")
    smtp.inbox.wait_for("after@example.com", timeout=90)
    assert running.poll() is None
    running.send_signal(signal.SIGTERM)
    assert running.wait(timeout=30) == 0


def test_the_worker_exits_with_a_failure_when_the_database_stays_away(postgres, worker):
    running = worker(MOPSBOARD_QUEUE_OUTAGE_LIMIT="3")
    deadline = time.monotonic() + 60
    with psycopg.connect(postgres.url, autocommit=True) as db:
        while not db.execute(QUEUE_WORKERS_REPORTING).fetchone()[0]:
            assert time.monotonic() < deadline, "the worker did not register within 60 s"
            time.sleep(0.2)
    postgres.stop()
    try:
        assert running.wait(timeout=90) == 1
    finally:
        postgres.start()
