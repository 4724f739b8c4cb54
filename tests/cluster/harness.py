"""Real parts for the cluster tests: `kb serve` nodes, HAProxy, an HTTP client.

A node is a `kb serve` process (gunicorn master and one worker) in a process
group of its own, so that "kill -9 a node" kills exactly it. HAProxy runs
the tested `deploy/haproxy.cfg` with the node addresses in its environment.
`Client` is a small cookie-keeping HTTP client that reports failures instead
of raising, so load threads can count them.

A node starts on port 0 and its port is read from its log; one restarted
keeps the port HAProxy knows it by. HAProxy binds the ports it is given: a port
found free may be taken by another process before it binds it, so when it
could not bind it starts again on others.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.conftest import ROOT
from tests.ports import listening_port, listening_socket

HAPROXY_CONFIG = ROOT / "deploy" / "haproxy.cfg"
START_TIMEOUT_S = 180


# What HAProxy logs when a port was taken meanwhile.
@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]  # names in lower case


class Client:
    """urllib with a cookie jar; errors are answers (status 0: no answer at all)."""

    def __init__(self, base: str, timeout: float = 30.0) -> None:
        self.base = base
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
    ) -> Answer:
        data = None
        sent = dict(headers or {})
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=sent)
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return Answer(response.status, _decode(response.read()), _lower(response.headers))
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, _decode(exc.read()), _lower(exc.headers))
        except (OSError, http.client.HTTPException) as exc:
            return Answer(0, str(exc), {})

    def get(self, path: str) -> Answer:
        return self.call("GET", path)

    def with_cookies_of(self, other: Client) -> Client:
        for cookie in other.jar:
            self.jar.set_cookie(cookie)
        return self


def _lower(headers: Any) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in headers.items()}


def _decode(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")


def wait_for(check: Any, timeout: float, what: str, interval: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


@dataclass
class Node:
    """One `kb serve` process on a loopback port (0 until it first listens)."""

    name: str
    port: int
    index_dir: Path
    env: dict[str, str]
    log: Path
    proc: subprocess.Popen[bytes] | None = None
    client: Client = field(init=False)
    _log_start: int = 0  # where this start's lines begin in `log`

    def __post_init__(self) -> None:
        self.client = Client(self.url)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self._log_start = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "kb",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--workers",
                    "1",
                    "--index",
                    str(self.index_dir),
                ],
                env={**self.env, "KB_INDEX_DIR": str(self.index_dir)},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=ROOT,
            )

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> None:
        """Wait until the node serves (reading its port from its log first, when
        it was started on port 0)."""

        def ready() -> bool:
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError(f"{self.name} exited:\n{self.log_tail()}")
            if not self.port:
                port = listening_port(self.log, self._log_start)
                if port is None:
                    return False
                self.port, self.client = port, Client(f"http://127.0.0.1:{port}")
            return self.client.get("/api/health").status == 200

        wait_for(ready, timeout, f"{self.name} to serve", interval=0.5)

    def snapshot(self) -> str | None:
        answer = self.client.get("/api/health")
        return answer.body["index"]["snapshot"] if answer.status == 200 else None

    def kill(self) -> None:
        """kill -9 the whole node: gunicorn's master and its worker."""
        if self.proc is not None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


class HAProxy:
    """HAProxy in the foreground with `deploy/haproxy.cfg`; `nodes[0]` is the
    authoring server (KB_AUTHORING_NODE), as well as the first balanced node.

    Its two listening sockets are bound (port 0) and opened here and handed to
    it (`KB_LISTEN=fd@N`, HAProxy's inherited descriptor address): nobody else
    can take their ports between choosing and binding them, as a port found
    free and given by number could be."""

    def __init__(self, nodes: list[Node], log: Path) -> None:
        if shutil.which("haproxy") is None:
            raise AssertionError(
                "haproxy is not installed; `make test` installs Debian's package "
                "(apt-get install haproxy)"
            )
        self.nodes, self.log = nodes, log
        self._sockets = [listening_socket(), listening_socket()]
        self.port, self.stats_port = (int(s.getsockname()[1]) for s in self._sockets)
        env = {
            **os.environ,
            "KB_LISTEN": f"fd@{self._sockets[0].fileno()}",
            "KB_STATS_LISTEN": f"fd@{self._sockets[1].fileno()}",
        }
        for i, node in enumerate(self.nodes, start=1):
            env[f"KB_NODE{i}"] = node.address
        env["KB_AUTHORING_NODE"] = self.nodes[0].address
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                ["haproxy", "-db", "-f", str(HAPROXY_CONFIG)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                pass_fds=[s.fileno() for s in self._sockets],
            )
        self.client = Client(self.url)
        wait_for(self._ready, START_TIMEOUT_S, "HAProxy")

    def _ready(self) -> bool:
        if self.proc.poll() is not None:
            tail = self.log.read_text(errors="replace")[-4000:]
            raise AssertionError(f"HAProxy exited:\n{tail}")
        return self.client.get("/api/health").status == 200

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def statistics(self) -> dict[tuple[str, str], dict[str, str]]:
        """HAProxy's statistics rows by (proxy, server), e.g. ("kb_nodes", "BACKEND")."""
        answer = Client(f"http://127.0.0.1:{self.stats_port}").get("/stats;csv")
        if answer.status != 200:
            raise AssertionError(f"HAProxy's statistics: {answer.status} {answer.body}")
        csv = answer.body
        lines = [line for line in str(csv).splitlines() if line]
        header = lines[0].lstrip("# ").split(",")
        rows = (dict(zip(header, line.split(","), strict=False)) for line in lines[1:])
        return {(row["pxname"], row["svname"]): row for row in rows}

    def status(self, backend: str, server: str) -> str:
        """A server's state as HAProxy's checks see it: UP, DOWN, or on the way ("DOWN 1/2")."""
        return self.statistics()[backend, server].get("status", "")

    def sessions(self, backend: str, server: str = "BACKEND") -> int:
        """Requests a backend (or one of its servers) has been sent so far."""
        return int(self.statistics()[backend, server].get("stot") or 0)

    def retries(self) -> tuple[int, int]:
        """(requests retried, requests redispatched to another node) so far."""
        row = self.statistics().get(("kb_nodes", "BACKEND"))
        if row is None:
            raise AssertionError("no kb_nodes backend in HAProxy's statistics")
        return int(row.get("wretr") or 0), int(row.get("wredis") or 0)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        for sock in self._sockets:
            sock.close()


def kb(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run a `kb` command to completion."""
    return subprocess.run(
        [sys.executable, "-m", "kb", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
