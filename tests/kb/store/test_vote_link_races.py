"""A vote and its search written at the same instant still find each other, on
every backend (`kb/store/vote_links.py`).

Each test holds one writer's transaction open after it looked for the other
and, meanwhile, writes the other. On PostgreSQL the two ran side by side, each
blind to what the other had not committed: the vote stayed unlinked and counted
twice (as the search voted on and as a search of its words). Now the second
writer waits for the first (on SQLite for the one write lock, on PostgreSQL for
the browser's advisory lock) and then sees what it wrote.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg
import pytest

import kb.store.sql_events
from kb.store.protocols import Store
from tests.kb.store.test_vote_links import NOON, WORDS, failed, search, vote
from tests.store_locks import lock_waiters

TIMEOUT = 60.0


def _waiting_on_postgres(url: str) -> int:
    """Lock requests of this database not granted."""
    query = (
        "SELECT count(*) FROM pg_locks WHERE NOT granted AND database ="
        " (SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(query).fetchone()
    return int(row[0]) if row else 0


def _while_held(
    store: Store,
    store_url: str,
    monkeypatch: pytest.MonkeyPatch,
    step: str,
    first: Callable[[], Any],
    second: Callable[[], Any],
) -> None:
    """Run `first`, holding its transaction open once its `step` (a function
    of `kb.store.sql_events`) is done, and meanwhile `second`; let `first`
    commit once `second` is done or waits for it."""
    inside, release = threading.Event(), threading.Event()
    original = getattr(kb.store.sql_events, step)

    def holding(*args: Any, **kwargs: Any) -> Any:
        done = original(*args, **kwargs)
        inside.set()
        assert release.wait(TIMEOUT), "the second writer was never seen"
        return done

    monkeypatch.setattr(kb.store.sql_events, step, holding)
    errors: list[BaseException] = []

    def run(call: Callable[[], Any]) -> None:
        try:
            call()
        except BaseException as exc:  # the test reports it
            errors.append(exc)

    one = threading.Thread(target=run, args=(first,))
    one.start()
    assert inside.wait(TIMEOUT), "the first writer never got inside"
    engine = store.engine  # type: ignore[attr-defined]
    with lock_waiters(store_url, engine, "search_events") as waiters:
        two = threading.Thread(target=run, args=(second,))
        two.start()
        deadline = time.monotonic() + TIMEOUT
        while two.is_alive():
            if store_url.startswith("sqlite:///"):
                if waiters.waiting():  # asked for the write lock that `first` holds
                    break
            elif _waiting_on_postgres(store_url):
                break
            assert time.monotonic() < deadline, "the second writer neither ended nor waited"
            time.sleep(0.02)
    release.set()
    one.join(TIMEOUT)
    two.join(TIMEOUT)
    assert not one.is_alive() and not two.is_alive()
    assert not errors, errors


def _linked_once(store: Store) -> None:
    (search_event,) = store.search_events()
    (linked,) = store.feedback_events()
    assert (linked.search_id, linked.query, linked.person, linked.lang) == (
        search_event.id,
        "",
        "",
        "",
    )
    assert failed(store, NOON) == [(WORDS, 1, 1)]  # the search voted not helpful: once


@pytest.mark.parametrize(
    ("held", "step"),
    [("search", "link_waiting_votes"), ("vote", "link_to_stored_search")],
    ids=["vote-while-search-is-stored", "search-while-vote-is-written"],
)
def test_a_vote_and_its_search_written_at_once_are_linked(
    store: Store, store_url: str, monkeypatch: pytest.MonkeyPatch, held: str, step: str
) -> None:
    """The writer of `held` holds its transaction open after its `step`
    looked for the other, while the other is written."""
    writers = {
        "search": lambda: store.log_search(search()),
        "vote": lambda: store.log_feedback(vote()),
    }
    first = writers.pop(held)
    (second,) = writers.values()
    _while_held(store, store_url, monkeypatch, step, first, second)
    _linked_once(store)


def test_a_vote_on_a_search_stored_before_it_is_linked_as_it_is_written(store: Store) -> None:
    """The web app looked the search up before the search log stored it; the
    vote came in after: it is linked all the same."""
    search_id = store.log_search(search())
    vote_id = store.log_feedback(vote())
    (linked,) = store.feedback_events()
    assert (linked.id, linked.search_id, linked.query) == (vote_id, search_id, "")
    assert failed(store, NOON) == [(WORDS, 1, 1)]


def test_a_vote_links_only_to_a_search_of_its_browser_words_and_article(store: Store) -> None:
    store.log_search(search(user="browser-2"))
    store.log_feedback(vote())  # another browser's search
    store.log_feedback(vote(user="browser-2", article="it/vpn.md"))  # not shown by it
    store.log_feedback(vote(user="browser-2", words="parking garage"))  # other words
    assert [e.search_id for e in store.feedback_events()] == [None, None, None]
