"""Who is asking: the client's address, through the proxies the service is told to trust.

Behind a load balancer every request comes from the balancer's address; the
address it saw is in ``X-Forwarded-For``, which anyone can also write. So the
header is read only when the request came from a listed proxy
(``YMS_TRUSTED_PROXIES``), and then from the right: each hop a trusted proxy
added is skipped, and the first address no trusted proxy vouches for is the
client. Rate limits count by this address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the settings read this module too, and need no web framework
    from fastapi import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
#: This machine only, as a list of networks (IPv4 and IPv6 loopback).
LOOPBACK = "127.0.0.1/32,::1"


def trusted_networks(text: str) -> tuple[Network, ...]:
    """The networks a comma-separated list names (``10.0.0.0/8, 192.0.2.7``); else `ValueError`."""
    return tuple(
        ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()
    )


def within(address: str, networks: Sequence[Network]) -> bool:
    """Whether `address` is in one of `networks` (an address that cannot be read is in none)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_of(peer: str, forwarded_for: str | None, networks: Sequence[Network]) -> str:
    """The client's address, given the socket's `peer` and the ``X-Forwarded-For`` header."""
    if not forwarded_for or not within(peer, networks):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not within(hop, networks):
            return hop
    return hops[0] if hops else peer  # every hop a trusted proxy: the first is the origin


def client_address(request: Request) -> str:
    """The address of whoever sent `request`, as rate limits count it."""
    peer = request.client.host if request.client else "unknown"
    networks: Sequence[Network] = getattr(request.app.state, "trusted_proxies", ())
    return client_of(peer, request.headers.get("x-forwarded-for"), networks)
