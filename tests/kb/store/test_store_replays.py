"""Answers kept for retries (`kb.store.replays`), on SQLite and PostgreSQL: a key is
claimed once, its answer kept for a day, a refused or failed call's claim
dropped, a running call's claim renewed and a dead process's claim soon free."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from kb.accounts.service import add_user, remove_user
from kb.errors import ConflictError
from kb.requests.service import RequestService
from kb.store.protocols import Store
from kb.store.replay_claims import running
from kb.store.replays import CLAIM_LOST_AFTER, CLAIM_RENEWED_EVERY, KEPT_FOR, KeptAnswer, Posting
from kb.validators import utc_now
from tests.support import DEPARTMENTS, EMPLOYEE, IT_AGENT

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


def test_a_renewed_claim_is_held_and_one_no_longer_renewed_is_free_within_a_minute(
    store: Store,
) -> None:
    assert CLAIM_LOST_AFTER.total_seconds() <= 60
    assert CLAIM_RENEWED_EVERY * 3 <= CLAIM_LOST_AFTER  # a missed renewal loses nothing
    assert store.claim_answer(CLAIM, NOW) is None
    # Renewed while its call runs, long past the first claim: still running.
    for n in range(1, 10):
        assert store.renew_claim(CLAIM.key, NOW + CLAIM_RENEWED_EVERY * n)
    last = NOW + CLAIM_RENEWED_EVERY * 9
    running_claim = store.claim_answer(CLAIM, last + CLAIM_LOST_AFTER - timedelta(seconds=1))
    assert running_claim is not None and running_claim.status is None
    # Its process died: renewed no more, it is free a little later.
    assert store.claim_answer(CLAIM, last + CLAIM_LOST_AFTER + timedelta(seconds=1)) is None
    # An answer is not a claim: a renewal neither touches it nor brings a dropped key back.
    store.keep_answer(CLAIM.key, 201, {}, "{}")
    assert not store.renew_claim(CLAIM.key, NOW + KEPT_FOR)
    kept = store.claim_answer(CLAIM, NOW + KEPT_FOR - timedelta(seconds=1))
    assert kept is not None and kept.status == 201
    store.drop_answer(CLAIM.key)
    assert not store.renew_claim(CLAIM.key, NOW)


def test_two_identical_calls_at_once_post_once_and_a_failed_call_frees_its_key_at_once(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two threads on the same database send the same call: the one that claims
    runs (twice as long as a claim lives unrenewed), the other is told it runs
    all the while; when the call fails, the other's next try runs it at once,
    not when the claim would have been taken as lost."""
    lost_after = 1.5
    monkeypatch.setattr("kb.store.sql_replays.CLAIM_LOST_AFTER", timedelta(seconds=lost_after))
    posted: list[tuple[str, float]] = []  # who ran the call, and when
    start, failed_at = threading.Barrier(2), [0.0]
    told_to_wait = [0]

    def send(name: str) -> None:
        start.wait()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if store.claim_answer(CLAIM, utc_now()) is not None:
                told_to_wait[0] += 1
                time.sleep(0.02)
                continue
            try:
                with running(store, CLAIM.key, every=0.1):
                    posted.append((name, time.monotonic()))
                    if len(posted) == 1:
                        time.sleep(lost_after * 2)
                        failed_at[0] = time.monotonic()
                        raise RuntimeError("the handler failed")
            except RuntimeError:
                return
            store.keep_answer(CLAIM.key, 201, {}, "{}")
            return

    threads = [threading.Thread(target=send, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(posted) == 2 and posted[0][0] != posted[1][0] and told_to_wait[0] > 10
    # Never both at once: the second ran only after the first had failed, and soon.
    assert 0 <= posted[1][1] - failed_at[0] < lost_after * 2 / 3
    kept = store.claim_answer(CLAIM, utc_now())
    assert kept is not None and kept.status == 201


def _replies(store: Store, request_id: int) -> list[str]:
    return [e.message for e in store.entries(request_id) if e.kind == "comment"]


def test_a_change_saved_in_a_claimed_call_answers_the_claim_in_its_transaction(
    store: Store,
) -> None:
    """The reply and the mark commit together: the claim is answered (a drop or a
    lapse no longer frees it) and records what was posted; a second save of the
    same run passes, and a run whose claim is another's posts nothing."""
    store.add_user(IT_AGENT)
    service = RequestService(store, departments=DEPARTMENTS)
    request = service.submit(EMPLOYEE, "Printer offline", department="it")
    assert request.id is not None
    assert store.claim_answer(CLAIM, utc_now()) is None
    posting = Posting(CLAIM.key, 201, body="posted")
    with running(store, CLAIM.key, posting):
        service.comment(IT_AGENT, request.id, "Which printer?")
        service.comment(IT_AGENT, request.id, "And which floor?")  # the same run
    store.drop_answer(CLAIM.key)  # as a failure after the post would
    kept = store.claim_answer(CLAIM, utc_now() + CLAIM_LOST_AFTER * 2)
    assert kept is not None and (kept.status, kept.body) == (201, "posted")
    entry = [e for e in store.entries(request.id) if e.kind == "comment"][0]
    assert kept.posted["entry"] == entry.id and kept.posted["request"] == request.id
    # A run whose claim lapsed and was taken by another sending, or forgotten:
    # its change is refused and rolled back, nothing posted.
    for taken_by_another in (True, False):
        other = KeptAnswer(f"emma:k{2 + taken_by_another}", "emma", "c" * 64)
        assert store.claim_answer(other, utc_now()) is None
        store.drop_answer(other.key)
        if taken_by_another:
            assert store.claim_answer(other, utc_now()) is None
        version = store.get_request(request.id).version
        with (
            pytest.raises(ConflictError, match="lapsed"),
            running(store, other.key, Posting(other.key, 201)),
        ):
            if taken_by_another:
                with running(store, other.key, Posting(other.key, 201)):
                    service.comment(IT_AGENT, request.id, "Posted by the other")
            service.comment(IT_AGENT, request.id, "Never posted")
        assert store.get_request(request.id).version == version + taken_by_another
    assert _replies(store, request.id) == [
        "Which printer?",
        "And which floor?",
        "Posted by the other",
    ]
