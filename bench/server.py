"""A production-like mopsboard under gunicorn, and a logged-in HTTP client for it.

The server runs with DEBUG off, one sync worker and persistent database connections,
against the bench database. The client is http.client over loopback with a small
cookie jar: enough to log in, carry the session and send the CSRF token.
"""

import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

from bench.database import BASE_DIR

# What the bench process and gunicorn both run with: production settings.
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "mopsboard.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench",
    "DATABASE_CONN_MAX_AGE": "600",
    # The API's endpoints are timed with one token, far faster than a person's script.
    "MOPSBOARD_API_RATE_LIMIT": "1000000",
    # The bench runs the news a POST queued right after it, so news waits for no undo.
    "MOPSBOARD_UNDO_SECONDS": "0",
}
HOST = "127.0.0.1"
STARTUP_TIMEOUT = 30.0


def collect_static() -> None:
    """DEBUG=0 serves static files through WhiteNoise's manifest, which collectstatic writes."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=BASE_DIR,
        env={**os.environ, **PRODUCTION_ENV},
        check=True,
    )


def wait_until_listening(process: subprocess.Popen, port: int, *, name: str, timeout: float):
    """Wait until `process` accepts connections on `port` of loopback; raise if it exits
    first or does not listen within `timeout` seconds (its log says why)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}; see its log")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{name} did not listen on port {port} within {timeout}s")


class Gunicorn:
    """gunicorn with gunicorn.conf.py, sync workers (one unless told), a free loopback port;
    `extra_env` adds to (or overrides) the production settings."""

    def __init__(
        self, *, database_url: str, log: Path, workers: int = 1, extra_env: dict | None = None
    ) -> None:
        self.port = _free_port()
        env = {
            **os.environ,
            **PRODUCTION_ENV,
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DATABASE_URL": database_url,
            # Every intake POST comes from this one address, hundreds an hour: the limit's
            # count is written and read on each, but never reached.
            "MOPSBOARD_INTAKE_PER_IP_HOUR": "1000000",
            "MOPSBOARD_INTAKE_PER_LINK_HOUR": "1000000",
            **(extra_env or {}),
        }
        self._log = log.open("ab")
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "--config=gunicorn.conf.py",
                f"--workers={workers}",
                "--worker-class=sync",
                f"--bind={HOST}:{self.port}",
                "--log-level=warning",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=self._log,
            stderr=self._log,
        )
        wait_until_listening(self.process, self.port, name="gunicorn", timeout=STARTUP_TIMEOUT)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


class Browser:
    """One user's HTTP client: cookies, CSRF token, and the connection to reuse."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection(HOST, port, timeout=60)
        self.cookies: dict[str, str] = {}

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(
        self, path: str, data: dict[str, str], headers: dict[str, str] | None = None
    ) -> Response:
        return self.request(
            "POST",
            path,
            body=urllib.parse.urlencode(data),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": self.cookies.get("csrftoken", ""),
                **(headers or {}),
            },
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        body: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        # gunicorn's sync worker closes the connection after each response; http.client
        # then opens a new one for the next request (a loopback connect, ~0.1 ms).
        self.connection.request(method, path, body=body, headers=headers)
        raw = self.connection.getresponse()
        response = Response(raw.status, raw.headers, raw.read())
        self._keep_cookies(raw.headers)
        return response

    def _keep_cookies(self, headers: http.client.HTTPMessage) -> None:
        for header in headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def log_in(self, username: str, password: str) -> None:
        self.get("/accounts/login/")
        response = self.post(
            "/accounts/login/",
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
            },
        )
        if response.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"Logging in as {username} failed (HTTP {response.status}).")

    def close(self) -> None:
        self.connection.close()
