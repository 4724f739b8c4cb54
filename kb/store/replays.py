"""Answers kept for retries: the protocol `webapp.requests.replays` keeps the first
answer of a call sent with an idempotency key through (`kb.store.sql_replays`
implements it), a part of `kb.store.protocols.Store`.

A call is claimed before it runs (`claim_answer`): of two copies sent at once
only one runs, and the other learns the first is still running. Its answer is
then kept (`keep_answer`), or the claim dropped when the call was refused or
failed (`drop_answer`), so that sending it again runs it again at once.

While the call runs, its process renews the claim (`renew_claim`, every
`CLAIM_RENEWED_EVERY`; `kb.store.replay_claims.running`): a claim not renewed
for `CLAIM_LOST_AFTER` is one whose process ended without answering (killed,
its machine gone), and its key is free again. A slow call (a large file) keeps
its claim however long it runs, so a copy sent meanwhile never runs beside it.

The claim is answered in the same transaction as the change the call makes
(`Posting`, `kb.store.sql_replays.mark_posted`): the reply, note or files and
the mark that the key's call was posted are saved together or not at all. A
failure after that (keeping the full answer, reading the request again, the
worker stopped) leaves the mark, so a retry is answered, never posted again;
`drop_answer` forgets only a claim whose call posted nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

# How long an answer is kept for a retry.
KEPT_FOR = timedelta(days=1)
# A claim not renewed in this time is taken as lost (its process ended): the
# key may be claimed again. Three renewals are missed before: a renewal that
# waits for a busy database once or twice loses nothing.
CLAIM_LOST_AFTER = timedelta(seconds=30)
# How often the process running a claimed call renews its claim.
CLAIM_RENEWED_EVERY = timedelta(seconds=10)


@dataclass(frozen=True)
class KeptAnswer:
    """The first answer of a call sent with `key`: `status` None while it still
    runs; `fingerprint` says what was sent; `created` when it was claimed, or
    while it runs, when its claim was last renewed."""

    key: str
    account: str
    fingerprint: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    created: datetime | None = None
    posted: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.key or not self.account or not self.fingerprint:
            raise ValueError(
                f"a kept answer needs a key, an account and a fingerprint, got "
                f"{self.key!r}, {self.account!r}, {self.fingerprint!r}"
            )


@dataclass(frozen=True)
class Posting:
    """A claimed call while it runs: the answer it gives once its change is saved,
    as far as it is known before (`status`, and the `headers` and `body` the
    caller can tell in advance), written with the change. `token` tells this run
    of the call from another that claimed the key after this one's claim lapsed."""

    key: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    token: str = field(default_factory=lambda: secrets.token_hex(16))


class ReplayStore(Protocol):
    """First answers of calls sent with an idempotency key, shared by every process."""

    def claim_answer(self, claim: KeptAnswer, now: datetime) -> KeptAnswer | None:
        """Claim `claim.key` for a call about to run (status None): None when the
        key was free (run the call), else what is kept under it (an answer, or
        another claim still running). Answers older than `KEPT_FOR` and claims
        not renewed for `CLAIM_LOST_AFTER` count as free."""
        ...

    def renew_claim(self, key: str, now: datetime) -> bool:
        """Mark the claim on `key` as still running at `now`; False when there is
        no such claim (dropped, answered, or taken as lost). A busy database is a
        `StoreUnavailableError` soon rather than a long wait."""
        ...

    def keep_answer(self, key: str, status: int, headers: dict[str, str], body: str) -> None:
        """Keep the answer of the call that claimed `key` (over what its change
        wrote when it was saved)."""
        ...

    def drop_answer(self, key: str) -> None:
        """Forget the claim on `key` (its call was refused or failed before it
        posted anything: sending it again runs it again). A key whose call
        posted its change is kept: its retry is answered, not run again."""
        ...
