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
    settings = build_fixture_index(tmp_path, hashing_embedder, secondary_model="").replace(
        keep_snapshots=1
    )
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


def test_a_snapshot_removed_while_it_is_prepared_gives_way_to_the_next(
    tmp_path: Path, hashing_embedder: HashingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Index runs in a row: the snapshot a search was about to prepare is
    removed by the next run's garbage collector before its keyword index is
    read. The search failed (EmptyIndexError, a CI run under load); it now
    prepares the snapshot published after it."""
    from search import prepared as prepared_module

    settings = build_fixture_index(tmp_path, hashing_embedder, secondary_model="").replace(
        keep_snapshots=1
    )
    engine = SearchEngine(settings, embedder=hashing_embedder)
    first = engine.reader.get()
    real = prepared_module.PreparedSnapshot.build.__func__  # type: ignore[attr-defined]
    calls: list[str] = []

    def build_after_the_next_run(cls, snapshot, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(snapshot.name)
        if len(calls) == 1:
            note = settings.content_path / "it" / "note.md"
            note.write_text("---\ntitle: Note\n---\nPrinter note.\n", encoding="utf-8")
            assert IndexBuilder(settings, embedder=hashing_embedder).run().published
            assert not snapshot.path.exists()
        return real(cls, snapshot, *args, **kwargs)

    monkeypatch.setattr(
        prepared_module.PreparedSnapshot, "build", classmethod(build_after_the_next_run)
    )
    response = engine.search(Query("how many days of annual leave"))
    assert response.results[0].id == "hr/annual-leave.md"
    assert calls[0] == first.name and calls[1] != first.name
    assert engine.prepared().snapshot.name == calls[1]


def test_a_snapshot_removed_before_it_is_opened_gives_way_to_the_next(
    tmp_path: Path, hashing_embedder: HashingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CURRENT was read, then the snapshot it named removed before it was opened."""
    from indexer import reader as reader_module

    settings = build_fixture_index(tmp_path, hashing_embedder, secondary_model="")
    real = reader_module.snapshot.current_path
    gone = settings.index_path / "snapshots" / "20000101T000000-00000000"
    answers = iter([gone])
    monkeypatch.setattr(
        reader_module.snapshot, "current_path", lambda folder: next(answers, None) or real(folder)
    )
    opened = reader_module.SnapshotReader(settings.index_path).get()
    assert opened.path == real(settings.index_path) and opened.path.exists()
