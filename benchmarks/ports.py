"""Loopback ports for the benchmarks' servers, chosen by the server as it binds.

A port probed free and released before the server binds it can be taken in
between by another process: the run then fails, or measures someone else's
server. So every benchmark server binds port 0 and the benchmark reads the
port it got back: `kb serve --port 0` from gunicorn's "Listening at" line in
its log, an in-process HTTP server from its own socket. A server that must
be down for a while (a webhook target) holds its bound port and refuses
connections until it starts listening. The helpers share `tests.ports`' log
pattern and refusing port, so the tests and the benchmarks read ports one way.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.ports import LISTENING, refusing_port

HOST = "127.0.0.1"  # loopback only, always

__all__ = ["HOST", "bound_server", "listen", "refusing_port", "served_port"]


def served_port(line: str) -> int | None:
    """The port from a `kb serve --port 0` log line that says where it listens;
    None for any other line."""
    found = LISTENING.search(line)
    return int(found.group(1)) if found else None


def bound_server(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """An HTTP server bound to a loopback port of the system's choosing
    (`server_address[1]`), not yet listening: connections to it are refused
    until `listen` starts it, and no other process can take the port meanwhile."""
    server = ThreadingHTTPServer((HOST, 0), handler, bind_and_activate=False)
    try:
        server.server_bind()
    except OSError:
        server.server_close()
        raise
    return server


def listen(server: ThreadingHTTPServer) -> None:
    """Start answering on the port `bound_server` holds, from a daemon thread."""
    server.server_activate()
    threading.Thread(target=server.serve_forever, daemon=True).start()
