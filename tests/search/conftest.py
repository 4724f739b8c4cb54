"""Fixtures of the search tests.

`hashing_embedder` is a tiny deterministic stand-in for the embedding model
(hashed word stems, normalised): it lets the engine's behaviour be tested in
milliseconds, while the tests marked `slow` use the real model for quality.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from kb.settings import Settings
from search.terms import stem, words

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

GLOSSARY = """\
groups:
  - [vacation, annual leave, PTO, Urlaub]
  - [sick, ill, krank]
"""

RESTRICTED = """\
---
title: Payroll runbook for HR staff
audience: [hr]
tags: [payroll]
---
Run the monthly payroll batch in Workday on the 25th and check the vacation accruals.
"""


class HashingEmbedder:
    """Bag of hashed English stems as a unit vector: same words, same direction."""

    name = "test-hashing"
    dim = 64

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        for word in words(text):
            bucket = int(hashlib.sha1(stem(word, "en").encode()).hexdigest(), 16) % self.dim
            vec[bucket] += 1.0
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm else vec

    def embed(self, texts: Sequence[str], progress: object = None) -> np.ndarray:
        return (
            np.stack([self._vector(t) for t in texts])
            if texts
            else np.zeros((0, self.dim), dtype=np.float32)
        )

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)


@pytest.fixture(scope="session")
def hashing_embedder() -> HashingEmbedder:
    return HashingEmbedder()


def build_fixture_index(root: Path, embedder: object) -> Settings:
    """The fixture content plus a glossary and an HR-only article, indexed."""
    content = root / "content"
    shutil.copytree(FIXTURES / "content", content)
    (content / "_glossary.yml").write_text(GLOSSARY, encoding="utf-8")
    (content / "hr" / "payroll-runbook.md").write_text(RESTRICTED, encoding="utf-8")
    settings = Settings.load(
        {"content_dir": str(content), "index_dir": str(root / "index")}, environ={}
    )
    from indexer.build import IndexBuilder

    IndexBuilder(settings, embedder=embedder).run()  # type: ignore[arg-type]
    return settings


@pytest.fixture(scope="module")
def fixture_index(
    tmp_path_factory: pytest.TempPathFactory, hashing_embedder: HashingEmbedder
) -> Settings:
    """The fixture knowledge base indexed with the hashing embedder (fast)."""
    return build_fixture_index(tmp_path_factory.mktemp("search-fixture"), hashing_embedder)


@pytest.fixture(scope="module")
def fixture_engine(fixture_index: Settings, hashing_embedder: HashingEmbedder) -> Iterator[object]:
    from search.engine import SearchEngine

    engine = SearchEngine(fixture_index, embedder=hashing_embedder)
    yield engine
    engine.close()
