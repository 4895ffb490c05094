"""`make run` stops what it starts: SIGTERM to it (a process manager, `kill`) leaves no
development server and no queue worker running behind it."""

import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from bench.database import Server

pytestmark = pytest.mark.stack

PROJECT = Path(__file__).resolve().parent.parent


def test_sigterm_to_make_run_stops_the_server_and_the_worker(tmp_path):
    server = Server()
    database = f"test_make_run_{os.getpid()}"
    server.recreate(database)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (tmp_path / "make-run.log").open("w")
    make = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=PROJECT,
        env={**os.environ, "DATABASE_URL": server.url(database)},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # the signal goes to make alone, as from `kill`
    )
    started = []
    try:
        deadline = time.monotonic() + 240
        while not _listening(port) or len(_python(make)) < 3:
            assert make.poll() is None, (tmp_path / "make-run.log").read_text()
            assert time.monotonic() < deadline, "make run did not start within 240 s"
            time.sleep(0.5)
        started = _python(make)
        commands = " ".join(" ".join(process.cmdline()) for process in started)
        assert "manage.py worker" in commands and "manage.py runserver" in commands
        make.send_signal(signal.SIGTERM)
        make.wait(timeout=60)
        _, left = psutil.wait_procs(started, timeout=30)
        assert left == [], [process.cmdline() for process in left]
    finally:
        for process in [make, *started]:
            with contextlib.suppress(psutil.NoSuchProcess, ProcessLookupError):
                process.kill()
        make.wait()
        log.close()
        server.drop(database)


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _python(make: subprocess.Popen) -> list[psutil.Process]:
    """The Python processes `make run` has started: the worker, runserver and its child."""
    found = []
    with contextlib.suppress(psutil.NoSuchProcess):
        for process in psutil.Process(make.pid).children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                if "manage.py" in " ".join(process.cmdline()):
                    found.append(process)
    return found
