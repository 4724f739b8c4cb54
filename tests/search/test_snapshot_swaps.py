"""Searches running while index runs publish and remove snapshots keep
answering: each search takes the published snapshot once and finishes on it,
even when the garbage collector removes that snapshot's folder meanwhile."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from indexer.build import IndexBuilder
from kb.results import Query
from search.engine import SearchEngine
from tests.search.conftest import build_fixture_index
from tests.support import HashingEmbedder

pytestmark = pytest.mark.slow  # builds real indexes


def test_searches_keep_answering_while_snapshots_are_swapped_and_removed(
    tmp_path: Path, hashing_embedder: HashingEmbedder
) -> None:
    # keep_snapshots 1: every run removes the snapshot searches were just using.
    settings = build_fixture_index(tmp_path, hashing_embedder).replace(keep_snapshots=1)
    engine = SearchEngine(settings, embedder=hashing_embedder)
    stop = threading.Event()
    answered: list[int] = []
    failures: list[BaseException] = []

    def search() -> None:
        while not stop.is_set():
            try:
                response = engine.search(Query("how many days of annual leave"))
                assert response.results[0].id == "hr/annual-leave.md"
                answered.append(1)
            except BaseException as exc:  # reported below; a thread cannot raise into the test
                failures.append(exc)
                return

    searchers = [threading.Thread(target=search) for _ in range(3)]
    for thread in searchers:
        thread.start()
    try:
        for n in range(3):
            note = settings.content_path / "it" / f"note-{n}.md"
            note.write_text(f"---\ntitle: Note {n}\n---\nPrinter note {n}.\n", encoding="utf-8")
            assert IndexBuilder(settings, embedder=hashing_embedder).run().published
    finally:
        stop.set()
        for thread in searchers:
            thread.join()
    assert failures == []
    assert answered
    assert len(list((settings.index_path / "snapshots").iterdir())) == 1
    assert engine.search(Query("printer note 2")).results[0].id == "it/note-2.md"
