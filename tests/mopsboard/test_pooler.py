"""DATABASE_POOLER=transaction: behind pgbouncer in transaction mode, which lends each
transaction whichever server connection is free, nothing the app or the queue's workers
do may outlive a transaction on the server. tests/test_pooled_stack.py runs the whole stack
through pgbouncer; these check the settings that get it there, as each process reads them."""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
POOLER_URL = "postgresql://mopsboard:secret@127.0.0.1:6432/mopsboard"
READ_SETTINGS = """
import json
import django
django.setup()
from django.conf import settings
from django.db import connection
from procrastinate.contrib.django.utils import connector_params

worker = settings.PROCRASTINATE_WORKER_DEFAULTS
print(json.dumps({
    "server_side_cursors": not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"),
    "app_prepares_after": connection.get_connection_params()["prepare_threshold"],
    "worker_prepares_after": connector_params()["prepare_threshold"],
    "worker_listens": worker.get("listen_notify", True),
    "worker_polls_every": worker.get("fetch_job_polling_interval", 5.0),
}))
"""


def _settings(**env) -> subprocess.CompletedProcess:
    """What a process started with `env` (and DATABASE_URL at a pooler) reads."""
    return subprocess.run(
        [sys.executable, "-c", READ_SETTINGS],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "mopsboard.settings",
            "DATABASE_URL": POOLER_URL,
            **env,
        },
        capture_output=True,
        text=True,
    )


def test_through_a_transaction_pooler_nothing_outlives_a_transaction_on_the_server():
    read = _settings(DATABASE_POOLER="transaction")
    assert read.returncode == 0, read.stderr
    assert json.loads(read.stdout) == {
        # A streamed export's cursor would be gone from the session its next rows come from.
        "server_side_cursors": False,
        # pgbouncer 1.18 (Debian 12) cannot pass a prepared statement on to the next session.
        "app_prepares_after": None,
        "worker_prepares_after": None,
        # LISTEN would hear nothing on a session lent to someone else: workers ask instead.
        "worker_listens": False,
        "worker_polls_every": 1.0,
    }


def test_without_a_pooler_workers_hear_of_jobs_at_once_and_exports_stream_from_the_server():
    for mode in ("", "session"):
        read = _settings(DATABASE_POOLER=mode)
        assert read.returncode == 0, read.stderr
        assert json.loads(read.stdout) == {
            "server_side_cursors": True,
            "app_prepares_after": None,
            "worker_prepares_after": None,
            "worker_listens": True,
            "worker_polls_every": 5.0,
        }


def test_a_pooler_in_statement_mode_is_refused_at_start_with_the_reason():
    read = _settings(DATABASE_POOLER="statement")
    assert read.returncode != 0
    assert "statement mode cannot run mopsboard's transactions" in read.stderr
