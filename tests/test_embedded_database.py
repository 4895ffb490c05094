"""The embedded PostgreSQL: two processes starting at once share one server safely."""

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
