"""Many app servers and queue workers on one PostgreSQL, through a connection pooler: Debian's
pgbouncer in transaction mode (DATABASE_POOLER=transaction) in front of Debian's PostgreSQL
server, two gunicorn app servers and two queue workers through it, and four clients at once
reading pages, exporting CSV and writing. Nothing answers 500, every acknowledged write is in
PostgreSQL, every email is delivered once, the deferred-work job runs once though two workers
wait for it, and a few server connections serve every process."""

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg
import pytest

from bench.cluster import PGBOUNCER, POSTGRES_BINS, Cluster, PgBouncer
from bench.server import PRODUCTION_ENV, Browser, Gunicorn, collect_static
from tests.mailserver import Inbox, SmtpServer

pytestmark = pytest.mark.stack

BASE_DIR = Path(__file__).resolve().parents[1]
DEMO_PASSWORD = "mopsboard-demo"
# Server connections pgbouncer opens at most, for four app processes and two workers.
POOL_SIZE = 4
CLIENTS, REQUESTS = 4, 50
# Deferred tasks whose date has come when the workers start.
DUE_BACK = 3
RETURN_DEFERRED = "backlog.tasks.return_deferred"


@pytest.fixture(scope="module")
def pooled():
    if not POSTGRES_BINS or not PGBOUNCER.is_file():
        pytest.fail("Debian's PostgreSQL or pgbouncer is missing: `make test` installs them.")
    cluster = Cluster()
    try:
        pooler = PgBouncer(cluster, password="pooled-stack", pool_size=POOL_SIZE)
        try:
            yield cluster, pooler
        finally:
            pooler.remove()
    finally:
        cluster.remove()


@pytest.fixture(scope="module")
def stack(pooled, tmp_path_factory):
    """Migrated and seeded through the pooler, with tasks due back from deferral and the
    job that returns them queued; then two app servers (two processes each) and two queue
    workers delivering to a real SMTP server, all through the pooler."""
    cluster, pooler = pooled
    env = {
        **os.environ,
        **PRODUCTION_ENV,
        "DATABASE_URL": pooler.url,
        "DATABASE_POOLER": "transaction",
    }

    def manage(*command) -> subprocess.Popen:
        return subprocess.Popen(  # nosec B603 # our own manage.py, fixed arguments
            [sys.executable, "manage.py", *command],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def finished(process: subprocess.Popen) -> subprocess.CompletedProcess:
        stdout, stderr = process.communicate()
        return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)

    migrating = manage("migrate", "--noinput")
    collect_static()
    finished(migrating).check_returncode()
    seeding = manage("seed_demo")
    # Queued twice at once, as two workers' schedules both would; no worker runs yet.
    deferring = [
        manage("procrastinate", "defer", RETURN_DEFERRED, '{"timestamp": 0}') for _ in (1, 2)
    ]
    deferred = [finished(process) for process in deferring]
    finished(seeding).check_returncode()
    with psycopg.connect(cluster.url) as db:
        due_back = [
            row[0]
            for row in db.execute(
                "UPDATE backlog_task SET status = 'deferred', deferred_until = current_date - 1 "
                "WHERE id IN (SELECT id FROM backlog_task WHERE status = 'new' ORDER BY id "
                "LIMIT %s) RETURNING id",
                [DUE_BACK],
            )
        ]

    smtp = SmtpServer(Inbox())
    smtp.start()
    logs = tmp_path_factory.mktemp("pooled")
    workers, servers = [], []
    try:
        for n in (1, 2):
            with (logs / f"worker{n}.log").open("ab") as log:
                workers.append(
                    subprocess.Popen(  # nosec B603 # our own manage.py, fixed arguments
                        [sys.executable, "manage.py", "worker"],
                        cwd=BASE_DIR,
                        env={
                            **env,
                            "DJANGO_EMAIL_HOST": "127.0.0.1",
                            "DJANGO_EMAIL_PORT": str(smtp.port),
                        },
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
        for n in (1, 2):
            servers.append(
                Gunicorn(
                    database_url=pooler.url,
                    log=logs / f"app{n}.log",
                    workers=2,
                    extra_env={"DATABASE_POOLER": "transaction"},
                )
            )
        # The intake link as the lead copies it from the list.
        lead = Browser(servers[0].port)
        lead.log_in("lead", DEMO_PASSWORD)
        intake_path = re.search(
            r'value="http://[^/"]+(/request/[^/"]+/)"', lead.get("/intake-links/").body.decode()
        )[1]
        yield {
            "cluster": cluster,
            "servers": servers,
            "intake_path": intake_path,
            "due_back": due_back,
            "deferred": deferred,
            "inbox": smtp.inbox,
        }
    finally:
        # The workers finish their jobs while the app servers stop.
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for server in servers:
            server.stop()
        for worker in workers:
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
        smtp.stop()


class Client(threading.Thread):
    """One person at the lead's desk and one requester, alternating between the two app
    servers: board, triage and CSV export reads, tasks made, requests sent."""

    def __init__(self, number: int, ports: list[int], intake_path: str) -> None:
        super().__init__()
        self.number, self.ports, self.intake_path = number, ports, intake_path
        self.statuses: Counter = Counter()
        self.made: list[str] = []
        self.requested: list[tuple[str, str]] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self._run()
        except BaseException as error:  # reported by the test's thread
            self.error = error

    def _run(self) -> None:
        leads, requesters = [Browser(port) for port in self.ports], []
        for lead in leads:
            lead.log_in("lead", DEMO_PASSWORD)
            lead.get("/tasks/new/")
        for port in self.ports:
            requester = Browser(port)
            requester.get(self.intake_path)
            requesters.append(requester)
        for n in range(REQUESTS):
            lead, requester = leads[n % 2], requesters[n % 2]
            kind = n % 5
            if kind == 0:
                title = f"Pooled task {self.number}-{n}"
                response = lead.post("/tasks/new/", {"title": title})
                if response.status == 302:
                    self.made.append(title)
            elif kind == 1:
                title, address = (
                    f"Pooled request {self.number}-{n}",
                    f"r{self.number}-{n}@example.com",
                )
                response = requester.post(
                    self.intake_path,
                    {"title": title, "why": "A launch", "name": "Robin", "email": address},
                )
                if response.status == 303:
                    self.requested.append((title, address))
            elif kind == 2:
                response = lead.get("/tasks/export.csv")
                assert response.body.startswith(b"id,") and response.body.endswith(b"\n")
            else:
                response = lead.get(("/board/", "/triage/")[kind - 3])
            self.statuses[response.status] += 1


@pytest.fixture(scope="module")
def load(stack):
    """CLIENTS clients, REQUESTS requests each, while the server connections in use are
    counted on the PostgreSQL server itself."""
    ports = [server.port for server in stack["servers"]]
    clients = [Client(number, ports, stack["intake_path"]) for number in range(CLIENTS)]
    peak, done = [0], threading.Event()

    def count_server_connections():
        with psycopg.connect(stack["cluster"].url, autocommit=True) as db:
            while not done.is_set():
                (in_use,) = db.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = 'mopsboard' "
                    "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
                ).fetchone()
                peak[0] = max(peak[0], in_use)
                time.sleep(0.05)

    counter = threading.Thread(target=count_server_connections)
    counter.start()
    for client in clients:
        client.start()
    for client in clients:
        client.join(timeout=120)
    done.set()
    counter.join()
    for client in clients:
        if client.error is not None:
            raise client.error
    return clients, peak[0]


def _queue_drained(cluster_url: str, *, timeout: float = 60) -> None:
    """Wait until every email is delivered and no job due has yet to run."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(cluster_url, autocommit=True) as db:
        while True:
            (unsent,) = db.execute(
                "SELECT count(*) FROM mail_email WHERE status <> 'sent'"
            ).fetchone()
            (waiting,) = db.execute(
                "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing') "
                "AND (scheduled_at IS NULL OR scheduled_at <= now())"
            ).fetchone()
            if not unsent and not waiting:
                return
            assert time.monotonic() < deadline, f"{unsent} emails unsent, {waiting} jobs waiting"
            time.sleep(0.2)


def test_no_request_fails_and_every_acknowledged_write_is_in_postgresql(stack, load):
    clients, _ = load
    statuses = sum((client.statuses for client in clients), Counter())
    assert sum(statuses.values()) == CLIENTS * REQUESTS
    assert set(statuses) <= {200, 302, 303}, statuses
    made = [title for client in clients for title in client.made]
    requested = [title for client in clients for title, _ in client.requested]
    assert len(made) + len(requested) == CLIENTS * REQUESTS * 2 // 5
    with psycopg.connect(stack["cluster"].url) as db:
        stored = Counter(
            title
            for (title,) in db.execute(
                "SELECT title FROM backlog_task WHERE title LIKE 'Pooled %%'"
            ).fetchall()
        )
    assert stored == Counter(made + requested)


def test_every_email_queued_is_delivered_once(stack, load):
    clients, _ = load
    _queue_drained(stack["cluster"].url)
    inbox = stack["inbox"]
    for client in clients:
        for title, address in client.requested:
            (received,) = inbox.to(address)
            assert title in received["Subject"]
    with psycopg.connect(stack["cluster"].url) as db:
        queued = [row[0] for row in db.execute("SELECT message_id FROM mail_email").fetchall()]
    assert sorted(inbox.message_ids()) == sorted(queued)


def test_the_deferred_work_job_runs_once_though_two_workers_wait_for_it(stack, load):
    # Queued twice at once: one is refused, by the task's queueing lock.
    refused = [process for process in stack["deferred"] if process.returncode != 0]
    assert len(refused) == 1
    assert "already a job in the queue with the queueing lock" in refused[0].stderr
    _queue_drained(stack["cluster"].url)
    with psycopg.connect(stack["cluster"].url) as db:
        jobs = db.execute(
            "SELECT id, status FROM procrastinate_jobs WHERE task_name = %s", [RETURN_DEFERRED]
        ).fetchall()
        assert [status for _, status in jobs] == ["succeeded"]
        (started,) = db.execute(
            "SELECT count(*) FROM procrastinate_events WHERE job_id = %s AND type = 'started'",
            [jobs[0][0]],
        ).fetchone()
        assert started == 1
        returned = db.execute(
            "SELECT status, deferred_until FROM backlog_task WHERE id = ANY(%s)",
            [stack["due_back"]],
        ).fetchall()
    assert returned == [("new", None)] * DUE_BACK


def test_a_few_server_connections_serve_every_app_server_and_worker(load):
    _, peak = load
    # Four app processes and two workers, about sixteen client connections (a worker holds
    # its jobs' and its queue's pool of four), took turns on these.
    assert 0 < peak <= POOL_SIZE
