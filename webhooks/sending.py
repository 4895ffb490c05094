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


def post(url: str, *, body: str, headers: dict) -> Answer:
    """POST `body` to `url`, connecting to the address `target` checked (the Host header,
    TLS server name and certificate check keep the URL's host name). Raises UnsafeAddress,
    OSError (refused, timed out, TLS) or http.client.HTTPException."""
    to = target(url)
    timeout = settings.MOPSBOARD_WEBHOOKS_TIMEOUT
    connection_class = (
        http.client.HTTPSConnection if to.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(to.host, to.port, timeout=timeout)
    # http.client connects to (host, port); this connects to the address checked instead.
    connection._create_connection = lambda address, *args, **kwargs: socket.create_connection(
        (to.address, address[1]), *args, **kwargs
    )
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
