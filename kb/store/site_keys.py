"""The key the product signs with when no `secret_key` is configured.

Sessions, form tokens, signed search references and the leave link in a
watcher's mails are all signed with the app's key. Without a configured
`secret_key` each run used to make a random one, so a restart broke every link
in mails already sent and signed everybody out, and two nodes on one database
signed differently. Now the first process that needs a key makes one (64
random hex digits from `secrets`) and keeps it in the store's database
(`site_keys`, `kb.store.sql_site_keys`): every worker, node and restart that
uses the same database reads the same key. In the database rather than in a
file beside the data because a file is one machine's, while the database is
what every node shares; backups leave the table out (a backup folder holds no
key that signs a session).

A configured `secret_key` always wins. The stored key is never used to sign
snapshot manifests: whoever can write the snapshot store's database could read
it, so with a shared snapshot store `kb serve` still asks for a configured
`secret_key` (`webapp.server.prepare`). The key is never logged, shown by
`kb settings` or given in an answer.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Protocol

from kb.errors import KbError
from kb.settings import Settings

logger = logging.getLogger(__name__)

# The row of `site_keys` that holds the signing key.
SIGNING = "secret_key"


class SiteKeyStore(Protocol):
    """The site's keys, shared by every process that uses the store."""

    def site_key(self, name: str = SIGNING) -> str:
        """The key `name`, made and kept the first time it is asked for; every
        caller, at once or later, on any node, gets the same one."""
        ...


def new_key() -> str:
    """A new random key."""
    return secrets.token_hex(32)


def with_site_key(settings: Settings, store: Callable[[], SiteKeyStore]) -> Settings:
    """`settings` with `secret_key` filled from the store when none is configured.
    With a shared snapshot store (whose manifests the key would sign) the
    settings stay as they are. When the store cannot be read, a random key for
    this run, logged as such (nothing signed now verifies after a restart)."""
    if settings.secret_key or settings.snapshot_store != "files":
        return settings
    try:
        key = store().site_key()
    except KbError as exc:
        logger.warning(
            "no secret_key set and the store's key could not be read (%s): this run signs "
            "with a random key, so sessions and mailed leave links of this run stop "
            "working at its restart; set secret_key (KB_SECRET_KEY) to avoid it",
            exc.message,
        )
        key = new_key()
    return settings.replace(secret_key=key)
