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


# Global unicast IPv6. Nothing outside it (site-local fec0::/10, IPv4-compatible ::a.b.c.d,
# IPv4-translated ::ffff:0:a.b.c.d, …) is a web server's, yet is_global passes several.
GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")
# NAT64's well-known prefix (RFC 6052): the gateway connects to the IPv4 address in the
# last 32 bits, so a DNS64 network's names for IPv4 servers resolve into it.
NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _refused(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address):
        # Reached over IPv4 through a mapping or a NAT64 gateway: the IPv4 address decides.
        if ip.ipv4_mapped:
            return _refused(ip.ipv4_mapped)
        if ip in NAT64:
            return _refused(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        # 6to4 tunnels to the IPv4 address it embeds.
        if ip.sixtofour and _refused(ip.sixtofour):
            return True
        if ip not in GLOBAL_UNICAST:
            return True
    # Not global: private, loopback, link-local (cloud metadata), shared, reserved,
    # unspecified, documentation ranges, Teredo. Multicast is never a web server.
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
