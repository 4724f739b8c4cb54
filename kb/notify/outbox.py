"""Notifications waiting to be sent: the transactional outbox.

Whatever must tell the outside world (a webhook call, an e-mail) is first
written to the store as an `OutboxMessage`, in the same transaction as the
change it reports, and delivered later by a worker. A failed delivery is
retried at `next_attempt_at`; a message whose `next_attempt_at` is None has
been given up on and is kept for inspection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from kb.validators import ensure_optional_utc, ensure_text, ensure_utc, set_normalised, utc_now

TARGET_SCHEMES = ("http://", "https://", "email:")
# The payload key of a mail to a self-watcher (`Request.self_watchers`): their
# username, whose roles must still let them read the request when it is sent.
READER = "reader"
# The payload key of a mail to the requester of a duplicate merged into the
# request whose role (an agent of its queue) read it whole when it was queued:
# their username. The mail carries what only that role reads, and goes only
# while a role still lets them read it whole (`kb.requests.merged_readers`).
WHOLE_READER = "whole_reader"
# The payload key, beside `WHOLE_READER`, of the mail as a merged reader is
# mailed it (`{"subject", "text"}`: the requester's fields and a form's values
# left out), sent instead once their role no longer reads it whole; absent
# when a merged reader is not mailed that change at all (the requester's reply).
AS_MERGED_READER = "as_merged_reader"
# The payload key of a watcher's one-click link off the request (`List-Unsubscribe`).
UNSUBSCRIBE = "unsubscribe"


@dataclass(frozen=True, kw_only=True)
class OutboxMessage:
    """One notification for one target.

    `topic` names the event ("request.created", "request.resolved"…);
    `target` is a webhook URL or "email:someone@example.org".
    """

    topic: str
    target: str
    payload: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
    attempts: int = 0
    created: datetime = field(default_factory=utc_now)
    next_attempt_at: datetime | None = field(default_factory=utc_now)
    delivered_at: datetime | None = None
    last_error: str | None = None

    def __post_init__(self) -> None:
        ensure_text("topic", self.topic)
        ensure_text("target", self.target)
        if not self.target.startswith(TARGET_SCHEMES) or self.target in TARGET_SCHEMES:
            raise ValueError(
                f"target must be an http(s) URL or 'email:ADDRESS', got {self.target!r}"
            )
        if not isinstance(self.payload, dict):
            raise ValueError(f"payload must be a dict, got {self.payload!r}")
        if (
            isinstance(self.attempts, bool)
            or not isinstance(self.attempts, int)
            or self.attempts < 0
        ):
            raise ValueError(f"attempts must be an integer >= 0, got {self.attempts!r}")
        set_normalised(self, "created", ensure_utc("created", self.created))
        for name in ("next_attempt_at", "delivered_at"):
            set_normalised(self, name, ensure_optional_utc(name, getattr(self, name)))
        if self.last_error is not None:
            ensure_text("last_error", self.last_error, allow_empty=True)


def delivery_key(message: OutboxMessage) -> str:
    """The idempotency key of every delivery of `message`: the same on each
    retry, so a receiver can drop a delivery it has already processed.

    Delivery is at least once (a worker that dies after sending, before
    recording it, sends again), so receivers need one. The message id alone
    is not enough: a restored backup or a new database numbers messages from
    the same ids again, and a receiver that remembered an id would drop a
    new message; with the moment the message was queued (to the microsecond,
    as the store keeps it) two messages never share a key."""
    if message.id is None:
        raise ValueError("a message has a delivery key once the store has given it an id")
    return f"{message.id}-{message.created:%Y%m%dT%H%M%S%f}Z"


def backoff(
    attempts: int, *, base: timedelta = timedelta(seconds=30), cap: timedelta = timedelta(hours=6)
) -> timedelta:
    """Delay before the next try after `attempts` failures: doubling from `base`, at most `cap`."""
    if attempts < 1:
        raise ValueError(f"attempts must be >= 1, got {attempts!r}")
    return min(cap, base * (2 ** min(attempts - 1, 30)))
