"""The embedded PostgreSQL: started by the commands that need it, not by importing the
settings; two processes starting at once share one server safely, and a process killed
outright does not keep it running for ever."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent

START_AND_QUERY = """
import psycopg
from mopsboard.database import database_config, use_embedded_database
use_embedded_database()
config = database_config()
with psycopg.connect(dbname=config["NAME"], host=config["HOST"], user=config["USER"]) as db:
    print(db.execute("SELECT current_database()").fetchone()[0])
"""

HOLD = """
import time
from mopsboard.database import use_embedded_database
use_embedded_database()
print("up", flush=True)
time.sleep(600)
"""


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A data directory of the test's own, and no DATABASE_URL: the embedded server starts
    in it (and the processes the test starts inherit both)."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("MOPSBOARD_DATA_DIR", str(tmp_path))
    return tmp_path


def test_importing_the_settings_starts_no_server(data_dir):
    subprocess.run([sys.executable, "-c", "import mopsboard.settings"], cwd=PROJECT, check=True)
    assert not (data_dir / ".pgdata").exists()


def test_two_processes_starting_at_once_share_one_embedded_server(data_dir):
    starts = [
        subprocess.Popen(
            [sys.executable, "-c", START_AND_QUERY],
            cwd=PROJECT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=60) for process in starts]
    for process, (stdout, stderr) in zip(starts, outputs, strict=True):
        assert process.returncode == 0, stderr
        assert stdout.strip() == "mopsboard"
    assert (data_dir / ".pgdata" / "PG_VERSION").exists()


def test_a_killed_user_is_forgotten_and_the_last_one_left_stops_the_server(data_dir):
    pgdata = data_dir / ".pgdata"
    users = pgdata / ".handle_pids.json"
    killed = subprocess.Popen(
        [sys.executable, "-c", HOLD], cwd=PROJECT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert killed.stdout.readline() == "up\n"
    finally:
        killed.kill()
        killed.wait()
    assert killed.pid in json.loads(users.read_text())
    try:
        last = subprocess.run(
            [sys.executable, "-c", START_AND_QUERY],
            cwd=PROJECT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert last.returncode == 0, last.stderr
        assert json.loads(users.read_text()) == []
        assert not (pgdata / "postmaster.pid").exists()
    finally:
        if (pgdata / "postmaster.pid").exists():  # left running: stop it (fast shutdown)
            os.kill(int((pgdata / "postmaster.pid").read_text().split()[0]), signal.SIGINT)
