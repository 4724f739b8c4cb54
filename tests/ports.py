"""Loopback ports for test servers, held from the moment they are chosen.

A port found free by binding a socket and closing it again may be taken by
another test or process before the server binds it. Servers in the tests bind
port 0 and read the port back; a port that must refuse connections is a socket
bound and never listening, held as long as the test needs it.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def refusing_port() -> Iterator[int]:
    """A loopback port that refuses connections (bound, not listening) and that
    nobody else can take while the block runs."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])
