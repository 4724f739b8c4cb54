"""Loopback ports for test servers, held from the moment they are chosen.

A port found free by binding a socket and closing it again may be taken by
another test or process before the server binds it. Servers in the tests bind
port 0 and read the port back (`kb serve --port 0` writes it in its log);
HAProxy, which takes an address, is handed sockets bound and listening here;
a port that must refuse connections is a socket bound and never listening,
held as long as the test needs it.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def listening_socket() -> socket.socket:
    """A loopback socket bound to a port of its own and listening, to hand to a
    program that takes an inherited descriptor (HAProxy's `fd@N`)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


@contextmanager
def refusing_port() -> Iterator[int]:
    """A loopback port that refuses connections (bound, not listening) and that
    nobody else can take while the block runs."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


LISTENING = re.compile(r"Listening at: http://[^\s]+:(\d+) ")


def listening_port(log: Path, start: int = 0) -> int | None:
    """The port a `kb serve` started with `--port 0` listens on, from gunicorn's
    line in `log` (read from byte `start` on); None before it is written."""
    with log.open("rb") as lines:
        lines.seek(start)
        found = LISTENING.search(lines.read().decode(errors="replace"))
    return int(found.group(1)) if found else None
