"""The settings of the store: which database, how many connections to it, and
how long a search waits for the store to log it.

`StoreSettings` is a part of `kb.settings.Settings` (which inherits its
fields), kept in a module of its own so the one settings table stays
readable; declare new fields as `kb.settings` does. `kb.store.factory.
store_from_settings` is where they are used.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.errors import ConfigError
from kb.setting import setting

# What `kb serve --threads` allows: each thread holds one connection while it
# answers, so a pool this large never keeps one of them waiting.
MAX_POOL_SIZE = 64
# A caller waiting longer than this for a connection is better told to try again.
MAX_POOL_TIMEOUT_S = 600
# A node unseen by `kb restore` for longer than an hour is as good as not locked.
MAX_CLUSTER_WAIT_S = 3600
# The defaults of the cluster lock's watchdog: a node unseen for at most 5 s after
# a drop, and a PostgreSQL that stays away asked about once a minute.
CLUSTER_CHECK_SECONDS = 5.0
CLUSTER_MAX_BACKOFF_SECONDS = 60.0


@dataclass(frozen=True)
class StoreSettings:
    """The database URL, its connection pool, the search log's wait, and the
    watchdog of a node's PostgreSQL lock (`indexer.cluster_users`)."""

    database_url: str = setting(
        "sqlite:///var/kb.db",
        "Store URL: sqlite:///FILE (default) or postgresql://USER:PASS@HOST/DB.",
    )
    database_pool_size: int = setting(
        5,
        "Connections to the store each process keeps open; database_pool_overflow more "
        "open while all are busy, and a caller waits up to database_pool_timeout for one "
        "beyond those (then: try again). Give kb serve at least its --threads.",
        minimum=1,
        maximum=MAX_POOL_SIZE,
    )
    database_pool_overflow: int = setting(
        10,
        "Connections each process opens beyond database_pool_size while all of those are "
        "busy, closed again when returned. 0: never more than database_pool_size (a "
        "database server with few connections to share).",
        minimum=0,
        maximum=MAX_POOL_SIZE,
    )
    database_pool_timeout: float = setting(
        30.0,
        "Seconds a caller waits for a connection when the pool and its overflow are all "
        "busy; then it hears 503, try again.",
        minimum=1,
        maximum=MAX_POOL_TIMEOUT_S,
    )
    search_log_wait: float = setting(
        0.5,
        "Seconds a search waits for its event to be logged; a search the database is too "
        "busy to log in time answers without a search id, and its event is written later.",
        minimum=0.0,
        maximum=30.0,
    )
    cluster_check_seconds: float = setting(
        CLUSTER_CHECK_SECONDS,
        "With PostgreSQL: how often each kb serve node and index watcher checks the "
        "connection that holds its lock (the one kb restore looks for) and, when it is gone, "
        "connects again; a node is unseen by kb restore for up to this long after a drop.",
        minimum=0.1,
        maximum=MAX_CLUSTER_WAIT_S,
    )
    cluster_max_backoff_seconds: float = setting(
        CLUSTER_MAX_BACKOFF_SECONDS,
        "With PostgreSQL: the longest wait between two attempts to connect again and take "
        "that lock (the wait doubles after each failed attempt, from cluster_check_seconds); "
        "not below cluster_check_seconds.",
        minimum=0.1,
        maximum=MAX_CLUSTER_WAIT_S,
    )

    def check_cluster_watchdog(self) -> None:
        """Refuse a longest backoff below the check interval (which it starts from)."""
        if self.cluster_max_backoff_seconds < self.cluster_check_seconds:
            raise ConfigError(
                f"setting cluster_max_backoff_seconds ({self.cluster_max_backoff_seconds:g}) "
                f"must be at least cluster_check_seconds ({self.cluster_check_seconds:g}): "
                "the wait between attempts to take the cluster lock again starts at the check "
                "interval and doubles up to it; raise cluster_max_backoff_seconds or lower "
                "cluster_check_seconds"
            )
