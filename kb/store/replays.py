"""Answers kept for retries: the protocol `webapp.requests.replays` keeps the first
answer of a call sent with an idempotency key through (`kb.store.sql_replays`
implements it), a part of `kb.store.protocols.Store`.

A call is claimed before it runs (`claim_answer`): of two copies sent at once
only one runs, and the other learns the first is still running. Its answer is
then kept (`keep_answer`), or the claim dropped when the call was refused
(`drop_answer`), so that sending it again runs it again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

# How long an answer is kept for a retry.
KEPT_FOR = timedelta(days=1)
# A claim whose call has not answered in this time is taken as lost (its
# process ended): the key may be claimed again.
CLAIM_LOST_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class KeptAnswer:
    """The first answer of a call sent with `key`: `status` None while it still
    runs; `fingerprint` says what was sent."""

    key: str
    account: str
    fingerprint: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    created: datetime | None = None

    def __post_init__(self) -> None:
        if not self.key or not self.account or not self.fingerprint:
            raise ValueError(
                f"a kept answer needs a key, an account and a fingerprint, got "
                f"{self.key!r}, {self.account!r}, {self.fingerprint!r}"
            )


class ReplayStore(Protocol):
    """First answers of calls sent with an idempotency key, shared by every process."""

    def claim_answer(self, claim: KeptAnswer, now: datetime) -> KeptAnswer | None:
        """Claim `claim.key` for a call about to run (status None): None when the
        key was free (run the call), else what is kept under it (an answer, or
        another claim still running). Answers older than `KEPT_FOR` and claims
        older than `CLAIM_LOST_AFTER` count as free."""
        ...

    def keep_answer(self, key: str, status: int, headers: dict[str, str], body: str) -> None:
        """Keep the answer of the call that claimed `key`."""
        ...

    def drop_answer(self, key: str) -> None:
        """Forget `key` (its call was refused: sending it again runs it again)."""
        ...
