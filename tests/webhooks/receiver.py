"""A real webhook receiver for the tests: an HTTP server on 127.0.0.1 that verifies each
request's Standard Webhooks signature with the `standardwebhooks` package and keeps what
it accepted. It can be told to fail its next few requests, or to answer with a status."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks import Webhook, WebhookVerificationError


class Receiver:
    def __init__(self):
        self.secret = None
        self.fail_next = 0  # answer 500 to this many requests, then `status`
        self.status = 200
        self.received = []  # (webhook-id, payload) of each verified request answered 2xx
        self.requests = 0
        self.unverified = 0
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/mopsboard"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                self.send_response(receiver.answer(body, dict(self.headers)))
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        return Handler

    def answer(self, body: bytes, headers: dict) -> int:
        with self.lock:
            self.requests += 1
            try:
                payload = Webhook(self.secret).verify(body, headers)
            except WebhookVerificationError:
                self.unverified += 1
                return 401
            if self.fail_next:
                self.fail_next -= 1
                return 500
            if 200 <= self.status < 300:
                self.received.append((headers["webhook-id"], payload))
            return self.status

    def events(self) -> list[str]:
        return [payload["type"] for _, payload in self.received]

    def wait_for(self, count: int, *, timeout: float = 60) -> list:
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            if time.monotonic() > deadline:
                pytest.fail(f"The receiver got {self.events()} in {timeout} s, not {count}.")
            time.sleep(0.2)
        return self.received

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.stop()
