"""An article's tables tell screen readers which cells head their columns; an
index written before they did is read again once, so that unchanged articles
show them too."""

from __future__ import annotations

import sqlite3

import pytest

from indexer import snapshot
from indexer.build import IndexBuilder
from indexer.reader import SnapshotReader
from indexer.write import TABLES_SCOPED
from kb.settings import Settings
from tests.support import HashingEmbedder


@pytest.fixture
def tiny_settings(tiny_settings: Settings) -> Settings:
    """The fixture content without the second model, which nothing here reads:
    loading and running it for every index built was most of these tests' time."""
    return tiny_settings.replace(secondary_model="")


RATES = "# Rates\n\n| City | Limit |\n|---|---|\n| Berlin | 120 EUR |\n"


def _html(settings: Settings) -> str:
    article = SnapshotReader(settings.index_path).get().article("it/rates.md")
    assert article is not None
    return article.body_html


def test_an_index_from_before_table_scopes_is_read_again_once(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    (tiny_settings.content_path / "it" / "rates.md").write_text(RATES, encoding="utf-8")
    builder = IndexBuilder(tiny_settings, embedder=hashing_embedder)
    assert builder.run().published
    assert '<th scope="col">City</th>' in _html(tiny_settings)

    # An older snapshot: its HTML without scopes and no marker in its manifest.
    path = snapshot.current_path(tiny_settings.index_path)
    manifest = snapshot.read_manifest(path)
    del manifest[TABLES_SCOPED]
    snapshot.write_manifest(path, manifest)
    db = sqlite3.connect(path / "meta.db")
    db.execute("UPDATE articles SET body_html = replace(body_html, ' scope=\"col\"', '')")
    articles = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    db.commit()
    db.close()
    assert "<th>City</th>" in _html(tiny_settings)

    again = builder.run()
    assert again.published and again.updated == articles
    assert again.embedded_passages == 0  # vectors from the cache
    assert '<th scope="col">City</th>' in _html(tiny_settings)
    assert not builder.run().published  # once
