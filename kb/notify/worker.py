"""The outbox worker: delivers due notifications, retrying failures with backoff.

`deliver_due(now)` makes one pass: it claims due messages (`Store.claim_messages`
pushes each claimed message's next attempt past a lease, so several worker
processes never send the same message at once), sends each, and records the
outcome: delivered, or failed with the next attempt `kb.notify.outbox.backoff` later.
After `max_attempts` failures a message is given up on and kept, with its last
error, for inspection.

Delivery is at least once: a worker that dies after sending but before
recording it sends the message again once the lease has run out. Every
delivery of a message carries one key (`kb.notify.outbox.delivery_key`):
webhook receivers can tell a repeat by the `Idempotency-Key` header, mail
clients by the Message-ID.

A mail to someone who watched a request themselves, or to the agent a
request or task was given to (its payload names them as `READER`), is sent
only while their account may still read the request by its roles, read from the store just before sending; otherwise it is given up
on with the reason, unsent. Under `auth_mode header` the store holds the
roles of the person's last sign-in: a role the proxy stopped sending counts
as held until they sign in without it.

A mail to the requester of a duplicate merged into the request who was mailed
it whole because a role of theirs read it whole (an agent of its queue; its
payload names them as `WHOLE_READER`) goes only while a role still does: once
it ended, they read the request as a merged reader, who is not mailed what
that mail carries (its requester's words, a form's values). They are sent
the mail as a merged reader is mailed that change instead (`AS_MERGED_READER`
in its payload, made when it was queued); one a merged reader is not mailed
at all (the requester's own reply) is given up on with the reason, unsent,
as they would not have been mailed it had the role ended before the change.

`run(stop)` repeats passes until `stop` is set; `kb requests deliver --loop`
and the web server's background thread (`start_background`) use it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from kb.errors import NotFoundError
from kb.notify.config import NotifyConfig
from kb.notify.mail import MailSender
from kb.notify.outbox import AS_MERGED_READER, READER, WHOLE_READER, OutboxMessage, backoff
from kb.notify.topics import Topic
from kb.notify.webhooks import DeliveryFailed, WebhookSender
from kb.records import Department
from kb.requests.departments import following
from kb.requests.merged_readers import is_merged_reader
from kb.requests.permissions import can_view
from kb.settings import Settings
from kb.store.protocols import Store
from kb.validators import utc_now

logger = logging.getLogger(__name__)

BATCH = 20
MIN_LEASE = timedelta(minutes=5)


@dataclass
class DeliveryReport:
    """What one pass did."""

    delivered: int = 0
    failed: int = 0
    given_up: int = 0

    @property
    def attempted(self) -> int:
        return self.delivered + self.failed + self.given_up

    def add(self, other: DeliveryReport) -> None:
        self.delivered += other.delivered
        self.failed += other.failed
        self.given_up += other.given_up


class OutboxWorker:
    """Sends due outbox messages through the sender for their target."""

    def __init__(
        self,
        store: Store,
        *,
        webhooks: WebhookSender | Callable[[], WebhookSender],
        mail: MailSender | None | Callable[[], MailSender | None] = None,
        clock: Callable[[], datetime] = utc_now,
        batch: int = BATCH,
        max_attempts: int = 20,
        timeout: float = 10.0,
    ) -> None:
        if max_attempts < 1:
            raise ValueError(f"max_attempts must be >= 1, got {max_attempts!r}")
        self.store = store
        # A source: the web app's follows the live webhook settings (`kb.live_settings`).
        self._webhooks = webhooks if callable(webhooks) else (lambda: webhooks)
        self._mail = mail if callable(mail) else (lambda: mail)
        self.clock = clock
        self.batch = batch
        self.max_attempts = max_attempts
        # The lease must outlast sending a whole batch, or another worker could
        # claim the tail of this batch while it is still being sent.
        self.lease = max(MIN_LEASE, timedelta(seconds=2 * batch * timeout))

    @property
    def webhooks(self) -> WebhookSender:
        """The webhook sender of the settings now."""
        return self._webhooks()

    @property
    def mail(self) -> MailSender | None:
        """The mail sender of the settings now (None: e-mail is off)."""
        return self._mail()

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        store: Store,
        departments: Mapping[str, Department],
        *,
        environ: Mapping[str, str] | None = None,
        clock: Callable[[], datetime] = utc_now,
        live_settings: Callable[[], Settings] | None = None,
    ) -> OutboxWorker:
        """A worker of the settings; given `live_settings`, its webhooks (URLs,
        their secrets' variables, the timeout) and its mail server follow that
        source's notification settings, so a webhook added to the settings file
        is delivered to, and a new mail server used, without a restart."""

        def sender(now: Settings) -> WebhookSender:
            config = NotifyConfig.from_settings(now, departments)
            secrets = config.secret_envs()
            return WebhookSender(secrets, environ=environ, timeout=now.webhook_timeout)

        def mailer(now: Settings) -> MailSender | None:
            if not now.smtp_host:
                return None
            return MailSender(now.smtp_host, now.smtp_port, now.mail_from, now.webhook_timeout)

        source = live_settings or (lambda: settings)
        return cls(
            store,
            webhooks=following(source, sender),
            mail=following(source, mailer),
            clock=clock,
            max_attempts=settings.outbox_max_attempts,
            timeout=settings.webhook_timeout,
        )

    def deliver_due(self, now: datetime | None = None) -> DeliveryReport:
        """One pass over everything due at `now` (default: the clock)."""
        now = now or self.clock()
        report = DeliveryReport()
        while True:
            claimed = self.store.claim_messages(now, limit=self.batch, lease=self.lease)
            for message in claimed:
                self._deliver(message, now, report)
            if len(claimed) < self.batch:
                return report

    def _deliver(self, message: OutboxMessage, now: datetime, report: DeliveryReport) -> None:
        assert message.id is not None
        message, withheld = self._checked(message)
        assert message.id is not None
        if withheld:
            logger.info(
                "outbox: message %s to %s not sent: %s", message.id, message.target, withheld
            )
            self.store.mark_failed(message.id, f"not sent: {withheld}", None)
            report.given_up += 1
            return
        try:
            self._send(message)
        except DeliveryFailed as exc:
            attempts = message.attempts + 1
            if attempts >= self.max_attempts:
                logger.error(
                    "outbox: giving up on message %s to %s after %d attempts: %s",
                    message.id,
                    message.target,
                    attempts,
                    exc,
                )
                self.store.mark_failed(message.id, str(exc), None)
                report.given_up += 1
            else:
                retry = now + backoff(attempts)
                logger.warning(
                    "outbox: message %s to %s failed (attempt %d), retrying at %s: %s",
                    message.id,
                    message.target,
                    attempts,
                    retry.isoformat(),
                    exc,
                )
                self.store.mark_failed(message.id, str(exc), retry)
                report.failed += 1
            return
        self.store.mark_delivered(message.id, self.clock())
        report.delivered += 1

    def _checked(self, message: OutboxMessage) -> tuple[OutboxMessage, str | None]:
        """The mail to send and why it must not go (None: it may): a self-watcher's
        or new holder's who reads the request no longer, a whole-reading merged
        requester's who no longer reads it whole and is mailed nothing of the
        change as a merged reader, by their roles as the store holds them now.
        One who is mailed it as a merged reader gets that mail instead."""
        reader = message.payload.get(READER)
        whole = message.payload.get(WHOLE_READER)
        request_id = message.payload.get("request_id")
        if not isinstance(request_id, int) or not isinstance(reader, str | None):
            return message, None
        if reader is None and not isinstance(whole, str):
            return message, None
        try:
            request = self.store.get_request(request_id)
        except NotFoundError:
            return message, f"request {request_id} is gone"
        departments = {t.department for t in self.store.tasks(request_id)}
        if isinstance(reader, str):
            user = self.store.get_user(reader)
            if user is None or not can_view(user, request, departments):
                event = message.payload.get("event")
                given = event in (Topic.ASSIGNED, Topic.TASK_HANDED_OVER)
                drafted = event == Topic.ARTICLE_DRAFTED
                why = (
                    "was given"
                    if given
                    else "was to publish the draft of"
                    if drafted
                    else "watched"
                )
                return message, (
                    f"{reader} {why} request {request_id} and no longer holds a role"
                    " that lets them read it"
                )
        if isinstance(whole, str):
            user = self.store.get_user(whole)
            if user is None or is_merged_reader(user, request, {whole}, departments):
                why = (
                    f"{whole} filed a duplicate merged into request {request_id} and no"
                    " longer holds a role that lets them read it whole"
                )
                limited = message.payload.get(AS_MERGED_READER)
                # A merged reader reads it as its watcher, while they watch it.
                if user is None or whole not in request.watchers or not isinstance(limited, dict):
                    return message, why
                logger.info(
                    "outbox: message %s to %s goes as a merged reader reads it: %s",
                    message.id,
                    message.target,
                    why,
                )
                return as_merged_reader(message, limited), None
        return message, None

    def _send(self, message: OutboxMessage) -> None:
        if message.target.startswith("email:"):
            mail = self.mail
            if mail is None:
                raise DeliveryFailed("e-mail is off (setting smtp_host is empty); set smtp_host")
            mail.send(message)
        else:
            self.webhooks.send(message)

    def run(self, stop: threading.Event, interval: float = 5.0) -> DeliveryReport:
        """Deliver until `stop` is set, a pass every `interval` seconds; returns the total."""
        total = DeliveryReport()
        while not stop.is_set():
            try:
                total.add(self.deliver_due())
            except Exception:  # the loop must survive a database hiccup; the next pass retries
                logger.exception("outbox: a delivery pass failed; trying again in %ss", interval)
            stop.wait(interval)
        return total


def as_merged_reader(message: OutboxMessage, limited: Mapping[str, object]) -> OutboxMessage:
    """`message` as its merged reader is mailed it: the subject and text made for
    them (`AS_MERGED_READER`), no longer naming them as reading it whole."""
    payload = {
        k: v for k, v in message.payload.items() if k not in (WHOLE_READER, AS_MERGED_READER)
    }
    payload |= {key: str(limited.get(key, "")) for key in ("subject", "text")}
    return replace(message, payload=payload)


def start_background(
    worker: OutboxWorker, interval: float = 5.0
) -> tuple[threading.Thread, threading.Event]:
    """Run `worker` in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=worker.run, args=(stop, interval), name="kb-outbox-worker", daemon=True
    )
    thread.start()
    return thread, stop
