"""The benchmarks' servers bind port 0 and read the port back (benchmarks.ports)."""

from __future__ import annotations

import http.client
import socket
import sys
import textwrap
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from benchmarks import http_load
from benchmarks.ports import HOST, bound_server, listen, served_port
from benchmarks.requests_load import Receiver

GUNICORN_LINE = (
    "[2026-12-04 12:00:00 +0000] [4242] [INFO] Listening at: http://127.0.0.1:43127 (4242)"
)


class Answer(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


def _connects(port: int) -> bool:
    try:
        socket.create_connection((HOST, port), timeout=5).close()
    except ConnectionRefusedError:
        return False
    return True


def test_served_port_reads_gunicorn_line() -> None:
    assert served_port(GUNICORN_LINE + "\n") == 43127
    assert served_port("[2026-12-04 12:00:01 +0000] [4243] [INFO] Booting worker with pid") is None


def test_bound_server_holds_its_port_and_refuses_until_it_listens() -> None:
    server = bound_server(Answer)
    port = int(server.server_address[1])
    try:
        assert port != 0
        assert not _connects(port)
        with socket.socket() as other, pytest.raises(OSError):
            other.bind((HOST, port))
        listen(server)
        conn = http.client.HTTPConnection(HOST, port, timeout=5)
        conn.request("GET", "/")
        assert conn.getresponse().status == 204
        conn.close()
    finally:
        server.shutdown()
        server.server_close()


def test_webhook_receiver_is_down_on_its_own_port_until_started() -> None:
    with Receiver("secret") as receiver:
        assert receiver.port != 0
        assert not _connects(receiver.port)
        receiver.start()
        assert _connects(receiver.port)
    assert not _connects(receiver.port)


def test_unstarted_receiver_stops_at_once() -> None:
    receiver = Receiver("secret")
    receiver.stop()  # never started: must not wait for a serving loop
    assert receiver.server.socket.fileno() == -1


FAKE_SERVE = textwrap.dedent(
    """
    import sys, time
    args = sys.argv[1:]
    port = args[args.index("--port") + 1]
    if port != "0":
        sys.exit("not asked to bind port 0: " + port)
    # Warm before the port is known: readiness must wait for both.
    print("[x] [2] [INFO] worker warmed up in 0.1 s", file=sys.stderr, flush=True)
    time.sleep(0.5)
    print("[x] [1] [INFO] Listening at: http://127.0.0.1:43127 (1)", file=sys.stderr, flush=True)
    time.sleep(60)
    """
)


def test_kb_serve_is_started_on_port_0_and_its_port_read_from_its_log(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(
        http_load, "kb_command", lambda *args: [sys.executable, "-c", FAKE_SERVE, *args]
    )
    server = http_load.Server(tmp_path, tmp_path, 1, 1, {})
    try:
        assert server.wait_ready(30) == 43127
        assert server.port == 43127
    finally:
        server.stop()
