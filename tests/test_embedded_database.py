"""The embedded PostgreSQL: two processes starting at once share one server safely, and a
process killed outright does not keep it running for ever."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

START_AND_QUERY = """
import sys
from pathlib import Path
import psycopg
from mopsboard.database import database_config
config = database_config(Path(sys.argv[1]))
with psycopg.connect(dbname=config["NAME"], host=config["HOST"], user=config["USER"]) as db:
    print(db.execute("SELECT current_database()").fetchone()[0])
"""

HOLD = """
import sys, time
from pathlib import Path
from mopsboard.database import database_config
database_config(Path(sys.argv[1]))
print("up", flush=True)
time.sleep(600)
"""


def test_two_processes_starting_at_once_share_one_embedded_server(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    starts = [
        subprocess.Popen(
            [sys.executable, "-c", START_AND_QUERY, str(tmp_path)],
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
    assert (tmp_path / ".pgdata" / "PG_VERSION").exists()


def test_a_killed_user_is_forgotten_and_the_last_one_left_stops_the_server(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    pgdata = tmp_path / ".pgdata"
    users = pgdata / ".handle_pids.json"
    killed = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path)], cwd=PROJECT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert killed.stdout.readline() == "up\n"
    finally:
        killed.kill()
        killed.wait()
    assert killed.pid in json.loads(users.read_text())
    try:
        last = subprocess.run(
            [sys.executable, "-c", START_AND_QUERY, str(tmp_path)],
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
