"""The production stack as an operator runs it: a PostgreSQL *server* (Debian's, not the
embedded one) in a cluster of its own on a free port, `migrate`, `collectstatic`, and two
gunicorn app servers with production settings on that one database, used over HTTP: log
in, triage, edit a RACI cell, read the share page. A write through one app server is read
through the other."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from bench.cluster import POSTGRES_BINS, Cluster
from bench.server import PRODUCTION_ENV, Browser, Gunicorn, collect_static

pytestmark = pytest.mark.stack

BASE_DIR = Path(__file__).resolve().parents[1]
DEMO_PASSWORD = "mopsboard-demo"


@pytest.fixture(scope="module")
def postgres():
    if not POSTGRES_BINS:
        pytest.fail("Debian's PostgreSQL server is missing: `make test` installs it.")
    cluster = Cluster()
    yield cluster
    cluster.remove()


@pytest.fixture(scope="module")
def stack(postgres, tmp_path_factory):
    """Migrated and seeded as `make serve` and `seed_demo` do, behind two app servers."""
    postgres_url = postgres.url
    env = {**os.environ, **PRODUCTION_ENV, "DATABASE_URL": postgres_url}

    def manage(*command) -> str:
        return subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    manage("migrate", "--noinput")
    collect_static()
    seeded = manage("seed_demo")
    share_path = re.search(r"Stakeholder share link: http://[^/]+(/raci/shared/\S+)", seeded)[1]
    logs = tmp_path_factory.mktemp("gunicorn")
    servers = [Gunicorn(database_url=postgres_url, log=logs / f"app{n}.log") for n in (1, 2)]
    yield servers, share_path, postgres
    for server in servers:
        server.stop()


def test_two_app_servers_on_one_server_database(stack):
    (first, second), share_path, postgres = stack
    database_url = postgres.url
    for server in (first, second):
        probe = Browser(server.port)
        assert probe.get("/healthz").status == 200
        assert probe.get("/readyz").status == 200

    lead = Browser(first.port)
    lead.log_in("lead", DEMO_PASSWORD)
    board = lead.get("/board/")
    assert board.status == 200
    assert "script-src 'self'" in board.headers["Content-Security-Policy"]

    with psycopg.connect(database_url) as db:
        request_id, version = db.execute(
            "SELECT id, version FROM backlog_task WHERE status = 'new' ORDER BY id LIMIT 1"
        ).fetchone()
        person_id = db.execute(
            "SELECT id FROM people_person WHERE kind = 'team' ORDER BY id LIMIT 1"
        ).fetchone()[0]
        held = db.execute(
            "SELECT role FROM raci_assignment WHERE task_id = %s AND person_id = %s",
            [request_id, person_id],
        ).fetchone()

    lead.get("/triage/")
    scored = lead.post(
        f"/triage/{request_id}/score/",
        {"impact": "4", "effort": "2", "version": str(version)},
        headers={"HX-Request": "true"},
    )
    assert scored.status == 200

    member = Browser(second.port)
    member.log_in("member", DEMO_PASSWORD)
    page = member.get(f"/tasks/{request_id}/").body.decode()
    assert "Quick win — Do now" in page  # written through the first, read through the second

    cell = lead.post(
        "/raci/cell/",
        {
            "task": str(request_id),
            "person": str(person_id),
            "role": "C",
            "expected": held[0] if held else "",
        },
        headers={"HX-Request": "true"},
    )
    assert cell.status == 200
    export = member.get("/raci/export.csv").body.decode()
    row = next(line for line in export.splitlines() if line.startswith(f"{request_id},"))
    assert ",C" in row

    stakeholder = Browser(second.port)
    shared = stakeholder.get(share_path)
    assert shared.status == 200
    assert shared.headers["Cache-Control"] == "no-store"


def test_while_the_database_is_away_pages_say_so_and_come_back_by_themselves(stack):
    (first, _), _, postgres = stack
    lead = Browser(first.port)
    lead.log_in("lead", DEMO_PASSWORD)
    assert lead.get("/board/").status == 200
    postgres.stop()
    try:
        away = lead.get("/board/")
        assert away.status == 503
        assert away.headers["Retry-After"] == "30"
        assert "briefly unavailable" in away.body.decode()
        assert Browser(first.port).get("/readyz").status == 503
        assert Browser(first.port).get("/healthz").status == 200
    finally:
        postgres.start()
    deadline = time.monotonic() + 10
    while lead.get("/board/").status != 200:
        assert time.monotonic() < deadline, "the app did not reconnect within 10 s"
        time.sleep(0.2)
