"""A claimed call while it runs (`kb.store.replays`): its claim renewed, and
dropped when the call fails, so that a retry is never held up by a call that
will not answer.

`running(store, key)` wraps the call. A thread renews the claim every
`CLAIM_RENEWED_EVERY`, so a copy sent meanwhile is told the first still runs,
however long it takes. When the call raises, whatever it raises (an error, or
the `SystemExit` a server worker gets when it is stopped for taking too
long), the claim is dropped before the error goes on: sent again, the call
runs again at once. A process that dies outright renews nothing, and its
claim is free `CLAIM_LOST_AFTER` after its last renewal.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from kb.store.replays import CLAIM_RENEWED_EVERY, ReplayStore
from kb.validators import utc_now

logger = logging.getLogger(__name__)


@contextmanager
def running(
    store: ReplayStore, key: str, *, every: float = CLAIM_RENEWED_EVERY.total_seconds()
) -> Iterator[None]:
    """Hold the claim on `key` (claimed already) while the block runs, renewed
    every `every` seconds; dropped when the block raises."""
    done = threading.Event()

    def renew() -> None:
        while not done.wait(every):
            try:
                store.renew_claim(key, utc_now())
            except Exception:  # a busy database: the next renewal may pass
                logger.warning("replays: could not renew the claim on %s", key, exc_info=True)

    renewer = threading.Thread(target=renew, name=f"renew {key}", daemon=True)
    renewer.start()
    try:
        yield
    except BaseException:
        done.set()
        renewer.join()
        release(store, key)
        raise
    finally:
        done.set()
        renewer.join()


def release(store: ReplayStore, key: str) -> None:
    """Drop the claim on `key` (its call was refused or failed). A drop that fails
    (the database unreachable, as it may be for the call itself) is logged and the
    call's own answer or error goes on: the claim, renewed no more, is free after
    `CLAIM_LOST_AFTER`."""
    try:
        store.drop_answer(key)
    except Exception:
        logger.warning("replays: could not drop the claim on %s", key, exc_info=True)
