"""Webhooks: signed JSON posts from the outbox, retried with backoff until the target is up.

A real HTTP server on 127.0.0.1 (in a thread) receives the posts and checks
the signature itself, the way a department's receiver would. Each receiver
holds its port from the start (port 0, read back): it refuses connections
until it listens, and no other test can take the port meanwhile.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kb.notify.config import NotifyConfig, Webhook
from kb.notify.notifier import Notifier
from kb.notify.outbox import OutboxMessage
from kb.notify.webhooks import WebhookSender, body_bytes, sign, verify_signature
from kb.notify.worker import OutboxWorker
from kb.requests.service import RequestService
from kb.store.protocols import Store
from tests.support import DEPARTMENTS, EMPLOYEE, IT_AGENT, Clock, guess_language

SECRET = "s3cret-for-tests"


class Receiver(ThreadingHTTPServer):
    """Accepts webhook posts, checking each signature; answers `status`."""

    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler] | None = None) -> None:
        super().__init__(("127.0.0.1", 0), handler or _Handler, bind_and_activate=False)
        try:
            self.server_bind()  # the port is this receiver's; it listens from `start`
        except OSError:
            self.server_close()
            raise
        self.received: list[tuple[dict[str, str], bytes, bool]] = []
        self.status = 204
        self.started = False

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> Receiver:
        self.server_activate()
        threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True).start()
        self.started = True
        return self


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        body = self.rfile.read(int(self.headers["Content-Length"]))
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        valid = hmac.compare_digest(expected, self.headers.get("X-SpocKB-Signature", ""))
        self.server.received.append(({k.lower(): v for k, v in self.headers.items()}, body, valid))
        self.send_response(self.server.status if valid else 401)
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802 - a followed redirect would arrive as a GET
        self.server.received.append(({k.lower(): v for k, v in self.headers.items()}, b"", False))
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


@pytest.fixture
def receivers() -> Iterator[list[Receiver]]:
    """Receivers made by a test, shut down after it."""
    made: list[Receiver] = []
    yield made
    for receiver in made:
        if receiver.started:
            receiver.shutdown()
        receiver.server_close()


@pytest.fixture
def receiver(receivers: list[Receiver]) -> Receiver:
    """A receiver on a port of its own, not listening yet (`start`)."""
    receivers.append(Receiver())
    return receivers[-1]


def build(
    store: Store, clock: Clock, url: str, environ: dict[str, str] | None = None
) -> tuple[RequestService, OutboxWorker]:
    config = NotifyConfig(webhooks={"it": Webhook(url, "IT_HOOK_SECRET")})
    notifier = Notifier(config, language_of=guess_language, clock=clock)
    service = RequestService(
        store, departments=DEPARTMENTS, notifier=notifier, language_of=guess_language, clock=clock
    )
    sender = WebhookSender(
        config.secret_envs(),
        timeout=30,  # a loaded machine may keep the receiver thread waiting
        environ={"IT_HOOK_SECRET": SECRET} if environ is None else environ,
    )
    return service, OutboxWorker(store, webhooks=sender, clock=clock, timeout=2)


def test_signed_payload_and_retry_until_the_target_is_up(
    store: Store, clock: Clock, receiver: Receiver
) -> None:
    url = receiver.url("/hooks/it")
    service, worker = build(store, clock, url)
    request = service.submit(EMPLOYEE, "VPN drops every hour", department="it")
    [message] = store.due_messages(clock.now)
    assert (message.topic, message.target) == ("request.created", url)

    # Nobody listens yet: the attempt fails and is rescheduled 30 s later.
    t0 = clock.now
    report = worker.deliver_due(t0)
    assert (report.delivered, report.failed) == (0, 1)
    assert store.due_messages(t0 + timedelta(seconds=29)) == []
    [waiting] = store.due_messages(t0 + timedelta(seconds=30))
    assert waiting.attempts == 1 and "could not reach" in (waiting.last_error or "")

    # Still down at the retry: the next wait doubles.
    assert worker.deliver_due(t0 + timedelta(seconds=30)).failed == 1
    assert store.due_messages(t0 + timedelta(seconds=89)) == []
    assert len(store.due_messages(t0 + timedelta(seconds=90))) == 1

    # The target comes back: the message arrives, once, signed.
    receiver.start()
    assert worker.deliver_due(t0 + timedelta(seconds=90)).delivered == 1
    assert worker.deliver_due(t0 + timedelta(days=1)).attempted == 0
    [(headers, body, valid)] = receiver.received
    assert valid
    assert headers["x-spockb-event"] == "request.created"
    assert headers["x-spockb-delivery"] == str(message.id)
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert verify_signature(SECRET, body, headers["x-spockb-signature"])
    assert not verify_signature("wrong secret", body, headers["x-spockb-signature"])
    payload = json.loads(body)
    assert set(payload) == {"event", "request", "entry", "ts"}
    assert payload["request"]["id"] == request.id
    assert payload["request"]["query"] == "VPN drops every hour"
    assert payload["entry"]["kind"] == "created"


def test_every_change_of_the_department_is_posted(
    store: Store, clock: Clock, receiver: Receiver
) -> None:
    receiver.start()
    service, worker = build(store, clock, receiver.url("/hook"))
    request = service.submit(EMPLOYEE, "VPN drops", department="it")
    assert request.id is not None
    service.comment(IT_AGENT, request.id, "Looking into it.")
    service.assign(IT_AGENT, request.id, "ian")
    service.resolve(IT_AGENT, request.id, "New client version.")
    # Moving it to HR posts to IT (it left) but HR has no webhook.
    service.transition(EMPLOYEE, request.id, "in_progress", note="Not fixed")
    service.reassign(IT_AGENT, request.id, "hr", "It is about the laptop policy")
    assert worker.deliver_due(clock.now).delivered == 7
    events = [headers["x-spockb-event"] for headers, _, _ in receiver.received]
    assert events == [
        "request.created",
        "request.commented",
        "request.status_changed",  # the reply started the new request
        "request.assigned",
        "request.resolved",
        "request.status_changed",
        "request.reassigned",
    ]
    assert all(valid for _, _, valid in receiver.received)


def test_error_answers_and_a_missing_secret_are_retried(
    store: Store, clock: Clock, receiver: Receiver
) -> None:
    receiver.start()
    receiver.status = 500
    service, worker = build(store, clock, receiver.url("/hook"))
    service.submit(EMPLOYEE, "VPN drops", department="it")
    assert worker.deliver_due(clock.now).failed == 1
    [message] = store.due_messages(clock.now + timedelta(hours=1))
    assert "answered HTTP 500" in (message.last_error or "")

    _, unsigned = build(store, clock, receiver.url("/hook"), environ={})
    assert unsigned.deliver_due(clock.now + timedelta(hours=1)).failed == 1
    [message] = store.due_messages(clock.now + timedelta(hours=2))
    assert "IT_HOOK_SECRET is not set" in (message.last_error or "")
    assert len(receiver.received) == 1  # nothing was sent without a signature


def test_a_delivery_sent_again_carries_the_same_idempotency_key(
    store: Store, clock: Clock, receiver: Receiver
) -> None:
    # The receiver processes the first delivery but its answer is an error (as
    # when the answer is lost): the retry must be recognisable as the same one.
    receiver.start()
    receiver.status = 500
    service, worker = build(store, clock, receiver.url("/hook"))
    request = service.submit(EMPLOYEE, "VPN drops", department="it")
    assert worker.deliver_due(clock.now).failed == 1
    receiver.status = 204
    assert worker.deliver_due(clock.now + timedelta(hours=1)).delivered == 1
    service.comment(EMPLOYEE, request.id, "Still dropping.")
    assert worker.deliver_due(clock.now + timedelta(hours=1)).delivered == 1
    keys = [headers["idempotency-key"] for headers, _, _ in receiver.received]
    deliveries = [headers["x-spockb-delivery"] for headers, _, _ in receiver.received]
    assert len(keys) == 3 and keys[0] == keys[1] != keys[2]
    assert deliveries[0] == deliveries[1] != deliveries[2]
    assert keys[0].startswith(deliveries[0] + "-")


def test_gives_up_after_max_attempts(store: Store, clock: Clock, receiver: Receiver) -> None:
    service, _ = build(store, clock, receiver.url("/hook"))  # never listening
    sender = WebhookSender({receiver.url("/hook"): "X"}, environ={"X": "y"}, timeout=1)
    worker = OutboxWorker(store, webhooks=sender, clock=clock, max_attempts=2)
    service.submit(EMPLOYEE, "VPN drops", department="it")
    when = clock.now
    assert worker.deliver_due(when).failed == 1
    assert worker.deliver_due(when + timedelta(hours=1)).given_up == 1
    assert worker.deliver_due(when + timedelta(days=30)).attempted == 0


def test_a_claimed_message_is_not_sent_by_a_second_worker(
    store: Store, clock: Clock, receiver: Receiver
) -> None:
    receiver.start()
    service, worker = build(store, clock, receiver.url("/hook"))
    service.submit(EMPLOYEE, "VPN drops", department="it")
    [claimed] = store.claim_messages(clock.now, lease=timedelta(minutes=5))  # worker one, busy
    assert worker.deliver_due(clock.now).attempted == 0  # worker two finds nothing
    assert receiver.received == []
    # Worker one died without recording anything: after the lease the message is sent.
    assert worker.deliver_due(clock.now + timedelta(minutes=6)).delivered == 1
    assert len(receiver.received) == 1 and claimed.id is not None


def test_signature_helpers() -> None:
    message = OutboxMessage(topic="t", target="https://example.org/h", payload={"ä": 1})
    body = body_bytes(message.payload)
    assert body == '{"ä":1}'.encode()
    assert sign(b"k", body) == "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest()
    assert not verify_signature("k", body, None)
    # A receiver's header may hold anything a client sent: false, never a TypeError.
    assert not verify_signature("k", body, "sha256=\u00e9")


def test_redirects_are_not_followed(store: Store, clock: Clock, receivers: list[Receiver]) -> None:
    """An allowed receiver cannot pass the records on: a redirect is a failed
    delivery, and the address it names is never called (issue 13)."""
    inner = Receiver().start()  # stands for an internal service
    receivers.append(inner)
    calls: list[str] = []

    class Redirecting(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            calls.append(self.path)
            self.send_response(302)
            self.send_header("Location", inner.url("/internal"))
            self.end_headers()

        do_GET = do_POST  # noqa: N815 - the name http.server calls

        def log_message(self, format: str, *args: object) -> None:
            pass

    outer = Receiver(Redirecting).start()
    receivers.append(outer)
    service, worker = build(store, clock, outer.url("/hook"))
    service.submit(EMPLOYEE, "VPN drops every hour", department="it")
    report = worker.deliver_due(clock.now)
    assert (report.delivered, report.failed) == (0, 1)
    assert calls == ["/hook"]
    assert inner.received == []
    [message] = store.due_messages(clock.now + timedelta(days=1))
    assert "redirects to" in (message.last_error or "")
