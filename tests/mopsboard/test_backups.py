"""`backup` and `restore` as an operator runs them: the right pg_dump for the server, and
a tool's failure shown as its own message, with no half-written backup left behind."""

import io
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from bench.database import Server
from tests.mailserver import PROJECT

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


@pytest.mark.django_db(transaction=True)
def test_a_failed_restore_says_why(tmp_path, monkeypatch):
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
        call_command("restore", backup, yes=True)
