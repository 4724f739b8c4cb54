"""The store's rate-limit counters: the protocol `webapp.throttle` counts calls
through (`kb.store.sql_limits` implements it), a part of `kb.store.protocols.Store`.
"""

from __future__ import annotations

from typing import Protocol


class RateLimitStore(Protocol):
    """Counters of rate-limited calls, shared by every process that uses the store."""

    def count_hit(
        self,
        key: str,
        window_seconds: float,
        amount: int = 1,
        now: float | None = None,
        *,
        brief: bool = False,
    ) -> tuple[int, float]:
        """Add `amount` to `key`'s count in its current window (a new window of
        `window_seconds` when there is none or it has ended), atomically; returns
        the count and when the window ends (seconds since the epoch). `brief`:
        wait for another writer's lock only briefly (on the way to an answer)."""
        ...

    def hit_count(self, key: str, now: float | None = None) -> tuple[int, float]:
        """`key`'s count in its current window and when that ends; (0, now) if none."""
        ...

    def clear_hits(self, key: str | None = None) -> None:
        """Forget `key`'s count (every key's when None)."""
        ...
