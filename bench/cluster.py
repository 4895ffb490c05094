"""A throwaway PostgreSQL *server* cluster (Debian's `postgresql` package, not the
embedded one) on a free loopback port, that can be stopped and started again: what the
production-stack test and `make soak` run the app against."""

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg

POSTGRES_BINS = sorted(Path("/usr/lib/postgresql").glob("*/bin"))


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
