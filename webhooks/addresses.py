"""Where a webhook may go: an http or https URL whose host resolves only to public
addresses, unless MOPSBOARD_WEBHOOKS_ALLOW_PRIVATE is on. Checked when an endpoint is
registered and again before every delivery (DNS can change in between), and the delivery
connects to the very address checked here, so a name that resolves elsewhere a moment
later (DNS rebinding) still reaches only the checked address."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from mopsboard.errors import DomainError


class UnsafeAddress(DomainError):
    """The URL is not one a webhook may be sent to; `message` says why."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with its query string
    address: str  # the IP address checked, the one to connect to


def _refused(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    # Not global: private, loopback, link-local (cloud metadata), shared, reserved,
    # unspecified, documentation ranges. Multicast is never a web server.
    return not ip.is_global or ip.is_multicast


def target(url: str) -> Target:
    """The checked target of `url`; UnsafeAddress when it must not be called."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeAddress(f"This is not a web address: {error}.") from error
    if parts.scheme not in ("http", "https"):
        raise UnsafeAddress("Use an http:// or https:// address.")
    if not parts.hostname:
        raise UnsafeAddress("The address has no host name.")
    if parts.username or parts.password:
        raise UnsafeAddress("Leave the user name and password out of the address.")
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UnsafeAddress(f"{parts.hostname} could not be found ({error}).") from error
    addresses = [info[4][0] for info in found]
    private = sorted({a for a in addresses if _refused(ipaddress.ip_address(a.split("%")[0]))})
    if private and not settings.MOPSBOARD_WEBHOOKS_ALLOW_PRIVATE:
        raise UnsafeAddress(
            f"{parts.hostname} is on a private, loopback, link-local or reserved network "
            f"({', '.join(private)}): webhooks go to public addresses only."
        )
    path = parts.path or "/"
    return Target(
        scheme=parts.scheme,
        host=parts.hostname,
        port=port,
        path=f"{path}?{parts.query}" if parts.query else path,
        address=addresses[0],
    )
