"""The reverse proxies in front of the app, and what is believed from them.

Behind a proxy that ends TLS, the app sees the proxy's address, plain HTTP
and the proxy's host name. The proxy's X-Forwarded-For, -Proto, -Host and
-Port headers say what the client sent, but anyone can send those headers;
so they are applied only when the connection comes from an address in the
setting `trusted_proxies`, and never otherwise: -Proto, -Host and -Port of
that proxy (werkzeug's ProxyFix, one hop), and the client's address read
from X-Forwarded-For backwards, past every address that is itself a trusted
proxy, to the first one that is not (`forwarded_client`). So people behind
a proxy of their own that the operator trusts (a branch office's, a load
balancer before the reverse proxy) are told apart by their own addresses,
as rate limits and the count of people who asked need, and an address a
client writes into the header itself is never reached: the first untrusted
hop ends the walk. The address the connection really came from stays
available as `peer()`:
header (single-sign-on) mode trusts X-Remote-User by it, never by a
forwarded address. With `trusted_proxies` empty (the default) nothing is
believed, loopback included: a process on the same host is not a proxy by
default.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from flask import request
from werkzeug.middleware.proxy_fix import ProxyFix

from kb.errors import ConfigError

PEER = "kb.peer"
MAX_HOPS = 20  # X-Forwarded-For addresses looked at, from the end: proxies in a row
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@lru_cache(maxsize=16)
def networks(setting: str) -> tuple[Network, ...]:
    """The addresses and networks of a `trusted_proxies` value."""
    found = []
    for item in setting.split(","):
        item = item.strip()
        if not item:
            continue
        try:
            found.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ConfigError(
                "the setting trusted_proxies must list addresses or networks "
                f"(10.0.0.5,10.1.0.0/16): {exc}"
            ) from None
    return tuple(found)


def is_trusted(address: str | None, setting: str) -> bool:
    """True when `address` is one of the addresses or networks of `setting`."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks(setting))


def client_network() -> str:
    """The client's address as limits and suggestions count clients: the address
    itself, or the /64 network of an IPv6 address (one machine's range)."""
    address = request.remote_addr or ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def peer() -> str:
    """The address the current connection came from (before any forwarded header)."""
    return str(request.environ.get(PEER) or request.remote_addr or "")


def forwarded_client(peer: str, forwarded_for: str, setting: str) -> str:
    """The client's address behind the trusted proxy `peer`: X-Forwarded-For read
    from its end, each address vouched for by the trusted proxy after it, up to the
    first address that is not a trusted proxy (every proxy appends the address it
    was reached from, so what a client wrote itself lies before that one)."""
    client = peer
    for hop in reversed(forwarded_for.split(",")[-MAX_HOPS:]):
        if not is_trusted(client, setting):
            break
        client = hop.strip() or client
    return client


class TrustedProxies:
    """WSGI middleware: forwarded headers for connections from trusted proxies only."""

    def __init__(self, app: WsgiApp, setting: Callable[[], str]) -> None:
        self.app = app
        # The client's address is `forwarded_client`'s, not ProxyFix's fixed hop count.
        self.fixed = ProxyFix(app, x_for=0, x_proto=1, x_host=1, x_port=1)
        self.setting = setting

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        address = environ.get("REMOTE_ADDR", "")
        environ[PEER] = address
        setting = self.setting()
        if is_trusted(address, setting):
            forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
            environ["REMOTE_ADDR"] = forwarded_client(address, forwarded, setting)
            return self.fixed(environ, start_response)
        return self.app(environ, start_response)
