"""The settings of the store: which database, and how many connections to it.

`StoreSettings` is a part of `kb.settings.Settings` (which inherits its
fields), kept in a module of its own so the one settings table stays
readable; declare new fields as `kb.settings` does. `kb.store.factory.
store_from_settings` is where they are used.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.setting import setting

# What `kb serve --threads` allows: each thread holds one connection while it
# answers, so a pool this large never keeps one of them waiting.
MAX_POOL_SIZE = 64


@dataclass(frozen=True)
class StoreSettings:
    """The database URL and its connection pool."""

    database_url: str = setting(
        "sqlite:///var/kb.db",
        "Store URL: sqlite:///FILE (default) or postgresql://USER:PASS@HOST/DB.",
    )
    database_pool_size: int = setting(
        5,
        "Connections to the store each process keeps open; 10 more open while all are "
        "busy, and a caller waits up to 30 s for one beyond those (then: try again). "
        "Give kb serve at least its --threads.",
        minimum=1,
        maximum=MAX_POOL_SIZE,
    )
