"""`backup` and `restore` as an operator runs them: the right pg_dump for the server, a
tool's failure shown as its own message, with no half-written backup left behind, and a
restore that neither runs under live workers nor sends again what the backup had queued."""

import io
import os
import re
import signal
import subprocess
import sys
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from procrastinate import sql
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from bench.database import Server
from mail.models import Email
from mail.services import email_queue
from mopsboard.backups import pg_tool
from tests.factories import EndpointFactory, UserFactory
from tests.mailserver import PROJECT
from webhooks.models import Delivery
from webhooks.services import endpoint_test_send

pytestmark = pytest.mark.django_db


def _fake_tool(folder, name: str, *, version: str, error: str):
    """A `name` on the PATH that says it is PostgreSQL `version` and fails with `error`."""
    folder.mkdir(exist_ok=True)
    tool = folder / name
    tool.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = --version ]; then echo "{name} (PostgreSQL) {version}"; exit 0; fi\n'
        f'echo "{error}" >&2\n'
        "exit 1\n"
    )
    tool.chmod(0o755)
    return folder


def test_a_failed_backup_says_why_and_leaves_no_file(tmp_path):
    fake = _fake_tool(
        tmp_path / "bin",
        "pg_dump",
        version="99.0",
        error="pg_dump: error: aborting because of server version mismatch",
    )
    backups = tmp_path / "backups"
    done = subprocess.run(
        [sys.executable, "manage.py", "backup", "--output", str(backups / "drill.dump")],
        cwd=PROJECT,
        env={
            **os.environ,
            "DATABASE_URL": Server().url(connection.settings_dict["NAME"]),
            "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "server version mismatch" in done.stderr
    assert "Traceback" not in done.stderr
    assert list(backups.iterdir()) == []


def test_an_older_pg_dump_on_the_path_is_passed_over_for_one_as_new_as_the_server(
    tmp_path, monkeypatch
):
    fake = _fake_tool(
        tmp_path / "bin",
        "pg_dump",
        version="9.6.24",
        error="pg_dump: error: aborting because of server version mismatch",
    )
    monkeypatch.setenv("DATABASE_URL", Server().url(connection.settings_dict["NAME"]))
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    backup = tmp_path / "drill.dump"
    call_command("backup", output=backup, stdout=io.StringIO())
    assert backup.read_bytes().startswith(b"PGDMP")


def test_without_a_pg_dump_as_new_as_the_server_the_backup_says_which_to_install():
    with pytest.raises(CommandError, match=r"pg_dump 99 or newer.*postgresql-client-99"):
        pg_tool("pg_dump", server_version=990004)


@pytest.mark.django_db(transaction=True)
def test_a_failed_restore_says_why(tmp_path, monkeypatch, settings):
    # Workers an earlier test killed may have left a heartbeat: none counts as running here.
    settings.MOPSBOARD_QUEUE = {**settings.MOPSBOARD_QUEUE, "stalled_after": 0}
    backup = tmp_path / "drill.dump"
    call_command("backup", output=backup, stdout=io.StringIO())
    fake = _fake_tool(
        tmp_path / "bin",
        "pg_restore",
        version="99.0",
        error="pg_restore: error: could not execute query: ERROR:  permission denied",
    )
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(CommandError, match="permission denied"):
        call_command("restore", backup, yes=True, jobs="keep")


def _queue(to: str) -> Email:
    return email_queue(
        to=to,
        subject="Your request",
        template="mail/password_reset",
        context={"user": UserFactory.build(username="sam"), "uid": "MQ", "token": "t"},
        event="Test",
    )


def _wait_for_messages(smtp, count: int, *, timeout: float = 60) -> list[str]:
    deadline = time.monotonic() + timeout
    while len(smtp.inbox.messages) < count:
        if time.monotonic() > deadline:
            pytest.fail(f"The SMTP server got {len(smtp.inbox.messages)} messages, not {count}.")
        time.sleep(0.2)
    return smtp.inbox.message_ids()


@pytest.mark.django_db(transaction=True)
def test_a_restore_waits_for_the_workers_to_stop_and_sends_no_email_again(tmp_path, smtp, workers):
    for n in range(3):
        _queue(f"waiting{n}@example.com")
    backup = tmp_path / "drill.dump"
    call_command("backup", output=backup, stdout=io.StringIO())
    worker = workers()
    sent = _wait_for_messages(smtp, 3)

    with pytest.raises(CommandError, match="1 worker running"):
        call_command("restore", backup, yes=True, jobs="drop")
    assert Email.objects.filter(status=Email.Status.SENT).count() == 3  # nothing restored

    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=15)
    out = io.StringIO()
    call_command("restore", backup, yes=True, jobs="drop", stdout=out)
    # (Jobs earlier tests left in the shared test database are dropped and counted too.)
    assert re.search(r"Dropped \d+ jobs? \(.*\b1 mail\.tasks\.deliver\b", out.getvalue())
    # What the backup had queued is failed, for the lead to send again, not sent by itself.
    assert Email.objects.filter(status=Email.Status.FAILED).count() == 3

    workers()
    news = _queue("news@example.com")
    _wait_for_messages(smtp, 4)
    time.sleep(2)  # time enough for a replayed job, which would have been fetched first
    assert smtp.inbox.message_ids() == [*sent, news.message_id]


@pytest.mark.django_db(transaction=True)
def test_a_restore_drops_jobs_running_at_the_backup_and_fails_what_they_were_to_send(
    tmp_path, lead
):
    email = _queue("running@example.com")
    # A worker had taken the email's job when the backup was made.
    app.connector.get_sync_connector().execute_query_one(
        query=sql.queries["fetch_job"], queues=["mail"], worker_id=None
    )
    delivery = endpoint_test_send(endpoint=EndpointFactory(), by=lead)
    backup = tmp_path / "drill.dump"
    call_command("backup", output=backup, stdout=io.StringIO())
    call_command("restore", backup, yes=True, jobs="drop", stdout=io.StringIO())
    assert not ProcrastinateJob.objects.filter(status__in=["todo", "doing"]).exists()
    email.refresh_from_db()
    delivery.refresh_from_db()
    assert (email.status, delivery.status) == (Email.Status.FAILED, Delivery.Status.FAILED)
    assert "Send it again" in email.last_error
    assert "Send it again" in delivery.last_error


def test_a_restore_asks_what_to_do_with_the_jobs_the_backup_had_waiting(tmp_path):
    backup = tmp_path / "drill.dump"
    backup.write_bytes(b"PGDMP")
    with pytest.raises(CommandError, match="--jobs=drop") as refused:
        call_command("restore", backup, yes=True)
    assert "--jobs=keep" in str(refused.value)
