"""Contract: rate-limit counters, counted atomically in fixed windows."""

from __future__ import annotations

import threading

from kb.store.protocols import Store

T0 = 1_800_000_000.0


def test_hits_count_within_a_window_and_start_again_after_it(store: Store) -> None:
    assert store.hit_count("k", now=T0) == (0, T0)
    assert store.count_hit("k", 60, now=T0) == (1, T0 + 60)
    assert store.count_hit("k", 60, amount=2, now=T0 + 30) == (3, T0 + 60)
    assert store.hit_count("k", now=T0 + 59) == (3, T0 + 60)
    assert store.hit_count("k", now=T0 + 60) == (0, T0 + 60)  # the window has ended
    assert store.count_hit("k", 60, now=T0 + 61) == (1, T0 + 121)
    assert store.count_hit("other", 10, now=T0 + 61) == (1, T0 + 71)
    store.clear_hits("k")
    assert store.hit_count("k", now=T0 + 62)[0] == 0
    assert store.hit_count("other", now=T0 + 62)[0] == 1
    store.clear_hits()
    assert store.hit_count("other", now=T0 + 62)[0] == 0


def test_concurrent_hits_are_all_counted(store: Store) -> None:
    def hit() -> None:
        for _ in range(10):
            store.count_hit("shared", 600)

    threads = [threading.Thread(target=hit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.hit_count("shared")[0] == 40
