"""Answers kept for retries (`kb.store.replays`), on SQLite and PostgreSQL: a key is
claimed once, its answer kept for a day, a refused call's claim dropped."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from kb.accounts.service import add_user, remove_user
from kb.store.protocols import Store
from kb.store.replays import CLAIM_LOST_AFTER, KEPT_FOR, KeptAnswer

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
CLAIM = KeptAnswer(key="emma:k1", account="emma", fingerprint="a" * 64)


def test_a_key_is_claimed_once_and_its_answer_kept(store: Store) -> None:
    assert store.claim_answer(CLAIM, NOW) is None
    running = store.claim_answer(CLAIM, NOW + timedelta(seconds=1))
    assert running is not None and running.status is None  # the first still runs
    store.keep_answer(CLAIM.key, 201, {"ETag": '"3"'}, '{"id": 7}')
    kept = store.claim_answer(CLAIM, NOW + timedelta(hours=23))
    assert kept is not None
    assert (kept.status, kept.headers, kept.body, kept.fingerprint) == (
        201,
        {"ETag": '"3"'},
        '{"id": 7}',
        CLAIM.fingerprint,
    )
    assert kept.created == NOW
    # Another account's key of the same text is another key.
    assert store.claim_answer(KeptAnswer("otto:k1", "otto", "b" * 64), NOW) is None


def test_a_dropped_claim_an_old_answer_and_a_lost_claim_are_free_again(store: Store) -> None:
    assert store.claim_answer(CLAIM, NOW) is None
    store.drop_answer(CLAIM.key)
    assert store.claim_answer(CLAIM, NOW) is None
    store.keep_answer(CLAIM.key, 201, {}, "{}")
    assert store.claim_answer(CLAIM, NOW + KEPT_FOR + timedelta(seconds=1)) is None
    # That claim's call never answered (its process ended): free after a while.
    assert store.claim_answer(CLAIM, NOW + KEPT_FOR + CLAIM_LOST_AFTER / 2) is not None
    assert store.claim_answer(CLAIM, NOW + KEPT_FOR + CLAIM_LOST_AFTER * 2) is None


def test_of_two_claims_at_once_one_wins(store: Store) -> None:
    results: list[KeptAnswer | None] = []
    start = threading.Barrier(2)

    def claim() -> None:
        start.wait()
        results.append(store.claim_answer(CLAIM, NOW))

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r is None for r in results) == [False, True]


def test_a_removed_account_s_keys_are_dropped(store: Store) -> None:
    add_user(store, "emma", "employee")
    assert store.claim_answer(CLAIM, NOW) is None
    store.keep_answer(CLAIM.key, 201, {}, "{}")
    remove_user(store, "emma")
    assert store.claim_answer(CLAIM, NOW) is None
