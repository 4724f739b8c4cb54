"""A claimed call while it runs (`kb.store.replays`): its claim renewed, marked
as answered by the change the call saves, and dropped when the call fails
before that, so that a retry is never held up by a call that will not answer
and never posts what the first call posted.

`running(store, key, posting)` wraps the call. A thread renews the claim every
`CLAIM_RENEWED_EVERY`, so a copy sent meanwhile is told the first still runs,
however long it takes. With a `Posting`, the first request the call saves
marks the claim answered in that same transaction (the store reads it from
`current_posting`; `kb.store.sql_replays.mark_posted`). When the call raises,
whatever it raises (an error, or the `SystemExit` a server worker gets when it
is stopped for taking too long), the claim is dropped before the error goes
on, unless its change was saved: sent again, a call that posted nothing runs
again at once, one that posted is answered. A process that dies outright
renews nothing, and its claim is free `CLAIM_LOST_AFTER` after its last
renewal.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from kb.store.replays import CLAIM_RENEWED_EVERY, Posting, ReplayStore
from kb.validators import utc_now

logger = logging.getLogger(__name__)

# The claimed call running in this context (a web request's thread), for the
# store to mark answered in the transaction that saves its change.
_POSTING: ContextVar[Posting | None] = ContextVar("posting", default=None)


def current_posting() -> Posting | None:
    """The claimed call running here, if any."""
    return _POSTING.get()


@contextmanager
def running(
    store: ReplayStore,
    key: str,
    posting: Posting | None = None,
    *,
    every: float = CLAIM_RENEWED_EVERY.total_seconds(),
) -> Iterator[None]:
    """Hold the claim on `key` (claimed already) while the block runs, renewed
    every `every` seconds, answered with `posting` by the change it saves;
    dropped when the block raises (kept when its change was saved)."""
    done = threading.Event()

    def renew() -> None:
        while not done.wait(every):
            try:
                store.renew_claim(key, utc_now())
            except Exception:  # a busy database: the next renewal may pass
                logger.warning("replays: could not renew the claim on %s", key, exc_info=True)

    renewer = threading.Thread(target=renew, name=f"renew {key}", daemon=True)
    renewer.start()
    token = _POSTING.set(posting)
    try:
        yield
    except BaseException:
        done.set()
        renewer.join()
        release(store, key)
        raise
    finally:
        _POSTING.reset(token)
        done.set()
        renewer.join()


def release(store: ReplayStore, key: str) -> None:
    """Drop the claim on `key` (its call was refused or failed) unless its change
    was saved. A drop that fails (the database unreachable, as it may be for
    the call itself) is logged and the call's own answer or error goes on: the
    claim, renewed no more, is free after `CLAIM_LOST_AFTER`."""
    try:
        store.drop_answer(key)
    except Exception:
        logger.warning("replays: could not drop the claim on %s", key, exc_info=True)


def keep(store: ReplayStore, key: str, status: int, headers: dict[str, str], body: str) -> None:
    """Keep the whole answer of the call that claimed `key`. One that cannot be
    kept (the database busy or gone for a moment) is logged and the call still
    answers: its change was saved with what a retry needs (`Posting`), so the
    retry is answered from that, and nothing is posted twice."""
    try:
        store.keep_answer(key, status, headers, body)
    except Exception:
        logger.warning("replays: could not keep the answer for %s", key, exc_info=True)
