"""A throwaway PostgreSQL *server* cluster (Debian's `postgresql` package, not the
embedded one) on a free loopback port, that can be stopped and started again: what the
production-stack test and `make soak` run the app against; and Debian's pgbouncer in
front of one, for the pooled-stack test."""

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
from psycopg import sql

from bench.server import wait_until_listening

POSTGRES_BINS = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
PGBOUNCER = Path("/usr/sbin/pgbouncer")


class Cluster:
    """Run as the unprivileged `postgres` user when we are root: PostgreSQL refuses root."""

    def __init__(self) -> None:
        if not POSTGRES_BINS:
            raise RuntimeError("Debian's PostgreSQL server is missing: apt-get install postgresql")
        self.data = Path(tempfile.mkdtemp(prefix="mopsboard-pg-"))
        self._as_owner = []
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres")
            self._as_owner = ["runuser", "-u", "postgres", "--"]
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._pg_ctl = [str(POSTGRES_BINS[-1] / "pg_ctl"), "-D", str(self.data), "-w"]
        self._run(str(POSTGRES_BINS[-1] / "initdb"), "-D", str(self.data), "-U", "mopsboard")
        self.start()
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="mopsboard", dbname="postgres", autocommit=True
        ) as admin:
            admin.execute("CREATE DATABASE mopsboard")
        self.url = f"postgresql://mopsboard@127.0.0.1:{self.port}/mopsboard"

    def _run(self, *command) -> None:
        subprocess.run([*self._as_owner, *command], check=True, capture_output=True)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1"
        self._run(*self._pg_ctl, "-l", str(self.data / "server.log"), "-o", options, "start")

    def stop(self) -> None:
        self._run(*self._pg_ctl, "-m", "fast", "stop")

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.data, ignore_errors=True)


class PgBouncer:
    """Debian's pgbouncer in transaction pooling mode in front of `cluster`, on a free
    loopback port, at most `pool_size` server connections for however many clients. A
    client logs in with `password` (SCRAM, checked against the cluster's own secret for
    the role), as an operator's pgbouncer does."""

    def __init__(self, cluster: Cluster, *, password: str, pool_size: int = 5) -> None:
        if not PGBOUNCER.is_file():
            raise RuntimeError("Debian's pgbouncer is missing: apt-get install pgbouncer")
        with psycopg.connect(cluster.url, autocommit=True) as admin:
            admin.execute(sql.SQL("ALTER ROLE mopsboard PASSWORD {}").format(sql.Literal(password)))
            secret = admin.execute(
                "SELECT rolpassword FROM pg_authid WHERE rolname = 'mopsboard'"
            ).fetchone()[0]
        self.files = Path(tempfile.mkdtemp(prefix="mopsboard-pgbouncer-"))
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        (self.files / "userlist.txt").write_text(f'"mopsboard" "{secret}"\n')
        (self.files / "pgbouncer.ini").write_text(
            f"""[databases]
mopsboard = host=127.0.0.1 port={cluster.port} dbname=mopsboard

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.port}
unix_socket_dir =
auth_type = scram-sha-256
auth_file = {self.files / "userlist.txt"}
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = 200
logfile = {self.files / "pgbouncer.log"}
"""
        )
        as_owner = []
        if os.geteuid() == 0:
            # pgbouncer, like PostgreSQL, refuses to run as root.
            shutil.chown(self.files, "postgres")
            for name in ("userlist.txt", "pgbouncer.ini"):
                shutil.chown(self.files / name, "postgres")
            as_owner = ["runuser", "-u", "postgres", "--"]
        self.process = subprocess.Popen(
            [*as_owner, str(PGBOUNCER), "--quiet", str(self.files / "pgbouncer.ini")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"postgresql://mopsboard:{password}@127.0.0.1:{self.port}/mopsboard"
        # Its log is in self.files / "pgbouncer.log".
        wait_until_listening(self.process, self.port, name="pgbouncer", timeout=10)

    def remove(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.files, ignore_errors=True)
