"""`make soak`: 20 clients for 60 s of mixed reads and writes against gunicorn on a
PostgreSQL server, which is stopped in the middle and started again.

Prints requests a second, p95, answers by status, how long the outage looked to the
clients, and the lost writes: every request created with a 2xx/3xx answer is looked for
in the database afterwards. Not part of `make test`: it takes a minute and a machine.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg

from bench.cluster import Cluster
from bench.server import PRODUCTION_ENV, Browser, Gunicorn, collect_static

BASE_DIR = Path(__file__).resolve().parents[1]
READS = ["/board/", "/triage/", "/raci/", "/board/scatter/", "/review/", "/people/"]


class Client(threading.Thread):
    def __init__(self, number: int, port: int, until: float) -> None:
        super().__init__()
        self.number, self.port, self.until = number, port, until
        self.timings: list[float] = []
        self.statuses: Counter = Counter()
        self.unavailable: list[float] = []
        self.created: list[str] = []

    def run(self) -> None:
        browser = Browser(self.port)
        browser.log_in("lead", "mopsboard-demo")
        browser.get("/tasks/new/")
        sent = 0
        while time.monotonic() < self.until:
            started = time.monotonic()
            try:
                if random.random() < 0.2:
                    sent += 1
                    title = f"soak {self.number}-{sent}"
                    response = browser.post("/tasks/new/", {"title": title})
                    if response.status in (200, 302):
                        self.created.append(title)
                else:
                    response = browser.get(random.choice(READS))
                status = response.status
            except OSError:
                status = "no answer"
            self.timings.append(time.monotonic() - started)
            self.statuses[status] += 1
            if status == 503:
                self.unavailable.append(started)
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    options = parser.parse_args()

    cluster = Cluster()
    env = {**os.environ, **PRODUCTION_ENV, "DATABASE_URL": cluster.url}
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo", "--verbosity", "0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=BASE_DIR, env=env, check=True)
    collect_static()
    log = Path(tempfile.mkdtemp()) / "gunicorn.log"
    server = Gunicorn(database_url=cluster.url, log=log, workers=options.workers)
    try:
        start = time.monotonic()
        until = start + options.seconds
        clients = [Client(n, server.port, until) for n in range(options.clients)]
        for client in clients:
            client.start()
        time.sleep(options.seconds / 3)
        stopped_at = time.monotonic()
        cluster.stop()
        time.sleep(5)
        cluster.start()
        restarted_at = time.monotonic()
        for client in clients:
            client.join()
        elapsed = time.monotonic() - start
    finally:
        server.stop()
    timings = sorted(t for client in clients for t in client.timings)
    statuses = sum((client.statuses for client in clients), Counter())
    unavailable = sorted(t for client in clients for t in client.unavailable)
    created = [title for client in clients for title in client.created]
    with psycopg.connect(cluster.url) as db:
        stored = {
            title
            for (title,) in db.execute(
                "SELECT title FROM backlog_task WHERE title LIKE 'soak %%'"
            ).fetchall()
        }
    cluster.remove()
    lost = [title for title in created if title not in stored]
    print(f"clients {options.clients}, {elapsed:.0f} s, gunicorn workers {options.workers}")
    print(f"requests/s {len(timings) / elapsed:.1f}")
    print(f"p95 {statistics.quantiles(timings, n=20)[-1] * 1000:.1f} ms")
    print("answers by status", dict(sorted(statuses.items(), key=str)))
    print(f"database stopped for {restarted_at - stopped_at:.1f} s")
    if unavailable:
        print(f"clients saw 503 for {unavailable[-1] - unavailable[0]:.1f} s")
    print(f"writes confirmed {len(created)}, lost writes: {len(lost)}")
    return 1 if lost or statuses.get(500) else 0


if __name__ == "__main__":
    sys.exit(main())
