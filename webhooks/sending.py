"""One webhook request: a signed JSON POST to the checked address, no redirects followed."""

import datetime
import http.client
import socket
from dataclasses import dataclass

from django.conf import settings
from standardwebhooks import Webhook

from webhooks.addresses import target
from webhooks.models import EXCERPT_LENGTH

USER_AGENT = "mopsboard-webhooks/1"


@dataclass(frozen=True)
class Answer:
    status: int
    excerpt: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def signed_headers(*, secret: str, webhook_id: str, body: str, now: datetime.datetime) -> dict:
    """The Standard Webhooks headers: the message's id, this try's time, and the signature
    of both with the body (`v1,` HMAC-SHA256 under the endpoint's secret)."""
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(webhook_id, now, body),
    }


class PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to the URL's host that connects to one address checked before:
    the Host header, the TLS server name and the certificate check keep the host name, so a
    name that resolves elsewhere between the check and the request is not followed."""

    address: str  # the checked address, set before the request

    def connect(self):
        self.sock = socket.create_connection(
            (self.address, self.port), self.timeout, self.source_address
        )
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class PinnedHTTPSConnection(http.client.HTTPSConnection, PinnedHTTPConnection):
    """The same over TLS: HTTPSConnection.connect() wraps what PinnedHTTPConnection opened."""


def post(url: str, *, body: str, headers: dict) -> Answer:
    """POST `body` to `url`, connecting to the address `target` checked (the Host header,
    TLS server name and certificate check keep the URL's host name). Raises UnsafeAddress,
    OSError (refused, timed out, TLS) or http.client.HTTPException."""
    to = target(url)
    timeout = settings.MOPSBOARD_WEBHOOKS_TIMEOUT
    connection_class = PinnedHTTPSConnection if to.scheme == "https" else PinnedHTTPConnection
    connection = connection_class(to.host, to.port, timeout=timeout)
    connection.address = to.address
    try:
        connection.request(
            "POST",
            to.path,
            body=body.encode(),
            headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
        )
        response = connection.getresponse()
        excerpt = response.read(EXCERPT_LENGTH * 4).decode(errors="replace")[:EXCERPT_LENGTH]
        return Answer(status=response.status, excerpt=excerpt)
    finally:
        connection.close()
