"""Analysers shared between threads (`indexer.stemming`)."""

from __future__ import annotations

import random
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh.analysis import Analyzer, LanguageAnalyzer, StemFilter

from indexer.keyword_index import analyzer_for, field_terms, shared_analyzer
from indexer.stemming import ThreadSafeStemFilter, thread_safe

THREADS = 8
WORDS = 2_000  # per thread, against a cache of CACHE stems: it evicts often
CACHE = 200


@contextmanager
def _switching_often() -> Iterator[None]:
    # Threads take turns every few microseconds instead of every 5 ms, so
    # that a race in the cache shows within a few thousand words.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


def _words(seed: int, lang: str) -> list[str]:
    rnd = random.Random(seed)
    ending = "ing" if lang == "en" else "ungen"
    return ["".join(rnd.choice("abcdefgh") for _ in range(7)) + ending for _ in range(WORDS)]


def _in_threads(work: Callable[[int], list[str]]) -> tuple[dict[int, list[str]], list[str]]:
    found: dict[int, list[str]] = {}
    errors: list[str] = []

    def run(seed: int) -> None:
        try:
            found[seed] = work(seed)
        except Exception as error:  # noqa: BLE001 - the test reports every thread's error
            errors.append(repr(error))

    threads = [threading.Thread(target=run, args=(seed,)) for seed in range(THREADS)]
    with _switching_often():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)
    return found, errors


def _stem_filter(analyzer: Analyzer) -> StemFilter:
    return next(item for item in analyzer.items if isinstance(item, StemFilter))


def test_threads_sharing_an_analyser_get_whooshs_stems_and_a_bounded_cache() -> None:
    # Whoosh's own StemFilter cache, shared like this, raised KeyError in some
    # threads and grew far past its size (it never evicts again).
    for lang in ("en", "de"):
        shared = thread_safe(LanguageAnalyzer(lang, cachesize=CACHE))
        alone = LanguageAnalyzer(lang, cachesize=CACHE)

        def analyse(seed: int, analyser: Analyzer = shared, lang: str = lang) -> list[str]:
            return [t.text for w in _words(seed, lang) for t in analyser(w)]

        found, errors = _in_threads(analyse)
        assert errors == []
        for seed in range(THREADS):
            assert found[seed] == [t.text for w in _words(seed, lang) for t in alone(w)]
        hits, misses, size, held = _stem_filter(shared).cache_info()
        assert size == CACHE and held <= CACHE and hits + misses == THREADS * WORDS


def test_thread_safe_keeps_the_analysers_settings_and_leaves_the_schema_alone() -> None:
    for lang in ("en", "de", "xx"):
        original = analyzer_for(lang)
        safe = thread_safe(original)
        text = "The employees were requesting their holidays; Mitarbeiter beantragen Urlaube"
        assert [t.text for t in safe(text)] == [t.text for t in original(text)]
        assert all(type(item) is not StemFilter for item in getattr(safe, "items", ()))
        # the index schema keeps Whoosh's own filter (readable without spoc-kb)
        assert not any(isinstance(i, ThreadSafeStemFilter) for i in getattr(original, "items", ()))


def test_the_analysers_search_shares_between_threads_are_thread_safe(tmp_path: Path) -> None:
    from indexer.keyword_index import create_index
    from search.keyword import KeywordRetriever

    retriever = KeywordRetriever(create_index(tmp_path, ["en", "de"]), ["en", "de"])
    try:
        shared = [*retriever._analyzers.values(), shared_analyzer("en"), shared_analyzer("de")]
        for analyser in shared:
            items = getattr(analyser, "items", ())
            assert not any(type(item) is StemFilter for item in items), analyser
    finally:
        retriever.close()

    def restricted_stems(seed: int) -> list[str]:
        text = " ".join(_words(seed, "en")[:500])
        return sorted(field_terms("en", "", [], text))

    found, errors = _in_threads(restricted_stems)
    assert errors == [] and all(found[seed] for seed in range(THREADS))
